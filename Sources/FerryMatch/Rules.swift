import FerryModel
import FerryYAML
import Foundation
import Yams

/// The log-odds weights of one field's comparison levels (Fellegi-Sunter: log2 of m/u, the
/// chance of the level among true pairs over its chance among unrelated pairs).
public struct FieldWeights: Sendable, Codable, Hashable {
  /// Equal after normalisation (or a nickname, for given names).
  public var exact: Double
  /// Very similar (Jaro-Winkler ≥ `closeAt`, one edit, one date part off).
  public var close: Double
  /// Somewhat similar (Jaro-Winkler ≥ `partialAt`).
  public var partial: Double
  /// Both present and different.
  public var differ: Double
  public var closeAt: Double
  public var partialAt: Double

  public init(exact: Double, close: Double, partial: Double, differ: Double, closeAt: Double = 0.92, partialAt: Double = 0.85) {
    self.exact = exact
    self.close = close
    self.partial = partial
    self.differ = differ
    self.closeAt = closeAt
    self.partialAt = partialAt
  }

  enum CodingKeys: String, CodingKey { case exact, close, partial, differ, closeAt = "close_at", partialAt = "partial_at" }

  /// Decodes over `defaults`: a rules file names only what it changes.
  func merged(with c: KeyedDecodingContainer<CodingKeys>) throws -> FieldWeights {
    var w = self
    w.exact = try c.decodeIfPresent(Double.self, forKey: .exact) ?? w.exact
    w.close = try c.decodeIfPresent(Double.self, forKey: .close) ?? w.close
    w.partial = try c.decodeIfPresent(Double.self, forKey: .partial) ?? w.partial
    w.differ = try c.decodeIfPresent(Double.self, forKey: .differ) ?? w.differ
    w.closeAt = try c.decodeIfPresent(Double.self, forKey: .closeAt) ?? w.closeAt
    w.partialAt = try c.decodeIfPresent(Double.self, forKey: .partialAt) ?? w.partialAt
    return w
  }
}

/// The compared contact fields.
public enum ContactField: String, Sendable, Codable, CaseIterable {
  case identifier, birthDate = "birth_date", email, phone, postalCode = "postal_code", given, family, middle
  case streetNumber = "street_number", street, unit, locality, region, organization
}

/// Everything that tunes matching: weights, threshold, normalisation switches, blocking
/// window. The defaults are fixed for every data set; a YAML rules file (`--rules`) overrides
/// any part of them.
public struct MatchRules: Sendable, Hashable {
  /// Pairs whose summed weight reaches this are linked.
  public var threshold: Double = 15
  /// Inside a cluster of three or more, a member pair scoring below this counts as a
  /// disagreement; a cluster with disagreements is split.
  public var clusterFloor: Double = 0
  public var weights: [ContactField: FieldWeights] = MatchRules.defaultWeights
  /// Drop dots and `+tags` in Gmail local parts.
  public var gmail = false
  /// The phone region for numbers without a country code.
  public var region = "US"
  /// Raw properties (CSV columns, X- properties) compared as an identifier such as a national
  /// id number, matched case- and punctuation-insensitively.
  public var identifierFields: [String] = ["SocSecId", "SSN", "SocialSecurityNumber", "NationalId", "TaxId"]
  /// Sorted-neighbourhood window: each record is compared with this many neighbours per key.
  public var window = 12
  /// Events: starts within this many minutes may be the same event.
  public var eventToleranceMinutes = 15
  /// Events: minimum token-set similarity of normalised subjects.
  public var eventSubjectSimilarity = 0.85
  /// Local parts of shared role addresses (`info@`, `sales@`, …): a mailbox several people
  /// read. An e-mail match through one counts only when the names agree (given and family
  /// names on both records, each the same or a nickname); otherwise it adds nothing and the
  /// explanation says so. Compared with the local part before any `+tag`.
  public var roleAddresses: Set<String> = MatchRules.defaultRoleAddresses
  /// Compare phone extensions (`x12`, `ext. 12`, `;ext=12`, `#12`): numbers whose
  /// extensions differ are different phones. When false, extensions are ignored.
  public var phoneExtensions = true
  /// The weight of the same phone number written with an extension on one side only (a
  /// switchboard number beside a direct line behind it): weaker than an exact match, and
  /// counted only when the names agree. Different extensions are different phones.
  public var phoneExtensionOnOneSide = 6.0
  /// Birth dates that clearly differ (both complete, at least three of the eight digits
  /// different, neither a day/month swap nor one typo) stop a link, unless an identifier, an
  /// e-mail address that is not a role address, or any part of the address (street, postcode,
  /// locality) agrees.
  public var birthDateVeto = true
  /// Given names that differ only in a gender-marking ending (`Mario` / `Maria`, `Daniel` /
  /// `Daniela`, `Louis` / `Louise`) link only when an identifier, a personal e-mail address
  /// or the birth date agrees: a shared phone, address or organisation is what two people of
  /// one household or office have too.
  public var genderedGivenNames = true
  /// A phone number shared by two records whose given names differ (both present, neither
  /// the same, close, an initial nor a nickname) adds nothing: a household's or an office's
  /// number, not evidence of one person.
  public var householdPhones = true

