/// A calendar date with no time and no zone (proleptic Gregorian).
public struct LocalDate: Sendable, Hashable, Comparable, TextCodable {
  public var year: Int
  public var month: Int
  public var day: Int

  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Whether the fields name a real day.
  public var isValid: Bool {
    month >= 1 && month <= 12 && day >= 1 && day <= LocalDate.daysIn(month: month, year: year)
  }

  public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 1, 3, 5, 7, 8, 10, 12: 31
    case 4, 6, 9, 11: 30
    case 2: isLeap(year) ? 29 : 28
    default: 0
    }
  }

  /// Days since 1970-01-01 (negative before). Howard Hinnant's `days_from_civil`.
  public var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  /// The date `days` days after 1970-01-01. Howard Hinnant's `civil_from_days`.
  public init(daysSinceEpoch days: Int) {
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
  }

  /// ISO weekday: 1 = Monday … 7 = Sunday.
  public var isoWeekday: Int {
    let d = daysSinceEpoch
    return ((d % 7 + 7) % 7 + 3) % 7 + 1  // 1970-01-01 was a Thursday
  }

  public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

  public static func < (a: LocalDate, b: LocalDate) -> Bool {
    (a.year, a.month, a.day) < (b.year, b.month, b.day)
  }

  /// `2024-03-09`.
  public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

  /// Parses `YYYY-MM-DD` or `YYYYMMDD`.
  public init?(iso text: some StringProtocol) {
    // The common forms straight from the bytes (the same result as the general path below).
    if let d = text.utf8.withContiguousStorageIfAvailable({ LocalDate.fixed($0) }), let d {
      guard d.isValid else { return nil }
      self = d
      return
    }
    let digits = String(text.filter { $0 != "-" })
    guard digits.count == 8, digits.allSatisfy(\.isASCII), let n = Int(digits) else { return nil }
    self.init(year: n / 10000, month: n / 100 % 100, day: n % 100)
    guard isValid else { return nil }
  }

  public init?(codableText text: String) { self.init(iso: text) }

  /// `YYYY-MM-DD` or `YYYYMMDD` exactly (ASCII digits), unchecked; nil for any other shape.
  static func fixed(_ b: UnsafeBufferPointer<UInt8>) -> LocalDate? {
    func d(_ i: Int) -> Int? { b[i] &- 0x30 < 10 ? Int(b[i] &- 0x30) : nil }
    let (y, m, dd): (Int, Int, Int)
    if b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") {
      guard let a = d(0), let b1 = d(1), let c = d(2), let e = d(3), let f = d(5), let g = d(6), let h = d(8), let i = d(9) else { return nil }
      (y, m, dd) = (a * 1000 + b1 * 100 + c * 10 + e, f * 10 + g, h * 10 + i)
    } else if b.count == 8 {
      guard let a = d(0), let b1 = d(1), let c = d(2), let e = d(3), let f = d(4), let g = d(5), let h = d(6), let i = d(7) else { return nil }
      (y, m, dd) = (a * 1000 + b1 * 100 + c * 10 + e, f * 10 + g, h * 10 + i)
    } else {
      return nil
    }
    return LocalDate(year: y, month: m, day: dd)
  }
}

/// A wall-clock time of day.
public struct LocalTime: Sendable, Hashable, Comparable, Codable {
  public var hour: Int
  public var minute: Int
  public var second: Int
  public init(hour: Int, minute: Int, second: Int = 0) {
    self.hour = hour
    self.minute = minute
    self.second = second
  }
  public var secondsSinceMidnight: Int { hour * 3600 + minute * 60 + second }
  public static func < (a: LocalTime, b: LocalTime) -> Bool { a.secondsSinceMidnight < b.secondsSinceMidnight }
  public static let midnight = LocalTime(hour: 0, minute: 0)
}

/// A date and a wall-clock time, with no zone attached.
public struct LocalDateTime: Sendable, Hashable, Comparable, TextCodable {
  public var date: LocalDate
  public var time: LocalTime

