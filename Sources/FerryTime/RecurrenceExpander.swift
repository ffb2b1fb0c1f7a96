import FerryModel

/// The span of time an expansion covers.
public struct ExpansionWindow: Sendable, Hashable {
  /// The first instant, inclusive, in seconds since 1970 UTC; nil: from DTSTART.
  public var from: Int?
  /// The last instant, exclusive, in seconds since 1970 UTC; nil: no end (the occurrence cap
  /// and `ExpansionWindow.maximumYears` still apply).
  public var until: Int?
  /// Whether an occurrence that starts before `from` but ends after it is included (as
  /// CalDAV time-range queries and `recurring-ical-events` do). Default: by start only.
  public var includesOverlapping: Bool

  /// Floating and all-day series compare their wall clock read as UTC.
  public init(from: Int? = nil, until: Int? = nil, includesOverlapping: Bool = false) {
    self.from = from
    self.until = until
    self.includesOverlapping = includesOverlapping
  }

  /// A window between two UTC wall clocks (`until` exclusive).
  public init(fromUTC: LocalDateTime?, untilUTC: LocalDateTime?, includesOverlapping: Bool = false)
  {
    self.init(
      from: fromUTC?.secondsSinceEpoch, until: untilUTC?.secondsSinceEpoch,
      includesOverlapping: includesOverlapping)
  }

  /// The calendar year `year`, in UTC.
  public static func year(_ year: Int, includesOverlapping: Bool = false) -> ExpansionWindow {
    ExpansionWindow(
      from: LocalDate(year: year, month: 1, day: 1).daysSinceEpoch * 86400,
      until: LocalDate(year: year + 1, month: 1, day: 1).daysSinceEpoch * 86400,
      includesOverlapping: includesOverlapping)
  }

  /// No window: every occurrence, up to the cap.
  public static let unbounded = ExpansionWindow()

  /// With no `until`, no rule is walked further than this many years past DTSTART.
  public static let maximumYears = 200
}

/// One instance of a series.
public struct Occurrence: Sendable, Hashable {
  /// The instance's start, of the same kind as the series' DTSTART (a date, a floating time,
  /// a wall time in the series' zone, or UTC). A wall time that falls in a DST gap is shifted
  /// forward by the gap (RFC 5545 §3.3.5). For an override, the override's start.
  public var start: EventTime
  /// The instance's end, when the series has an end or a duration.
  public var end: EventTime?
  /// The RECURRENCE-ID that names this instance: its start before any override.
  public var recurrenceId: EventTime
  /// The override (RECURRENCE-ID component) that replaced this instance, if any.
  public var override: Event? {
    get { overrideBox?.event }
    set { overrideBox = newValue.map(EventBox.init) }
  }
  /// Boxed, so that an occurrence stays small to copy (an `Event` is large).
  var overrideBox: EventBox?
  /// The start as seconds since 1970 UTC (floating and all-day: the wall clock read as UTC).
  public var instant: Int
  /// The end as seconds since 1970 UTC (same convention), when known.
  public var endInstant: Int?

  public init(
    start: EventTime, end: EventTime?, recurrenceId: EventTime, override: Event?, instant: Int,
    endInstant: Int?
  ) {
    self.start = start
    self.end = end
    self.recurrenceId = recurrenceId
    overrideBox = override.map(EventBox.init)
    self.instant = instant
    self.endInstant = endInstant
  }
}

/// An immutable box for an override event.
final class EventBox: Sendable, Hashable {
  let event: Event
  init(_ event: Event) { self.event = event }
  static func == (a: EventBox, b: EventBox) -> Bool { a === b || a.event == b.event }
  func hash(into hasher: inout Hasher) { hasher.combine(event) }
}

