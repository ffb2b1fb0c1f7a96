import FerryModel
import Foundation

/// A TZID resolved to a zone, with how it was resolved.
public struct ResolvedZone: Sendable {
  /// How a TZID was resolved.
  public enum Method: String, Sendable, Hashable {
    /// A tz database name (`Europe/Berlin`, also legacy links such as `US/Eastern`).
    case iana
    /// A Windows id through CLDR (`W. Europe Standard Time`).
    case windows
    /// A tz database name after a prefix (`/mozilla.org/20050126_1/Europe/Berlin`).
    case prefixed
    /// An Outlook display name (`(UTC+01:00) Amsterdam, Berlin, …`) through CLDR.
    case displayName
    /// A fixed offset (`GMT-05:00`, `UTC+5`).
    case fixedOffset
    /// The file's own VTIMEZONE, which agrees with the tz database zone `ianaName`.
    case definitionMatched
    /// The file's own VTIMEZONE, which no tz database zone matches.
    case definition
  }

  /// The zone to convert with.
  public var zone: Zone
  /// The tz database name to store (`EventTime.zoned(_, zone:)`), when there is one.
  public var ianaName: String?
  public var method: Method

  public init(zone: Zone, ianaName: String?, method: Method) {
    self.zone = zone
    self.ianaName = ianaName
    self.method = method
  }
}

/// Resolves the TZIDs real files carry to zones: tz database names, Windows ids (CLDR),
/// prefixed names (`/mozilla.org/…/Europe/Berlin`), Outlook display names, fixed offsets
/// (`GMT-05:00`), and the file's own VTIMEZONE definitions, matched to a tz database zone
/// when their rules agree over `matchYears`.
///
/// Make one resolver per calendar file (its VTIMEZONEs are registered into it); tz database
/// zones are cached process-wide, so resolvers are cheap.
///
/// ```swift
/// let resolver = TimeZoneResolver()
/// resolver.resolve("W. Europe Standard Time")?.ianaName   // "Europe/Berlin"
/// resolver.resolve("(UTC-05:00) Eastern Time (US & Canada)")?.ianaName   // "America/New_York"
/// ```
public final class TimeZoneResolver: @unchecked Sendable {
  /// A resolver with no VTIMEZONE definitions.
  public static let shared = TimeZoneResolver()

  /// The years over which a VTIMEZONE must agree with a tz database zone to match it.
  public let matchYears: ClosedRange<Int>

  private let lock = NSLock()
  private var definitions: [String: ZoneDefinition] = [:]
  private var resolved: [String: ResolvedZone?] = [:]

  public init(definitions: [ZoneDefinition] = [], matchYears: ClosedRange<Int> = 2015...2035) {
    self.matchYears = matchYears
    for d in definitions {
      self.definitions[d.tzid] = d
      self.definitions[TimeZoneResolver.clean(d.tzid)] = d
    }
  }

  /// Adds a VTIMEZONE definition (a later one with the same TZID replaces the earlier).
  public func register(_ definition: ZoneDefinition) {
    lock.lock()
    defer { lock.unlock() }
    definitions[definition.tzid] = definition
    definitions[TimeZoneResolver.clean(definition.tzid)] = definition
    resolved.removeAll()
  }

  /// The definition registered for a TZID.
  public func definition(for tzid: String) -> ZoneDefinition? {
    lock.lock()
    defer { lock.unlock() }
    return definitions[tzid] ?? definitions[TimeZoneResolver.clean(tzid)]
  }

  /// Resolves a TZID, or nil when nothing names a zone (the caller warns and reads the time
  /// as floating).
  public func resolve(_ tzid: String) -> ResolvedZone? {
    lock.lock()
    if let hit = resolved[tzid] {
      lock.unlock()
      return hit
    }
    let definition = definitions[tzid] ?? definitions[TimeZoneResolver.clean(tzid)]
    lock.unlock()
    let result = resolveUncached(tzid, definition: definition)
    lock.lock()
    resolved[tzid] = result
    lock.unlock()
    return result
  }

  /// The zone for a TZID (see `resolve(_:)`).
  public func zone(for tzid: String) -> Zone? { resolve(tzid)?.zone }

