import FerryModel

/// Names single occurrences of a series: a key that says when two recurrence ids (from the
/// CRM, from a mailbox export) mean the same occurrence, and an occurrence's position in the
/// series' pattern (EWS `OccurrenceItemId/@InstanceIndex`).
public enum SeriesOccurrences {
  /// A stable key for a recurrence id: the UTC instant of a zoned or UTC time (so that the
  /// same instant in two zones is one key), the wall clock of a floating time (in
  /// `fallbackZone` when given, as the writers place it), the date of a whole day.
  public static func key(_ t: EventTime, fallbackZone: String? = nil, resolver: TimeZoneResolver = .shared) -> String {
    switch t {
    case .date(let d): return "date:" + d.description
    case .utc(let u): return "utc:" + u.description
    case .zoned(let local, let name):
      guard let zone = resolver.zone(for: name) else { return "local:" + local.description }
      return "utc:" + zone.utc(forLocal: local).description
    case .floating(let local):
      guard let name = fallbackZone, let zone = TimeZoneResolver.shared.zone(for: name) else { return "local:" + local.description }
      return "utc:" + zone.utc(forLocal: local).description
    }
  }

  /// The 1-based position of each of `ids` among the occurrences of the series' main rule
  /// from DTSTART, or nil for an id that is no occurrence of it (a changed occurrence of an
  /// older rule, an RDATE). This is what an Exchange recurrence pattern holds (no RDATE,
  /// extra RRULE or EXDATE), and what EWS numbers: an excluded occurrence keeps its place,
  /// since Exchange answers an index of a deleted one with
  /// `ErrorCalendarOccurrenceIsDeletedFromRecurrence`, not with the next occurrence.
  ///
  /// The walk stops after the last id, at `limit` occurrences (then the rest are nil).
  public static func instanceIndexes(
    of ids: [EventTime], in event: Event, fallbackZone: String? = nil, limit: Int = RecurrenceExpander.defaultLimit
  ) -> [Int?] {
    guard !ids.isEmpty, let rule = event.recurrence?.rule, event.start != nil else { return ids.map { _ in nil } }
    let resolver = event.rawComponents.isEmpty ? TimeZoneResolver.shared : TimeZoneResolver(zonesOf: event)
    var probe = event
    probe.recurrence = Recurrence(rule: rule)
    let wanted = ids.map { key($0, fallbackZone: fallbackZone, resolver: resolver) }
    // Floating and whole-day ids also match an occurrence by its wall clock or date.
    let wantedLocal = ids.map { localKey($0) }
    var found = [Int?](repeating: nil, count: ids.count)
    var left = ids.count
    var index = 0
    var iterator = RecurrenceExpander(event: probe, window: .unbounded, limit: limit, resolver: resolver).makeIterator()
    let last = ids.map { $0.localDateTime.secondsSinceEpoch }.max() ?? 0
    while left > 0, let o = iterator.next() {
      index += 1
      let k = key(o.recurrenceId, fallbackZone: fallbackZone, resolver: resolver)
      let wall = o.recurrenceId.localDateTime
      let local = ["local:" + wall.description, "date:" + wall.date.description]
      for i in ids.indices where found[i] == nil && (wanted[i] == k || wantedLocal[i].map(local.contains) == true) {
        found[i] = index
        left -= 1
      }
      // Past the last id by more than any zone's offset: the rest are no occurrences.
      if o.recurrenceId.localDateTime.secondsSinceEpoch > last + 2 * 86400 { break }
    }
    return found
  }

  /// A key by wall clock (floating) or date (whole day), for ids that name no instant; nil
  /// for zoned and UTC ids, which `key` compares by instant.
  private static func localKey(_ t: EventTime) -> String? {
    switch t {
    case .date(let d): return "date:" + d.description
    case .floating(let l): return "local:" + l.description
    case .utc, .zoned: return nil
    }
  }
}
