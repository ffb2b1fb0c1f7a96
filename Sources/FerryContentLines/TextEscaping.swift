/// Backslash escapes of TEXT values (RFC 5545 §3.3.11, RFC 6350 §3.4) and splitting of
/// structured (`;`) and list (`,`) values.
public enum TextEscaping {
  /// `\n` `\N` → newline, `\\` `\,` `\;` `\:` → the character. Any other `\x` keeps the
  /// backslash (lenient, as most readers are).
  public static func unescape(_ text: some StringProtocol) -> String {
    guard text.utf8.contains(.backslash) else { return String(text) }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var escaped = false
    for c in text.utf8 {
      if escaped {
        switch c {
        case UInt8(ascii: "n"), UInt8(ascii: "N"): out.append(.lf)
        case .backslash, .comma, .semicolon, .colon: out.append(c)
        default:
          out.append(.backslash)
          out.append(c)
        }
        escaped = false
      } else if c == .backslash {
        escaped = true
      } else {
        out.append(c)
      }
    }
    if escaped { out.append(.backslash) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Escapes `\`, `;`, `,` and newlines (CRLF, CR, LF all become `\n`).
  ///
  /// - Parameter comma: escape commas (true for TEXT in vCard 3/4 and iCalendar; false for
  ///   vCard 2.1, which has no comma escape).
  public static func escape(_ text: String, comma: Bool = true, semicolon: Bool = true) -> String {
    var text = text
    return text.withUTF8 { bytes in
      // One pass over contiguous bytes: most values need no escape and come back as they are.
      var extra = 0
      for c in bytes {
        switch c {
        case .backslash, .cr, .lf: extra += 1
        case .semicolon where semicolon, .comma where comma: extra += 1
        default: break
        }
      }
      guard extra > 0 else { return nil }
      return String(unsafeUninitializedCapacity: bytes.count + extra) { out in
        var n = 0
        var previousCR = false
        for c in bytes {
          switch c {
          case .backslash:
            out[n] = .backslash
            out[n + 1] = c
            n += 2
          case .semicolon where semicolon, .comma where comma:
            out[n] = .backslash
            out[n + 1] = c
            n += 2
          case .cr:
            out[n] = .backslash
            out[n + 1] = UInt8(ascii: "n")
            n += 2
          case .lf:
            if !previousCR {
              out[n] = .backslash
              out[n + 1] = UInt8(ascii: "n")
              n += 2
            }
          default:
            out[n] = c
            n += 1
          }
          previousCR = c == .cr
        }
        return n
      }
    } ?? text
  }

  /// Appends `text` escaped as `escape(_:comma:semicolon:)` escapes it to `out`, as the
  /// content-line writer escapes a value (`OutputSpan.appendEscaped(bytes:comma:semicolon:)`).
  public static func escape(
    _ text: UnsafeBufferPointer<UInt8>, comma: Bool = true, semicolon: Bool = true, into out: inout [UInt8]
  ) {
    // At most two bytes for each byte of the text.
    out.append(addingCapacity: 2 * text.count) { $0.appendEscaped(bytes: text, comma: comma, semicolon: semicolon) }
  }

  /// `ByteSearch.firstIndex(in:from:anyOf:)` for `\`, `semicolon`, `comma`, CR and LF, whose
  /// last one to seven bytes are one word too: the last eight bytes of the text, or the
  /// whole of a shorter text, with the lanes before `from` masked off. A byte loop there
  /// took five compares a byte, and most values are short or end with a few odd bytes.
  @inline(__always)
  static func firstToEscape(
    in text: UnsafeBufferPointer<UInt8>, from: Int, _ semicolon: UInt8, _ comma: UInt8
  ) -> Int {
    let count = text.count
    guard let base = text.baseAddress, from < count else { return count }
    @inline(__always) func spread(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }
    // The high bit of each zero byte of `x`, exactly (no borrow from one byte to the next,
    // so a match masked off below cannot flag a byte above it).
    @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 {
      ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }
    @inline(__always) func matches(_ w: UInt64) -> UInt64 {
      zeroBytes(w ^ spread(.backslash)) | zeroBytes(w ^ spread(semicolon)) | zeroBytes(w ^ spread(comma))
        | zeroBytes(w ^ spread(.cr)) | zeroBytes(w ^ spread(.lf))
    }
    var i = from
    while i + 8 <= count {
      let found = matches(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)))
      if found != 0 { return i + found.trailingZeroBitCount / 8 }
      i += 8
    }
    guard i < count else { return count }
    // The word that holds the last bytes, and the lane of byte `i` in it.
    var word: UInt64 = 0
    let first: Int
    if count >= 8 {
      first = count - 8
      word = UInt64(littleEndian: UnsafeRawPointer(base + first).loadUnaligned(as: UInt64.self))
    } else {
      // Zero in the lanes past the end: no byte looked for is zero.
      first = 0
      for k in 0..<count { word |= UInt64(base[k]) << (8 * UInt64(k)) }
    }
    let found = matches(word) & (~0 << (8 * UInt64(i - first)))
    return found == 0 ? count : first + found.trailingZeroBitCount / 8
  }

  /// Splits at unescaped `separator`, keeping escapes in the parts (unescape each part
  /// afterwards).
  public static func split(_ text: some StringProtocol, separator: UInt8) -> [String] {
    var parts: [String] = []
    var current: [UInt8] = []
    var escaped = false
    for c in text.utf8 {
      if escaped {
        current.append(c)
        escaped = false
      } else if c == .backslash {
        current.append(c)
        escaped = true
      } else if c == separator {
        parts.append(String(decoding: current, as: UTF8.self))
        current.removeAll(keepingCapacity: true)
      } else {
        current.append(c)
      }
    }
    parts.append(String(decoding: current, as: UTF8.self))
    return parts
  }

  /// A structured value (`N`, `ADR`, `ORG`, `REQUEST-STATUS`): split at `;`, each part unescaped.
  public static func structured(_ text: some StringProtocol) -> [String] {
    split(text, separator: .semicolon).map { unescape($0) }
  }

  /// A structured value whose parts are lists (vCard 4 `ADR` street with `,`).
  public static func structuredLists(_ text: some StringProtocol) -> [[String]] {
    split(text, separator: .semicolon).map { part in split(part, separator: .comma).map { unescape($0) } }
  }

  /// A list value (`CATEGORIES`, `NICKNAME`): split at `,`, each part unescaped.
  public static func list(_ text: some StringProtocol) -> [String] {
    split(text, separator: .comma).map { unescape($0) }
  }

  // MARK: - String overloads
  //
  // The generic versions above are not specialised across modules; these concrete ones are
  // what callers holding a `String` get, and they skip all work when there is no escape.

  /// `unescape` for a `String`: returns the string itself when it has no backslash.
  public static func unescape(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes -> String? in
      // From one backslash to the next (found eight bytes at a time), copying the runs
      // between them whole: a byte loop took several instructions a byte, and most values
      // have no escape or a few.
      let count = bytes.count
      var i = ByteSearch.firstIndex(in: bytes, anyOf: .backslash, .backslash, .backslash)
      guard i < count else { return nil }
      // The result is never longer than the text (an escape of two bytes becomes one or two).
      return String(unsafeUninitializedCapacity: count) { out in
        var n = 0
        var start = 0
        while true {
          // The run before the backslash at `i`.
          let run = i - start
          if run > 0 {
            UnsafeMutableRawPointer(out.baseAddress! + n).copyMemory(
              from: bytes.baseAddress! + start, byteCount: run)
            n += run
          }
          guard i < count else { break }
          if i + 1 == count {
            // A backslash at the very end stays.
            out[n] = .backslash
            n += 1
            break
          }
          let c = bytes[i + 1]
          switch c {
          case UInt8(ascii: "n"), UInt8(ascii: "N"):
            out[n] = .lf
            n += 1
          case .backslash, .comma, .semicolon, .colon:
            out[n] = c
            n += 1
          default:
            out[n] = .backslash
            out[n + 1] = c
            n += 2
          }
          start = i + 2
          i = start < count ? ByteSearch.firstIndex(in: bytes, from: start, anyOf: .backslash, .backslash, .backslash) : count
        }
        return n
      }
    } ?? text
  }

  /// `split` for a `String`.
  public static func split(_ text: String, separator: UInt8) -> [String] {
    var text = text
    let plain = text.withUTF8 { buffer in !buffer.contains(separator) && !buffer.contains(.backslash) }
    if plain { return [text] }
    return split(Substring(text), separator: separator)
  }

  /// `structured` for a `String`.
  public static func structured(_ text: String) -> [String] {
    split(text, separator: .semicolon).map { unescape($0) }
  }

  /// `list` for a `String`.
  public static func list(_ text: String) -> [String] {
    split(text, separator: .comma).map { unescape($0) }
  }
}