/// Expands a recurring event into its instances: RRULE (and extra RRULEs), RDATE, EXDATE and
/// overrides (RECURRENCE-ID, with RANGE=THISANDFUTURE), lazily, in a window, with a cap.
///
/// Rules expand on the wall clock of DTSTART's zone, so a 09:00 meeting stays at 09:00 across
/// DST; each wall time is then converted with the RFC 5545 gap and fold rules. DTSTART is
/// always the first instance. Instances come in recurrence-id order (an override that moves
/// an instance keeps its place). A series without a rule yields DTSTART and its RDATEs.
///
/// ```swift
/// for occurrence in RecurrenceExpander(event: event, window: .year(2025)) {
///   print(occurrence.start)
/// }
/// ```
public struct RecurrenceExpander: Sequence, Sendable {
  public let event: Event
  public let window: ExpansionWindow
  /// At most this many instances are produced.
  public let limit: Int
  let resolver: TimeZoneResolver

  /// The default occurrence cap.
  public static let defaultLimit = 10_000

  /// - Parameters:
  ///   - event: the series master (its `start`, `end`/`duration` and `recurrence`).
  ///   - window: the span to produce.
  ///   - limit: the occurrence cap.
  ///   - resolver: resolves the zones of DTSTART, RDATE, EXDATE and RECURRENCE-ID.
  public init(
    event: Event, window: ExpansionWindow = .unbounded,
    limit: Int = RecurrenceExpander.defaultLimit,
    resolver: TimeZoneResolver = .shared
  ) {
    self.event = event
    self.window = window
    self.limit = limit
    self.resolver = resolver
  }

  /// Whether DTSTART's zone could be resolved (when not, the series expands as floating).
  public var zoneIsResolved: Bool {
    guard case .zoned(_, let zone)? = event.start else { return true }
    return resolver.zone(for: zone) != nil
  }

  public func makeIterator() -> Iterator { Iterator(self) }

  /// Every instance in the window, and whether the cap cut the list short.
  public func expand() -> (occurrences: [Occurrence], truncated: Bool) {
    var it = makeIterator()
    var out: [Occurrence] = []
    while let o = it.next() { out.append(o) }
    return (out, it.reachedLimit)
  }

  /// The lazy walk.
  public struct Iterator: IteratorProtocol, Sendable {
    enum Kind: Sendable { case date, floating, zoned, utc }

    let kind: Kind
    let zone: Zone?
    let zoneName: String
    let window: ExpansionWindow
    let limit: Int
    var produced = 0
    /// Whether the cap stopped the walk.
    public private(set) var reachedLimit = false
    var finished = false

    var rules: [RuleIterator] = []
    var heads: [Int?] = []
    var extraDates: [Int] = []
    var extraIndex = 0
    var excluded: Set<Int> = []
    var excludedDays: Set<Int> = []
    var overrides: [Int: Event] = [:]
    /// THISANDFUTURE overrides by recurrence-id key, sorted.
    var rangeOverrides: [(key: Int, local: Int, event: Event)] = []
    var lastKey = Int.min
    /// Exact duration (DTEND) in seconds, or nominal days plus seconds (DURATION).
    let exactDuration: Int?
    let nominalDays: Int
    let nominalSeconds: Int
    let endZone: Zone?
    let endZoneName: String?
    let resolver: TimeZoneResolver

