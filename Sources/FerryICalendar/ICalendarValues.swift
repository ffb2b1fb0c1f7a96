import FerryModel

/// Value codecs shared by the reader and the writer: DATE, DATE-TIME, PERIOD, RECUR and
/// their text forms (RFC 5545 §3.3).
enum ICalValue {
  /// Parses `20240309`, `20240309T143000`, `20240309T143000Z` (also lenient extended forms
  /// `2024-03-09T14:30:00`). `isDate` forces a DATE reading (`VALUE=DATE`).
  static func localDateTime(_ text: Substring) -> (LocalDateTime, isDate: Bool, isUTC: Bool)? {
    // Read in place when the text is contiguous UTF-8 (it is, from the content-line reader).
    if let parsed = text.utf8.withContiguousStorageIfAvailable({ localDateTime(bytes: $0) }) { return parsed }
    return Array(text.utf8).withUnsafeBufferPointer { localDateTime(bytes: $0) }
  }

  /// `localDateTime(_:)` of a whole string: its bytes are read where they are (a substring's
  /// contiguous-storage path cost several times more, for every time read).
  static func localDateTime(_ text: String) -> (LocalDateTime, isDate: Bool, isUTC: Bool)? {
    if let parsed = text.utf8.withContiguousStorageIfAvailable({ localDateTime(bytes: $0) }) { return parsed }
    return Array(text.utf8).withUnsafeBufferPointer { localDateTime(bytes: $0) }
  }

  static func localDateTime(bytes text: UnsafeBufferPointer<UInt8>) -> (LocalDateTime, isDate: Bool, isUTC: Bool)? {
    if let parsed = plainDateTime(text) { return parsed }
    var low = 0
    var high = text.count
    while high > low, text[high - 1] == .space || text[high - 1] == .tab { high -= 1 }
    while low < high, text[low] == .space || text[low] == .tab { low += 1 }
    let trimmed = UnsafeBufferPointer(rebasing: text[low..<high])
    if trimmed.contains(UInt8(ascii: "-")) || trimmed.contains(.colon) {
      // The extended form: read as the basic one, separators left out.
      let basic = trimmed.filter { $0 != UInt8(ascii: "-") && $0 != .colon }
      return basic.withUnsafeBufferPointer { basicDateTime($0) }
    }
    return basicDateTime(trimmed)
  }

  /// The usual shapes read straight from their bytes: `YYYYMMDD`, `YYYYMMDDTHHMMSS` and the
  /// same with `Z`, nothing around them. Nil for any other text (then the general path below
  /// reads it, with the same result for these shapes): trimming, looking for separators and
  /// reading digit by digit cost several times more, for every time of every event.
  @inline(__always)
  private static func plainDateTime(_ text: UnsafeBufferPointer<UInt8>) -> (LocalDateTime, isDate: Bool, isUTC: Bool)? {
    let count = text.count
    guard count == 8 || count == 15 || count == 16, let p = text.baseAddress else { return nil }
    /// The two digits at `i` as a number, or -1.
    @inline(__always) func two(_ i: Int) -> Int {
      let a = p[i] &- 0x30
      let b = p[i + 1] &- 0x30
      return a < 10 && b < 10 ? Int(a) &* 10 &+ Int(b) : -1
    }
    let century = two(0)
    let yy = two(2)
    let mo = two(4)
    let d = two(6)
    guard century >= 0, yy >= 0, mo >= 0, d >= 0 else { return nil }
    let date = LocalDate(year: century * 100 + yy, month: mo, day: d)
    if count == 8 { return date.isValid ? (LocalDateTime(date: date, time: .midnight), true, false) : nil }
    let utc = count == 16
    if utc { guard p[15] == UInt8(ascii: "Z") || p[15] == UInt8(ascii: "z") else { return nil } }
    guard p[8] == UInt8(ascii: "T") || p[8] == UInt8(ascii: "t") else { return nil }
    let h = two(9)
    let mi = two(11)
    let s = two(13)
    guard h >= 0, mi >= 0, s >= 0, date.isValid else { return nil }
    return dateTime(date, h, mi, s, utc: utc)
  }

