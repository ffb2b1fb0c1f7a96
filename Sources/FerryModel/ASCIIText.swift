/// Byte-level helpers for the ASCII tokens that formats are made of (`mailto:`, `tel:`,
/// `TYPE` values). They avoid building a lower-cased copy of a string just to compare it, and
/// Foundation's `contains(_:)`, which goes through `range(of:)`.
extension StringProtocol {
  /// Whether the string starts with `prefix`, ASCII letters compared without case.
  /// `prefix` must be ASCII.
  @inlinable
  public func hasPrefixIgnoringASCIICase(_ prefix: StaticString) -> Bool {
    let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
    var i = utf8.startIndex
    for b in p {
      guard i < utf8.endIndex else { return false }
      let c = utf8[i]
      let lc = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
      let lb = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
      if lc != lb { return false }
      i = utf8.index(after: i)
    }
    return true
  }

  /// Whether the UTF-8 of the string contains the byte `byte`.
  @inlinable
  public func containsByte(_ byte: UInt8) -> Bool { utf8.contains(byte) }
}

/// Well-formed UTF-8 (Unicode §3.9, table 3-7), checked by hand, eight ASCII bytes at a time:
/// the CSV reader checks every row with it, and the content-line reader every value, where
/// `String(validating:as:)` reached the runtime's generic metadata on every call, which cost
/// more than the check itself on short values.
public enum UTF8Check {
  /// Whether `bytes` is well-formed UTF-8: no overlong forms, no surrogates, nothing past
  /// U+10FFFF, no truncated sequence.
  public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let count = bytes.count
    var i = 0
    while i < count {
      // Eight ASCII bytes at a time.
      while i + 8 <= count {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        if word & 0x8080_8080_8080_8080 != 0 { break }
        i += 8
      }
      guard i < count else { return true }
      let lead = base[i]
      if lead < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      default: return false
      }
      guard i + length <= count else { return false }
      let second = base[i + 1]
      guard second >= low, second <= high else { return false }
      var k = 2
      while k < length {
        guard base[i + k] & 0xC0 == 0x80 else { return false }
        k += 1
      }
      i += length
    }
    return true
  }

  /// The bytes as a string when they are well-formed UTF-8, else nil.
  public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
  }

  /// The bytes as a string when they are well-formed UTF-8, else nil.
  public static func string(_ bytes: some Collection<UInt8>) -> String? {
    if let s = bytes.withContiguousStorageIfAvailable({ string($0) }) { return s }
    return Array(bytes).withUnsafeBufferPointer { string($0) }
  }
}
