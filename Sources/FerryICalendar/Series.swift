import FerryModel
import FerryTime

/// Expands a recurring series into single events for `--series expand` (and for `keep`
/// when the target cannot hold the rule), through FerryTime's `RecurrenceExpander`.
///
/// Each instance is a copy of the master (or of its override) with no recurrence, its own
/// start and end, and a UID made from the master's UID and the occurrence
/// (`uid-20240309T100000`), so importers see independent events. Cancelled overrides stay,
/// with STATUS:CANCELLED (as recurring-ical-events keeps them).
struct SeriesExpander {
  /// The series uses RFC 7529 calendar scales (`RSCALE`, `SKIP`), which the engine does not
  /// expand; the writer keeps it as a series.
  struct Unsupported: Error {
    var reason: String
  }

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

  /// The window for one series: a finite series that ferry expands on its own (the target
  /// cannot hold its rule) is expanded whole when no window was asked for, so importing a
  /// past series loses none of it; an endless one, or an explicit window, uses `window`.
  func window(for event: Event, whole: Bool) -> ExpansionWindow {
    guard whole, options.expandFrom == nil, options.expandUntil == nil, event.recurrence?.isFinite == true else {
      return window
    }
    return .unbounded
  }

  func expand(_ event: Event, whole: Bool = false) throws -> [Event] {
    let rules = [event.recurrence?.rule].compactMap { $0 } + (event.recurrence?.extraRules ?? [])
    if let part = rules.flatMap(\.extraParts).first(where: { $0.name == "RSCALE" || $0.name == "SKIP" }) {
      throw Unsupported(reason: "\(part.name)=\(part.values.joined(separator: ",")) (RFC 7529) is not expanded")
    }
    let (occurrences, truncated) = RecurrenceExpander(
      event: event, window: window(for: event, whole: whole), limit: limit, resolver: resolver
    ).expand()
    var out: [Event] = []
    out.reserveCapacity(occurrences.count)
    for o in occurrences {
      var instance = o.override.map { $0.inheriting(from: event) } ?? event
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
