import FerryModel

extension Event {
  /// The event with every time that names an instant in UTC (`--utc` for writers that
  /// carry times as the model has them, such as NDJSON): zoned times, floating times when
  /// `fallbackZone` (`--zone`) is given, the UNTIL of zoned series, RDATE, EXDATE, absolute
  /// reminders and overridden instances. Dates stay dates.
  ///
  /// A TZID only a VTIMEZONE the event carries defines converts by that definition (the
  /// definition is then dropped); a TZID nothing resolves is kept as it was, and returned in
  /// `unresolved` so the caller can say so.
  public func inUTC(fallbackZone: String?) -> (event: Event, unresolved: [String]) {
    let resolver = rawComponents.isEmpty ? TimeZoneResolver.shared : TimeZoneResolver(zonesOf: self)
    var unresolved: [String] = []
    var convertedZones: Set<String> = []
    let fallback = fallbackZone.flatMap { TimeZoneResolver.shared.zone(for: $0) }
    var e = converted(resolver: resolver, fallback: fallback, &unresolved, &convertedZones)
    e.rawComponents.removeAll { c in
      guard c.name == "VTIMEZONE", let tzid = c.properties.first(where: { $0.name == "TZID" })?.value else { return false }
      return convertedZones.contains(tzid)
    }
    return (e, unresolved)
  }

  private func converted(
    resolver: TimeZoneResolver, fallback: Zone?, _ unresolved: inout [String], _ converted: inout Set<String>
  ) -> Event {
    func utc(_ t: EventTime?) -> EventTime? {
      switch t {
      case .zoned(let local, let name)?:
        guard let zone = resolver.zone(for: name) else {
          if !unresolved.contains(name) { unresolved.append(name) }
          return t
        }
        converted.insert(name)
        return .utc(zone.utc(forLocal: local))
      case .floating(let local)?:
        return fallback.map { .utc($0.utc(forLocal: local)) } ?? t
      default:
        return t
      }
    }
    var e = self
    e.start = utc(start)
    e.end = utc(end)
    e.due = utc(due)
    e.recurrenceId = utc(recurrenceId)
    for i in e.reminders.indices { e.reminders[i].absolute = utc(e.reminders[i].absolute) }
    if var r = e.recurrence {
      r.dates = r.dates.compactMap { utc($0) }
      r.exceptionDates = r.exceptionDates.compactMap { utc($0) }
      // RFC 5545 §3.3.10: a floating UNTIL is a wall clock in DTSTART's zone.
      let until = r.rule?.until
      switch (until, start) {
      case (.floating(let local)?, .zoned(_, let name)?): r.rule?.until = utc(.zoned(local, zone: name))
      case (.floating?, .floating?), (.zoned?, _): r.rule?.until = utc(until)
      default: break
      }
      r.overrides = r.overrides.map { $0.converted(resolver: resolver, fallback: fallback, &unresolved, &converted) }
      e.recurrence = r
    }
    return e
  }
}
