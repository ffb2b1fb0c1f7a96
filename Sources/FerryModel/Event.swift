/// An exact length of time, as iCalendar's DURATION (`P1W`, `PT1H30M`, `-PT15M`).
public struct EventDuration: Sendable, Hashable, TextCodable {
  public var weeks: Int
  public var days: Int
  public var seconds: Int
  public var isNegative: Bool

  public init(weeks: Int = 0, days: Int = 0, seconds: Int = 0, isNegative: Bool = false) {
    self.weeks = weeks
    self.days = days
    self.seconds = seconds
    self.isNegative = isNegative
  }

  /// Total seconds, counting a day as 86,400 (nominal days are handled by the time layer).
  /// Saturates instead of trapping on absurd values (`P999999999999999999W`); readers refuse
  /// durations longer than `maximumSeconds`, so only hand-built values get here.
  public var totalSeconds: Int {
    let (w, o1) = weeks.multipliedReportingOverflow(by: 7)
    let (d, o2) = w.addingReportingOverflow(days)
    let (ds, o3) = d.multipliedReportingOverflow(by: 86400)
    let (t, o4) = ds.addingReportingOverflow(seconds)
    if o1 || o2 || o3 || o4 { return isNegative ? Int.min : Int.max }
    return isNegative ? -t : t
  }

  /// The longest duration a reader accepts: about 3,000 years.
  public static let maximumSeconds = 100_000_000_000

  public init(totalSeconds: Int) {
    let a = Int(clamping: totalSeconds.magnitude)  // abs(Int.min) traps
    self.init(days: a / 86400, seconds: a % 86400, isNegative: totalSeconds < 0)
  }

  /// RFC 5545 §3.3.6 text.
  public var description: String {
    var s = isNegative ? "-P" : "P"
    if weeks > 0 && days == 0 && seconds == 0 { return s + "\(weeks)W" }
    let d = weeks * 7 + days
    if d > 0 { s += "\(d)D" }
    if seconds > 0 || d == 0 {
      s += "T"
      let h = seconds / 3600, m = seconds / 60 % 60, sec = seconds % 60
      if h > 0 { s += "\(h)H" }
      if m > 0 { s += "\(m)M" }
      if sec > 0 || (h == 0 && m == 0) { s += "\(sec)S" }
    }
    return s
  }

  /// Parses RFC 5545 §3.3.6 text, leniently (lower case, missing `T`).
  public init?(text: String) {
    var chars = Substring(text.uppercased())
    var negative = false
    if chars.first == "+" { chars = chars.dropFirst() } else if chars.first == "-" { negative = true; chars = chars.dropFirst() }
    guard chars.first == "P" else { return nil }
    chars = chars.dropFirst()
    // `PT-2H` / `P-1D`: the sign after the P (some exporters write it there), when none led.
    if !negative, let sign = chars.first(where: { $0 != "T" }), sign == "-" || sign == "+",
      chars.prefix(while: { $0 == "T" || $0 == "-" || $0 == "+" }).filter({ $0 == "-" || $0 == "+" }).count == 1
    {
      negative = sign == "-"
      chars = Substring(chars.filter { $0 != "-" && $0 != "+" })
    }
    var number = ""
    var w = 0, d = 0, s = 0
    var total = 0
    var sawAny = false
    for c in chars {
      if c.isASCII && c.isNumber { number.append(c); continue }
      if c == "T" { continue }
      // No part may exceed the maximum on its own, so the sums below cannot overflow.
      guard let n = Int(number), n <= Self.maximumSeconds else { return nil }
      number = ""
      sawAny = true
      let unit: Int
      switch c {
      case "W": w += n; unit = 7 * 86400
      case "D": d += n; unit = 86400
      case "H": s += n * 3600; unit = 3600
      case "M": s += n * 60; unit = 60
      case "S": s += n; unit = 1
      default: return nil
      }
      // The running total stays within the maximum, so no sum above can overflow.
      total += n * unit
      guard total <= Self.maximumSeconds else { return nil }
    }
    guard number.isEmpty, sawAny else { return nil }
    self.init(weeks: w, days: d, seconds: s, isNegative: negative)
  }

