import FerryModel
import FerryTime

/// Expands a recurring series into single events for `--series expand` (and for `keep`
/// when the target cannot hold the rule), through FerryTime's `RecurrenceExpander`.
///
/// Each instance is a copy of the master (or of its override) with no recurrence, its own
/// start and end, and a UID made from the master's UID and the occurrence
/// (`uid-20240309T100000`), so importers see independent events. Cancelled overrides are
/// left out.
struct SeriesExpander {
  /// The occurrence cap was reached; `instances` holds what fits.
  struct Truncated: Error {
    var limit: Int
    var instances: [Event]
  }

  let options: CalendarOptions
  let now: Timestamp
  let resolver: TimeZoneResolver
  var limit = RecurrenceExpander.defaultLimit

  /// The window: `--expand-from` (default today) to `--expand-until` (default one year
  /// later), as UTC days; `until` is inclusive (the whole day).
  var window: ExpansionWindow {
    let today = now.utc.date
    let from = options.expandFrom ?? today
    let until = options.expandUntil ?? LocalDate(year: from.year + 1, month: from.month, day: min(from.day, 28))
    return ExpansionWindow(
      fromUTC: LocalDateTime(date: from, time: .midnight), untilUTC: LocalDateTime(date: until.adding(days: 1), time: .midnight))
  }

  func expand(_ event: Event) throws -> [Event] {
    let (occurrences, truncated) = RecurrenceExpander(event: event, window: window, limit: limit, resolver: resolver).expand()
    var out: [Event] = []
    out.reserveCapacity(occurrences.count)
    for o in occurrences {
      var instance = o.override ?? event
      if instance.status == .cancelled && o.override != nil { continue }
      instance.recurrence = nil
      instance.recurrenceId = nil
      instance.recurrenceIdThisAndFuture = false
      instance.start = o.start
      instance.end = o.end
      if o.end != nil { instance.duration = nil }
      let base = event.uid ?? ICalendarWriter.stableUID(event)
      instance.uid = base + "-" + ICalValue.text(o.recurrenceId)
      instance.calendar = event.calendar
      out.append(instance)
    }
    if truncated { throw Truncated(limit: limit, instances: out) }
    return out
  }
}
