import FerryModel

/// Salesforce Classic event and task recurrence (`IsRecurrence`, `RecurrenceType`, …) to and
/// from RFC 5545 RRULE. Sources: ../shared/formats/salesforce.md ("Salesforce Classic
/// recurrence").
///
/// | RecurrenceType | RRULE |
/// |---|---|
/// | `RecursDaily` | `FREQ=DAILY;INTERVAL=n` |
/// | `RecursEveryWeekday` | `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR` |
/// | `RecursWeekly` | `FREQ=WEEKLY;INTERVAL=n;BYDAY=<mask>` |
/// | `RecursMonthly` | `FREQ=MONTHLY;INTERVAL=n;BYMONTHDAY=d` |
/// | `RecursMonthlyNth` | `FREQ=MONTHLY;INTERVAL=n;BYDAY=<k><day>` (several days: `BYDAY=…;BYSETPOS=k`) |
/// | `RecursYearly` | `FREQ=YEARLY;BYMONTH=m;BYMONTHDAY=d` |
/// | `RecursYearlyNth` | `FREQ=YEARLY;BYMONTH=m;BYDAY=<k><day>` (several days: `BYSETPOS=k`) |
///
/// `RecurrenceEndDateOnly` (the last day an occurrence starts) becomes `UNTIL`: the date for
/// all-day series, else the end of that day in `RecurrenceTimeZoneSidKey`.
public struct SalesforceRecurrence: Sendable, Hashable {
  public enum Kind: String, Sendable, CaseIterable {
    case daily = "RecursDaily", everyWeekday = "RecursEveryWeekday", weekly = "RecursWeekly"
    case monthly = "RecursMonthly", monthlyNth = "RecursMonthlyNth", yearly = "RecursYearly"
    case yearlyNth = "RecursYearlyNth"
  }

  public var type: Kind
  public var interval: Int?
  /// Sunday 1, Monday 2, Tuesday 4, Wednesday 8, Thursday 16, Friday 32, Saturday 64.
  public var dayOfWeekMask: Int?
  public var dayOfMonth: Int?
  /// `First`, `Second`, `Third`, `Fourth`, `Last`.
  public var instance: String?
  /// `January` … `December`.
  public var monthOfYear: String?
  public var endDateOnly: LocalDate?

  public init(
    type: Kind, interval: Int? = nil, dayOfWeekMask: Int? = nil, dayOfMonth: Int? = nil, instance: String? = nil,
    monthOfYear: String? = nil, endDateOnly: LocalDate? = nil
  ) {
    self.type = type
    self.interval = interval
    self.dayOfWeekMask = dayOfWeekMask
    self.dayOfMonth = dayOfMonth
    self.instance = instance
    self.monthOfYear = monthOfYear
    self.endDateOnly = endDateOnly
  }