    init(_ e: RecurrenceExpander) {
      resolver = e.resolver
      window = e.window
      limit = e.limit
      let event = e.event
      guard let start = event.start else {
        kind = .floating
        zone = nil
        zoneName = ""
        exactDuration = nil
        nominalDays = 0
        nominalSeconds = 0
        endZone = nil
        endZoneName = nil
        finished = true
        return
      }
      var zone: Zone?
      var kind: Kind
      var zoneName = ""
      switch start {
      case .date: kind = .date
      case .floating: kind = .floating
      case .utc: kind = .utc
      case .zoned(_, let name):
        zoneName = name
        zone = e.resolver.zone(for: name)
        kind = zone == nil ? .floating : .zoned
      }
      self.kind = kind
      self.zone = zone
      self.zoneName = zoneName
      let startLocal = start.localDateTime.secondsSinceEpoch
      let startKey = zone?.instant(forLocalSeconds: startLocal) ?? startLocal

      // Duration: DTEND gives an exact duration, DURATION a nominal one (RFC 5545 §3.8.5.3).
      var endZone: Zone?
      var endZoneName: String?
      if let end = event.end {
        let endKey: Int
        if case .zoned(let t, let name) = end, let z = e.resolver.zone(for: name) {
          endKey = z.instant(forLocal: t)
          endZone = z
          endZoneName = name
        } else {
          endKey = end.localDateTime.secondsSinceEpoch
        }
        exactDuration = endKey - startKey
        nominalDays = 0
        nominalSeconds = 0
      } else if let d = event.duration {
        exactDuration = nil
        let sign = d.isNegative ? -1 : 1
        nominalDays = sign * (d.weeks * 7 + d.days)
        nominalSeconds = sign * d.seconds
      } else {
        exactDuration = nil
        nominalDays = 0
        nominalSeconds = 0
      }
      self.endZone = endZone
      self.endZoneName = endZoneName

      // Overrides, keyed by their recurrence id.
      var maxShift = 0
      if let recurrence = event.recurrence {
        for o in recurrence.overrides {
          guard let rid = o.recurrenceId,
            let key = Iterator.key(rid, kind: kind, zone: zone, resolver: e.resolver)
          else {
            continue
          }
          if let s = o.start, let k = Iterator.key(s, kind: kind, zone: zone, resolver: e.resolver)
          {
            maxShift = Swift.max(maxShift, abs(k - key))
          }
          if o.recurrenceIdThisAndFuture {
            rangeOverrides.append(
              (key, Iterator.local(rid, kind: kind, zone: zone, resolver: e.resolver) ?? key, o))
          } else {
            overrides[key] = o
          }
        }
        rangeOverrides.sort { $0.key < $1.key }
      }

      // How far to walk, on the wall clock.
      let slack =
        2 * 86400 + maxShift + Swift.max(0, exactDuration ?? 0) + abs(nominalDays) * 86400
        + abs(nominalSeconds)
      let horizon: Int
      if let until = window.until {
        horizon = until + slack
      } else {
        horizon = startLocal + ExpansionWindow.maximumYears * 366 * 86400
      }

      guard let recurrence = event.recurrence else {
        rules = []
        heads = []
        extraDates = [startLocal]
        return
      }
      var rules: [RuleIterator] = []
      if let rule = recurrence.rule {
        rules.append(
          RuleIterator(
            rule: Iterator.normalised(rule, kind), start: startLocal, zone: zone,
            includeStart: true, horizon: horizon))
      }
      for rule in recurrence.extraRules {
        rules.append(
          RuleIterator(
            rule: Iterator.normalised(rule, kind), start: startLocal, zone: zone,
            includeStart: false, horizon: horizon))
      }
      if recurrence.rule == nil { extraDates.append(startLocal) }
      if let from = window.from {
        let back = from - slack
        for i in rules.indices { rules[i].skip(toLocal: back) }
      }
      for d in recurrence.dates {
        if let l = Iterator.local(
          d, kind: kind, zone: zone, resolver: e.resolver, startTime: startLocal)
        {
          extraDates.append(l)
        }
      }
      extraDates.sort()
      for d in recurrence.exceptionDates {
        if case .date(let day) = d, kind != .date {
          excludedDays.insert(day.daysSinceEpoch)
        } else if let k = Iterator.key(d, kind: kind, zone: zone, resolver: e.resolver) {
          excluded.insert(k)
        }
      }
      self.rules = rules
      heads = rules.indices.map { _ in nil }
      for i in rules.indices { heads[i] = self.rules[i].next() }
    }

