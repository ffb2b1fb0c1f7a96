import FerryModel
import FerryTime
import Foundation

/// The little the iCalendar format needs from time zones: naming a TZID, converting wall
/// times to UTC, and a VTIMEZONE with RRULE observances for a zone.
///
/// This is an adapter: zone rules come from the system tz database through Foundation's
/// `TimeZone`, Windows names from `FerryTime.WindowsZones`. Conversions are cached per zone so
/// the hot path does no Foundation formatting.
final class ZoneSupport: @unchecked Sendable {
  private var zones: [String: TimeZone?] = [:]
  private var resolved: [String: String?] = [:]

  /// The IANA name a TZID stands for: an IANA name, a Windows name, a Mozilla/Lotus prefixed
  /// path (`/mozilla.org/20050126_1/America/New_York`), or a quoted name. Nil when unknown.
  func ianaName(forTZID raw: String) -> String? {
    if let hit = resolved[raw] { return hit }
    let result = resolveUncached(raw)
    resolved[raw] = result
    return result
  }

  private func resolveUncached(_ raw: String) -> String? {
    var tzid = raw.trimmingCharacters()
    if tzid.hasPrefix("\"") && tzid.hasSuffix("\"") && tzid.count >= 2 { tzid = String(tzid.dropFirst().dropLast()) }
    if tzid.isEmpty { return nil }
    if tzid == "UTC" || tzid == "GMT" || tzid == "Z" || tzid == "Etc/UTC" { return "UTC" }
    if zone(tzid) != nil, tzid.contains("/") || tzid == "UTC" { return tzid }
    if let iana = WindowsZones.iana(forWindows: tzid) { return iana }
    // Path prefixes: keep the longest tail that names a zone.
    let parts = tzid.split(separator: "/")
    if parts.count >= 2 {
      for start in 0..<(parts.count - 1) {
        let tail = parts[start...].joined(separator: "/")
        if zone(tail) != nil { return tail }
      }
    }
    // Outlook's display names: "(UTC-05:00) Eastern Time (US & Canada)" are not resolvable by
    // name; the caller falls back to the VTIMEZONE definition.
    return nil
  }

  func zone(_ name: String) -> TimeZone? {
    if let hit = zones[name] { return hit }
    let z = TimeZone(identifier: name)
    zones[name] = z
    return z
  }

  /// The UTC offset in seconds of the zone at a UTC instant.
  func offset(zone name: String, atUTC seconds: Int) -> Int? {
    guard let z = zone(name) else { return nil }
    return z.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
  }