  /// The date-time of fields read, checked as `basicDateTime` checks them (hour 24 is the
  /// next day's midnight, second 60 reads as 59).
  @inline(__always)
  private static func dateTime(_ date: LocalDate, _ h: Int, _ mi: Int, _ s: Int, utc: Bool) -> (LocalDateTime, isDate: Bool, isUTC: Bool)? {
    guard h <= 24, mi <= 59, s <= 60 else { return nil }
    var t = LocalDateTime(date: date, time: LocalTime(hour: h, minute: mi, second: min(s, 59)))
    if h == 24 { t = LocalDateTime(date: date.adding(days: 1), time: LocalTime(hour: 0, minute: mi, second: min(s, 59))) }
    return (t, false, utc)
  }

  /// The basic form (`20240309`, `20240309T143000`, `Z` or fractional seconds after it).
  private static func basicDateTime(_ text: UnsafeBufferPointer<UInt8>) -> (LocalDateTime, isDate: Bool, isUTC: Bool)? {
    var count = text.count
    var utc = false
    if count > 0, text[count - 1] == UInt8(ascii: "Z") || text[count - 1] == UInt8(ascii: "z") {
      utc = true
      count -= 1
    }
    func digits(_ from: Int, _ width: Int) -> Int? {
      guard from + width <= count else { return nil }
      var n = 0
      for i in from..<(from + width) {
        let c = text[i]
        guard c >= 0x30 && c <= 0x39 else { return nil }
        n = n * 10 + Int(c - 0x30)
      }
      return n
    }
    guard let y = digits(0, 4), let mo = digits(4, 2), let d = digits(6, 2) else { return nil }
    let date = LocalDate(year: y, month: mo, day: d)
    guard date.isValid else { return nil }
    if count == 8 { return (LocalDateTime(date: date, time: .midnight), true, false) }
    guard count >= 13, text[8] == UInt8(ascii: "T") || text[8] == UInt8(ascii: "t"),
      let h = digits(9, 2), let mi = digits(11, 2)
    else { return nil }
    var s = 0
    if count >= 15 {
      guard let sec = digits(13, 2) else { return nil }
      s = sec
      // Fractional seconds (`.000`) are not iCalendar but appear; they are dropped.
      if count > 15 && text[15] != UInt8(ascii: ".") && text[15] != .comma { return nil }
    } else if count != 13 {
      return nil
    }
    return dateTime(date, h, mi, s, utc: utc)
  }

  /// `20240309T143000`, or with `utc` `20240309T143000Z`: written straight into the
  /// string's storage (a writer makes several per event).
  static func basic(_ t: LocalDateTime, utc: Bool = false) -> String {
    String(unsafeUninitializedCapacity: 16) { putBasic(t, utc: utc, $0) }
  }

  /// `basic(_:utc:)`'s bytes put at the start of `out` (16 bytes of room); returns their count.
  private static func putBasic(_ t: LocalDateTime, utc: Bool, _ out: UnsafeMutableBufferPointer<UInt8>) -> Int {
    putDigits(t.date.year, 4, out, at: 0)
    putDigits(t.date.month, 2, out, at: 4)
    putDigits(t.date.day, 2, out, at: 6)
    out[8] = UInt8(ascii: "T")
    putDigits(t.time.hour, 2, out, at: 9)
    putDigits(t.time.minute, 2, out, at: 11)
    putDigits(t.time.second, 2, out, at: 13)
    guard utc else { return 15 }
    out[15] = UInt8(ascii: "Z")
    return 16
  }

  static func basic(_ d: LocalDate) -> String {
    String(unsafeUninitializedCapacity: 8) { out in
      putDigits(d.year, 4, out, at: 0)
      putDigits(d.month, 2, out, at: 4)
      putDigits(d.day, 2, out, at: 6)
      return 8
    }
  }

