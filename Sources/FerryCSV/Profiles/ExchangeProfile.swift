import FerryModel

/// `csv:exchange`: the mail-contact CSV an Exchange admin feeds to `New-MailContact` and
/// `Set-Contact` (Microsoft Learn, "Bulk import external contacts to Exchange Online"): the
/// exact 22-column header, plus `CustomAttribute1` holding the CRM record id so later runs
/// can find the contacts ferry made. UTF-8 with BOM, so Windows PowerShell 5.1's `Import-Csv`
/// reads non-ASCII names. Sources: ../shared/formats/exchange-admin-csv.md.
public struct ExchangeProfile: CSVProfile {
  public init() {}
  public var name: String { "exchange" }
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
  public var writesByteOrderMark: Bool { true }

  public static let header = [
    "ExternalEmailAddress", "Name", "FirstName", "LastName", "StreetAddress", "City", "StateorProvince", "PostalCode",
    "Phone", "MobilePhone", "Pager", "HomePhone", "Company", "Title", "OtherTelephone", "Department",
    "CountryOrRegion", "Fax", "Initials", "Notes", "Office", "Manager", "CustomAttribute1",
  ]

  public func confidence(header: [String]) -> Double {
    HeaderIndex(header).share(of: ["ExternalEmailAddress", "Name", "FirstName", "LastName", "StreetAddress", "StateorProvince", "OtherTelephone", "CountryOrRegion"])
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder { Decoder(header: header) }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  static let phones: [(Int, [String])] = [(8, ["work"]), (9, ["cell"]), (10, ["pager"]), (11, ["home"]), (14, ["other"]), (17, ["work", "fax"])]

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    var idx: [Int?]

    init(header: [String]) {
      var h = HeaderIndex(header)
      idx = ExchangeProfile.header.map { h.take($0) }
      // Initials and Office have no model field: they stay raw (unmapped).
      for k in [18, 20] { if let i = idx[k] { h.unmark(i) } }
      mappedColumns = h.used
    }

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      func s(_ k: Int) -> String? { row.string(at: idx[k]) }
      if let e = s(0) { c.emails.append(EmailAddress(e)) }
      c.formattedName = s(1)
      c.name = PersonName(given: s(2), family: s(3))
      let a = PostalAddress(street: s(4), locality: s(5), region: s(6), postalCode: s(7), country: s(16), types: ["work"])
      if !a.isEmpty { c.addresses.append(a) }
      for (k, types) in ExchangeProfile.phones { if let p = s(k) { c.phones.append(PhoneNumber(p, types: types)) } }
      c.organization = s(12)
      c.title = s(13)
      c.department = s(15)
      if let n = s(19) { c.notes = [n] }
      if let m = s(21) { c.related.append(RelatedPerson(relation: "manager", value: m)) }
      if let id = s(22) {
        let isSalesforce = SalesforceID.caseSafe(id) != nil
        c.source = SourceIdentity(system: isSalesforce ? "salesforce" : "exchange", recordId: id)
      }
      context.attachRaw(&c)
      return .contact(c)
    }
  }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "formattedName", "name", "emails", "phones", "addresses", "organization", "department", "title", "notes",
    ]
    let columns = ExchangeProfile.header
    var phoneColumns: Set<Int> { [8, 9, 10, 11, 14, 17] }
    /// New-MailContact wants a unique `Name` of at most 64 characters and a unique
    /// `ExternalEmailAddress`: the ones written so far (one short key per row).
    var names: Set<String> = []
    /// The next suffix to try for a name already taken (" (2)", " (3)", …): a name shared by
    /// thousands of rows must not search from " (2)" every time.
    var nextSuffix: [String: Int] = [:]
    var addresses: Set<String> = []
    static let nameLimit = 64

    /// `name` cut to the limit and made unique with " (2)", " (3)", … as New-MailContact needs.
    mutating func uniqueName(_ name: String, context: inout CSVEncodeContext) -> String {
      var base = name
      if base.count > Self.nameLimit {
        base = String(base.prefix(Self.nameLimit)).trimmingTrailingSpaces()
        context.diagnostics.warning(
          "Name \"\(name)\" is longer than New-MailContact's \(Self.nameLimit) characters; cut to \"\(base)\"",
          at: context.location(property: "Name"), code: "overflow")
      }
      var candidate = base
      var n = 1
      let key = base.lowercased()
      if names.contains(key) {
        n = nextSuffix[key] ?? 1
        repeat {
          n += 1
          let suffix = " (\(n))"
          candidate = String(base.prefix(Self.nameLimit - suffix.count)).trimmingTrailingSpaces() + suffix
        } while names.contains(candidate.lowercased())
      }
      if n > 1 && nextSuffix[key] == nil {
        // Once per name: a name on a thousand rows is one thing to know, not a thousand.
        context.diagnostics.warning(
          "Name \"\(base)\" is already on an earlier row and New-MailContact needs unique names; written as \"\(candidate)\"; later rows with this name are numbered on",
          at: context.location(property: "Name"), code: "renamed")
      }
      if n > 1 { nextSuffix[key] = n }
      names.insert(candidate.lowercased())
      return candidate
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      func set(_ i: Int, _ v: String?) { if let v { cells[i] = v } }
      if let first = c.emails.first?.address, !addresses.insert(first.lowercased()).inserted {
        // A second mail contact with the same external address is refused by Exchange.
        context.diagnostics.warning(
          "contact \"\(c.displayName)\" has ExternalEmailAddress \(first), which an earlier row has; skipped (New-MailContact refuses a second; ferry dedupe merges such rows)",
          at: context.location(property: "ExternalEmailAddress"), code: "skipped")
        return false
      }
      guard !c.emails.isEmpty else {
        // A mail contact is its external address: New-MailContact refuses the row, and the
        // Set-Contact step after it fails too, so the row is not written (like a duplicate).
        context.diagnostics.warning(
          "contact \"\(c.displayName)\" has no e-mail; skipped (New-MailContact needs ExternalEmailAddress)",
          at: context.location(property: "ExternalEmailAddress"), code: "skipped")
        return false
      }
      for (n, e) in c.emails.enumerated() {
        if n == 0 { set(0, e.address) } else { try context.overflow("e-mail", e.address) }
      }
      let name = (c.formattedName ?? "").isEmpty ? c.displayName : c.formattedName ?? ""
      if !name.isEmpty { set(1, uniqueName(name, context: &context)) }
      set(2, c.name.given)
      set(3, c.name.family)
      try context.overflowPhoneticName(c.name)
      try context.fillSingleAddress(c.addresses, into: &cells, street: 4, city: 5, region: 6, postalCode: 7, country: 16)
      for p in c.phones {
        let t = Set(p.types)
        let slot: Int =
          t.contains("fax") ? 17 : (t.contains("cell") || t.contains("mobile")) ? 9 : t.contains("pager") ? 10
          : t.contains("home") ? 11 : t.contains("work") || t.contains("main") ? 8 : 14
        if cells[slot].isEmpty { cells[slot] = p.number } else if cells[14].isEmpty { cells[14] = p.number } else {
          try context.overflow("phone", p.number)
        }
      }
      set(12, c.organization)
      set(13, c.title)
      set(15, c.department)
      for r in c.related where r.relation == "manager" { set(21, r.value) }
      // The CRM record id, whichever CRM (Salesforce, HubSpot, …), so later runs find the contact.
      set(22, c.source?.recordId)
      let notes = context.notes(c.contact)
      if !notes.isEmpty { set(19, notes) }
      return true
    }
  }
}

extension String {
  /// The string without the spaces a cut left at its end.
  fileprivate func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
