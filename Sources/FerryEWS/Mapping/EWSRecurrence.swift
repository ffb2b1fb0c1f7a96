import FerryModel

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
    func leaf(_ name: String, _ text: String) -> XMLElement { XMLElement(name: name, text: text) }
    if !rule.bySecond.isEmpty || !rule.byMinute.isEmpty || !rule.byHour.isEmpty || !rule.byYearDay.isEmpty
      || !rule.byWeekNumber.isEmpty || !rule.extraParts.isEmpty
    {
      return .failure(.init("RRULE \"\(rule)\" uses parts EWS has no pattern for"))
    }
    guard rule.interval >= 1 else { return .failure(.init("RRULE \"\(rule)\" has an interval below 1")) }
    let startDay = RecurrenceRule.Weekday(isoNumber: start.isoWeekday) ?? .monday
    var pattern: XMLElement
    // One relative day: `2MO`, or a set of days with one BYSETPOS (`MO,TU,…;BYSETPOS=-1`).
    func relative() -> (days: String, index: String)? {
      if rule.bySetPosition.isEmpty, rule.byDay.count == 1, let ordinal = rule.byDay[0].ordinal,
        let index = indexNames.first(where: { $0.0 == ordinal })?.1
      {
        return (name(rule.byDay[0].weekday), index)
      }
      guard rule.bySetPosition.count == 1, rule.byDay.allSatisfy({ $0.ordinal == nil }),
        let index = indexNames.first(where: { $0.0 == rule.bySetPosition[0] })?.1
      else { return nil }
      let days = Set(rule.byDay.map(\.weekday))
      if days.count == 7 { return ("Day", index) }
      if days == Set(weekdays) { return ("Weekday", index) }
      if days == Set(weekendDays) { return ("WeekendDay", index) }
      if days.count == 1 { return (name(rule.byDay[0].weekday), index) }
      return nil
    }
    switch rule.frequency {
    case .daily:
      guard rule.byDay.isEmpty, rule.byMonthDay.isEmpty, rule.byMonth.isEmpty, rule.bySetPosition.isEmpty else {
        return .failure(.init("RRULE \"\(rule)\" limits a daily rule, which EWS cannot"))
      }
      pattern = XMLElement(name: "DailyRecurrence", children: [leaf("Interval", "\(rule.interval)")])
    case .weekly:
      guard rule.byMonthDay.isEmpty, rule.byMonth.isEmpty, rule.bySetPosition.isEmpty,
        rule.byDay.allSatisfy({ $0.ordinal == nil })
      else { return .failure(.init("RRULE \"\(rule)\" is a weekly rule EWS cannot express")) }
      let days = rule.byDay.isEmpty ? [startDay] : rule.byDay.map(\.weekday)
      pattern = XMLElement(
        name: "WeeklyRecurrence",
        children: [leaf("Interval", "\(rule.interval)"), leaf("DaysOfWeek", days.map(name).joined(separator: " "))])
      if let weekStart = rule.weekStart { pattern.children.append(leaf("FirstDayOfWeek", name(weekStart))) }
    case .monthly:
      guard rule.byMonth.isEmpty else { return .failure(.init("RRULE \"\(rule)\" limits months of a monthly rule")) }
      if rule.byDay.isEmpty, rule.bySetPosition.isEmpty, rule.byMonthDay.count <= 1 {
        let day = rule.byMonthDay.first ?? start.day
        guard (1...31).contains(day) else { return .failure(.init("RRULE \"\(rule)\" counts month days from the end")) }
        pattern = XMLElement(
          name: "AbsoluteMonthlyRecurrence", children: [leaf("Interval", "\(rule.interval)"), leaf("DayOfMonth", "\(day)")])
      } else if rule.byMonthDay.isEmpty, let (days, index) = relative() {
        pattern = XMLElement(
          name: "RelativeMonthlyRecurrence",
          children: [leaf("Interval", "\(rule.interval)"), leaf("DaysOfWeek", days), leaf("DayOfWeekIndex", index)])
      } else {
        return .failure(.init("RRULE \"\(rule)\" is a monthly rule EWS cannot express"))
      }
    case .yearly:
      guard rule.interval == 1 else { return .failure(.init("RRULE \"\(rule)\" repeats every few years, which EWS cannot")) }
      guard rule.byMonth.count <= 1 else { return .failure(.init("RRULE \"\(rule)\" names several months")) }
      let month = monthNames[(rule.byMonth.first ?? start.month) - 1]
      if rule.byDay.isEmpty, rule.bySetPosition.isEmpty, rule.byMonthDay.count <= 1 {
        let day = rule.byMonthDay.first ?? start.day
        guard (1...31).contains(day) else { return .failure(.init("RRULE \"\(rule)\" counts month days from the end")) }
        pattern = XMLElement(name: "AbsoluteYearlyRecurrence", children: [leaf("DayOfMonth", "\(day)"), leaf("Month", month)])
      } else if rule.byMonthDay.isEmpty, let (days, index) = relative() {
        pattern = XMLElement(
          name: "RelativeYearlyRecurrence",
          children: [leaf("DaysOfWeek", days), leaf("DayOfWeekIndex", index), leaf("Month", month)])
      } else {
        return .failure(.init("RRULE \"\(rule)\" is a yearly rule EWS cannot express"))
      }
    case .hourly, .minutely, .secondly:
      return .failure(.init("RRULE \"\(rule)\" repeats more often than daily, which EWS cannot"))
    }
    let startDate = leaf("StartDate", start.description)
    let range: XMLElement
    if let count = rule.count {
      range = XMLElement(name: "NumberedRecurrence", children: [startDate, leaf("NumberOfOccurrences", "\(count)")])
    } else if let until = rule.until {
      range = XMLElement(name: "EndDateRecurrence", children: [startDate, leaf("EndDate", until.localDateTime.date.description)])
    } else {
      range = XMLElement(name: "NoEndRecurrence", children: [startDate])
    }
    return .success(XMLElement(name: "Recurrence", children: [pattern, range]))
  }
}

extension String {
  var trimmed: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\n" || f == "\t" || f == "\r" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\n" || l == "\t" || l == "\r" { s.removeLast() }
    return s.count == count ? self : String(s)
  }
}