  /// Writes the last `width` decimal digits of `n`'s magnitude, zero-padded, at `at`.
  private static func putDigits(_ n: Int, _ width: Int, _ out: UnsafeMutableBufferPointer<UInt8>, at: Int) {
    var v = Int(clamping: n.magnitude)  // abs(Int.min) traps
    var i = at + width - 1
    while i >= at {
      out[i] = UInt8(0x30 + v % 10)
      v /= 10
      i -= 1
    }
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

  /// `basic(_:utc:)` appended to `out` (a writer's line), with no string made: the digits are
  /// put in a buffer on the stack and appended at once (appended one by one, each append
  /// checked the array's capacity and uniqueness).
  static func appendBasic(_ t: LocalDateTime, utc: Bool = false, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { b in
      let count = putBasic(t, utc: utc, b)
      out.append(contentsOf: UnsafeBufferPointer(rebasing: b[0..<count]))
    }
  }

  /// `basic(_:)` of a date appended to `out`, as `appendBasic(_:utc:to:)` appends.
  static func appendBasic(_ d: LocalDate, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { b in
      putDigits(d.year, 4, b, at: 0)
      putDigits(d.month, 2, b, at: 4)
      putDigits(d.day, 2, b, at: 6)
      out.append(contentsOf: UnsafeBufferPointer(b))
    }
  }

  /// `text(_:)` appended to `out`.
  static func appendText(_ time: EventTime, to out: inout [UInt8]) {
    switch time {
    case .date(let d): appendBasic(d, to: &out)
    case .floating(let t), .zoned(let t, _): appendBasic(t, to: &out)
    case .utc(let t): appendBasic(t, utc: true, to: &out)
    }
  }

  /// The value text of a time, without its TZID (which goes in a parameter).
  static func text(_ time: EventTime) -> String {
    switch time {
    case .date(let d): basic(d)
    case .floating(let t), .zoned(let t, _): basic(t)
    case .utc(let t): basic(t, utc: true)
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
    let untrimmed = whole.utf8.withContiguousStorageIfAvailable { b in
      !b.isEmpty && b[0] != .space && b[0] != .tab && b[b.count - 1] != .space && b[b.count - 1] != .tab
    }
    if untrimmed == true { return whole }
    var s = Substring(whole)
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
  }
}

extension String {
  /// `trimmingCharacters().uppercasedASCII()`: the string itself, after one pass over its
  /// bytes, when it has nothing to trim and nothing to upper-case (a keyword value as
  /// written: `CONFIRMED`, `OPAQUE`, `VALARM`), where the two calls took a pass each.
  func trimmedUppercased() -> String {
    let plain = utf8.withContiguousStorageIfAvailable { b -> Bool in
      guard let first = b.first, let last = b.last, first != .space, first != .tab, last != .space, last != .tab
      else { return false }
      for c in b where c >= 0x80 || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) { return false }
      return true
    }
    if plain == true { return self }
    return trimmingCharacters().uppercasedASCII()
  }

  /// `uppercased()`, without its Unicode tables when the text is ASCII (property values,
  /// parameters and component names nearly always are), and without a new string when it
  /// has no lower-case letter. Non-ASCII text goes through `uppercased()`, so results match
  /// it exactly (`ı` still becomes `I`).
  func uppercasedASCII() -> String {
    // Scanned through a buffer pointer (the UTF-8 view's iterator costs more than the scan),
    // eight bytes at a time.
    let lower = utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
      var lower = false
      var i = 0
      let count = bytes.count
      if let base = bytes.baseAddress {
        while i + 8 <= count {
          let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
          if word & 0x8080_8080_8080_8080 != 0 { return nil }
          // Bytes below 0x80 plus 0x1F (or 0x05) carry into their high bit exactly when they
          // are at least "a" (or above "z"), and never into the next byte.
          let atLeastA = word &+ 0x1F1F_1F1F_1F1F_1F1F
          let aboveZ = word &+ 0x0505_0505_0505_0505
          if atLeastA & ~aboveZ & 0x8080_8080_8080_8080 != 0 { lower = true }
          i += 8
        }
      }
      while i < count {
        let b = bytes[i]
        if b >= 0x80 { return nil }
        if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { lower = true }
        i += 1
      }
      return lower
    }
    guard let lower = lower ?? nil else { return uppercased() }
    guard lower else { return self }
    return String(decoding: utf8.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }, as: UTF8.self)
  }
}

extension UInt8 {
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let colon = UInt8(ascii: ":")
  static let comma = UInt8(ascii: ",")
}
