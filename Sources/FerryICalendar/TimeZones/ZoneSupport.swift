import FerryModel
import FerryTime

/// The little the iCalendar format needs from time zones, on top of FerryTime: naming a
/// TZID, converting wall times to UTC, VTIMEZONE definitions in and out.
final class ZoneSupport: @unchecked Sendable {
  /// Resolves TZIDs, with the VTIMEZONEs of the current file registered.
  var resolver = TimeZoneResolver()

  /// The zones looked up so far (at most `recentLimit`), so that the few zones of a file are
  /// found by comparing names, without `Zone.cached`'s lock and hashing, for every time.
  private var recent: [(name: String, zone: Zone?)] = []
  private static let recentLimit = 16

  /// The tz database zone of that name.
  func zone(_ name: String) -> Zone? {
    // By index: an entry is compared where it is, not copied out (two retains and releases).
    for i in recent.indices where recent[i].name == name { return recent[i].zone }
    let zone = Zone.cached(iana: name)
    if recent.count < Self.recentLimit { recent.append((name, zone)) }
    return zone
  }

  /// The Windows names of the tz database zones asked for so far (at most `recentLimit`).
  private var recentWindowsNames: [(iana: String, windows: String?)] = []

  /// `WindowsZones.windows(forIANA:)`, remembered like `zone(_:)`: a writer for Outlook asks
  /// for every time it writes.
  func windowsName(forIANA name: String) -> String? {
    for i in recentWindowsNames.indices where recentWindowsNames[i].iana == name { return recentWindowsNames[i].windows }
    let windows = WindowsZones.windows(forIANA: name)
    if recentWindowsNames.count < Self.recentLimit { recentWindowsNames.append((name, windows)) }
    return windows
  }

  /// The UTC wall clock of a wall time in a tz database zone (RFC 5545 §3.3.5 gap and fold
  /// rules), or nil for an unknown zone.
  func utc(_ local: LocalDateTime, zone name: String) -> LocalDateTime? {
    guard let z = zone(name) ?? resolver.zone(for: name) else { return nil }
    return z.utc(forLocal: local)
  }

  /// A VTIMEZONE component read as a FerryTime definition.
  static func definition(tzid: String, children: [(name: String, lines: [ContentLineLike])]) -> ZoneDefinition? {
    definitionWithProblems(tzid: tzid, children: children).definition
  }

  /// The definition, and the observances that could not be read (no DTSTART or TZOFFSETTO),
  /// named by kind.
  static func definitionWithProblems(
    tzid: String, children: [(name: String, lines: [ContentLineLike])]
  ) -> (definition: ZoneDefinition?, broken: [String]) {
    var broken: [String] = []
    var observances: [ZoneDefinition.Observance] = []
    for child in children {
      let kind: ZoneDefinition.Observance.Kind
      switch child.name {
      case "STANDARD": kind = .standard
      case "DAYLIGHT": kind = .daylight
      default: continue
      }
      var start: LocalDateTime?
      var from: Int?
      var to: Int?
      var rule: RecurrenceRule?
      var dates: [LocalDateTime] = []
      var names: [String] = []
      for line in child.lines {
        switch line.name {
        case "DTSTART": start = ICalValue.localDateTime(Substring(line.value))?.0
        case "TZOFFSETFROM": from = parseOffset(line.value)
        case "TZOFFSETTO": to = parseOffset(line.value)
        case "RRULE": rule = ICalValue.recur(line.value, problem: { _ in })
        case "RDATE":
          for item in line.value.split(separator: ",") {
            let head = item.split(separator: "/").first ?? item
            if let t = ICalValue.localDateTime(head)?.0 { dates.append(t) }
          }
        case "TZNAME": names.append(line.value)
        default: break
        }
      }
      guard let start, let to else {
        broken.append(child.name)
        continue
      }
      observances.append(
        ZoneDefinition.Observance(
          kind: kind, start: start, offsetFrom: from ?? to, offsetTo: to, rule: rule, dates: dates, names: names))
    }
    return (observances.isEmpty ? nil : ZoneDefinition(tzid: tzid, observances: observances), broken)
  }

  /// `+0100`, `-0430`.
  static func offsetText(_ seconds: Int) -> String {
    let sign = seconds < 0 ? "-" : "+"
    let a = Int(clamping: seconds.magnitude)  // abs(Int.min) traps
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

/// What `ZoneSupport.definition` needs of a line: its name and value.
struct ContentLineLike {
  var name: String
  var value: String
}