    /// Series of all-day events expand on dates: UNTIL with a time keeps its date, and the
    /// parts finer than a day (which RFC 5545 does not allow with a DATE start) are ignored,
    /// so that no date comes twice.
    static func normalised(_ rule: RecurrenceRule, _ kind: Kind) -> RecurrenceRule {
      guard kind == .date else { return rule }
      var r = rule
      if let until = rule.until, !until.isDate { r.until = .date(until.localDateTime.date) }
      r.byHour = []
      r.byMinute = []
      r.bySecond = []
      if [.hourly, .minutely, .secondly].contains(r.frequency) {
        r.frequency = .daily
        r.interval = 1
      }
      return r
    }

    /// The wall clock, in the series' frame, of a time given in any form.
    static func local(
      _ t: EventTime, kind: Kind, zone: Zone?, resolver: TimeZoneResolver, startTime: Int? = nil
    ) -> Int? {
      switch t {
      case .date(let d):
        let timeOfDay = kind == .date ? 0 : RuleIterator.floorMod(startTime ?? 0, 86400)
        return d.daysSinceEpoch * 86400 + timeOfDay
      case .floating(let l): return l.secondsSinceEpoch
      case .utc(let u):
        if let zone { return zone.local(atInstant: u.secondsSinceEpoch).secondsSinceEpoch }
        return u.secondsSinceEpoch
      case .zoned(let l, let name):
        guard let other = resolver.zone(for: name) else { return l.secondsSinceEpoch }
        switch kind {
        case .zoned:
          guard let zone, other !== zone else { return l.secondsSinceEpoch }
          return zone.local(atInstant: other.instant(forLocal: l)).secondsSinceEpoch
        case .utc: return other.instant(forLocal: l)
        case .date, .floating: return l.secondsSinceEpoch
        }
      }
    }

    /// The sort key (instant, or wall clock for floating and all-day series) of a time.
    static func key(_ t: EventTime, kind: Kind, zone: Zone?, resolver: TimeZoneResolver) -> Int? {
      switch t {
      case .date(let d):
        return kind == .date
          ? d.daysSinceEpoch * 86400
          : (zone?.instant(forLocalSeconds: d.daysSinceEpoch * 86400) ?? d.daysSinceEpoch * 86400)
      case .floating(let l): return zone?.instant(forLocal: l) ?? l.secondsSinceEpoch
      case .utc(let u): return u.secondsSinceEpoch
      case .zoned(let l, let name):
        if let z = resolver.zone(for: name) {
          return kind == .floating || kind == .date ? l.secondsSinceEpoch : z.instant(forLocal: l)
        }
        return l.secondsSinceEpoch
      }
    }

    @inline(__always)
    mutating func keyOf(local: Int) -> Int {
      guard let zone else { return local }
      if local >= span.lower && local < span.upper { return local - span.offset }
      if let s = zone.uniqueSpan(aroundLocalSeconds: local) {
        span = s
        return local - s.offset
      }
      return zone.instant(forLocalSeconds: local)
    }

    /// Wall clocks in `span` exist once, with `span.offset` (a cache of the zone's answer).
    var span: (lower: Int, upper: Int, offset: Int) = (1, 0, 0)

    /// The next wall clock from the merged sources, without duplicates.
    mutating func nextLocal() -> Int? {
      while true {
        var best: Int?
        var bestSource = -1
        for (i, h) in heads.enumerated() {
          if let h, best.map({ h < $0 }) ?? true {
            best = h
            bestSource = i
          }
        }
        if extraIndex < extraDates.count, best.map({ extraDates[extraIndex] < $0 }) ?? true {
          best = extraDates[extraIndex]
          bestSource = -1
        }
        guard let local = best else { return nil }
        if bestSource >= 0 { heads[bestSource] = rules[bestSource].next() } else { extraIndex += 1 }
        if local == lastKey { continue }
        lastKey = local
        return local
      }
    }

