import FerryModel
import Foundation

/// One change of UTC offset in a zone.
public struct ZoneTransition: Sendable, Hashable {
  /// The instant of the change, in seconds since 1970-01-01T00:00:00Z.
  public var instant: Int
  /// The UTC offset in seconds before the change (east positive).
  public var offsetBefore: Int
  /// The UTC offset in seconds from the change on.
  public var offsetAfter: Int
  /// Whether the offset from the change on is daylight-saving time.
  public var isDaylight: Bool
  /// The abbreviation from the change on (`CEST`), when known.
  public var abbreviation: String?

  public init(
    instant: Int, offsetBefore: Int, offsetAfter: Int, isDaylight: Bool, abbreviation: String? = nil
  ) {
    self.instant = instant
    self.offsetBefore = offsetBefore
    self.offsetAfter = offsetAfter
    self.isDaylight = isDaylight
    self.abbreviation = abbreviation
  }

  /// The wall clock (seconds since 1970 as if UTC) just before the change.
  public var localBefore: Int { instant + offsetBefore }
  /// The wall clock (seconds since 1970 as if UTC) at the change.
  public var localAfter: Int { instant + offsetAfter }
}

/// A time zone as a list of offset transitions, so that conversions are a binary search.
///
/// A `Zone` comes from the tz database (`Zone(iana:)`, precomputed once from Foundation's
/// `TimeZone` between 1900 and 2100 and asked directly outside that range), from a fixed
/// offset (`Zone(fixedOffset:)`), or from a VTIMEZONE (`ZoneDefinition.makeZone()`).
/// Conversions follow RFC 5545 §3.3.5: a wall time in a gap is shifted forward by the gap's
/// length, and a wall time in a fold means its first (earlier) occurrence.
///
/// ```swift
/// let ny = Zone(iana: "America/New_York")!
/// let utc = ny.instant(forLocal: LocalDateTime(year: 2024, month: 3, day: 10, hour: 2, minute: 30))
/// // 2024-03-10T07:30:00Z, that is 03:30 EDT
/// ```
public final class Zone: Sendable, CustomStringConvertible {
  /// The IANA name, or the TZID / label this zone was made from.
  public let identifier: String
  /// The IANA name when the zone is the tz database's.
  public let ianaName: String?
  /// The offset before the first transition.
  public let initialOffset: Int
  /// Whether the offset before the first transition is daylight-saving time.
  let initialIsDaylight: Bool
  /// Transitions in instant order. A tz database zone's have no abbreviation here:
  /// `transitions(from:to:)` and `abbreviation(of:)` give it.
  public let transitions: [ZoneTransition]
  let instants: [Int]
  /// Beyond the precomputed range, Foundation is asked directly.
  let foundation: TimeZone?
  let rangeStart: Int
  let rangeEnd: Int

  /// Seconds since 1970 of 1900-01-01 and 2101-01-01, the precomputed range for tzdb zones.
  static let tzdbRangeStart = LocalDate(year: 1900, month: 1, day: 1).daysSinceEpoch * 86400
  static let tzdbRangeEnd = LocalDate(year: 2101, month: 1, day: 1).daysSinceEpoch * 86400

  /// A zone from transitions (sorted by instant; unsorted input is sorted).
  public init(
    identifier: String, initialOffset: Int, initialIsDaylight: Bool = false,
    transitions: [ZoneTransition]
  ) {
    self.identifier = identifier
    ianaName = nil
    self.initialOffset = initialOffset
    self.initialIsDaylight = initialIsDaylight
    self.transitions = transitions.sorted { $0.instant < $1.instant }
    instants = self.transitions.map(\.instant)
    foundation = nil
    rangeStart = Int.min
    rangeEnd = Int.max
  }

  /// A zone with one offset forever (`GMT-05:00`).
  public convenience init(fixedOffset seconds: Int, identifier: String? = nil) {
    self.init(
      identifier: identifier ?? Zone.offsetLabel(seconds), initialOffset: seconds, transitions: [])
  }

  /// The tz database zone of that name, or nil when the system does not know it. Prefer
  /// `TimeZoneResolver.zone(iana:)`, which caches.
  public init?(iana name: String) {
    guard let tz = TimeZone(identifier: name) else { return nil }
    identifier = name
    ianaName = name
    foundation = tz
    rangeStart = Zone.tzdbRangeStart
    rangeEnd = Zone.tzdbRangeEnd
    let startDate = Date(timeIntervalSince1970: TimeInterval(rangeStart))
    initialOffset = tz.secondsFromGMT(for: startDate)
    initialIsDaylight = tz.isDaylightSavingTime(for: startDate)
    // The same walk as `foundationTransitions`, starting at rangeStart itself. Without the
    // abbreviations: ICU makes each one slowly (a zone has hundreds of transitions in the
    // range, and a VTIMEZONE names a few), so `transitions(from:to:)` and `abbreviation(of:)`
    // add them when asked.
    let list = Zone.foundationTransitions(tz, from: rangeStart + 1, to: rangeEnd, abbreviations: false)
    transitions = list
    instants = list.map(\.instant)
  }