  public init(date: LocalDate, time: LocalTime) {
    self.date = date
    self.time = time
  }

  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
    self.init(date: LocalDate(year: year, month: month, day: day), time: LocalTime(hour: hour, minute: minute, second: second))
  }

  /// Seconds since 1970-01-01T00:00:00 on the same wall clock (as if it were UTC).
  public var secondsSinceEpoch: Int { date.daysSinceEpoch * 86400 + time.secondsSinceMidnight }

  public init(secondsSinceEpoch s: Int) {
    let days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400)
    let rest = s - days * 86400
    self.init(
      date: LocalDate(daysSinceEpoch: days),
      time: LocalTime(hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60))
  }

  public func adding(seconds: Int) -> LocalDateTime { LocalDateTime(secondsSinceEpoch: secondsSinceEpoch + seconds) }

  public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }

  /// `2024-03-09T14:30:00`.
  public var description: String {
    "\(date)T\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
  }

  /// Parses `YYYY-MM-DDTHH:MM:SS` and the basic form `YYYYMMDDTHHMMSS` (no zone suffix).
  public init?(iso text: some StringProtocol) {
    // `YYYY-MM-DDTHH:MM:SS` straight from the bytes (the same result as the general path).
    if let t = text.utf8.withContiguousStorageIfAvailable({ LocalDateTime.fixed($0) }), let t {
      guard t.date.isValid, t.time.hour <= 24, t.time.minute <= 59, t.time.second <= 60 else { return nil }
      self = t
      return
    }
    guard let t = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }) else { return nil }
    guard let date = LocalDate(iso: text[..<t]) else { return nil }
    let clock = String(text[text.index(after: t)...].filter { $0 != ":" })
    guard clock.count == 6 || clock.count == 4, clock.allSatisfy(\.isASCII), let n = Int(clock) else { return nil }
    let h: Int, m: Int, s: Int
    if clock.count == 6 {
      (h, m, s) = (n / 10000, n / 100 % 100, n % 100)
    } else {
      (h, m, s) = (n / 100, n % 100, 0)
    }
    guard h <= 24, m <= 59, s <= 60 else { return nil }
    self.init(date: date, time: LocalTime(hour: h, minute: m, second: s))
  }

  public init?(codableText text: String) { self.init(iso: text) }

  /// `YYYY-MM-DDTHH:MM:SS` exactly (ASCII digits, `T`), unchecked; nil for any other shape.
  static func fixed(_ b: UnsafeBufferPointer<UInt8>) -> LocalDateTime? {
    guard b.count == 19, b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
      let date = LocalDate.fixed(UnsafeBufferPointer(rebasing: b[0..<10]))
    else { return nil }
    func two(_ i: Int) -> Int? {
      guard b[i] &- 0x30 < 10, b[i + 1] &- 0x30 < 10 else { return nil }
      return Int(b[i] &- 0x30) * 10 + Int(b[i + 1] &- 0x30)
    }
    guard let h = two(11), let m = two(14), let s = two(17) else { return nil }
    return LocalDateTime(date: date, time: LocalTime(hour: h, minute: m, second: s))
  }
}

/// The start, end or instant of an event: a date, a floating wall time, a wall time in a
/// named zone, or a UTC instant.
public enum EventTime: Sendable, Hashable, TextCodable {
  /// A whole day (iCalendar `VALUE=DATE`).
  case date(LocalDate)
  /// A wall time with no zone: the same clock reading wherever the reader is.
  case floating(LocalDateTime)
  /// A wall time in a zone. `zone` is an IANA name when ferry could resolve it, else the
  /// TZID as written (see `FerryTime.TimeZoneResolver`).
  case zoned(LocalDateTime, zone: String)
  /// A UTC instant, held as its UTC wall clock.
  case utc(LocalDateTime)

  public var isDate: Bool { if case .date = self { true } else { false } }

  /// The wall clock or date, ignoring the zone.
  public var localDateTime: LocalDateTime {
    switch self {
    case .date(let d): LocalDateTime(date: d, time: .midnight)
    case .floating(let t), .zoned(let t, _), .utc(let t): t
    }
  }

  public var zone: String? { if case .zoned(_, let zone) = self { zone } else { nil } }

