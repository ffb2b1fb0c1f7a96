import FerryModel

/// `deny_fields`: fields that never leave the CRM.
///
/// A pattern is matched, without regard to case and ignoring spaces, `_`, `-` and `.`, against
/// every raw property name (CRM columns the model keeps raw, such as `Tax_ID__c`) and against
/// the model field names in `DenyList.modelFields` (`notes`, `birthday`, …). `*` matches any
/// run of characters. `@default` stands for `defaultPatterns`.
public struct DenyList: Sendable {
  /// The built-in list: identifiers that must never reach a mailbox. They match CRM column
  /// names, never model fields, so that `notes` or `phones` are only removed when named.
  public static let defaultPatterns = [
    "*ssn*", "*socialsecurity*", "*taxid*", "*taxpayer*", "*taxnumber*", "tin", "ein", "*vatnumber*",
    "*accountnumber*", "*acctno*", "*acctnum*", "*iban*", "*routingnumber*", "*sortcode*", "*bankaccount*",
    "*creditcard*", "*cardnumber*", "*cvv*", "*passport*", "*driverslicen*", "*driverlicen*", "*nationalid*",
    "*password*",
  ]

  /// Model fields a pattern can name.
  public static let modelFields = [
    "notes", "birthday", "anniversary", "photo", "logo", "gender", "geo", "addresses", "phones", "emails", "urls",
    "related", "categories", "title", "department", "organization", "instantMessaging", "description", "location",
    "attendees", "organizer", "reminders",
  ]

  private let patterns: [[UInt8]]
  /// Names already judged: a CRM export repeats the same few column names a million times.
  private var judged: [String: Bool] = [:]
  /// Whether any pattern names a model field (then every record's fields are checked).
  private var namesModelFields: Bool

  public init(patterns: [String]) {
    var expanded: [String] = []
    for p in patterns {
      if p.lowercased() == "@default" { expanded += DenyList.defaultPatterns } else { expanded.append(p) }
    }
    self.patterns = expanded.map(DenyList.normalise)
    namesModelFields = false
    namesModelFields = DenyList.modelFields.contains { denies($0) }
  }

  static func normalise(_ text: String) -> [UInt8] {
    text.utf8.compactMap { b in
      switch b {
      case UInt8(ascii: " "), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."): nil
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): b + 32
      default: b
      }
    }
  }

  /// Whether `name` matches a pattern.
  public func denies(_ name: String) -> Bool {
    let n = DenyList.normalise(name)
    return patterns.contains { DenyList.glob($0[...], n[...]) }
  }

  private static func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
    guard let first = p.first else { return s.isEmpty }
    if first == UInt8(ascii: "*") {
      let rest = p.dropFirst()
      if rest.isEmpty { return true }
      var i = s.startIndex
      while i <= s.endIndex {
        if glob(rest, s[i...]) { return true }
        i += 1
      }
      return false
    }
    guard let c = s.first, c == first else { return false }
    return glob(p.dropFirst(), s.dropFirst())
  }

  private mutating func deniesCached(_ name: String) -> Bool {
    if let known = judged[name] { return known }
    let verdict = denies(name)
    judged[name] = verdict
    return verdict
  }

  /// Removes denied fields from `record`; returns the names removed.
  public mutating func apply(to record: inout Record) -> [String] {
    var removed: [String] = []
    // Model fields are checked only when a pattern names one (rare), raw names through the cache.
    let fieldsNamed = namesModelFields
    switch record {
    case .contact(let cBox):
      var c = cBox.contact
      if !c.raw.isEmpty {
        var kept: [RawProperty] = []
        kept.reserveCapacity(c.raw.count)
        for p in c.raw { if deniesCached(p.name) { removed.append(p.name) } else { kept.append(p) } }
        if kept.count != c.raw.count { c.raw = kept }
      }
      if fieldsNamed { removed += clearModelFields(&c) }
      record = .contact(c)
    case .event(let eBox):
      var e = eBox.event
      if !e.raw.isEmpty {
        var kept: [RawProperty] = []
        for p in e.raw { if deniesCached(p.name) { removed.append(p.name) } else { kept.append(p) } }
        if kept.count != e.raw.count { e.raw = kept }
      }
      if fieldsNamed { removed += clearModelFields(&e) }
      record = .event(e)
    }
    return removed
  }


  private func clearModelFields(_ c: inout Contact) -> [String] {
    var removed: [String] = []
    func clear<T>(_ name: String, _ value: inout T?) {
      if value != nil && denies(name) { value = nil; removed.append(name) }
    }
    func clear<T>(_ name: String, _ value: inout [T]) {
      if !value.isEmpty && denies(name) { value = []; removed.append(name) }
    }
    clear("notes", &c.notes)
    clear("birthday", &c.birthday)
    clear("anniversary", &c.anniversary)
    clear("photo", &c.photo)
    clear("logo", &c.logo)
    clear("gender", &c.gender)
    clear("geo", &c.geo)
    clear("addresses", &c.addresses)
    clear("phones", &c.phones)
    clear("emails", &c.emails)
    clear("urls", &c.urls)
    clear("related", &c.related)
    clear("categories", &c.categories)
    clear("title", &c.title)
    clear("department", &c.department)
    clear("organization", &c.organization)
    clear("instantMessaging", &c.instantMessaging)
    return removed
  }

  private func clearModelFields(_ e: inout Event) -> [String] {
    var removed: [String] = []
    func clear<T>(_ name: String, _ value: inout T?) {
      if value != nil && denies(name) { value = nil; removed.append(name) }
    }
    func clear<T>(_ name: String, _ value: inout [T]) {
      if !value.isEmpty && denies(name) { value = []; removed.append(name) }
    }
    clear("description", &e.description)
    clear("location", &e.location)
    clear("attendees", &e.attendees)
    clear("organizer", &e.organizer)
    clear("reminders", &e.reminders)
    clear("categories", &e.categories)
    clear("related", &e.related)
    clear("geo", &e.geo)
    return removed
  }
}
