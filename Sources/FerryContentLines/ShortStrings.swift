/// The strings a reader made lately for short byte runs (up to 16 bytes), so that a name,
/// parameter or value seen before (`TEL`, `TYPE`, `WORK`, `TZID`, `VEVENT`, `OPAQUE`) is a
/// copy of a string already made rather than a new one.
///
/// Making a short string from bytes validates them (`String(decoding:)` checks UTF-8 even
/// after our own check, and upper-casing scans them once more); a lookup here is a few
/// word compares. A file repeats the same few dozen names, parameters and short values on
/// every record, so nearly every lookup hits. Direct-mapped: a miss replaces the slot.
///
/// A class, so that the reader's non-mutating `parse` (which borrows the reader rather than
/// copying it) can fill it; each reader has its own, used on the reader's thread only.
final class ShortStrings {
  private struct Entry {
    /// Length and kind, or -1 for an empty slot.
    var tag: Int
    var w0: UInt64
    var w1: UInt64
    var string: String
  }

  private static let slotBits = 9
  private let slots: UnsafeMutablePointer<Entry>

  /// What the string is made of the bytes with: one kind per way of making it, so that the
  /// same bytes made two ways (a name upper-cased, a value as it is) do not meet.
  enum Kind: Int {
    case upperASCII = 0
    case parameterValue = 1
    case value = 2
    case plain = 3
  }

  init() {
    let count = 1 << Self.slotBits
    slots = .allocate(capacity: count)
    slots.initialize(repeating: Entry(tag: -1, w0: 0, w1: 0, string: ""), count: count)
  }

  deinit {
    slots.deinitialize(count: 1 << Self.slotBits)
    slots.deallocate()
  }

  /// The string for `bytes` made by `make` (which must depend on the bytes and `kind`
  /// only, and report nothing), from the table when it was made lately. A nil from `make`
  /// is returned and not kept.
  @inline(__always)
  func stringIfMade(
    _ bytes: UnsafeBufferPointer<UInt8>, kind: Kind, make: (UnsafeBufferPointer<UInt8>) -> String?
  ) -> String? {
    guard let key = Self.key(bytes, kind: kind) else { return make(bytes) }
    let slot = slots + key.slot
    if slot.pointee.tag == key.tag, slot.pointee.w0 == key.w0, slot.pointee.w1 == key.w1 {
      return slot.pointee.string
    }
    guard let made = make(bytes) else { return nil }
    slot.pointee = Entry(tag: key.tag, w0: key.w0, w1: key.w1, string: made)
    return made
  }

  /// `stringIfMade(_:kind:make:)` for a `make` that always makes one.
  @inline(__always)
  func string(_ bytes: UnsafeBufferPointer<UInt8>, kind: Kind, make: (UnsafeBufferPointer<UInt8>) -> String) -> String {
    guard let key = Self.key(bytes, kind: kind) else { return make(bytes) }
    let slot = slots + key.slot
    if slot.pointee.tag == key.tag, slot.pointee.w0 == key.w0, slot.pointee.w1 == key.w1 {
      return slot.pointee.string
    }
    let made = make(bytes)
    slot.pointee = Entry(tag: key.tag, w0: key.w0, w1: key.w1, string: made)
    return made
  }

  @inline(__always)
  private static func key(
    _ bytes: UnsafeBufferPointer<UInt8>, kind: Kind
  ) -> (slot: Int, tag: Int, w0: UInt64, w1: UInt64)? {
    let n = bytes.count
    guard n > 0, n <= 16, let base = bytes.baseAddress else { return nil }
    // The bytes as two words, with the length in the tag: for 8 to 16 bytes the first and
    // the last eight (overlapping), for 4 to 7 the first and the last four, for 1 to 3 the
    // first, middle and last byte. Each covers every byte, so equal words and length mean
    // equal bytes; no load reaches outside the bytes.
    let raw = UnsafeRawPointer(base)
    let w0: UInt64
    let w1: UInt64
    if n >= 8 {
      w0 = raw.loadUnaligned(as: UInt64.self)
      w1 = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 {
      w0 =
        UInt64(raw.loadUnaligned(as: UInt32.self))
        | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
      w1 = 0
    } else {
      w0 = UInt64(base[0]) | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1]) << 16
      w1 = 0
    }
    let tag = n | kind.rawValue << 8
    let hash = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ ((w1 &+ UInt64(tag)) &* 0xC2B2_AE3D_27D4_EB4F)
    return (Int(truncatingIfNeeded: hash >> UInt64(64 - slotBits)), tag, w0, w1)
  }
}