  public static let months = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
  ]
  public static let instances = ["First": 1, "Second": 2, "Third": 3, "Fourth": 4, "Last": -1]

  static let maskBits: [(RecurrenceRule.Weekday, Int)] = [
    (.monday, 2), (.tuesday, 4), (.wednesday, 8), (.thursday, 16), (.friday, 32), (.saturday, 64), (.sunday, 1),
  ]

  public static func weekdays(mask: Int) -> [RecurrenceRule.Weekday] {
    maskBits.filter { mask & $0.1 != 0 }.map(\.0)
  }

  public static func mask(_ days: [RecurrenceRule.Weekday]) -> Int {
    maskBits.filter { days.contains($0.0) }.reduce(0) { $0 | $1.1 }
  }

  /// Why the fields do not make a rule, or nil.
  public var problem: String? {
    switch type {
    case .weekly, .monthlyNth, .yearlyNth:
      if (dayOfWeekMask ?? 0) <= 0 || (dayOfWeekMask ?? 0) > 127 { return "\(type.rawValue) needs RecurrenceDayOfWeekMask 1-127" }
    default: break
    }
    if type == .monthlyNth || type == .yearlyNth, SalesforceRecurrence.instances[instance ?? ""] == nil {
      return "\(type.rawValue) needs RecurrenceInstance First, Second, Third, Fourth or Last"
    }
    if type == .monthly || type == .yearly, !(1...31).contains(dayOfMonth ?? 0) {
      return "\(type.rawValue) needs RecurrenceDayOfMonth 1-31"
    }
    if type == .yearly || type == .yearlyNth, SalesforceRecurrence.months.firstIndex(of: monthOfYear ?? "") == nil {
      return "\(type.rawValue) needs RecurrenceMonthOfYear January-December"
    }
    return nil
  }

  /// The RRULE, or nil when the fields are incomplete (see `problem`).
  ///
  /// - Parameters:
  ///   - allDay: whether the series is all-day (UNTIL is then a date).
  ///   - zone: `RecurrenceTimeZoneSidKey`, for UNTIL at the end of the last day.
  public func rule(allDay: Bool, zone: String?) -> RecurrenceRule? {
    guard problem == nil else { return nil }
    var rule: RecurrenceRule
    let n = max(1, interval ?? 1)
    func nth(_ r: inout RecurrenceRule) {
      let k = SalesforceRecurrence.instances[instance ?? ""] ?? 1
      let days = SalesforceRecurrence.weekdays(mask: dayOfWeekMask ?? 0)
      if days.count == 1 {
        r.byDay = [.init(days[0], ordinal: k)]
      } else {
        r.byDay = days.map { .init($0) }
        r.bySetPosition = [k]
      }
    }
    switch type {
    case .daily:
      rule = RecurrenceRule(frequency: .daily, interval: n)
    case .everyWeekday:
      rule = RecurrenceRule(frequency: .weekly)
      rule.byDay = [.monday, .tuesday, .wednesday, .thursday, .friday].map { .init($0) }
    case .weekly:
      rule = RecurrenceRule(frequency: .weekly, interval: n)
      rule.byDay = SalesforceRecurrence.weekdays(mask: dayOfWeekMask ?? 0).map { .init($0) }
    case .monthly:
      rule = RecurrenceRule(frequency: .monthly, interval: n)
      rule.byMonthDay = [dayOfMonth ?? 1]
    case .monthlyNth:
      rule = RecurrenceRule(frequency: .monthly, interval: n)
      nth(&rule)
    case .yearly:
      rule = RecurrenceRule(frequency: .yearly)
      rule.byMonth = [(SalesforceRecurrence.months.firstIndex(of: monthOfYear ?? "") ?? 0) + 1]
      rule.byMonthDay = [dayOfMonth ?? 1]
    case .yearlyNth:
      rule = RecurrenceRule(frequency: .yearly)
      rule.byMonth = [(SalesforceRecurrence.months.firstIndex(of: monthOfYear ?? "") ?? 0) + 1]
      nth(&rule)
    }
    if let end = endDateOnly {
      let last = LocalDateTime(date: end, time: LocalTime(hour: 23, minute: 59, second: 59))
      if allDay {
        rule.until = .date(end)
      } else if let zone {
        rule.until = .zoned(last, zone: zone)
      } else {
        rule.until = .utc(last)
      }
    }
    return rule
  }

  /// The Classic fields for a rule, or a reason why Classic cannot hold it.
  ///
  /// - Parameters:
  ///   - start: the series' first start (its weekday, day and month fill in what the rule
  ///     leaves to DTSTART).
  ///   - lastDate: the day the last occurrence starts, when the caller knows it (a COUNT or
  ///     UNTIL rule, expanded); Classic has no COUNT.
  public static func from(
    _ rule: RecurrenceRule, start: LocalDate, lastDate: LocalDate?
  ) -> Result<SalesforceRecurrence, Reason> {
    if !rule.bySecond.isEmpty || !rule.byMinute.isEmpty || !rule.byHour.isEmpty || !rule.byYearDay.isEmpty
      || !rule.byWeekNumber.isEmpty || !rule.extraParts.isEmpty
    {
      return .failure(Reason(text: "rule \(rule) has parts Salesforce Classic recurrence cannot hold"))
    }
    let startDay = RecurrenceRule.Weekday(isoNumber: start.isoWeekday) ?? .monday
    let interval = rule.interval
    var out: SalesforceRecurrence
    func nthFields(_ out: inout SalesforceRecurrence) -> Reason? {
      let ordinals = Set(rule.byDay.compactMap(\.ordinal))
      let k: Int
      if rule.byDay.allSatisfy({ $0.ordinal != nil }), ordinals.count == 1, rule.bySetPosition.isEmpty {
        k = ordinals.first ?? 1
      } else if rule.byDay.allSatisfy({ $0.ordinal == nil }), rule.bySetPosition.count == 1 {
        k = rule.bySetPosition[0]
      } else {
        return Reason(text: "rule \(rule) mixes weekday positions Salesforce Classic cannot hold")
      }
      guard let name = instances.first(where: { $0.value == k })?.key else {
        return Reason(text: "position \(k) is not First-Fourth or Last")
      }
      out.instance = name
      out.dayOfWeekMask = mask(rule.byDay.map(\.weekday))
      return nil
    }
    switch rule.frequency {
    case .daily:
      guard rule.byDay.isEmpty, rule.byMonthDay.isEmpty, rule.byMonth.isEmpty, rule.bySetPosition.isEmpty else {
        return .failure(Reason(text: "a daily rule with BY parts (\(rule)) has no Salesforce Classic form"))
      }
      out = SalesforceRecurrence(type: .daily, interval: interval)
    case .weekly:
      guard rule.byDay.allSatisfy({ $0.ordinal == nil }), rule.byMonthDay.isEmpty, rule.byMonth.isEmpty,
        rule.bySetPosition.isEmpty
      else { return .failure(Reason(text: "weekly rule \(rule) has parts Salesforce Classic cannot hold")) }
      let days = rule.byDay.isEmpty ? [startDay] : rule.byDay.map(\.weekday)
      if interval == 1 && mask(days) == 62 {
        out = SalesforceRecurrence(type: .everyWeekday, dayOfWeekMask: 62)
      } else {
        out = SalesforceRecurrence(type: .weekly, interval: interval, dayOfWeekMask: mask(days))
      }
    case .monthly:
      guard rule.byMonth.isEmpty else { return .failure(Reason(text: "monthly rule \(rule) with BYMONTH")) }
      if rule.byDay.isEmpty {
        guard rule.byMonthDay.count <= 1, rule.bySetPosition.isEmpty else {
          return .failure(Reason(text: "monthly rule \(rule) on several days"))
        }
        let d = rule.byMonthDay.first ?? start.day
        guard d > 0 else { return .failure(Reason(text: "monthly rule \(rule) counts days from the month's end")) }
        out = SalesforceRecurrence(type: .monthly, interval: interval, dayOfMonth: d)
      } else {
        guard rule.byMonthDay.isEmpty else { return .failure(Reason(text: "monthly rule \(rule) has BYDAY and BYMONTHDAY")) }
        out = SalesforceRecurrence(type: .monthlyNth, interval: interval)
        if let r = nthFields(&out) { return .failure(r) }
      }
    case .yearly:
      guard interval == 1, rule.byMonth.count <= 1 else {
        return .failure(Reason(text: "yearly rule \(rule) is not once a year in one month"))
      }
      let month = months[(rule.byMonth.first ?? start.month) - 1]
      if rule.byDay.isEmpty {
        guard rule.byMonthDay.count <= 1, rule.bySetPosition.isEmpty, (rule.byMonthDay.first ?? 1) > 0 else {
          return .failure(Reason(text: "yearly rule \(rule) has parts Salesforce Classic cannot hold"))
        }
        out = SalesforceRecurrence(type: .yearly, dayOfMonth: rule.byMonthDay.first ?? start.day, monthOfYear: month)
      } else {
        guard rule.byMonthDay.isEmpty else { return .failure(Reason(text: "yearly rule \(rule) has BYDAY and BYMONTHDAY")) }
        out = SalesforceRecurrence(type: .yearlyNth, monthOfYear: month)
        if let r = nthFields(&out) { return .failure(r) }
      }
    default:
      return .failure(Reason(text: "FREQ=\(rule.frequency.rawValue) is finer than Salesforce Classic's daily"))
    }
    if out.type != .yearly && out.type != .yearlyNth && out.type != .everyWeekday { out.interval = interval }
    out.endDateOnly = lastDate
    return .success(out)
  }

  /// Why a rule has no Classic form.
  public struct Reason: Error, Sendable, Hashable {
    public var text: String
  }
}