  public init?(codableText text: String) { self.init(text: text) }
}

/// The organiser or an attendee of an event.
public struct Attendee: Sendable, Hashable, Codable {
  public enum Role: String, Sendable, Codable { case chair, required, optional, nonParticipant = "non-participant" }
  public enum Status: String, Sendable, Codable {
    case needsAction = "needs-action", accepted, declined, tentative, delegated
  }
  public enum Kind: String, Sendable, Codable { case individual, group, resource, room, unknown }

  public var email: String?
  public var name: String?
  public var role: Role?
  public var status: Status?
  public var kind: Kind?
  public var rsvp: Bool?
  /// The attendee's CRM record, when `relate_events` resolved it.
  public var crmId: String?
  /// Parameters the model does not name (iCalendar `DELEGATED-FROM`, `SENT-BY`, `X-NUM-GUESTS`),
  /// kept so a same-family writer writes them back.
  public var parameters: [RawParameter]?

  public init(
    email: String? = nil, name: String? = nil, role: Role? = nil, status: Status? = nil, kind: Kind? = nil,
    rsvp: Bool? = nil, crmId: String? = nil
  ) {
    self.email = email
    self.name = name
    self.role = role
    self.status = status
    self.kind = kind
    self.rsvp = rsvp
    self.crmId = crmId
  }
}

/// A reminder (VALARM, EWS ReminderMinutesBeforeStart, Salesforce ReminderDateTime).
public struct Reminder: Sendable, Hashable, Codable {
  public enum Action: String, Sendable, Codable { case display, audio, email, unknown }
  /// The largest reminder lead a reader trusts, in minutes (ten years); larger ones are kept raw.
  public static let maximumMinutes: UInt = 5_256_000
  /// Relative to the start (negative = before); nil when `absolute` is set.
  public var offset: EventDuration?
  /// Relative to the end instead of the start.
  public var relativeToEnd: Bool
  public var absolute: EventTime?
  public var action: Action
  public var description: String?

  public init(
    offset: EventDuration? = nil, relativeToEnd: Bool = false, absolute: EventTime? = nil, action: Action = .display,
    description: String? = nil
  ) {
    self.offset = offset
    self.relativeToEnd = relativeToEnd
    self.absolute = absolute
    self.action = action
    self.description = description
  }
}

/// A CRM record an event is about: Salesforce `WhoId` (a person) and `WhatId` (an account,
/// opportunity, …).
public struct RelatedRecord: Sendable, Hashable, Codable {
  public enum Role: String, Sendable, Codable { case who, what }
  public var role: Role
  public var id: String
  public var type: String?
  public var name: String?
  public init(role: Role, id: String, type: String? = nil, name: String? = nil) {
    self.role = role
    self.id = SalesforceID.caseSafe(id) ?? id
    self.type = type
    self.name = name
  }
}