  /// The UTC instant of a wall time in a zone (RFC 5545 §3.3.5: a nonexistent time moves
  /// forward by the gap; an ambiguous one takes the first occurrence).
  func utc(_ local: LocalDateTime, zone name: String) -> LocalDateTime? {
    guard let z = zone(name) else { return nil }
    let l = local.secondsSinceEpoch
    // Try the offsets in effect a day before and after; pick the earliest consistent one.
    let o1 = z.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(l - 86400)))
    let o2 = z.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(l + 86400)))
    var candidates: [Int] = []
    for o in Set([o1, o2]) {
      let instant = l - o
      if z.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))) == o { candidates.append(instant) }
    }
    if let first = candidates.min() { return LocalDateTime(secondsSinceEpoch: first) }
    // In a gap: interpret with the offset before the gap (moves the time forward).
    return LocalDateTime(secondsSinceEpoch: l - min(o1, o2))
  }

  /// The wall time in a zone of a UTC instant.
  func local(_ utc: LocalDateTime, zone name: String) -> LocalDateTime? {
    guard let o = offset(zone: name, atUTC: utc.secondsSinceEpoch) else { return nil }
    return utc.adding(seconds: o)
  }

  /// One observance of a VTIMEZONE.
  struct Observance {
    var isDaylight: Bool
    var start: LocalDateTime
    var offsetFrom: Int
    var offsetTo: Int
    var rule: String?
    var name: String?
  }

  /// RRULE-style observances for a zone as its rules stand in `year` (what Outlook reads:
  /// one STANDARD and one DAYLIGHT with `FREQ=YEARLY;BYMONTH=m;BYDAY=nSU`), or one
  /// STANDARD for zones without DST.
  func observances(zone name: String, year: Int) -> [Observance]? {
    guard let z = zone(name) else { return nil }
    let startOfYear = LocalDate(year: year, month: 1, day: 1).daysSinceEpoch * 86400
    var date = Date(timeIntervalSince1970: TimeInterval(startOfYear - 86400))
    var found: [Observance] = []
    let end = Date(timeIntervalSince1970: TimeInterval(LocalDate(year: year + 1, month: 1, day: 1).daysSinceEpoch * 86400))
    while let next = z.nextDaylightSavingTimeTransition(after: date), next < end, found.count < 4 {
      let instant = Int(next.timeIntervalSince1970.rounded())
      let before = z.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant - 1)))
      let after = z.secondsFromGMT(for: next)
      let localStart = LocalDateTime(secondsSinceEpoch: instant + before)
      let d = localStart.date
      let ordinal = d.day + 7 > LocalDate.daysIn(month: d.month, year: d.year) ? -1 : (d.day - 1) / 7 + 1
      let weekday = RecurrenceRule.Weekday(isoNumber: d.isoWeekday) ?? .sunday
      let rule = "FREQ=YEARLY;BYMONTH=\(d.month);BYDAY=\(ordinal)\(weekday.rawValue)"
      // DTSTART: the same rule's occurrence in 1970, as Outlook and Google write it.
      let first = ZoneSupport.nthWeekday(year: 1970, month: d.month, weekday: d.isoWeekday, ordinal: ordinal)
      found.append(
        Observance(
          isDaylight: z.isDaylightSavingTime(for: next), start: LocalDateTime(date: first, time: localStart.time),
          offsetFrom: before, offsetTo: after, rule: rule,
          name: z.abbreviation(for: next)))
      date = next
    }
    if found.count >= 2 {
      // Keep the last standard and the last daylight observance of the year.
      var out: [Observance] = []
      if let s = found.last(where: { !$0.isDaylight }) { out.append(s) }
      if let dl = found.last(where: { $0.isDaylight }) { out.append(dl) }
      if out.count == 2 { return out }
    }
    let offset = z.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(startOfYear + 180 * 86400)))
    return [
      Observance(
        isDaylight: false, start: LocalDateTime(year: 1970, month: 1, day: 1), offsetFrom: offset, offsetTo: offset,
        rule: nil, name: z.abbreviation(for: Date(timeIntervalSince1970: TimeInterval(startOfYear))))
    ]
  }

  static func nthWeekday(year: Int, month: Int, weekday: Int, ordinal: Int) -> LocalDate {
    if ordinal > 0 {
      let first = LocalDate(year: year, month: month, day: 1)
      let delta = (weekday - first.isoWeekday + 7) % 7
      return first.adding(days: delta + (ordinal - 1) * 7)
    }
    let last = LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))
    let delta = (last.isoWeekday - weekday + 7) % 7
    return last.adding(days: -delta + (ordinal + 1) * 7)
  }

  /// `+0100`, `-0430`.
  static func offsetText(_ seconds: Int) -> String {
    let sign = seconds < 0 ? "-" : "+"
    let a = abs(seconds)
    var out: [UInt8] = Array(sign.utf8)
    ICalValue.appendDigits(a / 3600, 2, &out)
    ICalValue.appendDigits(a / 60 % 60, 2, &out)
    if a % 60 != 0 { ICalValue.appendDigits(a % 60, 2, &out) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Parses `+0100`, `-043000`.
  static func parseOffset(_ text: String) -> Int? {
    let t = text.trimmingCharacters()
    guard let sign = t.first, sign == "+" || sign == "-" else { return nil }
    let digits = t.dropFirst()
    guard digits.count == 4 || digits.count == 6, let n = Int(digits) else { return nil }
    let s = digits.count == 4 ? (n / 100) * 3600 + (n % 100) * 60 : (n / 10000) * 3600 + (n / 100 % 100) * 60 + n % 100
    return sign == "-" ? -s : s
  }
}