  func resolveUncached(_ raw: String, definition: ZoneDefinition?) -> ResolvedZone? {
    let name = TimeZoneResolver.clean(raw)
    if let iana = TimeZoneResolver.tzdbName(name), let zone = Zone.cached(iana: iana) {
      return ResolvedZone(zone: zone, ianaName: iana, method: .iana)
    }
    if let definition {
      let hint = TimeZoneResolver.nameHint(name)?.iana
      if let match = TimeZoneResolver.matchingIANAName(
        for: definition, years: matchYears, hint: hint),
        let zone = Zone.cached(iana: match)
      {
        return ResolvedZone(zone: zone, ianaName: match, method: .definitionMatched)
      }
      return ResolvedZone(zone: definition.makeZone(), ianaName: nil, method: .definition)
    }
    if let (iana, method) = TimeZoneResolver.nameHint(name), let zone = Zone.cached(iana: iana) {
      return ResolvedZone(zone: zone, ianaName: iana, method: method)
    }
    if let offset = TimeZoneResolver.fixedOffset(name) {
      if offset == 0 {
        return Zone.cached(iana: "Etc/UTC").map {
          ResolvedZone(zone: $0, ianaName: "Etc/UTC", method: .fixedOffset)
        }
      }
      // Etc/GMT±N exists for whole hours (POSIX sign inverted).
      if offset % 3600 == 0, abs(offset) <= 14 * 3600 {
        let etc = "Etc/GMT" + (offset > 0 ? "-" : "+") + "\(abs(offset) / 3600)"
        if let zone = Zone.cached(iana: etc) {
          return ResolvedZone(zone: zone, ianaName: etc, method: .fixedOffset)
        }
      }
      return ResolvedZone(zone: Zone(fixedOffset: offset), ianaName: nil, method: .fixedOffset)
    }
    return nil
  }

  // MARK: - Names

