import FerryModel

/// A zone an Exchange calendar item can carry: a `Zone` to compute offsets with, and the
/// Windows id that names it, when one does.
public struct ExchangeZone: Sendable {
  /// The zone name as the event has it (`Europe/Berlin`, or a TZID only a VTIMEZONE defines).
  public var name: String
  public var zone: Zone
  /// The Windows id (`Pacific Standard Time`), nil when no Windows zone agrees.
  public var windowsName: String?

  /// The UTC offset of a wall clock in this zone (RFC 5545 §3.3.5 gap and fold rules).
  public func offset(atLocal local: LocalDateTime) -> Int {
    zone.offset(atInstant: zone.instant(forLocal: local))
  }
}

/// A time as an Exchange calendar item (EWS, Graph) holds it.
public enum ExchangeTime: Sendable {
  /// A wall clock in a zone ferry resolved.
  case zoned(LocalDateTime, ExchangeZone)
  /// A UTC instant.
  case utc(LocalDateTime)
  /// A wall clock no zone explains: a floating time, or a TZID nothing resolves, with no
  /// `--zone`. Both writers send it as UTC (and say so).
  case floating(LocalDateTime)
  /// A whole day, with the Windows id of the event's zone or `--zone` when there is one.
  case date(LocalDate, windowsName: String?)
}

/// Resolves the times of one event for the EWS and Graph writers, so that both read zones
/// the same way.
///
/// A zone name resolves as a tz database or Windows name; else through the VTIMEZONE the
/// event carries (a TZID only the source file defined, such as Outlook's `Customized Time
/// Zone 1`), converting by its own rules and named by the Windows zone whose rules agree in
/// the years of the event's first occurrence. A floating time, and a TZID nothing resolves
/// (`tzone://Microsoft/Custom`), is read in `--zone` when one was given.
///
/// ```swift
/// let zones = ExchangeZones(event: event, fallbackZone: options.calendar.zone)
/// if case .zoned(let local, let zone) = zones.time(event.start!) { … zone.windowsName … }
/// ```
public struct ExchangeZones {
  public let event: Event
  /// `--zone`, resolved.
  public let fallback: ExchangeZone?
  private let resolver: TimeZoneResolver
  private let years: ClosedRange<Int>

  public init(event: Event, fallbackZone: String?) {
    self.event = event
    resolver = event.rawComponents.isEmpty ? .shared : TimeZoneResolver(zonesOf: event)
    let first = event.start?.localDateTime.date.year ?? 2000
    let last = event.end?.localDateTime.date.year ?? first
    years = first...max(first, last)
    fallback = fallbackZone.flatMap { ExchangeZones.resolve($0, resolver: .shared, years: 2000...2000) }
  }

  /// The zone for a name, or nil when nothing resolves it.
  public func zone(named name: String) -> ExchangeZone? { Self.resolve(name, resolver: resolver, years: years) }

  static func resolve(_ name: String, resolver: TimeZoneResolver, years: ClosedRange<Int>) -> ExchangeZone? {
    if let iana = WindowsZones.iana(forWindows: name), let zone = Zone.cached(iana: iana) {
      return ExchangeZone(name: name, zone: zone, windowsName: name)
    }
    guard let resolved = resolver.resolve(name) else { return nil }
    if let iana = resolved.ianaName {
      return ExchangeZone(name: name, zone: resolved.zone, windowsName: WindowsZones.windows(forIANA: iana))
    }
    // The file's own rules convert; a tz database zone that agrees in the event's years
    // names it (an Outlook 2003 "Pacific" with its April–October rule is Pacific Standard
    // Time in 2004, though not after 2007, which the resolver's default years look at).
    var windows: String?
    if let definition = resolver.definition(for: name),
      let match = TimeZoneResolver.matchingIANAName(
        for: definition, years: years, hint: TimeZoneResolver.nameHint(TimeZoneResolver.clean(name))?.iana)
    {
      windows = WindowsZones.windows(forIANA: match)
    }
    return ExchangeZone(name: name, zone: resolved.zone, windowsName: windows)
  }

  /// How `time` goes out; with `utc` (`--utc`), every time that has an instant as UTC.
  public func time(_ time: EventTime, utc: Bool = false) -> ExchangeTime {
    let out: ExchangeTime
    switch time {
    case .utc(let t): return .utc(t)
    case .date(let d): return .date(d, windowsName: fallback?.windowsName)
    case .floating(let t): out = fallback.map { .zoned(t, $0) } ?? .floating(t)
    case .zoned(let t, let name):
      if let zone = zone(named: name) {
        out = .zoned(t, zone)
      } else {
        out = fallback.map { .zoned(t, $0) } ?? .floating(t)
      }
    }
    if event.isAllDay {
      // A whole day is a date wherever it is: no conversion, the zone only names it.
      if case .zoned(let t, let zone) = out { return .date(t.date, windowsName: zone.windowsName ?? fallback?.windowsName) }
      return .date(time.localDateTime.date, windowsName: fallback?.windowsName)
    }
    if utc, case .zoned(let t, let zone) = out { return .utc(zone.zone.utc(forLocal: t)) }
    return out
  }

  /// The zone of the event's start, when it resolves (through `--zone` for a floating start).
  public var startZone: ExchangeZone? {
    guard let start = event.start, case .zoned(_, let zone) = time(start) else { return nil }
    return zone
  }

  /// The rule with a UTC `UNTIL` moved to its date in the start's zone, which is the date an
  /// Exchange end-date range means (`20250131T045959Z` is still 30 January in New York).
  public func localUntil(_ rule: RecurrenceRule) -> RecurrenceRule {
    guard case .utc(let u)? = rule.until, let zone = startZone else { return rule }
    var rule = rule
    rule.until = .date(zone.zone.local(fromUTC: u).date)
    return rule
  }

  /// The TZIDs of the start and end that nothing resolves.
  public var unresolvedZones: [String] {
    var names: [String] = []
    for case .zoned(_, let name)? in [event.start, event.end] where !names.contains(name) && zone(named: name) == nil {
      names.append(name)
    }
    return names
  }

  /// Warns, once for the event, about each TZID nothing resolves, naming the event, the TZID
  /// and what was written instead.
  public func warnUnresolved(_ diagnostics: DiagnosticSink, at location: SourceLocation?) {
    let what = event.kind == .task ? "task" : "event"
    let name = event.summary.map { " \"\($0)\"" } ?? ""
    for tzid in unresolvedZones {
      let written = fallback.map { "its times read in --zone \($0.name)" } ?? "its times written as if in UTC"
      diagnostics.warning(
        "\(what)\(name) has TZID \"\(tzid)\", which ferry cannot resolve (no zone has that name and no VTIMEZONE defines it); \(written)",
        at: location, code: "zone")
    }
  }

  /// Whether the start or end is floating (no zone), which needs `--zone`.
  public var hasFloatingTimes: Bool { Self.hasFloatingTimes(event) }

  /// `hasFloatingTimes` without building a resolver (writers ask it of every event).
  public static func hasFloatingTimes(_ event: Event) -> Bool {
    guard !event.isAllDay else { return false }
    for case .floating(_)? in [event.start, event.end] { return true }
    return false
  }
}
