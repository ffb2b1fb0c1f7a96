import FerryModel

extension RecurrenceExpander {
  /// Expands every event of a set over one window and hands each instance to `body`; the
  /// helper the iCalendar bench times ("expand one year of 200,000 events"). Non-recurring
  /// events yield their start when it is in the window. Returns the number of instances.
  ///
  /// - Parameters:
  ///   - events: the series masters (overrides belong in their master's `recurrence`).
  ///   - window: the span, for example `.year(2025)`.
  ///   - limitPerSeries: the cap for each series.
  ///   - resolver: resolves zones; tz database zones are cached process-wide.
  @discardableResult
  public static func expandAll<S: Sequence<Event>>(
    _ events: S, window: ExpansionWindow, limitPerSeries: Int = RecurrenceExpander.defaultLimit,
    resolver: TimeZoneResolver = .shared, _ body: (Event, Occurrence) -> Void = { _, _ in }
  ) -> Int {
    var total = 0
    for event in events {
      if event.recurrence == nil {
        // The common case, without building an iterator.
        if let o = single(event, window: window, resolver: resolver) {
          total += 1
          body(event, o)
        }
        continue
      }
      var it = RecurrenceExpander(
        event: event, window: window, limit: limitPerSeries, resolver: resolver
      ).makeIterator()
      while let o = it.next() {
        total += 1
        body(event, o)
      }
    }
    return total
  }

  /// The one instance of a non-recurring event, when it is in the window.
  public static func single(
    _ event: Event, window: ExpansionWindow, resolver: TimeZoneResolver = .shared
  ) -> Occurrence? {
    guard let start = event.start else { return nil }
    let startKey: Int
    var startTime = start
    switch start {
    case .zoned(let t, let name):
      if let zone = resolver.zone(for: name) {
        startKey = zone.instant(forLocal: t)
        // A wall time in a gap has moved forward.
        let actual = zone.local(atInstant: startKey)
        if actual != t { startTime = .zoned(actual, zone: name) }
      } else {
        startKey = t.secondsSinceEpoch
      }
    case .date(let d): startKey = d.daysSinceEpoch * 86400
    case .floating(let t), .utc(let t): startKey = t.secondsSinceEpoch
    }
    var endKey: Int?
    var end = event.end
    if let e = event.end {
      if case .zoned(let t, let name) = e, let zone = resolver.zone(for: name) {
        endKey = zone.instant(forLocal: t)
      } else {
        endKey = e.localDateTime.secondsSinceEpoch
      }
    } else if let d = event.duration {
      let k = startKey + d.totalSeconds
      endKey = k
      switch start {
      case .zoned(_, let name):
        if let zone = resolver.zone(for: name) {
          end = .zoned(zone.local(atInstant: k), zone: name)
        }
      case .date: end = .date(LocalDate(daysSinceEpoch: k / 86400))
      case .floating: end = .floating(LocalDateTime(secondsSinceEpoch: k))
      case .utc: end = .utc(LocalDateTime(secondsSinceEpoch: k))
      }
    }
    if let until = window.until, startKey >= until { return nil }
    if let from = window.from, startKey < from,
      !(window.includesOverlapping && (endKey ?? startKey) > from)
    {
      return nil
    }
    return Occurrence(
      start: startTime, end: end, recurrenceId: startTime, override: nil, instant: startKey,
      endInstant: endKey)
  }
}