/// A calendar entry: the canonical event every calendar format reads into and writes from.
///
/// `kind` tells a meeting (`event`) from a to-do (`task`, iCalendar VTODO, Salesforce Task).
public struct Event: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Codable { case event, task }
  public enum Privacy: String, Sendable, Codable { case `public`, `private`, confidential }
  public enum BusyStatus: String, Sendable, Codable { case free, tentative, busy, outOfOffice = "oof", workingElsewhere = "working-elsewhere" }
  public enum Status: String, Sendable, Codable { case confirmed, tentative, cancelled, needsAction = "needs-action", completed, inProcess = "in-process" }

  public var kind: Kind
  public var uid: String?
  public var summary: String?
  public var description: String?
  public var location: String?
  public var start: EventTime?
  public var end: EventTime?
  /// Set when the source gave a duration instead of an end.
  public var duration: EventDuration?
  /// True for whole-day events; then `start`/`end` are `.date` and `end` is exclusive.
  public var isAllDay: Bool
  public var recurrence: Recurrence?
  /// For an overridden instance: which occurrence of the series it replaces.
  public var recurrenceId: EventTime?
  /// RANGE=THISANDFUTURE on the recurrence id.
  public var recurrenceIdThisAndFuture: Bool
  public var organizer: Attendee?
  public var attendees: [Attendee]
  public var privacy: Privacy?
  public var busyStatus: BusyStatus?
  public var status: Status?
  public var reminders: [Reminder]
  public var categories: [String]
  public var related: [RelatedRecord]
  public var priority: Int?
  public var url: String?
  public var geo: Geo?
  public var sequence: Int?
  public var stamp: Timestamp?
  public var created: Timestamp?
  public var lastModified: Timestamp?
  /// For tasks: the due time and completion.
  public var due: EventTime?
  public var completed: Timestamp?
  public var source: SourceIdentity?
  public var owner: Owner?
  public var raw: [RawProperty]
  /// Components the model cannot express (an unknown VALARM form, X- components).
  public var rawComponents: [RawComponent]
  /// The calendar the event came from (iCalendar VCALENDAR properties), when the source had one.
  public var calendar: CalendarInfo?

  /// Inlinable, so that a new event is made where it is to be (a reader's local), not made
  /// and then copied there.
  @inlinable
  public init(kind: Kind = .event) {
    self.kind = kind
    isAllDay = false
    recurrenceIdThisAndFuture = false
    attendees = []
    reminders = []
    categories = []
    related = []
    raw = []
    rawComponents = []
  }
}

/// The calendar an event belongs to: iCalendar's VCALENDAR properties (RFC 5545 §3.7,
/// `X-WR-CALNAME`, `X-WR-TIMEZONE`).
public struct CalendarInfo: Sendable, Hashable, Codable {
  /// `X-WR-CALNAME` / RFC 7986 `NAME`.
  public var name: String?
  /// `X-WR-TIMEZONE`: the zone Google and Apple mean for floating times.
  public var timeZone: String?
  /// `METHOD` (`PUBLISH`, `REQUEST`, …).
  public var method: String?
  public var productId: String?
  /// `CALSCALE`, when not `GREGORIAN`.
  public var scale: String?
  /// Other calendar properties (`X-WR-CALDESC`, `REFRESH-INTERVAL`, …).
  public var raw: [RawProperty]

  public init(
    name: String? = nil, timeZone: String? = nil, method: String? = nil, productId: String? = nil,
    scale: String? = nil, raw: [RawProperty] = []
  ) {
    self.name = name
    self.timeZone = timeZone
    self.method = method
    self.productId = productId
    self.scale = scale
    self.raw = raw
  }
}

/// A recurring series: a rule, extra dates, excluded dates and overridden instances.
public struct Recurrence: Sendable, Hashable, Codable {
  public var rule: RecurrenceRule?
  /// Further RRULEs (rare; RFC 5545 deprecates more than one).
  public var extraRules: [RecurrenceRule]
  /// RDATE values.
  public var dates: [EventTime]
  /// EXDATE values.
  public var exceptionDates: [EventTime]
  /// Overridden instances, each with `recurrenceId` set. A field an override leaves unset
  /// is the master's (`Event.inheriting(from:)`).
  public var overrides: [Event]

  public init(
    rule: RecurrenceRule? = nil, extraRules: [RecurrenceRule] = [], dates: [EventTime] = [],
    exceptionDates: [EventTime] = [], overrides: [Event] = []
  ) {
    self.rule = rule
    self.extraRules = extraRules
    self.dates = dates
    self.exceptionDates = exceptionDates
    self.overrides = overrides
  }
}