  public init() {}

  public static let defaultWeights: [ContactField: FieldWeights] = [
    .identifier: FieldWeights(exact: 14, close: 6, partial: 0, differ: -8),
    .birthDate: FieldWeights(exact: 10, close: 4, partial: 0.5, differ: -6),
    .email: FieldWeights(exact: 14, close: 6, partial: 0, differ: -2),
    .phone: FieldWeights(exact: 12, close: 3, partial: 0, differ: -2),
    .postalCode: FieldWeights(exact: 6, close: 2.5, partial: 0, differ: -2.5),
    .given: FieldWeights(exact: 7, close: 4.5, partial: 1.5, differ: -4.5, closeAt: 0.92, partialAt: 0.82),
    .family: FieldWeights(exact: 8.5, close: 5, partial: 1.5, differ: -5.5, closeAt: 0.92, partialAt: 0.82),
    .middle: FieldWeights(exact: 2, close: 1, partial: 0, differ: -1),
    .streetNumber: FieldWeights(exact: 3, close: 1, partial: 0, differ: -2),
    .street: FieldWeights(exact: 6, close: 4, partial: 1.5, differ: -3, closeAt: 0.93, partialAt: 0.84),
    .unit: FieldWeights(exact: 1, close: 0.5, partial: 0, differ: -1),
    .locality: FieldWeights(exact: 4, close: 3, partial: 1, differ: -2.5, closeAt: 0.92, partialAt: 0.84),
    .region: FieldWeights(exact: 0.5, close: 0, partial: 0, differ: -1.5),
    .organization: FieldWeights(exact: 3, close: 2, partial: 0.5, differ: -1.5, closeAt: 0.93, partialAt: 0.85),
  ]

  /// The default role addresses: mailboxes of a function, not of a person. Collected from the
  /// role names RFC 2142 reserves (`info`, `sales`, `support`, `abuse`, `postmaster`, …) and
  /// the ones organisations commonly publish (`office`, `contact`, `hello`, `billing`, …).
  public static let defaultRoleAddresses: Set<String> = [
    // RFC 2142 (business and network operations)
    "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet",
    "news", "webmaster", "www", "uucp", "ftp",
    // common shared mailboxes
    "admin", "administration", "office", "contact", "contactus", "hello", "hi", "team", "enquiries", "enquiry",
    "inquiries", "inquiry", "reception", "frontdesk", "accounts", "accounting", "billing", "invoices", "invoice",
    "finance", "payments", "hr", "jobs", "careers", "recruiting", "press", "media", "pr", "noreply", "no-reply",
    "donotreply", "do-not-reply", "mail", "email", "service", "services", "customerservice", "help", "helpdesk",
    "orders", "bookings", "reservations", "general", "mailbox", "feedback", "legal", "purchasing", "it",
  ]

