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
      var it = RecurrenceExpander(event: event, window: window, limit: limitPerSeries, resolver: resolver).makeIterator()
      while let o = it.next() {
        total += 1
        body(event, o)
      }
    }
    return total
  }
}
