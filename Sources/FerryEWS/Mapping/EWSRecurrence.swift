import FerryModel
import FerryTime

/// EWS recurrence patterns and ranges ↔ the model's `RecurrenceRule` (ews-xml.md,
/// "Recurrence").
///
/// EWS has six patterns (Daily, Weekly, Absolute/Relative Monthly, Absolute/Relative
/// Yearly) and three ranges (NoEnd, EndDate, Numbered). Anything else an RRULE can say
/// (hourly, BYHOUR, several ordinals, BYSETPOS with a list) has no EWS form.
public enum EWSRecurrence {
  static let dayNames: [(RecurrenceRule.Weekday, String)] = [
    (.sunday, "Sunday"), (.monday, "Monday"), (.tuesday, "Tuesday"), (.wednesday, "Wednesday"),
    (.thursday, "Thursday"), (.friday, "Friday"), (.saturday, "Saturday"),
  ]
  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
  ]
  static let indexNames: [(Int, String)] = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (-1, "Last")]
  static let weekdays: [RecurrenceRule.Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
  static let weekendDays: [RecurrenceRule.Weekday] = [.saturday, .sunday]

  static func weekday(_ name: String) -> RecurrenceRule.Weekday? { dayNames.first { $0.1 == name }?.0 }
  static func name(_ day: RecurrenceRule.Weekday) -> String { dayNames.first { $0.0 == day }?.1 ?? "Monday" }

  // MARK: - Reading

  /// The rule a `t:Recurrence` element describes, or a message saying why it has none.
  static func rule(from recurrence: XMLElement) -> Result<RecurrenceRule, RecurrenceProblem> {
    guard let pattern = recurrence.children.first else { return .failure(.init("empty Recurrence")) }
    func int(_ name: String) -> Int? { pattern.child(name).flatMap { Int($0.text.trimmed) } }
    var rule: RecurrenceRule
    func relative(_ days: String, _ index: String) -> Bool {
      guard let ordinal = indexNames.first(where: { $0.1 == index.trimmed })?.0 else { return false }
      switch days.trimmed {
      case "Day":
        rule.byDay = dayNames.map { .init($0.0) }
        rule.bySetPosition = [ordinal]
      case "Weekday":
        rule.byDay = weekdays.map { .init($0) }
        rule.bySetPosition = [ordinal]
      case "WeekendDay":
        rule.byDay = weekendDays.map { .init($0) }
        rule.bySetPosition = [ordinal]
      default:
        guard let day = weekday(days.trimmed) else { return false }
        rule.byDay = [.init(day, ordinal: ordinal)]
      }
      return true
    }
    func month() -> Int? {
      pattern.child("Month").flatMap { m in monthNames.firstIndex(of: m.text.trimmed).map { $0 + 1 } }
    }
    switch pattern.name {
    case "DailyRecurrence":
      rule = RecurrenceRule(frequency: .daily, interval: int("Interval") ?? 1)
    case "WeeklyRecurrence":
      rule = RecurrenceRule(frequency: .weekly, interval: int("Interval") ?? 1)
      let names = (pattern.child("DaysOfWeek")?.text ?? "").split(separator: " ").map(String.init)
      for n in names {
        guard let day = weekday(n) else { return .failure(.init("unknown day \"\(n)\" in WeeklyRecurrence")) }
        rule.byDay.append(.init(day))
      }
      if let first = pattern.child("FirstDayOfWeek").flatMap({ weekday($0.text.trimmed) }) { rule.weekStart = first }
    case "AbsoluteMonthlyRecurrence":
      rule = RecurrenceRule(frequency: .monthly, interval: int("Interval") ?? 1)
      guard let day = int("DayOfMonth") else { return .failure(.init("AbsoluteMonthlyRecurrence without DayOfMonth")) }
      rule.byMonthDay = [day]
    case "RelativeMonthlyRecurrence":
      rule = RecurrenceRule(frequency: .monthly, interval: int("Interval") ?? 1)
      guard relative(pattern.child("DaysOfWeek")?.text ?? "", pattern.child("DayOfWeekIndex")?.text ?? "") else {
        return .failure(.init("RelativeMonthlyRecurrence with unknown DaysOfWeek or DayOfWeekIndex"))
      }
    case "AbsoluteYearlyRecurrence":
      rule = RecurrenceRule(frequency: .yearly)
      guard let day = int("DayOfMonth"), let m = month() else {
        return .failure(.init("AbsoluteYearlyRecurrence without DayOfMonth or Month"))
      }
      rule.byMonth = [m]
      rule.byMonthDay = [day]
    case "RelativeYearlyRecurrence":
      rule = RecurrenceRule(frequency: .yearly)
      guard let m = month(),
        relative(pattern.child("DaysOfWeek")?.text ?? "", pattern.child("DayOfWeekIndex")?.text ?? "")
      else { return .failure(.init("RelativeYearlyRecurrence with unknown Month, DaysOfWeek or DayOfWeekIndex")) }
      rule.byMonth = [m]
    default:
      return .failure(.init("recurrence pattern \"\(pattern.name)\" is not a calendar pattern"))
    }
    guard recurrence.children.count > 1 else { return .success(rule) }
    let range = recurrence.children[1]
    switch range.name {
    case "NoEndRecurrence": break
    case "EndDateRecurrence":
      guard let end = range.child("EndDate").flatMap({ EWSTime.parse($0.text.trimmed) }) else {
        return .failure(.init("EndDateRecurrence without a valid EndDate"))
      }
      rule.until = .date(end.local.date)
    case "NumberedRecurrence":
      guard let n = range.child("NumberOfOccurrences").flatMap({ Int($0.text.trimmed) }) else {
        return .failure(.init("NumberedRecurrence without NumberOfOccurrences"))
      }
      rule.count = n
    default: return .failure(.init("unknown recurrence range \"\(range.name)\""))
    }
    return .success(rule)
  }

  /// Why a rule has no EWS form (or a recurrence element no rule).
  public struct RecurrenceProblem: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
  }

  // MARK: - Writing

  /// The `t:Recurrence` element for a rule, starting on `start`, or why EWS cannot say it.
  static func element(for rule: RecurrenceRule, start: LocalDate) -> Result<XMLElement, RecurrenceProblem> {
    switch ExchangeRecurrencePattern.make(rule, start: start) {
    case .failure(let problem): return .failure(.init(problem.message))
    case .success(let p): return .success(element(p))
    }
  }

  static func element(_ p: ExchangeRecurrencePattern) -> XMLElement {
    func leaf(_ name: String, _ text: String) -> XMLElement { XMLElement(name: name, text: text) }
    func relativeName(_ day: ExchangeRecurrencePattern.RelativeDay?) -> String {
      switch day {
      case .weekday(let d): name(d)
      case .anyDay: "Day"
      case .weekDay: "Weekday"
      case .weekendDay: "WeekendDay"
      case nil: "Day"
      }
    }
    let index = indexNames.first { $0.0 == p.index }?.1 ?? "First"
    let month = monthNames[max(0, min(11, (p.month ?? 1) - 1))]
    let pattern: XMLElement
    switch p.kind {
    case .daily:
      pattern = XMLElement(name: "DailyRecurrence", children: [leaf("Interval", "\(p.interval)")])
    case .weekly:
      var children = [leaf("Interval", "\(p.interval)"), leaf("DaysOfWeek", p.daysOfWeek.map(name).joined(separator: " "))]
      if let first = p.firstDayOfWeek { children.append(leaf("FirstDayOfWeek", name(first))) }
      pattern = XMLElement(name: "WeeklyRecurrence", children: children)
    case .absoluteMonthly:
      pattern = XMLElement(
        name: "AbsoluteMonthlyRecurrence", children: [leaf("Interval", "\(p.interval)"), leaf("DayOfMonth", "\(p.dayOfMonth ?? 1)")])
    case .relativeMonthly:
      pattern = XMLElement(
        name: "RelativeMonthlyRecurrence",
        children: [leaf("Interval", "\(p.interval)"), leaf("DaysOfWeek", relativeName(p.relativeDay)), leaf("DayOfWeekIndex", index)])
    case .absoluteYearly:
      pattern = XMLElement(name: "AbsoluteYearlyRecurrence", children: [leaf("DayOfMonth", "\(p.dayOfMonth ?? 1)"), leaf("Month", month)])
    case .relativeYearly:
      pattern = XMLElement(
        name: "RelativeYearlyRecurrence",
        children: [leaf("DaysOfWeek", relativeName(p.relativeDay)), leaf("DayOfWeekIndex", index), leaf("Month", month)])
    }
    let startDate = leaf("StartDate", p.startDate.description)
    let range: XMLElement
    switch p.range {
    case .numbered(let n): range = XMLElement(name: "NumberedRecurrence", children: [startDate, leaf("NumberOfOccurrences", "\(n)")])
    case .endDate(let d): range = XMLElement(name: "EndDateRecurrence", children: [startDate, leaf("EndDate", d.description)])
    case .noEnd: range = XMLElement(name: "NoEndRecurrence", children: [startDate])
    }
    return XMLElement(name: "Recurrence", children: [pattern, range])
  }
}

extension String {
  var trimmed: String {
    // Most values have nothing to trim: told by their first and last bytes.
    func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }
    guard let first = utf8.first, let last = utf8.last else { return self }
    if !space(first) && !space(last) { return self }
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s.removeLast() }
    return s.count == count ? self : String(s)
  }
}
