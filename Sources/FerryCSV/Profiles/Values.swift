import FerryModel

/// Value codecs shared by the profiles: dates, timestamps, multi-values. Byte-level, no
/// Foundation formatters.
enum Values {
  /// Digits of `s` between `from` and `to` as a number, or nil.
  @inline(__always)
  static func number(_ u: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
    guard from < to, to <= u.count else { return nil }
    var n = 0
    for i in from..<to {
      let d = Int(u[i]) - 48
      guard d >= 0 && d <= 9 else { return nil }
      n = n * 10 + d
    }
    return n
  }

  /// `2024-01-31T15:00:00.000Z`, `2024-01-31T15:00:00Z`, `2024-01-31 15:00`, `+0000`/`+01:00`
  /// offsets; a date alone is midnight UTC.
  static func timestamp(_ text: String) -> Timestamp? {
    var copy = text
    if let t = copy.withUTF8({ fastTimestamp($0) }) { return t }
    return Timestamp(text: text)
  }

  /// The byte-level parse; nil sends the text to the model's slower, wider parser.
  static func fastTimestamp(_ u: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    guard u.count >= 10, let y = number(u, 0, 4), u[4] == UInt8(ascii: "-"), let mo = number(u, 5, 7),
      u[7] == UInt8(ascii: "-"), let d = number(u, 8, 10)
    else { return nil }
    let date = LocalDate(year: y, month: mo, day: d)
    guard date.isValid else { return nil }
    if u.count == 10 { return Timestamp(utc: LocalDateTime(date: date, time: .midnight)) }
    guard u.count >= 16, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "), let h = number(u, 11, 13),
      u[13] == UInt8(ascii: ":"), let mi = number(u, 14, 16), h < 24, mi < 60
    else { return nil }
    var i = 16
    var s = 0
    if i + 3 <= u.count, u[i] == UInt8(ascii: ":"), let sec = number(u, i + 1, i + 3), sec <= 60 {
      s = sec
      i += 3
    }
    var ms = 0
    if i < u.count, u[i] == UInt8(ascii: ".") {
      var j = i + 1
      var digits = 0
      while j < u.count, u[j] >= 48, u[j] <= 57 {
        if digits < 3 { ms = ms * 10 + Int(u[j]) - 48 }
        digits += 1
        j += 1
      }
      // More than three digits (`.00000`) are read to the millisecond.
      if digits < 3 { for _ in digits..<3 { ms *= 10 } }
      i = j
    }
    var offset = 0
    if i < u.count {
      if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
        i += 1
      } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
        let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
        let rest = Array(u[(i + 1)...].filter { $0 != UInt8(ascii: ":") })
        guard rest.count == 4, let n = rest.withUnsafeBufferPointer({ number($0, 0, 4) }) else { return nil }
        offset = sign * (n / 100 * 3600 + n % 100 * 60)
        i = u.count
      }
      guard i == u.count else { return nil }
    }
    let seconds = date.daysSinceEpoch * 86400 + h * 3600 + mi * 60 + s - offset
    return Timestamp(milliseconds: Int64(seconds) * 1000 + Int64(ms))
  }

  /// Salesforce's form: `2024-01-31T15:00:00.000Z`.
  static func salesforceTimestamp(_ t: Timestamp) -> String {
    var out = [UInt8]()
    out.reserveCapacity(24)
    let utc = t.utc
    let ms = Int(t.milliseconds - (t.milliseconds.quotientFloorBy1000) * 1000)
    append(utc.date.year, 4, &out)
    out.append(UInt8(ascii: "-"))
    append(utc.date.month, 2, &out)
    out.append(UInt8(ascii: "-"))
    append(utc.date.day, 2, &out)
    out.append(UInt8(ascii: "T"))
    append(utc.time.hour, 2, &out)
    out.append(UInt8(ascii: ":"))
    append(utc.time.minute, 2, &out)
    out.append(UInt8(ascii: ":"))
    append(utc.time.second, 2, &out)
    out.append(UInt8(ascii: "."))
    append(ms, 3, &out)
    out.append(UInt8(ascii: "Z"))
    return String(decoding: out, as: UTF8.self)
  }

  /// `2024-01-31 15:00` (HubSpot's label export), in UTC.
  static func minuteTimestamp(_ t: Timestamp) -> String {
    let utc = t.utc
    var out = [UInt8]()
    append(utc.date.year, 4, &out)
    out.append(UInt8(ascii: "-"))
    append(utc.date.month, 2, &out)
    out.append(UInt8(ascii: "-"))
    append(utc.date.day, 2, &out)
    out.append(UInt8(ascii: " "))
    append(utc.time.hour, 2, &out)
    out.append(UInt8(ascii: ":"))
    append(utc.time.minute, 2, &out)
    if utc.time.second != 0 || t.milliseconds % 1000 != 0 { return salesforceTimestamp(t) }
    return String(decoding: out, as: UTF8.self)
  }

  static func append(_ n: Int, _ width: Int, _ out: inout [UInt8]) {
    var digits = [UInt8](repeating: 48, count: width)
    var v = Int(clamping: n.magnitude)  // abs(Int.min) traps
    var k = width - 1
    while k >= 0 {
      digits[k] = UInt8(48 + v % 10)
      v /= 10
      k -= 1
    }
    if v > 0 { out.append(contentsOf: String(n.magnitude).utf8) } else { out.append(contentsOf: digits) }
  }

  /// ISO `1980-04-12`, `--04-12` (no year), `19800412`.
  static func isoDate(_ text: String) -> PartialDate? {
    var copy = text
    let fast: PartialDate? = copy.withUTF8 { u in
      guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), let y = number(u, 0, 4),
        let m = number(u, 5, 7), let d = number(u, 8, 10)
      else { return nil }
      let date = LocalDate(year: y, month: m, day: d)
      return date.isValid ? PartialDate(date) : nil
    }
    return fast ?? PartialDate(text: text)
  }

  /// A Salesforce id in its 18-character case-safe form, byte by byte: the model's
  /// `SalesforceID.caseSafe` without its allocations, for the hot path. Not an id: unchanged.
  static func caseSafeID(_ id: String) -> String {
    guard id.utf8.count == 15 else { return SalesforceID.caseSafe(id) ?? id }
    var copy = id
    return copy.withUTF8 { caseSafeID(bytes: $0) }
  }

  /// `caseSafeID` of the text `u` (valid UTF-8), read from the bytes: a 15-character id
  /// needs no `String` of its own before its 18-character form is made.
  static func caseSafeID(bytes u: UnsafeBufferPointer<UInt8>) -> String {
    var safe: String?
    if u.count == 15 {
      safe = caseSafe15(u)
    }
    if let safe { return safe }
    let id = String(decoding: u, as: UTF8.self)
    return SalesforceID.caseSafe(id) ?? id
  }

  /// The 18-character form of 15 letters and digits, nil when `u` holds anything else.
  private static func caseSafe15(_ u: UnsafeBufferPointer<UInt8>) -> String? {
    var suffix: (UInt8, UInt8, UInt8) = (0, 0, 0)
    for chunk in 0..<3 {
      var bits = 0
      for i in 0..<5 {
        let b = u[chunk * 5 + i]
        guard (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) else { return nil }
        if b >= 65 && b <= 90 { bits |= 1 << i }
      }
      let letter = bits < 26 ? UInt8(65 + bits) : UInt8(48 + bits - 26)
      switch chunk {
      case 0: suffix.0 = letter
      case 1: suffix.1 = letter
      default: suffix.2 = letter
      }
    }
    // The 18 bytes are written straight into the new string's storage: one allocation.
    return String(unsafeUninitializedCapacity: 18) { out in
      for k in 0..<15 { out[k] = u[k] }
      out[15] = suffix.0
      out[16] = suffix.1
      out[17] = suffix.2
      return 18
    }
  }

  static func isoDateText(_ d: PartialDate) -> String { d.description }

  /// Outlook's short dates: `7/31/1980` (en-US), `31.07.1980` (German); `0/0/00` and
  /// `0.0.00` mean no date. ISO dates are accepted too.
  static func outlookDate(_ text: String, format: CSVDateFormat? = nil) -> PartialDate?? {
    let t = text.trimmed
    if t.isEmpty || t == "0/0/00" || t == "0.0.00" || t == "00.00.00" || t == "0/0/0000" { return .some(nil) }
    if t.contains("/") {
      let parts = t.split(separator: "/")
      guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), var y = Int(parts[2]) else { return nil }
      let (m, d) = format == .dayMonthYear ? (b, a) : (a, b)
      if parts[2].count == 2 { y += y < 50 ? 2000 : 1900 }
      return checked(y, m, d)
    }
    if t.contains(".") {
      let parts = t.split(separator: ".")
      guard parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), var y = Int(parts[2]) else { return nil }
      if parts[2].count == 2 { y += y < 50 ? 2000 : 1900 }
      return checked(y, m, d)
    }
    if let d = PartialDate(text: t) { return .some(d) }
    return nil
  }

  /// A slashed date whose first part can only be a day (`31/7/1980`): the sign of a
  /// day-first export read month first.
  static func readsOnlyDayFirst(_ text: String) -> Bool {
    let parts = text.trimmed.split(separator: "/")
    guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]) else { return false }
    return (13...31).contains(a) && (1...12).contains(b)
  }

  private static func checked(_ y: Int, _ m: Int, _ d: Int) -> PartialDate?? {
    // Four-digit years only, as every format ferry writes holds them: `1/1/-9223372036854775808`
    // once became a birthday whose text trapped.
    guard (1...9999).contains(y) else { return nil }
    let date = LocalDate(year: y, month: m, day: d)
    return date.isValid ? .some(PartialDate(date)) : nil
  }

  /// `7/31/1980`; nil for a date without a year (Outlook cannot hold one).
  static func outlookDateText(_ d: PartialDate, format: CSVDateFormat = .monthDayYear) -> String? {
    guard let y = d.year, let m = d.month, let day = d.day else { return nil }
    return format.text(year: y, month: m, day: day)
  }

  /// Splits on a separator string (` ::: `, `;`), dropping empty parts and trimming.
  static func split(_ text: String, by separator: String) -> [String] {
    text.splitting(on: separator).map(\.trimmed).filter { !$0.isEmpty }
  }
}

extension Int64 {
  var quotientFloorBy1000: Int64 { self >= 0 ? self / 1000 : -((-self + 999) / 1000) }
}

extension String {
  func splitting(on separator: String) -> [String] {
    if separator.count == 1 { return split(separator: Character(separator), omittingEmptySubsequences: false).map(String.init) }
    var parts: [String] = []
    var rest = Substring(self)
    while let r = rest.firstRange(ofText: separator) {
      parts.append(String(rest[..<r.lowerBound]))
      rest = rest[r.upperBound...]
    }
    parts.append(String(rest))
    return parts
  }
}

extension Substring {
  func firstRange(ofText needle: String) -> Range<Substring.Index>? {
    guard let first = needle.first else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i] == first && self[i...].hasPrefix(needle) {
        return i..<index(i, offsetBy: needle.count)
      }
      i = index(after: i)
    }
    return nil
  }
}

/// Phone and e-mail type helpers.
extension Array where Element == String {
  func has(_ t: String) -> Bool { contains(t) }
}
