import FerryModel
import Foundation

/// A time zone as a VTIMEZONE defines it (RFC 5545 §3.6.5): STANDARD and DAYLIGHT
/// observances, each with its onset, offsets and RRULE or RDATEs.
///
/// The iCalendar reader fills one from a VTIMEZONE; `makeZone()` computes its transitions so
/// that it converts times by itself, and `TimeZoneResolver` matches it to a tz database zone
/// when the rules agree. `ZoneDefinition(iana:years:)` goes the other way, for writers.
public struct ZoneDefinition: Sendable, Hashable {
  /// One STANDARD or DAYLIGHT sub-component.
  public struct Observance: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
      case standard = "STANDARD"
      case daylight = "DAYLIGHT"
    }
    public var kind: Kind
    /// DTSTART: the first onset, as a wall clock in `offsetFrom`.
    public var start: LocalDateTime
    /// TZOFFSETFROM, in seconds east of UTC.
    public var offsetFrom: Int
    /// TZOFFSETTO, in seconds east of UTC.
    public var offsetTo: Int
    /// The RRULE of later onsets (its UNTIL is UTC, RFC 5545 §3.6.5).
    public var rule: RecurrenceRule?
    /// RDATE onsets, as wall clocks in `offsetFrom`.
    public var dates: [LocalDateTime]
    /// TZNAME values.
    public var names: [String]

    public init(
      kind: Kind, start: LocalDateTime, offsetFrom: Int, offsetTo: Int, rule: RecurrenceRule? = nil,
      dates: [LocalDateTime] = [], names: [String] = []
    ) {
      self.kind = kind
      self.start = start
      self.offsetFrom = offsetFrom
      self.offsetTo = offsetTo
      self.rule = rule
      self.dates = dates
      self.names = names
    }
  }

  /// The TZID as written.
  public var tzid: String
  public var observances: [Observance]

  public init(tzid: String, observances: [Observance]) {
    self.tzid = tzid
    self.observances = observances
  }

  /// The last year whose onsets `makeZone()` computes; later instants keep the last offset.
  public static let defaultLastYear = 2200

  /// Onsets of every observance up to the end of `lastYear`, as transitions in instant order.
  /// Consecutive onsets that change nothing are merged.
  public func transitions(throughYear lastYear: Int = ZoneDefinition.defaultLastYear)
    -> [ZoneTransition]
  {
    let horizon = LocalDate(year: lastYear + 1, month: 1, day: 1).daysSinceEpoch * 86400
    var onsets: [(instant: Int, observance: Int)] = []
    for (index, o) in observances.enumerated() {
      let from = o.offsetFrom
      let startLocal = o.start.secondsSinceEpoch
      if let rule = o.rule {
        var it = RuleIterator(
          rule: rule, start: startLocal, zone: nil, includeStart: true, horizon: horizon)
        // RFC 5545: an observance's UNTIL is UTC; compare the onset's instant.
        var untilInstant: Int?
        if case .utc(let u)? = rule.until { untilInstant = u.secondsSinceEpoch }
        if untilInstant != nil {
          var plain = rule
          plain.until = nil
          it = RuleIterator(
            rule: plain, start: startLocal, zone: nil, includeStart: true, horizon: horizon)
        }
        // Outlook starts its rules in 1601; the centuries before 1899 only cost time.
        it.skip(toLocal: LocalDate(year: 1899, month: 1, day: 1).daysSinceEpoch * 86400)
        var n = 0
        while let local = it.next(), n < 100_000 {
          n += 1
          let instant = local - from
          if let untilInstant, instant > untilInstant { break }
          onsets.append((instant, index))
        }
      } else {
        onsets.append((startLocal - from, index))
      }
      for d in o.dates where d.secondsSinceEpoch < horizon {
        onsets.append((d.secondsSinceEpoch - from, index))
      }
    }
    onsets.sort {
      $0.instant < $1.instant || ($0.instant == $1.instant && $0.observance < $1.observance)
    }
    var out: [ZoneTransition] = []
    var previous = initialOffset
    var previousDaylight = initialIsDaylight
    var lastInstant = Int.min
    for onset in onsets {
      let o = observances[onset.observance]
      // Two onsets at one instant (a sloppy VTIMEZONE): the first listed wins.
      if onset.instant == lastInstant { continue }
      lastInstant = onset.instant
      let daylight = o.kind == .daylight
      if o.offsetTo == previous && daylight == previousDaylight { continue }
      out.append(
        ZoneTransition(
          instant: onset.instant, offsetBefore: previous, offsetAfter: o.offsetTo,
          isDaylight: daylight,
          abbreviation: o.names.first))
      previous = o.offsetTo
      previousDaylight = daylight
    }
    return out
  }

  /// The offset before the first onset: the earliest observance's TZOFFSETFROM.
  public var initialOffset: Int {
    observances.min { $0.start < $1.start }?.offsetFrom ?? 0
  }

  var initialIsDaylight: Bool {
    // Before the first onset the zone is in the other kind of time than that onset brings.
    guard let first = observances.min(by: { $0.start < $1.start }) else { return false }
    return first.offsetFrom > first.offsetTo && first.kind == .standard
  }

  /// A zone that converts times by this definition's own rules (cached per definition).
  public func makeZone() -> Zone {
    ZoneDefinition.cacheLock.lock()
    if let z = ZoneDefinition.zoneCache[self] {
      ZoneDefinition.cacheLock.unlock()
      return z
    }
    ZoneDefinition.cacheLock.unlock()
    let zone = Zone(
      identifier: tzid, initialOffset: initialOffset, initialIsDaylight: initialIsDaylight,
      transitions: transitions())
    ZoneDefinition.cacheLock.lock()
    if ZoneDefinition.zoneCache.count > 1000 { ZoneDefinition.zoneCache.removeAll() }
    ZoneDefinition.zoneCache[self] = zone
    ZoneDefinition.cacheLock.unlock()
    return zone
  }

  static let cacheLock = NSLock()
  nonisolated(unsafe) static var zoneCache: [ZoneDefinition: Zone] = [:]
  nonisolated(unsafe) static var matchCache: [MatchKey: String?] = [:]

  struct MatchKey: Hashable {
    var definition: ZoneDefinition
    var years: ClosedRange<Int>
    var hint: String?
  }
}

extension ZoneDefinition {
  /// RFC 5545 §3.3.14 UTC-OFFSET text (`+0530`, `-0500`, `+053015`) → seconds east of UTC;
  /// nil when it is not one. Lenient about a colon (`+05:30`).
  public static func parseOffset(_ text: some StringProtocol) -> Int? {
    var s = Substring(text).filter { $0 != ":" }[...]
    guard let sign = s.first, sign == "+" || sign == "-" else { return nil }
    s = s.dropFirst()
    guard s.count == 4 || s.count == 6, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s)
    else { return nil }
    let (h, m, sec) = s.count == 4 ? (n / 100, n % 100, 0) : (n / 10000, n / 100 % 100, n % 100)
    guard m < 60, sec < 60 else { return nil }
    return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60 + sec)
  }

  /// Seconds east of UTC → RFC 5545 UTC-OFFSET text (`+0530`; seconds only when not zero).
  public static func formatOffset(_ seconds: Int) -> String {
    let a = Int(clamping: seconds.magnitude)  // abs(Int.min) traps
    var s = (seconds < 0 ? "-" : "+") + twoDigits(a / 3600) + twoDigits(a / 60 % 60)
    if a % 60 != 0 { s += twoDigits(a % 60) }
    return s
  }
}
