/// The strings a reader made lately for short byte runs (up to 24 bytes), so that a name,
/// group or parameter seen before (`TEL`, `TYPE`, `WORK`, `TZID`, `item1`) is a copy of a
/// string already made rather than a new one. Up to 15 bytes a string is small (held in its
/// own bits, no allocation); from 16 a hit also saves an allocation, and the string's free
/// when its line goes.
///
/// Making a short string from bytes validates them (`String(decoding:)` checks UTF-8 even
/// after our own check, and upper-casing scans them once more); a lookup here is a few
/// word compares. A file repeats the same few dozen names and parameters on every record,
/// so nearly every lookup hits. Two ways per set (the one used last first): direct-mapped,
/// two of the few dozen strings in use shared a slot often enough to miss on every record
/// (13% of the names of an iCalendar file were made again).
///
/// Values are not kept here. Most are a record's own; a lookup that misses touches a slot
/// out of cache and replaces what it held, and for values those misses cost more than the
/// hits saved (a vCard conversion took 4% more time with them, an iCalendar one 2%).
///
/// A class, so that `LineParser.parse`, which does not mutate (the reader lends it a line's
/// bytes in place), can fill it; each reader has its own, used on the reader's thread only.
final class ShortStrings {
  private struct Entry {
    /// Length and kind, or -1 for an empty slot.
    var tag: Int
    var w0: UInt64
    var w1: UInt64
    var w2: UInt64
    var string: String
  }

  /// 256 sets of two slots (24 KB).
  private static let setBits = 8
  private let slots: UnsafeMutablePointer<Entry>

  /// What the string is made of the bytes with: one kind per way of making it, so that the
  /// same bytes made two ways (a name upper-cased, a value as it is) do not meet.
  enum Kind: Int {
    case upperASCII = 0
    case parameterValue = 1
    case plain = 2
  }

  init() {
    let count = 2 << Self.setBits
    slots = .allocate(capacity: count)
    slots.initialize(repeating: Entry(tag: -1, w0: 0, w1: 0, w2: 0, string: ""), count: count)
  }

  deinit {
    slots.deinitialize(count: 2 << Self.setBits)
    slots.deallocate()
  }

  /// The string for `bytes` made by `make` (which must depend on the bytes and `kind`
  /// only, and report nothing), from the table when it was made lately.
  @inline(__always)
  func string(_ bytes: UnsafeBufferPointer<UInt8>, kind: Kind, make: (UnsafeBufferPointer<UInt8>) -> String) -> String {
    guard let key = Self.key(bytes, kind: kind) else { return make(bytes) }
    let first = slots + 2 &* key.set
    if let hit = Self.hit(first, key) { return hit }
    let made = make(bytes)
    Self.insert(made, key, first)
    return made
  }

  private typealias Key = (set: Int, tag: Int, w0: UInt64, w1: UInt64, w2: UInt64)

  /// The string kept for `key` in the set that starts at `first`, if any.
  @inline(__always)
  private static func hit(_ first: UnsafeMutablePointer<Entry>, _ key: Key) -> String? {
    if first.pointee.tag == key.tag, first.pointee.w0 == key.w0, first.pointee.w1 == key.w1, first.pointee.w2 == key.w2 {
      return first.pointee.string
    }
    let second = first + 1
    if second.pointee.tag == key.tag, second.pointee.w0 == key.w0, second.pointee.w1 == key.w1,
      second.pointee.w2 == key.w2
    {
      return second.pointee.string
    }
    return nil
  }

  /// Keeps `made` in the set's first slot; the first slot's string moves to the second,
  /// whose string is dropped.
  private static func insert(_ made: String, _ key: Key, _ first: UnsafeMutablePointer<Entry>) {
    (first + 1).moveUpdate(from: first, count: 1)
    first.initialize(to: Entry(tag: key.tag, w0: key.w0, w1: key.w1, w2: key.w2, string: made))
  }

  @inline(__always)
  private static func key(
    _ bytes: UnsafeBufferPointer<UInt8>, kind: Kind
  ) -> Key? {
    let n = bytes.count
    guard n > 0, n <= 24, let base = bytes.baseAddress else { return nil }
    // The bytes as three words, with the length in the tag: for 17 to 24 bytes the first
    // sixteen and the last eight (overlapping), for 8 to 16 the first and the last eight, for
    // 4 to 7 the first and the last four, for 1 to 3 the first, middle and last byte. Each
    // covers every byte, so equal words and length mean equal bytes; no load reaches outside
    // the bytes.
    let raw = UnsafeRawPointer(base)
    let w0: UInt64
    let w1: UInt64
    var w2: UInt64 = 0
    if n > 16 {
      w0 = raw.loadUnaligned(as: UInt64.self)
      w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
      w2 = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    } else if n >= 8 {
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
    let hash = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ ((w1 &+ w2 &+ UInt64(tag)) &* 0xC2B2_AE3D_27D4_EB4F)
    return (Int(truncatingIfNeeded: hash >> UInt64(64 - setBits)), tag, w0, w1, w2)
  }
}
