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
  /// older rule, an RDATE, a DTSTART the rule does not produce). This is what an Exchange recurrence pattern holds (no RDATE,
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
    // RFC 5545 makes DTSTART the first instance even when the rule does not produce it; an
    // Exchange pattern has only the rule's occurrences, so such a DTSTART is not counted.
    let startLocal = event.start?.localDateTime.secondsSinceEpoch ?? 0
    var ruleOnly = RuleIterator(rule: rule, start: startLocal, zone: nil, includeStart: false, horizon: startLocal + 200 * 366 * 86400)
    let startIsOccurrence = ruleOnly.next() == startLocal
    var skipStart = !startIsOccurrence
    var iterator = RecurrenceExpander(event: probe, window: .unbounded, limit: limit, resolver: resolver).makeIterator()
    let last = ids.map { $0.localDateTime.secondsSinceEpoch }.max() ?? 0
    while left > 0, let o = iterator.next() {
      if skipStart {
        skipStart = false
        continue
      }
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

  /// Whether two copies of a series (the CRM's, a mailbox export's) make the same
  /// occurrences: the same length and the same first `limit` occurrences of their main rule
  /// (compared by `key`: instants, or dates for whole days), however each spells its rule
  /// and zone. When they differ, occurrence indexes and ids of one do not fit the other.
  public static func samePattern(_ a: Event, _ b: Event, fallbackZone: String? = nil, limit: Int = 400) -> Bool {
    func length(_ e: Event) -> Int? {
      if let s = e.start, let end = e.end { return end.localDateTime.secondsSinceEpoch - s.localDateTime.secondsSinceEpoch }
      return e.duration?.totalSeconds
    }
    guard length(a) == length(b) else { return false }
    func occurrences(_ e: Event) -> [String] {
      guard let rule = e.recurrence?.rule, e.start != nil else { return [] }
      var probe = e
      probe.recurrence = Recurrence(rule: rule)
      let resolver = e.rawComponents.isEmpty ? TimeZoneResolver.shared : TimeZoneResolver(zonesOf: e)
      var keys: [String] = []
      var iterator = RecurrenceExpander(event: probe, window: .unbounded, limit: limit, resolver: resolver).makeIterator()
      while let o = iterator.next() { keys.append(key(o.recurrenceId, fallbackZone: fallbackZone, resolver: resolver)) }
      return keys
    }
    return occurrences(a) == occurrences(b)
  }

  /// One occurrence of `series` as the series makes it (`original`: the series' fields at
  /// the time `override.recurrenceId` names, with the series' length) and as `override`
  /// changes it (`changed`: the override completed from the series, `Event.inheriting(from:)`;
  /// a moved start keeps the series' length when the override gives no end). Both are single
  /// events (no recurrence) with the series' identity, so that a writer can send the fields
  /// where they differ.
  public static func occurrence(of series: Event, changedBy override: Event) -> (original: Event, changed: Event) {
    var plain = series
    plain.recurrence = nil
    plain.recurrenceId = nil
    var original = plain
    let id = override.recurrenceId ?? series.start
    original.start = id
    let length: Int? = {
      guard let s = series.start, let e = series.end else { return nil }
      return e.localDateTime.secondsSinceEpoch - s.localDateTime.secondsSinceEpoch
    }()
    if let id, let length { original.end = shifted(id, seconds: length) }
    var changed = override.inheriting(from: plain)
    changed.recurrence = nil
    changed.recurrenceId = nil
    changed.source = plain.source
    changed.uid = plain.uid
    changed.raw = plain.raw
    let startIsDate: Bool
    if case .date? = override.start { startIsDate = true } else { startIsDate = false }
    changed.isAllDay = override.isAllDay || (series.isAllDay && (override.start == nil || startIsDate))
    if override.start == nil {
      changed.start = original.start
      changed.end = override.end ?? original.end
    } else if changed.end == nil, let start = changed.start, let length {
      changed.end = shifted(start, seconds: length)
    }
    if changed.end != nil {
      changed.duration = nil
      original.duration = nil
    }
    return (original, changed)
  }

  private static func shifted(_ t: EventTime, seconds: Int) -> EventTime {
    switch t {
    case .date(let d): return .date(d.adding(days: seconds / 86400))
    case .floating(let l): return .floating(l.adding(seconds: seconds))
    case .utc(let l): return .utc(l.adding(seconds: seconds))
    case .zoned(let l, let z): return .zoned(l.adding(seconds: seconds), zone: z)
    }
  }

  /// Whether two recurrence ids name the same occurrence: the same `key`, or for a UTC
  /// instant (Graph's `originalStart`: a whole day's midnight in the mailbox's zone) against
  /// a whole day, the day nearest to it (right for zones UTC-11 to UTC+12).
  public static func same(_ a: EventTime, _ b: EventTime, fallbackZone: String? = nil) -> Bool {
    switch (a, b) {
    case (.utc(let u), .date(let d)), (.date(let d), .utc(let u)): return u.adding(seconds: 12 * 3600).date == d
    default: return key(a, fallbackZone: fallbackZone) == key(b, fallbackZone: fallbackZone)
    }
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
