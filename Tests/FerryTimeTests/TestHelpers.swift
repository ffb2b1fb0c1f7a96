import FerryModel
import FerryTime

/// `2024-03-10T02:30:00` → wall clock.
func dt(_ text: String) -> LocalDateTime {
  guard let t = LocalDateTime(iso: text) else { preconditionFailure("bad test date-time \(text)") }
  return t
}

func day(_ text: String) -> LocalDate {
  guard let d = LocalDate(iso: text) else { preconditionFailure("bad test date \(text)") }
  return d
}

/// A rule from RRULE text, for tests (the iCalendar reader owns the real parser).
func rule(_ text: String) -> RecurrenceRule {
  var r = RecurrenceRule(frequency: .daily)
  for part in text.split(separator: ";") {
    let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
    guard kv.count == 2 else { continue }
    let ints = { kv[1].split(separator: ",").compactMap { Int($0) } }
    switch kv[0] {
    case "FREQ": r.frequency = RecurrenceRule.Frequency(rawValue: kv[1]) ?? .daily
    case "INTERVAL": r.interval = Int(kv[1]) ?? 1
    case "COUNT": r.count = Int(kv[1])
    case "UNTIL":
      let v = kv[1]
      if v.count == 8 {
        r.until = .date(day(v))
      } else if v.hasSuffix("Z") {
        r.until = .utc(dt(String(v.dropLast())))
      } else {
        r.until = .floating(dt(v))
      }
    case "BYSECOND": r.bySecond = ints()
    case "BYMINUTE": r.byMinute = ints()
    case "BYHOUR": r.byHour = ints()
    case "BYMONTHDAY": r.byMonthDay = ints()
    case "BYYEARDAY": r.byYearDay = ints()
    case "BYWEEKNO": r.byWeekNumber = ints()
    case "BYMONTH": r.byMonth = ints()
    case "BYSETPOS": r.bySetPosition = ints()
    case "WKST": r.weekStart = RecurrenceRule.Weekday(rawValue: kv[1])
    case "BYDAY":
      r.byDay = kv[1].split(separator: ",").map { item in
        let wd = RecurrenceRule.Weekday(rawValue: String(item.suffix(2))) ?? .monday
        let n = item.dropLast(2)
        return RecurrenceRule.WeekdayNum(
          wd, ordinal: n.isEmpty ? nil : Int(n.replacingOccurrences(of: "+", with: "")))
      }
    default: break
    }
  }
  return r
}

/// A series master starting at `start` with `rrule`.
func series(
  _ start: EventTime, _ rrule: String?, rdates: [EventTime] = [], exdates: [EventTime] = [],
  end: EventTime? = nil
)
  -> Event
{
  var e = Event()
  e.start = start
  e.end = end
  e.recurrence = Recurrence(rule: rrule.map(rule), dates: rdates, exceptionDates: exdates)
  return e
}

/// Starts of the instances, as `EventTime` descriptions.
func starts(_ event: Event, window: ExpansionWindow = .unbounded, limit: Int = 1000) -> [String] {
  RecurrenceExpander(event: event, window: window, limit: limit).expand().occurrences.map {
    $0.start.description
  }
}