  /// Reads a YAML rules file over the defaults:
  ///
  /// ```yaml
  /// threshold: 12
  /// gmail: true
  /// region: GB
  /// window: 30
  /// identifier_fields: [SocSecId]
  /// event_tolerance_minutes: 10
  /// role_addresses: [info, sales, office]
  /// phone_extensions: true
  /// phone_extension_on_one_side: 6
  /// birth_date_veto: true
  /// gendered_given_names: true
  /// household_phones: true
  /// fields:
  ///   email: {exact: 16}
  ///   given: {close_at: 0.9}
  /// ```
  public static func fromYAML(_ text: String, file: String = "<rules>") throws -> MatchRules {
    var rules = MatchRules()
    func fail(_ message: String, at node: Node?) -> RulesError {
      RulesError(message, at: YAMLLocation.of(node, in: text, file: file))
    }
    let root: Node?
    do { root = try Yams.compose(yaml: text) } catch {
      throw RulesError("the rules file is not valid YAML: \(YAMLLocation.problem(error))", at: YAMLLocation.of(error, in: text, file: file))
    }
    guard let root else { return rules }
    guard let map = root.mapping else { throw fail("the rules file must be a mapping", at: root) }
    func number(_ v: Node, _ key: String) throws -> Double {
      if let d = v.float ?? v.int.map(Double.init) { return d }
      throw fail("\(key) must be a number, not \"\(v.string ?? "…")\"", at: v)
    }
    func bool(_ v: Node, _ key: String) throws -> Bool {
      if let b = v.bool { return b }
      throw fail("\(key) must be true or false", at: v)
    }
    func list(_ v: Node, _ key: String) throws -> [String] {
      guard let items = v.sequence else { throw fail("\(key) must be a list", at: v) }
      return try items.map { item in
        guard let text = item.string else { throw fail("\(key) takes plain values", at: item) }
        return text
      }
    }
    for (keyNode, value) in map {
      guard let key = keyNode.string else { throw fail("a rules key must be a name", at: keyNode) }
      switch key {
      case "threshold": rules.threshold = try number(value, key)
      case "cluster_floor": rules.clusterFloor = try number(value, key)
      case "gmail": rules.gmail = try bool(value, key)
      case "region":
        guard let region = value.string else { throw fail("region must be a region code such as GB", at: value) }
        rules.region = region.uppercased()
      case "window": rules.window = Int(try number(value, key))
      case "event_tolerance_minutes": rules.eventToleranceMinutes = Int(try number(value, key))
      case "event_subject_similarity": rules.eventSubjectSimilarity = try number(value, key)
      case "role_addresses": rules.roleAddresses = Set(try list(value, key).map { $0.lowercased() })
      case "phone_extensions": rules.phoneExtensions = try bool(value, key)
      case "phone_extension_on_one_side": rules.phoneExtensionOnOneSide = try number(value, key)
      case "birth_date_veto": rules.birthDateVeto = try bool(value, key)
      case "gendered_given_names": rules.genderedGivenNames = try bool(value, key)
      case "household_phones": rules.householdPhones = try bool(value, key)
      case "identifier_fields": rules.identifierFields = try list(value, key)
      case "fields":
        guard let fields = value.mapping else { throw fail("fields must be a mapping", at: value) }
        for (nameNode, spec) in fields {
          let name = nameNode.string ?? ""
          guard let field = ContactField(rawValue: name) else {
            throw fail(
              "unknown field \"\(name)\"; known: \(ContactField.allCases.map(\.rawValue).joined(separator: ", "))", at: nameNode)
          }
          guard let levels = spec.mapping else { throw fail("fields.\(name) must be a mapping", at: spec) }
          var w = rules.weights[field] ?? FieldWeights(exact: 0, close: 0, partial: 0, differ: 0)
          for (levelNode, v) in levels {
            let level = levelNode.string ?? ""
            let x = try number(v, "fields.\(name).\(level)")
            switch level {
            case "exact": w.exact = x
            case "close": w.close = x
            case "partial": w.partial = x
            case "differ": w.differ = x
            case "close_at": w.closeAt = x
            case "partial_at": w.partialAt = x
            default:
              throw fail(
                "unknown level \"\(level)\" in fields.\(name); known: exact, close, partial, differ, close_at, partial_at",
                at: levelNode)
            }
          }
          rules.weights[field] = w
        }
      default:
        throw fail("unknown rules key \"\(key)\"", at: keyNode)
      }
    }
    return rules
  }
}

/// A mistake in a rules file, with where it is.
public struct RulesError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var location: SourceLocation
  init(_ message: String, at location: SourceLocation) {
    self.message = message
    self.location = location
  }
  /// `file:line:col: error: message`.
  public var description: String { "\(location): error: \(message)" }
}
