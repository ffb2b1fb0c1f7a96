import FerryModel
import Foundation

extension ZoneDefinition {
  /// A VTIMEZONE that travelled on an event as a raw component (the iCalendar reader keeps
  /// the definitions of zones it could not name), read back; nil when it is not a VTIMEZONE
  /// or has no observance with DTSTART and TZOFFSETTO.
  ///
  /// Writers of other formats use it to convert such times by the file's own rules.
  public init?(component: RawComponent) {
    guard component.name.uppercased() == "VTIMEZONE",
      let tzid = component.properties.first(where: { $0.name.uppercased() == "TZID" })?.value
    else { return nil }
    var observances: [Observance] = []
    for child in component.components {
      guard let kind = Observance.Kind(rawValue: child.name.uppercased()) else { continue }
      var start: LocalDateTime?
      var from: Int?
      var to: Int?
      var rule: RecurrenceRule?
      var dates: [LocalDateTime] = []
      var names: [String] = []
      for p in child.properties {
        let value = p.value.trimmingCharacters(in: .whitespaces)
        switch p.name.uppercased() {
        // A stray `Z` (some exporters write one) changes nothing: onsets are wall clocks.
        case "DTSTART": start = LocalDateTime(iso: value.hasSuffix("Z") ? String(value.dropLast()) : value)
        case "TZOFFSETFROM": from = ZoneDefinition.parseOffset(value)
        case "TZOFFSETTO": to = ZoneDefinition.parseOffset(value)
        case "RRULE": rule = RecurrenceRule.parse(value)
        case "RDATE":
          // RFC 5545 §3.8.5.2: date-times, or periods whose start is the onset.
          for item in value.split(separator: ",") {
            if let t = LocalDateTime(iso: item.split(separator: "/").first ?? item) { dates.append(t) }
          }
        case "TZNAME": names.append(value)
        default: break
        }
      }
      guard let start, let to else { continue }
      observances.append(
        Observance(kind: kind, start: start, offsetFrom: from ?? to, offsetTo: to, rule: rule, dates: dates, names: names))
    }
    guard !observances.isEmpty else { return nil }
    self.init(tzid: tzid, observances: observances)
  }
}

extension TimeZoneResolver {
  /// A resolver that knows the VTIMEZONEs `event` carries as raw components, so that TZIDs
  /// only those define resolve (see `ZoneDefinition(component:)`).
  public convenience init(zonesOf event: Event) {
    self.init(definitions: event.rawComponents.compactMap(ZoneDefinition.init(component:)))
  }
}