  public var description: String { identifier }

  /// Whether the offset never changes.
  public var isFixed: Bool { transitions.isEmpty && foundation == nil }

  /// `+05:30`, `-05:00`, `+00:00`.
  public static func offsetLabel(_ seconds: Int) -> String {
    let a = Int(clamping: seconds.magnitude)  // abs(Int.min) traps
    let s = (seconds < 0 ? "-" : "+") + twoDigits(a / 3600) + ":" + twoDigits(a / 60 % 60)
    return a % 60 == 0 ? s : s + ":" + twoDigits(a % 60)
  }

  // MARK: - Offsets

  /// Index of the last transition at or before `instant`, or -1.
  @inline(__always)
  func transitionIndex(atOrBefore instant: Int) -> Int {
    var lo = 0
    var hi = instants.count
    while lo < hi {
      let mid = (lo + hi) >> 1
      if instants[mid] <= instant { lo = mid + 1 } else { hi = mid }
    }
    return lo - 1
  }

  /// The UTC offset in seconds at an instant (seconds since 1970 UTC).
  public func offset(atInstant instant: Int) -> Int {
    if let foundation, instant < rangeStart || instant >= rangeEnd {
      return foundation.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }
    let i = transitionIndex(atOrBefore: instant)
    return i < 0 ? initialOffset : transitions[i].offsetAfter
  }

