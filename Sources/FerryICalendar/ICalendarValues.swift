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
    var v = Int(clamping: n.magnitude)  // abs(Int.min) traps
    // Zeros appended, then the digits written over them from the right: no array per call.
    let start = out.count
    out.append(contentsOf: repeatElement(0x30, count: width))
    var i = start + width - 1
    while i >= start {
      out[i] = UInt8(0x30 + v % 10)
      v /= 10
      i -= 1
    }
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

  /// Parses an RRULE value (see `RecurrenceRule.parse`).
  static func recur(_ text: String, problem: (String) -> Void) -> RecurrenceRule? {
    RecurrenceRule.parse(text, problem: problem)
  }
}

extension StringProtocol {
  func trimmingCharacters() -> String {
    // Most values have nothing to trim: one look at the first and last byte decides.
    let whole = String(self)
    if let f = whole.utf8.first, let l = whole.utf8.last, f != .space, f != .tab, l != .space, l != .tab { return whole }
    var s = Substring(whole)
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