  /// `2024-03-09`, `2024-03-09T10:00:00`, `2024-03-09T10:00:00Z`, `2024-03-09T10:00:00[Europe/Berlin]`.
  public var description: String {
    switch self {
    case .date(let d): d.description
    case .floating(let t): t.description
    case .utc(let t): t.description + "Z"
    case .zoned(let t, let zone): "\(t)[\(zone)]"
    }
  }

  /// Parses the form `description` prints.
  public init?(text: String) {
    if let open = text.firstIndex(of: "["), text.hasSuffix("]") {
      guard let t = LocalDateTime(iso: text[..<open]) else { return nil }
      let zone = text[text.index(after: open)..<text.index(before: text.endIndex)]
      self = .zoned(t, zone: String(zone))
    } else if text.hasSuffix("Z") || text.hasSuffix("z") {
      guard let t = LocalDateTime(iso: text.dropLast()) else { return nil }
      self = .utc(t)
    } else if let t = LocalDateTime(iso: text) {
      self = .floating(t)
    } else if let d = LocalDate(iso: text) {
      self = .date(d)
    } else {
      return nil
    }
  }

  public init?(codableText text: String) { self.init(text: text) }
}

/// A date that may lack its year, month or day (vCard `--0412`, `BDAY:1980`).
public struct PartialDate: Sendable, Hashable, TextCodable {
  public var year: Int?
  public var month: Int?
  public var day: Int?

  public init(year: Int? = nil, month: Int? = nil, day: Int? = nil) {
    self.year = year
    self.month = month
    self.day = day
  }

  public init(_ date: LocalDate) { self.init(year: date.year, month: date.month, day: date.day) }

  /// The full date, when all three parts are known.
  public var localDate: LocalDate? {
    guard let year, let month, let day else { return nil }
    let d = LocalDate(year: year, month: month, day: day)
    return d.isValid ? d : nil
  }

  /// ISO 8601 / RFC 6350 reduced form: `1980-04-12`, `--04-12`, `1980-04`, `1980`, `---12`.
  public var description: String {
    switch (year, month, day) {
    case let (y?, m?, d?): "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    case let (nil, m?, d?): "--\(pad(m, 2))-\(pad(d, 2))"
    case let (y?, m?, nil): "\(pad(y, 4))-\(pad(m, 2))"
    case let (y?, nil, nil): pad(y, 4)
    case let (nil, nil, d?): "---\(pad(d, 2))"
    case let (nil, m?, nil): "--\(pad(m, 2))"
    default: ""
    }
  }

  /// Parses the forms `description` prints, plus the basic forms `19800412` and `--0412`.
  public init?(text raw: String) {
    // The common forms `1980-04-12` and `19800412`, byte by byte; the rest below.
    if let (y, m, d) = Self.fullDate(raw.utf8) {
      guard (1...12).contains(m), LocalDate(year: y, month: m, day: d).isValid else { return nil }
      self.init(year: y, month: m, day: d)
      return
    }
    let text = raw.trimmingPrefixAndSuffixSpaces()
    func num(_ s: Substring) -> Int? { s.allSatisfy { $0.isASCII && $0.isNumber } && !s.isEmpty ? Int(s) : nil }
    if text.hasPrefix("---") {
      guard let d = num(text.dropFirst(3)), (1...31).contains(d) else { return nil }
      self.init(day: d)
    } else if text.hasPrefix("--") {
      let rest = text.dropFirst(2).filter { $0 != "-" }
      if rest.count == 4, let n = num(Substring(rest)) {
        self.init(month: n / 100, day: n % 100)
      } else if rest.count == 2, let m = num(Substring(rest)) {
        self.init(month: m)
      } else {
        return nil
      }
      guard (1...12).contains(month ?? 1), (1...31).contains(day ?? 1) else { return nil }
    } else {
      let digits = text.filter { $0 != "-" }
      guard let n = num(Substring(digits)) else { return nil }
      switch digits.count {
      case 8: self.init(year: n / 10000, month: n / 100 % 100, day: n % 100)
      case 6 where text.contains("-"): self.init(year: n / 100, month: n % 100)
      case 4: self.init(year: n)
      default: return nil
      }
      if let month, !(1...12).contains(month) { return nil }
      if let day, let month, let year, !LocalDate(year: year, month: month, day: day).isValid { return nil }
    }
  }