  /// Whether daylight-saving time is in force at an instant.
  public func isDaylight(atInstant instant: Int) -> Bool {
    if let foundation, instant < rangeStart || instant >= rangeEnd {
      return foundation.isDaylightSavingTime(
        for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }
    let i = transitionIndex(atOrBefore: instant)
    return i < 0 ? initialIsDaylight : transitions[i].isDaylight
  }

  /// The instant (seconds since 1970 UTC) of a wall-clock time given as seconds since 1970
  /// read as if UTC. RFC 5545 §3.3.5: in a gap, the offset before the gap applies (the time
  /// moves forward by the gap's length); in a fold, the first occurrence wins.
  public func instant(forLocalSeconds local: Int) -> Int {
    let early = offset(atInstant: local - 86400)
    let late = offset(atInstant: local + 86400)
    if early == late {
      // The common case: one offset around this wall time (a pair of transitions less than
      // two days apart that cancel out is checked below).
      let candidate = local - early
      if offset(atInstant: candidate) == early { return candidate }
    }
    let earlyCandidate = local - early
    let lateCandidate = local - late
    let earlyValid = offset(atInstant: earlyCandidate) == early
    let lateValid = offset(atInstant: lateCandidate) == late
    switch (earlyValid, lateValid) {
    case (true, true): return min(earlyCandidate, lateCandidate)
    case (true, false): return earlyCandidate
    case (false, true): return lateCandidate
    case (false, false):
      // Inside a gap: read with the offset before it.
      return earlyCandidate
    }
  }

  /// The span of wall clocks around `local` (seconds since 1970 read as UTC) in which every
  /// wall time exists exactly once, with one offset: callers converting many nearby wall
  /// times cache it and subtract. Nil when `local` is in a gap or a fold, or outside the
  /// precomputed range.
  public func uniqueSpan(aroundLocalSeconds local: Int) -> (lower: Int, upper: Int, offset: Int)? {
    let instant = instant(forLocalSeconds: local)
    if foundation != nil && (instant < rangeStart + 2 * 86400 || instant >= rangeEnd - 2 * 86400) {
      return nil
    }
    let k = transitionIndex(atOrBefore: instant)
    let o = k < 0 ? initialOffset : transitions[k].offsetAfter
    var lower = foundation != nil ? rangeStart + 2 * 86400 + o : Int.min
    var upper = foundation != nil ? rangeEnd - 2 * 86400 + o : Int.max
    if k >= 0 { lower = transitions[k].instant + Swift.max(o, transitions[k].offsetBefore) }
    if k + 1 < transitions.count {
      let next = transitions[k + 1]
      upper = next.instant + Swift.min(o, next.offsetAfter)
    }
    guard lower <= local && local < upper else { return nil }
    return (lower, upper, o)
  }

  /// The instant of a wall-clock time in this zone (RFC 5545 gap and fold rules).
  public func instant(forLocal local: LocalDateTime) -> Int {
    instant(forLocalSeconds: local.secondsSinceEpoch)
  }

  /// The UTC wall clock of a wall-clock time in this zone.
  public func utc(forLocal local: LocalDateTime) -> LocalDateTime {
    LocalDateTime(secondsSinceEpoch: instant(forLocalSeconds: local.secondsSinceEpoch))
  }

  /// The wall clock in this zone at an instant (seconds since 1970 UTC).
  public func local(atInstant instant: Int) -> LocalDateTime {
    LocalDateTime(secondsSinceEpoch: instant + offset(atInstant: instant))
  }

  /// The wall clock in this zone of a UTC wall clock.
  public func local(fromUTC utc: LocalDateTime) -> LocalDateTime {
    local(atInstant: utc.secondsSinceEpoch)
  }

  /// How a wall time falls in this zone.
  public enum LocalTimeKind: Sendable, Equatable {
    /// Exists once.
    case unique
    /// Does not exist (spring forward); the associated value is the gap's length in seconds.
    case gap(Int)
    /// Exists twice (fall back); the associated values are the two instants.
    case fold(earlier: Int, later: Int)
  }

  /// Whether a wall time exists once, not at all, or twice.
  public func kind(ofLocal local: LocalDateTime) -> LocalTimeKind {
    let l = local.secondsSinceEpoch
    let early = offset(atInstant: l - 86400)
    let late = offset(atInstant: l + 86400)
    let a = l - early
    let b = l - late
    let aValid = offset(atInstant: a) == early
    let bValid = offset(atInstant: b) == late
    if aValid && bValid && a != b { return .fold(earlier: min(a, b), later: max(a, b)) }
    if !aValid && !bValid { return .gap(late - early) }
    return .unique
  }

  /// Transitions with `from <= instant < to`.
  public func transitions(from: Int, to: Int) -> [ZoneTransition] {
    if foundation != nil, from < rangeStart || to > rangeEnd, let tz = foundation {
      return Zone.foundationTransitions(tz, from: from, to: to)
    }
    var i = max(0, transitionIndex(atOrBefore: from - 1) + 1)
    var out: [ZoneTransition] = []
    while i < transitions.count && transitions[i].instant < to {
      if transitions[i].instant >= from { out.append(named(transitions[i])) }
      i += 1
    }
    return out
  }

  /// The abbreviation from `transition` on (`CEST`), when known. Use this, not
  /// `transition.abbreviation`, for an element of `transitions`: a tz database zone leaves
  /// those without one, to be asked for.
  public func abbreviation(of transition: ZoneTransition) -> String? { named(transition).abbreviation }

  /// `transition` with its abbreviation, which a tz database zone asks Foundation for.
  private func named(_ transition: ZoneTransition) -> ZoneTransition {
    guard transition.abbreviation == nil, let tz = foundation else { return transition }
    var t = transition
    t.abbreviation = Zone.abbreviation(tz, Date(timeIntervalSince1970: TimeInterval(t.instant)))
    return t
  }

  /// Transitions in the calendar years `years` (by instant, UTC).
  public func transitions(inYears years: ClosedRange<Int>) -> [ZoneTransition] {
    transitions(
      from: LocalDate(year: years.lowerBound, month: 1, day: 1).daysSinceEpoch * 86400,
      to: LocalDate(year: years.upperBound + 1, month: 1, day: 1).daysSinceEpoch * 86400)
  }

  static func foundationTransitions(_ tz: TimeZone, from: Int, to: Int, abbreviations: Bool = true) -> [ZoneTransition] {
    var out: [ZoneTransition] = []
    var cursor = Date(timeIntervalSince1970: TimeInterval(from - 1))
    var previous = tz.secondsFromGMT(for: cursor)
    var previousDaylight = tz.isDaylightSavingTime(for: cursor)
    while let next = tz.nextDaylightSavingTimeTransition(after: cursor),
      next.timeIntervalSince1970 < TimeInterval(to)
    {
      let offset = tz.secondsFromGMT(for: next)
      let daylight = tz.isDaylightSavingTime(for: next)
      if offset != previous || daylight != previousDaylight {
        out.append(
          ZoneTransition(
            instant: Int(next.timeIntervalSince1970), offsetBefore: previous, offsetAfter: offset,
            isDaylight: daylight,
            abbreviation: abbreviations ? Zone.abbreviation(tz, next) : nil))
      }
      previous = offset
      previousDaylight = daylight
      cursor = next
    }
    return out
  }
}

extension Zone {
  /// The zone's abbreviation at a date (`EDT`), or nil when Foundation only has the
  /// `GMT-4` fallback (ICU without locale data on Linux), which is no name.
  static func abbreviation(_ tz: TimeZone, _ date: Date) -> String? {
    guard let a = tz.abbreviation(for: date) else { return nil }
    if a.hasPrefix("GMT") || a.hasPrefix("UTC"), a.count > 3 { return nil }
    return a
  }
}

@inline(__always)
func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
