import Foundation
import FerryModel

/// Turns bytes in a named or guessed character set into a Swift string, at the edge
/// (STYLE.md §4: everything past the syntax layer is UTF-8).
public enum Charset {
  /// The result of decoding: the text, and whether ferry had to guess.
  public struct Decoded: Sendable {
    public var text: String
    /// Set when the bytes were not valid in the named charset (or not UTF-8 when none was
    /// named) and Windows-1252 was used instead.
    public var usedFallback: Bool
  }

  /// Decodes `bytes` as `charset` (`UTF-8`, `ISO-8859-1`, `WINDOWS-1252`, `SHIFT_JIS`, …).
  /// With no charset: UTF-8 when valid, else Windows-1252.
  public static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> Decoded {
    if charset == nil {
      // The common case: one validating pass (ASCII included), no scalar-by-scalar copy.
      if let text = UTF8Check.string(bytes) { return Decoded(text: text, usedFallback: false) }
      return Decoded(text: windows1252(bytes), usedFallback: true)
    }
    if bytes.allSatisfy({ $0 < 0x80 }) {
      return Decoded(text: String(decoding: bytes, as: UTF8.self), usedFallback: false)
    }
    let name = charset?.uppercased().replacingOccurrences(of: "_", with: "-")
    switch name {
    case nil, "UTF-8", "UTF8":
      if let s = UTF8Check.string(bytes) { return Decoded(text: s, usedFallback: false) }
      return Decoded(text: windows1252(bytes), usedFallback: true)
    case "ISO-8859-1", "LATIN1", "LATIN-1", "ISO8859-1", "US-ASCII":
      return Decoded(text: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), usedFallback: false)
    case "WINDOWS-1252", "CP1252", "CP-1252":
      return Decoded(text: windows1252(bytes), usedFallback: false)
    default:
      if let encoding = foundationEncoding(name ?? ""), let s = String(bytes: Array(bytes), encoding: encoding) {
        return Decoded(text: s, usedFallback: false)
      }
      if let s = validUTF8(bytes) { return Decoded(text: s, usedFallback: true) }
      return Decoded(text: windows1252(bytes), usedFallback: true)
    }
  }

  /// Whether `name` spells UTF-8.
  public static func isUTF8(_ name: String) -> Bool {
    ["UTF-8", "UTF8"].contains(name.uppercased().replacingOccurrences(of: "_", with: "-"))
  }

  /// Whether the named charset is one ferry can decode.
  public static func isKnown(_ charset: String) -> Bool {
    let name = charset.uppercased().replacingOccurrences(of: "_", with: "-")
    return ["UTF-8", "UTF8", "ISO-8859-1", "LATIN1", "WINDOWS-1252", "CP1252", "US-ASCII"].contains(name)
      || foundationEncoding(name) != nil
  }

  static func validUTF8(_ bytes: some Collection<UInt8>) -> String? {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var scalars = String.UnicodeScalarView()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let s): scalars.append(s)
      case .emptyInput: return String(scalars)
      case .error: return nil
      }
    }
  }

  /// Windows-1252: Latin-1 plus typographic characters in 0x80–0x9F.
  public static func windows1252(_ bytes: some Collection<UInt8>) -> String {
    var scalars = String.UnicodeScalarView()
    for b in bytes {
      if b >= 0x80 && b <= 0x9F {
        let u = cp1252High[Int(b - 0x80)]
        scalars.append(Unicode.Scalar(u) ?? Unicode.Scalar(0xFFFD)!)
      } else {
        scalars.append(Unicode.Scalar(b))
      }
    }
    return String(scalars)
  }

  private static let cp1252High: [UInt32] = [
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
    0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0xFFFD, 0x017E, 0x0178,
  ]

  static func foundationEncoding(_ name: String) -> String.Encoding? {
    switch name {
    case "SHIFT-JIS", "SJIS", "SHIFTJIS", "CP932", "WINDOWS-31J", "MS932": .shiftJIS
    case "EUC-JP": .japaneseEUC
    case "ISO-2022-JP": .iso2022JP
    case "UTF-16": .utf16
    case "UTF-16LE": .utf16LittleEndian
    case "UTF-16BE": .utf16BigEndian
    case "ISO-8859-2", "LATIN2", "ISO8859-2": .isoLatin2
    case "WINDOWS-1250", "CP1250": .windowsCP1250
    case "WINDOWS-1251", "CP1251": .windowsCP1251
    case "WINDOWS-1253", "CP1253": .windowsCP1253
    case "WINDOWS-1254", "CP1254": .windowsCP1254
    default: nil
    }
  }
}

/// Quoted-printable (RFC 2045) as vCard 2.1 uses it.
public enum QuotedPrintable {
  /// Decodes `=XX` escapes; soft line breaks were already removed by the line reader. An `=`
  /// not followed by two hex digits is kept as it is.
  public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
    let b = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity(b.count)
    var i = 0
    while i < b.count {
      if b[i] == .equals, i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
        out.append(h << 4 | l)
        i += 3
      } else {
        out.append(b[i])
        i += 1
      }
    }
    return out
  }

  /// Encodes bytes, escaping `=`, controls, non-ASCII and trailing spaces. No soft breaks.
  public static func encode(_ bytes: some Collection<UInt8>) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    let b = Array(bytes)
    for (i, c) in b.enumerated() {
      let trailingSpace = (c == .space || c == .tab) && (i == b.count - 1 || b[i + 1] == .cr || b[i + 1] == .lf)
      if c == .equals || c >= 0x7F || (c < 0x20 && c != .tab) || trailingSpace {
        out.append(.equals)
        out.append(digits[Int(c >> 4)])
        out.append(digits[Int(c & 15)])
      } else {
        out.append(c)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hex(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    default: nil
    }
  }
}