/// RFC 5545 §3.3.10 RECUR, as data.
public struct RecurrenceRule: Sendable, Hashable, Codable, CustomStringConvertible {
  public enum Frequency: String, Sendable, Codable, CaseIterable {
    case secondly = "SECONDLY", minutely = "MINUTELY", hourly = "HOURLY", daily = "DAILY", weekly = "WEEKLY"
    case monthly = "MONTHLY", yearly = "YEARLY"
  }
  public enum Weekday: String, Sendable, Codable, CaseIterable {
    case monday = "MO", tuesday = "TU", wednesday = "WE", thursday = "TH", friday = "FR", saturday = "SA", sunday = "SU"
    /// ISO number: Monday 1 … Sunday 7.
    public var isoNumber: Int { Weekday.allCases.firstIndex(of: self)! + 1 }
    public init?(isoNumber: Int) {
      guard (1...7).contains(isoNumber) else { return nil }
      self = Weekday.allCases[isoNumber - 1]
    }
  }
  /// `BYDAY` entry: an optional ordinal (`-1FR`, `2MO`) and a weekday.
  public struct WeekdayNum: Sendable, Hashable, Codable {
    public var ordinal: Int?
    public var weekday: Weekday
    public init(_ weekday: Weekday, ordinal: Int? = nil) {
      self.weekday = weekday
      self.ordinal = ordinal
    }
  }

  public var frequency: Frequency
  public var interval: Int
  public var count: Int?
  public var until: EventTime?
  public var bySecond: [Int]
  public var byMinute: [Int]
  public var byHour: [Int]
  public var byDay: [WeekdayNum]
  public var byMonthDay: [Int]
  public var byYearDay: [Int]
  public var byWeekNumber: [Int]
  /// Months 1–12 (RFC 7529 leap months such as `5L` stay in `extraParts`).
  public var byMonth: [Int]
  public var bySetPosition: [Int]
  public var weekStart: Weekday?
  /// Parts ferry does not model (`RSCALE`, `SKIP`, `X-…`), kept in order as name/value.
  public var extraParts: [RawParameter]

  public init(frequency: Frequency, interval: Int = 1) {
    self.frequency = frequency
    self.interval = interval
    bySecond = []
    byMinute = []
    byHour = []
    byDay = []
    byMonthDay = []
    byYearDay = []
    byWeekNumber = []
    byMonth = []
    bySetPosition = []
    extraParts = []
  }

  /// The RRULE value text with `UNTIL` in its basic form (`20241231T235959Z`).
  public var description: String {
    var parts = ["FREQ=\(frequency.rawValue)"]
    if let until {
      let t = until.localDateTime
      let basicDate = "\(t.date.description.replacingDashes())"
      switch until {
      case .date: parts.append("UNTIL=\(basicDate)")
      case .utc: parts.append("UNTIL=\(basicDate)T\(t.time.basic)Z")
      default: parts.append("UNTIL=\(basicDate)T\(t.time.basic)")
      }
    }
    if let count { parts.append("COUNT=\(count)") }
    if interval != 1 { parts.append("INTERVAL=\(interval)") }
    func list(_ name: String, _ values: [Int]) { if !values.isEmpty { parts.append("\(name)=" + values.map(String.init).joined(separator: ",")) } }
    list("BYSECOND", bySecond)
    list("BYMINUTE", byMinute)
    list("BYHOUR", byHour)
    if !byDay.isEmpty {
      parts.append("BYDAY=" + byDay.map { ($0.ordinal.map(String.init) ?? "") + $0.weekday.rawValue }.joined(separator: ","))
    }
    list("BYMONTHDAY", byMonthDay)
    list("BYYEARDAY", byYearDay)
    list("BYWEEKNO", byWeekNumber)
    list("BYMONTH", byMonth)
    list("BYSETPOS", bySetPosition)
    if let weekStart { parts.append("WKST=\(weekStart.rawValue)") }
    for extra in extraParts { parts.append("\(extra.name)=\(extra.values.joined(separator: ","))") }
    return parts.joined(separator: ";")
  }
}

extension String {
  fileprivate func replacingDashes() -> String { filter { $0 != "-" } }
}

extension LocalTime {
  /// `HHMMSS`.
  public var basic: String { pad(hour, 2) + pad(minute, 2) + pad(second, 2) }
}
