#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import FerryModel

/// A recurrence in the shape Exchange stores it (EWS `t:Recurrence`, Graph
/// `patternedRecurrence`): one of six patterns and one of three ranges.
///
/// Shared by the EWS and Graph writers so both map RRULEs the same way. `init(rule:start:)`
/// says why when a rule has no such shape (hourly, BYHOUR, several ordinals, a BYSETPOS list).
public struct ExchangeRecurrencePattern: Sendable, Hashable {
  public enum Kind: String, Sendable { case daily, weekly, absoluteMonthly, relativeMonthly, absoluteYearly, relativeYearly }
  /// A relative pattern's day: one weekday, or EWS's `Day`/`Weekday`/`WeekendDay` sets.
  public enum RelativeDay: Sendable, Hashable {
    case weekday(RecurrenceRule.Weekday)
    case anyDay, weekDay, weekendDay
    /// The weekdays the set stands for.
    public var days: [RecurrenceRule.Weekday] {
      switch self {
      case .weekday(let d): [d]
      case .anyDay: [.sunday, .monday, .tuesday, .wednesday, .thursday, .friday, .saturday]
      case .weekDay: [.monday, .tuesday, .wednesday, .thursday, .friday]
      case .weekendDay: [.saturday, .sunday]
      }
    }
  }
  public enum Range: Sendable, Hashable {
    case noEnd
    case endDate(LocalDate)
    case numbered(Int)
  }

  public var kind: Kind
  public var interval: Int
  /// Weekly: the days; relative patterns: `relativeDay` instead.
  public var daysOfWeek: [RecurrenceRule.Weekday]
  public var relativeDay: RelativeDay?
  /// 1 to 4, or -1 for the last.
  public var index: Int?
  public var dayOfMonth: Int?
  /// 1 to 12.
  public var month: Int?
  public var firstDayOfWeek: RecurrenceRule.Weekday?
  public var startDate: LocalDate
  public var range: Range

  /// Why a rule has no Exchange shape.
  public struct Problem: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
  }

  /// The pattern for `rule` starting on `start`, or why there is none.
  ///
  /// - Parameter yearlyInterval: the target keeps an interval on yearly patterns (Graph's
  ///   `recurrencePattern.interval` does; EWS's yearly patterns have no Interval).
  public static func make(
    _ rule: RecurrenceRule, start: LocalDate, yearlyInterval: Bool = false
  ) -> Result<ExchangeRecurrencePattern, Problem> {
    if !rule.bySecond.isEmpty || !rule.byMinute.isEmpty || !rule.byHour.isEmpty || !rule.byYearDay.isEmpty
      || !rule.byWeekNumber.isEmpty || !rule.extraParts.isEmpty
    {
      return .failure(.init("RRULE \"\(rule)\" uses parts Exchange has no pattern for"))
    }
    guard rule.interval >= 1 else { return .failure(.init("RRULE \"\(rule)\" has an interval below 1")) }
    let startDay = RecurrenceRule.Weekday(isoNumber: start.isoWeekday) ?? .monday
    let range: Range =
      if let count = rule.count { .numbered(count) } else if let until = rule.until { .endDate(until.localDateTime.date) } else {
        .noEnd
      }
    var p = ExchangeRecurrencePattern(
      kind: .daily, interval: rule.interval, daysOfWeek: [], relativeDay: nil, index: nil, dayOfMonth: nil, month: nil,
      firstDayOfWeek: nil, startDate: start, range: range)
    func relative() -> (RelativeDay, Int)? {
      let valid: (Int) -> Bool = { (1...4).contains($0) || $0 == -1 }
      if rule.bySetPosition.isEmpty, rule.byDay.count == 1, let ordinal = rule.byDay[0].ordinal, valid(ordinal) {
        return (.weekday(rule.byDay[0].weekday), ordinal)
      }
      guard rule.bySetPosition.count == 1, valid(rule.bySetPosition[0]), rule.byDay.allSatisfy({ $0.ordinal == nil }) else {
        return nil
      }
      let days = Set(rule.byDay.map(\.weekday))
      for set in [RelativeDay.anyDay, .weekDay, .weekendDay] where Set(set.days) == days { return (set, rule.bySetPosition[0]) }
      if days.count == 1 { return (.weekday(rule.byDay[0].weekday), rule.bySetPosition[0]) }
      return nil
    }
    switch rule.frequency {
    case .daily:
      if rule.interval == 1, !rule.byDay.isEmpty, rule.byDay.allSatisfy({ $0.ordinal == nil }), rule.byMonthDay.isEmpty,
        rule.byMonth.isEmpty, rule.bySetPosition.isEmpty
      {
        // `FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR` (how Outlook itself writes "every weekday") is the
        // weekly pattern on those days: the same occurrences, COUNT included.
        p.kind = .weekly
        p.daysOfWeek = rule.byDay.map(\.weekday)
        p.firstDayOfWeek = rule.weekStart
        break
      }
      guard rule.byDay.isEmpty, rule.byMonthDay.isEmpty, rule.byMonth.isEmpty, rule.bySetPosition.isEmpty else {
        return .failure(.init("RRULE \"\(rule)\" limits a daily rule, which Exchange cannot"))
      }
    case .weekly:
      guard rule.byMonthDay.isEmpty, rule.byMonth.isEmpty, rule.bySetPosition.isEmpty, rule.byDay.allSatisfy({ $0.ordinal == nil })
      else { return .failure(.init("RRULE \"\(rule)\" is a weekly rule Exchange cannot express")) }
      p.kind = .weekly
      p.daysOfWeek = rule.byDay.isEmpty ? [startDay] : rule.byDay.map(\.weekday)
      p.firstDayOfWeek = rule.weekStart
    case .monthly, .yearly:
      let yearly = rule.frequency == .yearly
      if yearly {
        guard rule.interval == 1 || yearlyInterval else {
          return .failure(.init("RRULE \"\(rule)\" repeats every few years, which EWS cannot"))
        }
        guard rule.byMonth.count <= 1 else { return .failure(.init("RRULE \"\(rule)\" names several months")) }
        p.month = rule.byMonth.first ?? start.month
      } else {
        guard rule.byMonth.isEmpty else { return .failure(.init("RRULE \"\(rule)\" limits months of a monthly rule")) }
      }
      if rule.byDay.isEmpty, rule.bySetPosition.isEmpty, rule.byMonthDay.count <= 1 {
        let day = rule.byMonthDay.first ?? start.day
        guard (1...31).contains(day) else { return .failure(.init("RRULE \"\(rule)\" counts month days from the end")) }
        // Exchange moves a day a month lacks to its last day (31 → 30 April, 28 February);
        // RFC 5545 skips that month. Only days every month (or every such February) has agree.
        if yearly {
          let month = p.month ?? start.month
          let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][max(0, min(11, month - 1))]
          guard day <= longest, !(month == 2 && day == 29) else {
            return .failure(.init("RRULE \"\(rule)\" falls on day \(day) of month \(month), which not every year has; Exchange would move it"))
          }
        } else if day > 28 {
          return .failure(
            .init("RRULE \"\(rule)\" falls on day \(day), which some months lack: RFC 5545 skips them, Exchange would move it to their last day"))
        }
        p.kind = yearly ? .absoluteYearly : .absoluteMonthly
        p.dayOfMonth = day
      } else if rule.byMonthDay.isEmpty, let (day, index) = relative() {
        p.kind = yearly ? .relativeYearly : .relativeMonthly
        p.relativeDay = day
        p.index = index
      } else {
        return .failure(.init("RRULE \"\(rule)\" is a \(yearly ? "yearly" : "monthly") rule Exchange cannot express"))
      }
    case .hourly, .minutely, .secondly:
      return .failure(.init("RRULE \"\(rule)\" repeats more often than daily, which Exchange cannot"))
    }
    return .success(p)
  }
}

