import FerryModel

/// Value codecs shared by the reader and the writer: DATE, DATE-TIME, PERIOD, RECUR and
/// their text forms (RFC 5545 §3.3).
enum ICalValue {
  /// Parses `20240309`, `20240309T143000`, `20240309T143000Z` (also lenient extended forms
  /// `2024-03-09T14:30:00`). `isDate` forces a DATE reading (`VALUE=DATE`).
  static func localDateTime(_ text: Substring) -> (LocalDateTime, isDate: Bool, isUTC: Bool)? {
    var bytes = Array(text.utf8)
    while let last = bytes.last, last == .space || last == .tab { bytes.removeLast() }
    while let first = bytes.first, first == .space || first == .tab { bytes.removeFirst() }
    if bytes.contains(UInt8(ascii: "-")) || bytes.contains(.colon) {
      bytes.removeAll { $0 == UInt8(ascii: "-") || $0 == .colon }
    }
    var utc = false
    if let last = bytes.last, last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") {
      utc = true
      bytes.removeLast()
    }
    func digits(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= bytes.count else { return nil }
      var n = 0
      for i in from..<(from + count) {
        let c = bytes[i]
        guard c >= 0x30 && c <= 0x39 else { return nil }
        n = n * 10 + Int(c - 0x30)
      }
      return n
    }
    guard let y = digits(0, 4), let mo = digits(4, 2), let d = digits(6, 2) else { return nil }
    let date = LocalDate(year: y, month: mo, day: d)
    guard date.isValid else { return nil }
    if bytes.count == 8 { return (LocalDateTime(date: date, time: .midnight), true, false) }
    guard bytes.count >= 13, bytes[8] == UInt8(ascii: "T") || bytes[8] == UInt8(ascii: "t"),
      let h = digits(9, 2), let mi = digits(11, 2)
    else { return nil }
    var s = 0
    if bytes.count >= 15 {
      guard let sec = digits(13, 2) else { return nil }
      s = sec
      // Fractional seconds (`.000`) are not iCalendar but appear; they are dropped.
      if bytes.count > 15 && bytes[15] != UInt8(ascii: ".") && bytes[15] != .comma { return nil }
    } else if bytes.count != 13 {
      return nil
    }
    guard h <= 24, mi <= 59, s <= 60 else { return nil }
    var t = LocalDateTime(date: date, time: LocalTime(hour: h, minute: mi, second: min(s, 59)))
    if h == 24 { t = LocalDateTime(date: date.adding(days: 1), time: LocalTime(hour: 0, minute: mi, second: min(s, 59))) }
    return (t, false, utc)
  }

  /// `20240309` / `20240309T143000` / with `Z`.
  static func basic(_ t: LocalDateTime) -> String {
    var out = [UInt8]()
    out.reserveCapacity(16)
    appendDigits(t.date.year, 4, &out)
    appendDigits(t.date.month, 2, &out)
    appendDigits(t.date.day, 2, &out)
    out.append(UInt8(ascii: "T"))
    appendDigits(t.time.hour, 2, &out)
    appendDigits(t.time.minute, 2, &out)
    appendDigits(t.time.second, 2, &out)
    return String(decoding: out, as: UTF8.self)
  }

  static func basic(_ d: LocalDate) -> String {
    var out = [UInt8]()
    out.reserveCapacity(8)
    appendDigits(d.year, 4, &out)
    appendDigits(d.month, 2, &out)
    appendDigits(d.day, 2, &out)
    return String(decoding: out, as: UTF8.self)
  }

  static func appendDigits(_ n: Int, _ width: Int, _ out: inout [UInt8]) {
    var v = abs(n)
    var tmp = [UInt8](repeating: 0x30, count: width)
    var i = width - 1
    while i >= 0 {
      tmp[i] = UInt8(0x30 + v % 10)
      v /= 10
      i -= 1
    }
    out.append(contentsOf: tmp)
  }

  /// The value text of a time, without its TZID (which goes in a parameter).
  static func text(_ time: EventTime) -> String {
    switch time {
    case .date(let d): basic(d)
    case .floating(let t), .zoned(let t, _): basic(t)
    case .utc(let t): basic(t) + "Z"
    }
  }

  // MARK: - RECUR

  /// Parses an RRULE value. Unknown parts go to `extraParts`; bad parts are reported through
  /// `problem` and skipped.
  static func recur(_ text: String, problem: (String) -> Void) -> RecurrenceRule? {
    var parts: [(String, String)] = []
    for part in text.split(separator: ";", omittingEmptySubsequences: true) {
      guard let eq = part.firstIndex(of: "=") else {
        problem("RRULE part \"\(part)\" has no '='; skipped")
        continue
      }
      let name = part[..<eq].trimmingCharacters().uppercased()
      let value = part[part.index(after: eq)...].trimmingCharacters()
      parts.append((name, value))
    }
    guard let freqText = parts.first(where: { $0.0 == "FREQ" })?.1,
      let frequency = RecurrenceRule.Frequency(rawValue: freqText.uppercased())
    else {
      problem("RRULE \"\(text)\" has no valid FREQ")
      return nil
    }
    var rule = RecurrenceRule(frequency: frequency)
    func ints(_ name: String, _ value: String, _ range: ClosedRange<Int>, allowNegative: Bool) -> [Int] {
      var out: [Int] = []
      for item in value.split(separator: ",") {
        let s = item.trimmingCharacters()
        guard let n = Int(s.hasPrefix("+") ? String(s.dropFirst()) : s), n != 0 || range.lowerBound == 0,
          range.contains(abs(n)), allowNegative || n >= 0
        else {
          problem("RRULE \(name) value \"\(item)\" is out of range; skipped")
          continue
        }
        out.append(n)
      }
      return out
    }
    for (name, value) in parts {
      switch name {
      case "FREQ": continue
      case "INTERVAL":
        if let n = Int(value), n >= 1 { rule.interval = n } else { problem("RRULE INTERVAL \"\(value)\" is not a positive number; 1 used") }
      case "COUNT":
        if let n = Int(value), n >= 0 { rule.count = n } else { problem("RRULE COUNT \"\(value)\" is not a number; ignored") }
      case "UNTIL":
        if let (t, isDate, isUTC) = localDateTime(Substring(value)) {
          rule.until = isDate ? .date(t.date) : isUTC ? .utc(t) : .floating(t)
        } else {
          problem("RRULE UNTIL \"\(value)\" is not a date or date-time; ignored")
        }
      case "BYSECOND": rule.bySecond = ints(name, value, 0...60, allowNegative: false)
      case "BYMINUTE": rule.byMinute = ints(name, value, 0...59, allowNegative: false)
      case "BYHOUR": rule.byHour = ints(name, value, 0...23, allowNegative: false)
      case "BYMONTHDAY": rule.byMonthDay = ints(name, value, 1...31, allowNegative: true)
      case "BYYEARDAY": rule.byYearDay = ints(name, value, 1...366, allowNegative: true)
      case "BYWEEKNO": rule.byWeekNumber = ints(name, value, 1...53, allowNegative: true)
      case "BYSETPOS": rule.bySetPosition = ints(name, value, 1...366, allowNegative: true)
      case "BYMONTH":
        if value.uppercased().contains("L") || parts.contains(where: { $0.0 == "RSCALE" }) {
          rule.extraParts.append(RawParameter(name: name, values: value.split(separator: ",").map(String.init)))
        } else {
          rule.byMonth = ints(name, value, 1...12, allowNegative: false)
        }
      case "BYDAY":
        if value.contains(" ") { problem("RRULE BYDAY \"\(value)\" has spaces; read without them") }
        for item in value.split(separator: ",") {
          let s = item.trimmingCharacters().uppercased()
          guard s.count >= 2, let day = RecurrenceRule.Weekday(rawValue: String(s.suffix(2))) else {
            problem("RRULE BYDAY value \"\(item)\" is not a weekday; skipped")
            continue
          }
          let prefix = s.dropLast(2)
          if prefix.isEmpty {
            rule.byDay.append(.init(day))
          } else if let n = Int(prefix.hasPrefix("+") ? String(prefix.dropFirst()) : String(prefix)), n != 0, abs(n) <= 53 {
            rule.byDay.append(.init(day, ordinal: n))
          } else {
            problem("RRULE BYDAY value \"\(item)\" has a bad ordinal; skipped")
          }
        }
      case "WKST":
        if let d = RecurrenceRule.Weekday(rawValue: value.uppercased()) { rule.weekStart = d } else { problem("RRULE WKST \"\(value)\" is not a weekday; ignored") }
      default:
        rule.extraParts.append(RawParameter(name: name, values: value.split(separator: ",").map(String.init)))
      }
    }
    return rule
  }
}

extension StringProtocol {
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
  }
}

extension UInt8 {
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let colon = UInt8(ascii: ":")
  static let comma = UInt8(ascii: ",")
}
