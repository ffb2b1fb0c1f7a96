/// The parameter lists a reader parsed lately, by the bytes they were parsed from (between
/// the property name and the ':'), so that a line whose parameters were seen before shares
/// the list parsed then instead of parsing and allocating it again.
///
/// A file repeats a few parameter lists on every record: `TZID=America/New_York` on each
/// DTSTART and DTEND, `TYPE=INTERNET,WORK,PREF` on each work e-mail, an organizer's `CN=…`.
/// Parsing one makes an array (and one more for a second value), and looks up each name and
/// value in `ShortStrings`; a hit here is a hash of the bytes, one compare and a retain.
///
/// Only lists parsed without a diagnostic are kept, so a warning about a line is given for
/// every line that has it. Lists with a quoted value are not looked up (their end is not
/// the first ':'), nor lists longer than `maximumLength` bytes. Two ways per set, the one
/// used last first, as in `ShortStrings`; each reader has its own, used on its thread only.
final class ParameterLists {
  struct Parsed {
    var parameters: [ContentParameter]
    var encoding: String?
    var charset: String?
  }

  private struct Entry {
    /// The key's length, or -1 for an empty slot.
    var length: Int
    var hash: UInt64
    var key: [UInt8]
    var parsed: Parsed
  }

  /// The longest run of parameter bytes kept.
  static let maximumLength = 160
  /// 256 sets of two slots, through a pointer (a class's array property pays an exclusivity
  /// check on each access).
  private static let setBits = 8
  private static let slotCount = 2 << setBits
  private let slots: UnsafeMutablePointer<Entry>

  init() {
    slots = .allocate(capacity: Self.slotCount)
    slots.initialize(
      repeating: Entry(length: -1, hash: 0, key: [], parsed: Parsed(parameters: [])), count: Self.slotCount)
  }

  deinit {
    slots.deinitialize(count: Self.slotCount)
    slots.deallocate()
  }

  /// The list parsed from `bytes` lately, if any.
  @inline(__always)
  func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Parsed? {
    guard bytes.count <= Self.maximumLength else { return nil }
    let hash = Self.hash(bytes)
    let first = slots + Self.set(hash)
    if Self.matches(first, hash, bytes) { return first.pointee.parsed }
    if Self.matches(first + 1, hash, bytes) { return (first + 1).pointee.parsed }
    return nil
  }

  /// Keeps `parsed` for `bytes` in the set's first slot; the first slot's list moves to the
  /// second, whose list is dropped.
  func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ parsed: Parsed) {
    guard bytes.count <= Self.maximumLength else { return }
    let hash = Self.hash(bytes)
    let first = slots + Self.set(hash)
    (first + 1).pointee = first.pointee
    first.pointee = Entry(length: bytes.count, hash: hash, key: Array(bytes), parsed: parsed)
  }

  @inline(__always)
  private static func matches(_ slot: UnsafeMutablePointer<Entry>, _ hash: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard slot.pointee.length == bytes.count, slot.pointee.hash == hash else { return false }
    return slot.pointee.key.withUnsafeBufferPointer { equal($0, bytes) }
  }

  @inline(__always)
  private static func set(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - setBits)) &* 2 }

  /// Eight bytes at a time (the last word overlapping), mixed with the length.
  @inline(__always)
  private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let n = bytes.count
    var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
    guard n > 0, let base = bytes.baseAddress else { return h }
    let raw = UnsafeRawPointer(base)
    if n < 8 {
      var w: UInt64 = 0
      for i in 0..<n { w = w << 8 | UInt64(base[i]) }
      return (h ^ w) &* 0xC2B2_AE3D_27D4_EB4F
    }
    var i = 0
    while i + 8 <= n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xC2B2_AE3D_27D4_EB4F
      h ^= h >> 29
      i += 8
    }
    if i < n {
      h = (h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
      h ^= h >> 32
    }
    return h
  }

  /// Whether two runs of the same length hold the same bytes, eight at a time.
  @inline(__always)
  private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = a.count
    guard n == b.count else { return false }
    guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
    if n < 8 {
      for i in 0..<n where pa[i] != pb[i] { return false }
      return true
    }
    let ra = UnsafeRawPointer(pa)
    let rb = UnsafeRawPointer(pb)
    var i = 0
    while i + 8 <= n {
      if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
        return false
      }
      i += 8
    }
    return i == n
      || ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
  }
}