    public mutating func next() -> Occurrence? {
      while !finished {
        guard let local = nextLocal() else { return drainOrFinish() }
        let key = keyOf(local: local)
        if let until = window.until, key >= until + slackForOverrides { return drainOrFinish() }
        if let stray = takeUnmatched(before: key) {
          // Emit the stray override first; this instance comes next.
          lastKey = Int.min
          extraDates.insert(local, at: extraIndex)
          return emit(stray)
        }
        if excluded.contains(key) || excludedDays.contains(RuleIterator.floorDiv(local, 86400)) {
          // An override of an excluded instance goes with it (Apple iCal and calendar servers
          // leave both the EXDATE and the changed occurrence; recurring-ical-events agrees).
          overrides.removeValue(forKey: key)
          continue
        }
        var occurrence = makeOccurrence(local: local, key: key)
        if let o = overrides.removeValue(forKey: key) {
          apply(o, to: &occurrence, delta: nil)
        } else if let range = rangeOverrides.last(where: { $0.key <= key }) {
          let overrideStart = range.event.start.flatMap {
            Iterator.local($0, kind: kind, zone: zone, resolver: resolver)
          }
          apply(range.event, to: &occurrence, delta: overrideStart.map { $0 - range.local })
        }
        if inWindow(occurrence) { return emit(occurrence) }
      }
      return nil
    }

    /// After the last instance: overrides no rule matched, then the end.
    mutating func drainOrFinish() -> Occurrence? {
      if let stray = takeUnmatched(before: nil) { return emit(stray) }
      finished = true
      return nil
    }

    var slackForOverrides: Int { overrides.isEmpty && rangeOverrides.isEmpty ? 0 : 366 * 86400 }

    mutating func emit(_ o: Occurrence) -> Occurrence? {
      if produced >= limit {
        reachedLimit = true
        finished = true
        return nil
      }
      produced += 1
      return o
    }

    /// Overrides whose recurrence id no rule produced are still instances (moved ones from an
    /// older rule); they are emitted where their recurrence id falls. Returns the earliest one
    /// before `key` (any, when nil) that lies in the window.
    mutating func takeUnmatched(before key: Int?) -> Occurrence? {
      while !overrides.isEmpty {
        var earliest: (key: Int, event: Event)?
        for (k, o) in overrides where key.map({ k < $0 }) ?? true {
          if earliest.map({ k < $0.key }) ?? true { earliest = (k, o) }
        }
        guard let (k, o) = earliest else { return nil }
        overrides.removeValue(forKey: k)
        if excluded.contains(k) { continue }
        if let rid = o.recurrenceId, let local = Iterator.local(rid, kind: kind, zone: zone, resolver: resolver),
          excludedDays.contains(RuleIterator.floorDiv(local, 86400))
        {
          continue
        }
        // An override that carries its own RRULE is an older revision of the whole series
        // (calendar servers leave them behind): it replaces an instance the rule still has, but
        // is no instance of its own (as python recurring-ical-events reads it, issue 253).
        if o.recurrence?.rule != nil { continue }
        guard let start = o.start,
          let startKey = Iterator.key(start, kind: kind, zone: zone, resolver: resolver)
        else {
          continue
        }
        let endKey: Int? = o.end.flatMap {
          Iterator.key($0, kind: kind, zone: zone, resolver: resolver)
        }
        let occurrence = Occurrence(
          start: start, end: o.end, recurrenceId: o.recurrenceId ?? start, override: o,
          instant: startKey, endInstant: endKey)
        if inWindow(occurrence) { return occurrence }
      }
      return nil
    }

    func inWindow(_ o: Occurrence) -> Bool {
      if let until = window.until, o.instant >= until { return false }
      if let from = window.from {
        if o.instant >= from { return true }
        if window.includesOverlapping, let end = o.endInstant, end > from { return true }
        return false
      }
      return true
    }

