/// Character encodings at the edge of the CSV reader: everything becomes UTF-8 bytes before
/// the syntax core sees it.
///
/// - A BOM decides first: `EF BB BF` UTF-8 (stripped), `FF FE` UTF-16LE, `FE FF` UTF-16BE.
/// - `ReadOptions.inputEncoding` overrides the BOM and the guess.
/// - Otherwise UTF-8; a field that is not valid UTF-8 is read as Windows-1252 instead, with a
///   warning naming the line (`CSVRowReader`).
public enum CSVEncoding: String, Sendable, CaseIterable {
  case utf8 = "utf-8"
  case utf16LE = "utf-16le"
  case utf16BE = "utf-16be"
  case windows1252 = "windows-1252"
  case latin1 = "iso-8859-1"

  /// Parses an `--input-encoding` value, accepting common spellings.
  public init?(name: String) {
    let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
    switch key {
    case "utf-8", "utf8": self = .utf8
    case "utf-16le", "utf16le", "utf-16", "unicode": self = .utf16LE
    case "utf-16be", "utf16be": self = .utf16BE
    case "windows-1252", "cp1252", "win-1252", "ansi": self = .windows1252
    case "iso-8859-1", "latin1", "latin-1", "iso8859-1": self = .latin1
    default: return nil
    }
  }

  /// The encoding a byte-order mark announces, and the mark's length.
  public static func fromBOM(_ head: some Collection<UInt8>) -> (CSVEncoding, Int)? {
    let b = Array(head.prefix(3))
    if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return (.utf8, 3) }
    if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return (.utf16LE, 2) }
    if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return (.utf16BE, 2) }
    return nil
  }
}

/// Turns chunks of input in one encoding into UTF-8, keeping partial characters between
/// chunks (a UTF-16 code unit or a surrogate pair split across two reads).
struct TranscodingStream {
  let encoding: CSVEncoding
  private var carry: [UInt8] = []
  private var highSurrogate: UInt32?
  /// Bytes that were not a valid character (an unpaired surrogate), replaced by U+FFFD.
  private(set) var replacements = 0

  init(encoding: CSVEncoding) { self.encoding = encoding }

  mutating func transcode(_ chunk: [UInt8], into out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    switch encoding {
    case .utf8:
      out.append(contentsOf: chunk)
    case .windows1252, .latin1:
      out.reserveCapacity(chunk.count + chunk.count / 4)
      for b in chunk {
        if b < 0x80 {
          out.append(b)
        } else {
          let scalar = encoding == .windows1252 ? Windows1252.scalar(b) : UInt32(b)
          appendUTF8(scalar, to: &out)
        }
      }
    case .utf16LE, .utf16BE:
      var bytes = carry
      bytes.append(contentsOf: chunk)
      carry.removeAll()
      var i = 0
      out.reserveCapacity(bytes.count)
      while i + 1 < bytes.count {
        let unit =
          encoding == .utf16LE
          ? UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 : UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
        i += 2
        if let high = highSurrogate {
          highSurrogate = nil
          if unit >= 0xDC00 && unit <= 0xDFFF {
            appendUTF8(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &out)
            continue
          }
          replacements += 1
          appendUTF8(0xFFFD, to: &out)
        }
        if unit >= 0xD800 && unit <= 0xDBFF {
          highSurrogate = unit
        } else if unit >= 0xDC00 && unit <= 0xDFFF {
          replacements += 1
          appendUTF8(0xFFFD, to: &out)
        } else {
          appendUTF8(unit, to: &out)
        }
      }
      if i < bytes.count { carry = [bytes[i]] }
    }
  }

  /// Whatever is left at the end (an odd byte, a lone high surrogate) becomes U+FFFD.
  mutating func finish(into out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    if !carry.isEmpty || highSurrogate != nil {
      replacements += 1
      appendUTF8(0xFFFD, to: &out)
      carry.removeAll()
      highSurrogate = nil
    }
  }
}

@inline(__always)
func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
  switch scalar {
  case 0..<0x80:
    out.append(UInt8(scalar))
  case 0x80..<0x800:
    out.append(UInt8(0xC0 | scalar >> 6))
    out.append(UInt8(0x80 | scalar & 0x3F))
  case 0x800..<0x10000:
    out.append(UInt8(0xE0 | scalar >> 12))
    out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
    out.append(UInt8(0x80 | scalar & 0x3F))
  default:
    out.append(UInt8(0xF0 | scalar >> 18))
    out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
    out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
    out.append(UInt8(0x80 | scalar & 0x3F))
  }
}

/// Windows-1252: Latin-1 plus printable characters in 0x80–0x9F.
enum Windows1252 {
  private static let high: [UInt32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D,
    0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,
    0x017E, 0x0178,
  ]
  static func scalar(_ b: UInt8) -> UInt32 {
    b >= 0x80 && b <= 0x9F ? high[Int(b) - 0x80] : UInt32(b)
  }

  /// Re-reads bytes as Windows-1252, as UTF-8.
  static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 8)
    for b in bytes { appendUTF8(scalar(b), to: &out) }
    return out
  }
}
