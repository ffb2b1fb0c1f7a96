import FerryModel

/// The program a vCard is written for (`--for`), and the quirks ferry follows for it.
///
/// The table in README.md ("vCard targets") documents each row; keep the two in step.
public enum VCardTarget: String, Sendable, CaseIterable {
  case generic, outlook, google, icloud, exchange, carddav

  /// `--for` text, leniently; nil means generic.
  public init(option: String?) throws {
    guard let option, !option.isEmpty else {
      self = .generic
      return
    }
    guard let target = VCardTarget(rawValue: option.lowercased()) else {
      let known = VCardTarget.allCases.map(\.rawValue).joined(separator: ", ")
      throw FerryError(.usage, "unknown target \"\(option)\" for vcard; known: \(known)")
    }
    self = target
  }

  /// The version written when `--to vcard` names none.
  public var defaultVersion: VCardVersion {
    switch self {
    case .outlook: .v21
    case .generic, .google, .icloud, .exchange, .carddav: .v30
    }
  }

  /// Versions the target refuses (iCloud and CardDAV servers reject 2.1).
  var refuses: Set<VCardVersion> {
    switch self {
    case .icloud, .carddav: [.v21]
    case .google, .outlook, .exchange: [.v40]
    case .generic: []
    }
  }

  /// Outlook reads 8-bit values as Windows-1252 unless `CHARSET=UTF-8` is stated.
  var statesCharset: Bool { self == .outlook || self == .exchange }

  /// Outlook maps TEL, EMAIL, URL and ADR only when they carry a TYPE.
  var typesEverything: Bool { self == .outlook || self == .exchange }

  /// Whether Outlook's own extensions carry what it has no standard property for
  /// (X-MS-ANNIVERSARY, X-MS-SPOUSE, X-MS-MANAGER, X-MS-ASSISTANT,
  /// X-MS-IMADDRESS; MS-OXVCARD), instead of Apple's and Evolution's X- names.
  var microsoftExtensions: Bool { self == .outlook || self == .exchange }

  /// Whether a 2.1 TEXT value that is not structured gets `\;` and `\\` escapes (Outlook
  /// shows them as typed, and writes its own values unescaped).
  var escapesSingleValues21: Bool { !(self == .outlook || self == .exchange) }

  /// Whether the target takes an address from ADR alone (LABEL ignored): Outlook, Exchange,
  /// Google and iCloud fill their address fields from ADR's components.
  var readsOnlyADR: Bool { self != .generic && self != .carddav }

  /// The largest inline photo kept, in bytes (iCloud refuses cards with bigger ones).
  var photoLimit: Int? { self == .icloud ? 224 * 1024 : nil }

  /// Whether CRM fields (`X-FERRY-*`, `X-SALESFORCE-*`, `X-HUBSPOT-*`) are left out.
  var stripsCRMProperties: Bool { self == .icloud }

  /// How many e-mail addresses the target keeps (Outlook's contact form has three slots).
  var emailSlots: Int? { self == .outlook || self == .exchange ? 3 : nil }

  /// How a birthday without a year is written in 2.1 and 3.0.
  var yearlessStyle: YearlessStyle {
    switch self {
    case .google: .dashes
    default: .appleOmitYear
    }
  }

  enum YearlessStyle {
    /// `--04-12` (Google's own 3.0 export).
    case dashes
    /// `1604-04-12;X-APPLE-OMIT-YEAR=1604` (Apple Contacts, iCloud).
    case appleOmitYear
  }

  /// CRM properties iCloud has no use for.
  static func isCRMProperty(_ name: String) -> Bool {
    let upper = name.uppercased()
    return upper.hasPrefix("X-FERRY-") || upper.hasPrefix("X-SALESFORCE") || upper.hasPrefix("X-SFDC")
      || upper.hasPrefix("X-HUBSPOT") || upper.hasPrefix("X-CRM")
  }
}