  /// Strips quotes, surrounding blanks and a stray trailing `:` (a Thunderbird quirk:
  /// `TZID:Pacific Standard Time:`).
  static func clean(_ raw: String) -> String {
    var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    while s.count >= 2, s.first == "\"" || s.first == "'", s.last == s.first {
      s = String(s.dropFirst().dropLast())
    }
    while s.last == ":" || s.last == ";" { s.removeLast() }
    return s.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Lower-cased tz database names (Foundation's list, CLDR's and its aliases) → the name.
  static let knownNames: [String: String] = {
    var map: [String: String] = [:]
    for id in TimeZone.knownTimeZoneIdentifiers { map[id.lowercased()] = id }
    for id in WindowsZones.ianaToWindows.keys where map[id.lowercased()] == nil {
      map[id.lowercased()] = id
    }
    for id in WindowsZones.aliases.keys where map[id.lowercased()] == nil {
      map[id.lowercased()] = id
    }
    for id in [
      "UTC", "Etc/UTC", "GMT", "Etc/GMT", "US/Eastern", "US/Central", "US/Mountain", "US/Pacific",
      "US/Alaska", "US/Hawaii",
    ] {
      map[id.lowercased()] = id
    }
    return map
  }()

  /// A tz database name, exact or in other case, or nil.
  static func tzdbName(_ name: String) -> String? {
    if name.isEmpty { return nil }
    if let known = knownNames[name.lowercased()] { return known }
    // Other tzdb names Foundation accepts (links such as `America/Buenos_Aires`), but not the
    // offset forms it also accepts (`GMT-0500`), which `fixedOffset` reads.
    if name.contains("/"), !name.hasPrefix("/"), name.first?.isLetter == true,
      TimeZone(identifier: name) != nil
    {
      return name
    }
    return nil
  }

  /// Names that point at a tz database zone without being one: Windows ids, prefixed
  /// paths, Outlook display names.
  static func nameHint(_ name: String) -> (iana: String, method: ResolvedZone.Method)? {
    if let iana = windowsIANA(name) { return (iana, .windows) }
    if name.contains("/") {
      let parts = name.split(separator: "/").map(String.init)
      for length in stride(from: min(3, parts.count), through: 1, by: -1) {
        let candidate = parts.suffix(length).joined(separator: "/")
        if length == 1 && !["UTC", "GMT"].contains(candidate.uppercased()) { continue }
        if let iana = tzdbName(candidate) { return (iana, .prefixed) }
      }
    }
    if let windows = displayNameWindowsID(name), let iana = WindowsZones.iana(forWindows: windows) {
      return (iana, .displayName)
    }
    // `America-Chicago`, `US-Eastern` (seen from older CalDAV servers).
    if !name.contains("/"), let dash = name.firstIndex(of: "-"), dash != name.startIndex,
      name[..<dash].allSatisfy(\.isLetter)
    {
      var slashed = name
      slashed.replaceSubrange(dash...dash, with: "/")
      if let iana = tzdbName(slashed) { return (iana, .prefixed) }
    }
    return nil
  }

  /// A Windows id, also with Outlook's numeric suffix (`Eastern Standard Time 1`).
  static func windowsIANA(_ name: String) -> String? {
    if let iana = WindowsZones.iana(forWindows: name) { return iana }
    var trimmed = Substring(name)
    while let last = trimmed.last, last.isNumber || last == " " || last == "-" {
      trimmed = trimmed.dropLast()
    }
    if trimmed.count != name.count, trimmed.count > 3,
      let iana = WindowsZones.iana(forWindows: String(trimmed))
    {
      return iana
    }
    return nil
  }

  /// Windows display names keyed by their normalised words.
  static let displayNameIndex: [(words: Set<String>, offset: Int?, windows: String)] = WindowsZones
    .displayNames.map {
      (windows, display) in
      let (offset, rest) = splitDisplayOffset(display)
      return (words(rest), offset, windows)
    }

  /// `(UTC+01:00) Amsterdam, Berlin…` / `(GMT+01.00) Amsterdam / Berlin…` → the Windows id.
  static func displayNameWindowsID(_ name: String) -> String? {
    // Without the `(UTC±hh:mm)` prefix (`Canberra, Melbourne, Sydney`), only a close match counts.
    let prefixed = name.hasPrefix("(")
    let (offset, rest) = splitDisplayOffset(name)
    let wanted = words(rest)
    guard !wanted.isEmpty else { return nil }
    var best: (score: Double, windows: String)?
    for entry in displayNameIndex {
      if let offset, let entryOffset = entry.offset, offset != entryOffset { continue }
      let common = Double(wanted.intersection(entry.words).count)
      guard common > 0 else { continue }
      let score = common / Double(wanted.union(entry.words).count)
      if best.map({ score > $0.score }) ?? true { best = (score, entry.windows) }
    }
    guard let best, best.score >= (prefixed ? 0.5 : 0.75), prefixed || wanted.count >= 2 else {
      return nil
    }
    return best.windows
  }

  /// `(UTC+05:30) Chennai, …` → (+19800, "Chennai, …"); `(UTC) Dublin` → (0, "Dublin").
  static func splitDisplayOffset(_ s: String) -> (Int?, String) {
    guard s.hasPrefix("("), let close = s.firstIndex(of: ")") else { return (nil, s) }
    let inside = String(s[s.index(after: s.startIndex)..<close])
    let rest = String(s[s.index(after: close)...])
    return (fixedOffset(inside), rest)
  }

  static func words(_ s: String) -> Set<String> {
    Set(
      s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased().split(
        whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter {
          !["and", "time", "standard", "the"].contains($0)
        })
  }

  /// `GMT-05:00`, `UTC+5`, `GMT+0530`, `GMT -0500`, `UTC+05.30`, `UTC`, `GMT`, `Z`, `+01:00` → seconds.
  public static func fixedOffset(_ raw: String) -> Int? {
    var s = Substring(raw.trimmingCharacters(in: .whitespaces).uppercased())
    for prefix in ["UTC", "GMT", "Z"] where s.hasPrefix(prefix) {
      s = s.dropFirst(prefix.count)
      break
    }
    s = s.drop { $0 == " " }
    if s.isEmpty { return raw.trimmingCharacters(in: .whitespaces).isEmpty ? nil : 0 }
    guard let sign = s.first, sign == "+" || sign == "-" || sign == "\u{2212}" else { return nil }
    s = s.dropFirst().drop { $0 == " " }
    let digits = s.prefix { $0.isASCII && ($0.isNumber || $0 == ":" || $0 == ".") }
    guard digits.count == s.count || s.dropFirst(digits.count).allSatisfy({ $0 == " " }) else {
      return nil
    }
    var h = 0
    var m = 0
    let pieces = digits.split(whereSeparator: { $0 == ":" || $0 == "." })
    if pieces.count == 2, let hh = Int(pieces[0]), let mm = Int(pieces[1]) {
      (h, m) = (hh, mm)
    } else if pieces.count == 1, let n = Int(pieces[0]) {
      switch pieces[0].count {
      case 1, 2: h = n
      case 3, 4: (h, m) = (n / 100, n % 100)
      default: return nil
      }
    } else {
      return nil
    }
    guard h <= 18, m < 60 else { return nil }
    return (sign == "+" ? 1 : -1) * (h * 3600 + m * 60)
  }

  // MARK: - Matching a VTIMEZONE to the tz database

  /// The tz database zone whose offsets agree with `definition` over `years` (the same
  /// transitions at the same instants, and the same offset at the start), trying `hint`
  /// first, then CLDR's golden zones, then every zone. Nil when none agrees.
  public static func matchingIANAName(
    for definition: ZoneDefinition, years: ClosedRange<Int> = 2015...2035, hint: String? = nil
  ) -> String? {
    let key = ZoneDefinition.MatchKey(definition: definition, years: years, hint: hint)
    ZoneDefinition.cacheLock.lock()
    if let hit = ZoneDefinition.matchCache[key] {
      ZoneDefinition.cacheLock.unlock()
      return hit
    }
    ZoneDefinition.cacheLock.unlock()
    let result = uncachedMatch(for: definition, years: years, hint: hint)
    ZoneDefinition.cacheLock.lock()
    if ZoneDefinition.matchCache.count > 1000 { ZoneDefinition.matchCache.removeAll() }
    ZoneDefinition.matchCache[key] = .some(result)
    ZoneDefinition.cacheLock.unlock()
    return result
  }

  static func uncachedMatch(for definition: ZoneDefinition, years: ClosedRange<Int>, hint: String?)
    -> String?
  {
    let zone = definition.makeZone()
    let from = LocalDate(year: years.lowerBound, month: 1, day: 1).daysSinceEpoch * 86400
    let to = LocalDate(year: years.upperBound + 1, month: 1, day: 1).daysSinceEpoch * 86400
    let wanted = zone.transitions(from: from, to: to)
    let startOffset = zone.offset(atInstant: from)
    let probes = [from, from + 190 * 86400, to - 1]
    let probeOffsets = probes.map { zone.offset(atInstant: $0) }
    var seen = Set<String>()
    var candidates: [String] = []
    if let hint { candidates.append(hint) }
    candidates += WindowsZones.windowsToIANA.keys.sorted().compactMap {
      WindowsZones.windowsToIANA[$0]
    }
    candidates += TimeZone.knownTimeZoneIdentifiers.sorted()
    for name in candidates where seen.insert(name).inserted {
      guard let tz = TimeZone(identifier: name) else { continue }
      var ok = true
      for (p, o) in zip(probes, probeOffsets)
      where tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(p))) != o {
        ok = false
        break
      }
      guard ok,
        tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(from))) == startOffset
      else { continue }
      let theirs = Zone.foundationTransitions(tz, from: from, to: to)
      if theirs.count == wanted.count
        && zip(theirs, wanted).allSatisfy({
          $0.instant == $1.instant && $0.offsetAfter == $1.offsetAfter
        })
      {
        return name
      }
    }
    return nil
  }
}

extension Zone {
  nonisolated(unsafe) private static var cache: [String: Zone] = [:]
  private static let cacheLock = NSLock()

  /// The tz database zone of that name, built once per process.
  public static func cached(iana name: String) -> Zone? {
    cacheLock.lock()
    if let z = cache[name] {
      cacheLock.unlock()
      return z
    }
    cacheLock.unlock()
    guard let zone = Zone(iana: name) else { return nil }
    cacheLock.lock()
    defer { cacheLock.unlock() }
    if let z = cache[name] { return z }
    cache[name] = zone
    return zone
  }
}
