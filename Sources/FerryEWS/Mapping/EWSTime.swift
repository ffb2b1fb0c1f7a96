import FerryModel
import FerryTime
import Foundation

/// `xs:dateTime` as EWS writes it, and the zone conversions calendar items need.
public enum EWSTime {
  /// A parsed `xs:dateTime`: the local wall time and its offset in seconds, when it had one.
  struct Parsed {
    var local: LocalDateTime
    var offset: Int?
    /// The instant in UTC, when the value had an offset.
    var utc: LocalDateTime? { offset.map { local.adding(seconds: -$0) } }
  }

  /// Parses `2024-01-25T17:00:00Z`, `…+01:00`, `…T17:00:00.000`, or a bare date.
  static func parse(_ text: String) -> Parsed? {
    let bytes = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= bytes.count else { return nil }
      var n = 0
      for i in from..<(from + count) {
        let b = bytes[i]
        guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
        n = n * 10 + Int(b - UInt8(ascii: "0"))
      }
      return n
    }
    guard let y = number(0, 4), bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), let mo = number(5, 2),
      bytes[7] == UInt8(ascii: "-"), let d = number(8, 2)
    else { return nil }
    var local = LocalDateTime(year: y, month: mo, day: d)
    guard local.date.isValid else { return nil }
    var i = 10
    if i < bytes.count, bytes[i] == UInt8(ascii: "T") {
      guard let h = number(11, 2), bytes.count >= 19, let mi = number(14, 2), let s = number(17, 2), h < 24, mi < 60, s < 61
      else { return nil }
      local.time = LocalTime(hour: h, minute: mi, second: min(s, 59))
      i = 19
      if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
        i += 1
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
      }
    }
    if i == bytes.count { return Parsed(local: local, offset: nil) }
    if bytes[i] == UInt8(ascii: "Z"), i + 1 == bytes.count { return Parsed(local: local, offset: 0) }
    if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-"), let oh = number(i + 1, 2), let om = number(i + 4, 2),
      i + 6 == bytes.count
    {
      let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
      return Parsed(local: local, offset: sign * (oh * 3600 + om * 60))
    }
    return nil
  }

  /// The UTC offset of an IANA zone at a UTC instant, or nil for an unknown zone.
  static func offset(zone: String, atUTC utc: LocalDateTime) -> Int? {
    guard let tz = TimeZone(identifier: zone) else { return nil }
    return tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc.secondsSinceEpoch)))
  }

  /// `YYYY-MM-DDTHH:MM:SS` plus `Z` or `±HH:MM`, or nothing.
  static func format(_ t: LocalDateTime, offset: Int?) -> String {
    var s = t.description
    if s.count == 16 { s += ":00" }
    guard let offset else { return s }
    if offset == 0 { return s + "Z" }
    let a = Int(clamping: offset.magnitude)  // abs(Int.min) traps
    return s + (offset < 0 ? "-" : "+") + pad2(a / 3600) + ":" + pad2(a / 60 % 60)
  }

  private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

  /// A time as EWS `xs:dateTime`, with the Windows zone id to send beside it.
  ///
  /// Zoned times go out as local time with their offset (the server needs no time-zone
  /// context to read them); a wall clock no zone explains goes out bare, which Exchange reads
  /// as UTC; a whole day goes out as its midnight.
  static func write(_ time: ExchangeTime) -> (text: String, windowsZone: String?) {
    switch time {
    case .utc(let t): (format(t, offset: 0), nil)
    case .zoned(let t, let zone): (format(t, offset: zone.offset(atLocal: t)), zone.windowsName)
    case .floating(let t): (format(t, offset: nil), nil)
    case .date(let d, let windows): (format(LocalDateTime(date: d, time: .midnight), offset: nil), windows)
    }
  }
}