  public init?(codableText text: String) { self.init(text: text) }

  /// Year, month and day of exactly `YYYY-MM-DD` or `YYYYMMDD` (ASCII digits), else nil.
  static func fullDate(_ u: String.UTF8View) -> (Int, Int, Int)? {
    let count = u.count
    guard count == 10 || count == 8 else { return nil }
    var digits = 0
    var value = 0
    for (i, c) in u.enumerated() {
      if count == 10 && (i == 4 || i == 7) {
        guard c == UInt8(ascii: "-") else { return nil }
        continue
      }
      guard c >= 48 && c <= 57 else { return nil }
      value = value * 10 + Int(c - 48)
      digits += 1
    }
    guard digits == 8 else { return nil }
    return (value / 10000, value / 100 % 100, value % 100)
  }
}

/// A UTC instant with millisecond precision, for created/modified stamps.
public struct Timestamp: Sendable, Hashable, Comparable, TextCodable {
  /// Milliseconds since 1970-01-01T00:00:00Z.
  public var milliseconds: Int64
  public init(milliseconds: Int64) { self.milliseconds = milliseconds }
  public init(utc: LocalDateTime) { milliseconds = Int64(utc.secondsSinceEpoch) * 1000 }
  public var utc: LocalDateTime { LocalDateTime(secondsSinceEpoch: Int(milliseconds.quotientFloor(1000))) }
  public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }
  /// `2024-01-31T15:00:00Z`, with `.123` when there are milliseconds.
  public var description: String {
    let ms = Int(milliseconds - milliseconds.quotientFloor(1000) * 1000)
    return ms == 0 ? "\(utc)Z" : "\(utc).\(pad(ms, 3))Z"
  }
  /// Parses `2024-01-31T15:00:00Z`, `2024-01-31T15:00:00.000Z`, `20240131T150000Z`,
  /// `2024-01-31T15:00:00.000+0000` and `+01:00` offsets.
  public init?(text: String) {
    var body = Substring(text)
    var offset = 0
    if body.hasSuffix("Z") || body.hasSuffix("z") {
      body = body.dropLast()
    } else if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }), body.distance(from: sign, to: body.endIndex) >= 5,
      body[..<sign].contains("T")
    {
      let digits = body[body.index(after: sign)...].filter { $0 != ":" }
      guard digits.count == 4, let n = Int(digits) else { return nil }
      offset = (n / 100 * 3600 + n % 100 * 60) * (body[sign] == "-" ? -1 : 1)
      body = body[..<sign]
    }
    var millis = 0
    if let dot = body.firstIndex(of: ".") {
      let frac = body[body.index(after: dot)...].prefix(3)
      guard let f = Int(frac) else { return nil }
      millis = f * (frac.count == 1 ? 100 : frac.count == 2 ? 10 : 1)
      body = body[..<dot]
    }
    guard let t = LocalDateTime(iso: body) else { return nil }
    milliseconds = Int64(t.secondsSinceEpoch - offset) * 1000 + Int64(millis)
  }
  public init?(codableText text: String) { self.init(text: text) }
}

extension Int64 {
  fileprivate func quotientFloor(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}

extension String {
  fileprivate func trimmingPrefixAndSuffixSpaces() -> String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s = s.dropFirst() }
    while s.last?.isWhitespace == true { s = s.dropLast() }
    return String(s)
  }
}

/// Zero-padded decimal.
@inlinable
func pad(_ n: Int, _ width: Int) -> String {
  let s = String(n.magnitude)  // abs(Int.min) traps
  let body = s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  return n < 0 ? "-" + body : body
}

/// A value that travels in JSON as the text its `description` prints (`2024-03-09`,
/// `2024-03-09T10:00:00[Europe/Berlin]`, `PT15M`).
public protocol TextCodable: Codable, CustomStringConvertible {
  /// Parses the text `description` prints.
  init?(codableText: String)
}

extension TextCodable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Self(codableText: text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not a valid \(Self.self): \"\(text)\""))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }
}
