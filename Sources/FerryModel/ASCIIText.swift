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