extension ExchangeRecurrencePattern {
  /// The instances of a series as single events, for targets that cannot hold its rule
  /// (`--series keep` falls back to this; `--series expand` always does it).
  ///
  /// The window is `--expand-from`/`--expand-until`, by default `today` and a year later.
  /// Each instance keeps the series' fields and CRM id, loses the recurrence, and gets a
  /// UID made from the series UID and the instance's recurrence id, so reruns match.
  ///
  /// - Returns: the instances and whether the occurrence cap cut them short.
  public static func instances(of event: Event, options: CalendarOptions, today: LocalDate) -> (events: [Event], truncated: Bool) {
    let from = options.expandFrom ?? today
    let until = options.expandUntil ?? LocalDate(year: from.year + 1, month: from.month, day: min(from.day, 28))
    let window = ExpansionWindow(
      fromUTC: LocalDateTime(date: from, time: .midnight), untilUTC: LocalDateTime(date: until.adding(days: 1), time: .midnight))
    // A TZID only the source's VTIMEZONE defines expands by that definition, not as floating.
    let resolver = event.rawComponents.isEmpty ? TimeZoneResolver.shared : TimeZoneResolver(zonesOf: event)
    let (occurrences, truncated) = RecurrenceExpander(event: event, window: window, resolver: resolver).expand()
    let events = occurrences.map { o -> Event in
      // An override holds what changed; the rest is the series' (Event.inheriting(from:)).
      var single = o.override.map { $0.inheriting(from: event) } ?? event
      single.recurrence = nil
      single.recurrenceId = nil
      single.start = o.start
      single.end = o.end
      single.duration = nil
      if let uid = event.uid {
        let stamp = o.recurrenceId.localDateTime.description.filter { $0 != "-" && $0 != ":" }
        single.uid = "\(uid)-\(stamp)"
      }
      return single
    }
    return (events, truncated)
  }

  /// Today's date in UTC, from the system clock.
  public static func today() -> LocalDate {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return LocalDate(daysSinceEpoch: Int(now.tv_sec) / 86400)
  }
}
