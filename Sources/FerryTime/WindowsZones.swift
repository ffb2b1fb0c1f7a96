#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Windows time-zone ids (EWS, Outlook, Exchange) to and from IANA names, through CLDR's
/// `windowsZones.xml` (generated into `WindowsZones+Table.swift`).
public enum WindowsZones {
  /// The IANA zone for a Windows id (`W. Europe Standard Time` → `Europe/Berlin`), or nil.
  public static func iana(forWindows id: String) -> String? {
    windowsToIANA[id] ?? windowsToIANA.first { $0.key.caseInsensitiveEquals(id) }?.value
  }

  /// The Windows id for an IANA zone (`America/New_York` → `Eastern Standard Time`), or nil.
  /// Links CLDR does not list (`Asia/Kolkata` for its `Asia/Calcutta`) go through `aliases`.
  public static func windows(forIANA name: String) -> String? {
    if let id = ianaToWindows[name] { return id }
    if let alias = aliases[name], let id = ianaToWindows[alias] { return id }
    if name == "UTC" || name == "Etc/UTC" || name == "GMT" || name == "Etc/GMT" { return "UTC" }
    // A tz database link (`US/Pacific`, `Canada/Eastern`, `GB`): the zone it links to.
    if let target = linkTarget(name), target != name {
      return ianaToWindows[target] ?? aliases[target].flatMap { ianaToWindows[$0] }
    }
    return nil
  }

  /// The zone a tz database link points at, from the system's zoneinfo tree (backward links
  /// are symbolic links there), or nil.
  static func linkTarget(_ name: String) -> String? {
    guard !name.isEmpty, !name.contains(".."), !name.hasPrefix("/"),
      name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || "/_+-".unicodeScalars.contains($0) })
    else { return nil }
    let root = "/usr/share/zoneinfo/"
    guard let resolved = realpath(root + name, nil) else { return nil }
    defer { free(resolved) }
    let path = String(cString: resolved)
    guard path.hasPrefix(root) else { return nil }
    return String(path.dropFirst(root.count))
  }

  /// Every Windows id CLDR knows.
  public static var allWindowsIDs: [String] { windowsToIANA.keys.sorted() }

  /// Current tzdb names whose CLDR entry still uses an older name.
  static let aliases: [String: String] = [
    "Asia/Kolkata": "Asia/Calcutta", "Asia/Kathmandu": "Asia/Katmandu", "Asia/Yangon": "Asia/Rangoon",
    "Asia/Ho_Chi_Minh": "Asia/Saigon", "America/Argentina/Buenos_Aires": "America/Buenos_Aires",
    "Europe/Kyiv": "Europe/Kiev", "Pacific/Kanton": "Pacific/Enderbury", "Atlantic/Faroe": "Atlantic/Faeroe",
    "America/Nuuk": "America/Godthab", "America/Indiana/Indianapolis": "America/Indianapolis",
    "America/Kentucky/Louisville": "America/Louisville", "Pacific/Chuuk": "Pacific/Truk",
    "Pacific/Pohnpei": "Pacific/Ponape", "Asia/Ulaanbaatar": "Asia/Ulaanbaatar", "America/Coyhaique": "America/Punta_Arenas",
  ]
}

extension String {
  fileprivate func caseInsensitiveEquals(_ other: String) -> Bool {
    lowercased() == other.lowercased()
  }
}
