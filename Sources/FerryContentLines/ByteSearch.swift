/// Finds bytes of interest eight at a time (SWAR): the scans that run over every value
/// (line ends, escapes) look at one 64-bit word where a byte loop would take eight steps.
public enum ByteSearch {
  /// The index of the first byte at or after `from` that equals `a`, `b`, `c`, `d` or `e`
  /// (repeat a byte to look for fewer), or `bytes.count` when there is none.
  @inlinable
  public static func firstIndex(
    in bytes: UnsafeBufferPointer<UInt8>, from: Int = 0, anyOf a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8,
    _ e: UInt8
  ) -> Int {
    let count = bytes.count
    var i = from
    if let base = bytes.baseAddress {
      while i + 8 <= count {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        let found =
          zeroBytes(word ^ spread(a)) | zeroBytes(word ^ spread(b)) | zeroBytes(word ^ spread(c))
          | zeroBytes(word ^ spread(d)) | zeroBytes(word ^ spread(e))
        // The lowest flagged byte is always a match (false alarms only follow a true one).
        if found != 0 { return i + found.trailingZeroBitCount / 8 }
        i += 8
      }
    }
    while i < count {
      let x = bytes[i]
      if x == a || x == b || x == c || x == d || x == e { return i }
      i += 1
    }
    return count
  }

  /// `firstIndex(in:from:anyOf:_:_:_:_:)` for up to three bytes.
  @inlinable
  public static func firstIndex(
    in bytes: UnsafeBufferPointer<UInt8>, from: Int = 0, anyOf a: UInt8, _ b: UInt8, _ c: UInt8
  ) -> Int {
    firstIndex(in: bytes, from: from, anyOf: a, b, c, c, c)
  }

  /// `byte` in each of the eight bytes of a word.
  @inlinable
  static func spread(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

  /// The high bit of each byte of `x` that is zero (and possibly of bytes after the first
  /// zero one: the borrow of `x - 1` runs on).
  @inlinable
  static func zeroBytes(_ x: UInt64) -> UInt64 { (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 }
}
