/// RRULE text to `RecurrenceRule` (RFC 5545 §3.3.10); `description` goes the other way.
extension RecurrenceRule {
  /// Parses RRULE text (`FREQ=WEEKLY;BYDAY=MO,WE`, also with an `RRULE:` prefix, as
  /// Salesforce's `Recurrence2PatternText` has it). Unknown parts go to `extraParts`; bad
  /// parts are reported through `problem` and skipped. Nil without a valid FREQ.
  public static func parse(_ text: String, problem: (String) -> Void = { _ in }) -> RecurrenceRule? {
    var text = text
    if text.uppercased().hasPrefix("RRULE:") { text = String(text.dropFirst(6)) }
    var parts: [(String, String)] = []
    for part in text.split(separator: ";", omittingEmptySubsequences: true) {
      guard let eq = part.firstIndex(of: "=") else {
        problem("RRULE part \"\(part)\" has no '='; skipped")
        continue
      }
      let name = part[..<eq].trimmedRuleText().uppercased()
      let value = part[part.index(after: eq)...].trimmedRuleText()
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
        let s = item.trimmedRuleText()
        guard let n = Int(s.hasPrefix("+") ? String(s.dropFirst()) : s), n != 0 || range.lowerBound == 0,
          range.contains(Int(clamping: n.magnitude)), allowNegative || n >= 0
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
        if let until = RecurrenceRule.untilValue(value) {
          rule.until = until
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
          let s = item.trimmedRuleText().uppercased()
          guard s.count >= 2, let day = RecurrenceRule.Weekday(rawValue: String(s.suffix(2))) else {
            problem("RRULE BYDAY value \"\(item)\" is not a weekday; skipped")
            continue
          }
          let prefix = s.dropLast(2)
          if prefix.isEmpty {
            rule.byDay.append(.init(day))
          } else if let n = Int(prefix.hasPrefix("+") ? String(prefix.dropFirst()) : String(prefix)), n != 0, n.magnitude <= 53 {
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

  /// `20240630`, `20240630T215959`, `20240630T215959Z` (also with dashes and colons).
  static func untilValue(_ text: String) -> EventTime? {
    var t = text.trimmedRuleText()
    var utc = false
    if t.hasSuffix("Z") || t.hasSuffix("z") {
      utc = true
      t.removeLast()
    }
    if !t.contains("T") && !t.contains("t") {
      return LocalDate(iso: t).map { .date($0) }
    }
    guard let local = LocalDateTime(iso: t) else { return nil }
    return utc ? .utc(local) : .floating(local)
  }
}

extension StringProtocol {
  fileprivate func trimmedRuleText() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
  }
}
