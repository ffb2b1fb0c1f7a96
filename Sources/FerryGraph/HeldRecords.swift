import FerryModel
import FerryTime

/// Records `GraphReader` holds back so that a series' exceptions can join their master,
/// whichever of them comes first: at most a fixed number, oldest first, released in input
/// order (less the instances that joined their master).
struct HeldRecords {
  /// What a held record is to the series logic.
  enum Role {
    /// A single event or a contact.
    case plain
    /// A `seriesMaster`, with its Graph id and the zone its recurrence follows.
    case master(id: String, zone: ResolvedZone?)
    /// An `exception` or `occurrence` of the series `masterId`, whose master has not come yet.
    case instance(masterId: String, isException: Bool)
  }

  struct Slot {
    var record: Record
    var location: SourceLocation
    var role: Role
  }

  /// Held slots; nil where a slot left early (an instance that joined its master).
  private var slots: [Slot?] = []
  /// The sequence number of `slots[0]`, and the index of the oldest slot still held.
  private var base = 0
  private var start = 0
  /// Master id → sequence number of the held master.
  private var masters: [String: Int] = [:]
  /// Master id → sequence numbers of held instances waiting for it.
  private var orphans: [String: [Int]] = [:]

  /// The held master with Graph id `id`.
  func master(_ id: String) -> Slot? {
    guard let sequence = masters[id] else { return nil }
    return slots[sequence - base]
  }

  /// Puts back a master taken with `master(_:)` and changed.
  mutating func replaceMaster(_ id: String, with slot: Slot) {
    guard let sequence = masters[id] else { return }
    slots[sequence - base] = slot
  }

  /// Removes and returns the instances waiting for the master `id`, in input order.
  mutating func takeOrphans(of id: String) -> [Slot] {
    guard let list = orphans.removeValue(forKey: id) else { return [] }
    return list.compactMap { sequence in
      let slot = slots[sequence - base]
      slots[sequence - base] = nil
      return slot
    }
  }

  /// Holds a slot; returns the slots released to stay within `limit`.
  mutating func add(_ slot: Slot, limit: Int) -> [Slot] {
    let sequence = base + slots.count
    switch slot.role {
    case .master(let id, _): masters[id] = sequence
    case .instance(let id, _): orphans[id, default: []].append(sequence)
    case .plain: break
    }
    slots.append(slot)
    var released: [Slot] = []
    while slots.count - start > limit, let slot = releaseOldest() { released.append(slot) }
    return released
  }

  /// Releases every held slot, in input order.
  mutating func releaseAll() -> [Slot] {
    var released: [Slot] = []
    while start < slots.count {
      if let slot = releaseOldest() { released.append(slot) }
    }
    masters.removeAll()
    orphans.removeAll()
    return released
  }

  /// The oldest held slot, which leaves the hold (nil when it left early).
  private mutating func releaseOldest() -> Slot? {
    guard start < slots.count else { return nil }
    let first = slots[start]
    slots[start] = nil
    let sequence = base + start
    start += 1
    if start >= 1024 && start * 2 >= slots.count {
      // Compact now and then, so releasing stays O(1) on average.
      slots.removeFirst(start)
      base += start
      start = 0
    }
    guard let first else { return releaseOldestSkippingGaps() }
    switch first.role {
    case .master(let id, _): if masters[id] == sequence { masters[id] = nil }
    case .instance(let id, _):
      if var list = orphans[id] {
        list.removeAll { $0 == sequence }
        orphans[id] = list.isEmpty ? nil : list
      }
    case .plain: break
    }
    return first
  }

  /// After a gap (a slot that left early), the next slot still held, if any.
  private mutating func releaseOldestSkippingGaps() -> Slot? {
    while start < slots.count, slots[start] == nil { start += 1 }
    return start < slots.count ? releaseOldest() : nil
  }
}