    func time(local: Int, key: Int) -> EventTime {
      switch kind {
      case .date: return .date(LocalDate(daysSinceEpoch: RuleIterator.floorDiv(local, 86400)))
      case .floating: return .floating(LocalDateTime(secondsSinceEpoch: local))
      case .utc: return .utc(LocalDateTime(secondsSinceEpoch: local))
      case .zoned:
        // The actual wall clock (a time in a gap has moved forward).
        let actual =
          local >= span.lower && local < span.upper
          ? local : zone.map { key + $0.offset(atInstant: key) } ?? local
        return .zoned(LocalDateTime(secondsSinceEpoch: actual), zone: zoneName)
      }
    }

    mutating func makeOccurrence(local: Int, key: Int) -> Occurrence {
      let start = time(local: local, key: key)
      var end: EventTime?
      var endKey: Int?
      if let exact = exactDuration {
        endKey = key + exact
        end = endTime(instant: key + exact)
      } else if nominalDays != 0 || nominalSeconds != 0 {
        let endLocal = local + nominalDays * 86400
        let k = keyOf(local: endLocal) + nominalSeconds
        endKey = k
        end = endTime(instant: k)
      }
      return Occurrence(
        start: start, end: end, recurrenceId: start, override: nil, instant: key, endInstant: endKey
      )
    }

    func endTime(instant: Int) -> EventTime {
      if let endZone, let endZoneName {
        return .zoned(endZone.local(atInstant: instant), zone: endZoneName)
      }
      switch kind {
      case .date: return .date(LocalDate(daysSinceEpoch: RuleIterator.floorDiv(instant, 86400)))
      case .floating: return .floating(LocalDateTime(secondsSinceEpoch: instant))
      case .utc: return .utc(LocalDateTime(secondsSinceEpoch: instant))
      case .zoned:
        let local = zone.map { instant + $0.offset(atInstant: instant) } ?? instant
        return .zoned(LocalDateTime(secondsSinceEpoch: local), zone: zoneName)
      }
    }

    /// Replaces an instance by an override; for THISANDFUTURE (`delta` set), later instances
    /// move by the same wall-clock shift and take the override's duration.
    mutating func apply(_ o: Event, to occurrence: inout Occurrence, delta: Int?) {
      occurrence.override = o
      if let delta {
        let local = occurrence.start.localDateTime.secondsSinceEpoch + delta
        let key = keyOf(local: local)
        let duration: Int? = {
          guard let s = o.start, let e = o.end,
            let sk = Iterator.key(s, kind: kind, zone: zone, resolver: resolver),
            let ek = Iterator.key(e, kind: kind, zone: zone, resolver: resolver)
          else { return occurrence.endInstant.map { $0 - occurrence.instant } }
          return ek - sk
        }()
        occurrence.start = time(local: local, key: key)
        occurrence.instant = key
        occurrence.endInstant = duration.map { key + $0 }
        occurrence.end = duration.map { endTime(instant: key + $0) }
        return
      }
      if let s = o.start, let k = Iterator.key(s, kind: kind, zone: zone, resolver: resolver) {
        let oldDuration = occurrence.endInstant.map { $0 - occurrence.instant }
        occurrence.start = s
        occurrence.instant = k
        if let e = o.end, let ek = Iterator.key(e, kind: kind, zone: zone, resolver: resolver) {
          occurrence.end = e
          occurrence.endInstant = ek
        } else if let d = o.duration {
          occurrence.endInstant = k + d.totalSeconds
          occurrence.end = endTime(instant: k + d.totalSeconds)
        } else if let old = oldDuration {
          occurrence.endInstant = k + old
          occurrence.end = endTime(instant: k + old)
        }
      }
    }
  }
}

extension Recurrence {
  /// Whether the series ends by itself: every rule has COUNT or UNTIL, or there are only
  /// RDATEs. A finite series can be expanded whole; an endless one needs a window.
  public var isFinite: Bool {
    let rules = [rule].compactMap { $0 } + extraRules
    if rules.isEmpty { return !dates.isEmpty }
    return rules.allSatisfy { $0.count != nil || $0.until != nil }
  }
}
