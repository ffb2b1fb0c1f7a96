import FerryModel

/// `csv:hubspot`: HubSpot's contacts export. Reads English property labels (`First Name`,
/// `Phone Number`, `Contact owner`) and internal names (`firstname`, `phone`,
/// `hubspot_owner_id`); writes labels. Secondary e-mails are in `Additional email addresses`
/// (`hs_additional_emails`), `;`-separated. Sources: ../shared/formats/hubspot.md (evidence
/// is thin there: no real export was available).
public struct HubSpotProfile: CSVProfile {
  public init() {}
  public var name: String { "hubspot" }
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
  public var writesByteOrderMark: Bool { true }

  public static let header = [
    "Record ID", "First Name", "Last Name", "Email", "Additional email addresses", "Phone Number",
    "Mobile Phone Number", "Fax Number", "Company Name", "Job Title", "Street Address", "City", "State/Region",
    "Postal Code", "Country/Region", "Website URL", "Contact owner", "Associated Company ID", "Create Date",
    "Last Modified Date", "Notes",
  ]

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    let labels = h.share(of: ["Record ID", "Contact ID", "First Name", "Last Name", "Email", "Phone Number", "Contact owner", "Lifecycle Stage", "Create Date", "Company Name"])
    let names = h.share(of: ["hs_object_id", "firstname", "lastname", "email", "phone", "hubspot_owner_id", "lifecyclestage", "createdate"])
    // "First Name"/"Last Name"/"Email" are common to many layouts: HubSpot-only columns weigh more.
    let specific = h.has("Contact owner") || h.has("Lifecycle Stage") || h.has("Record ID") || h.has("hs_object_id")
    return max(labels, names) * (specific ? 1 : 0.5)
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder { Decoder(header: header) }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  public var repeatedColumns: [[String]] { [["Email", "Additional email addresses"]] }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let id, first, last, email, additional, phone, mobile, fax, company, jobTitle: Int?
    let street, city, state, zip, country, website, owner, account, created, modified, notes: Int?

    init(header: [String]) {
      var h = HeaderIndex(header)
      id = h.take("Record ID", "Contact ID", "hs_object_id")
      first = h.take("First Name", "firstname")
      last = h.take("Last Name", "lastname")
      email = h.take("Email", "email")
      additional = h.take("Additional email addresses", "hs_additional_emails")
      phone = h.take("Phone Number", "phone")
      mobile = h.take("Mobile Phone Number", "mobilephone")
      fax = h.take("Fax Number", "fax")
      company = h.take("Company Name", "company")
      jobTitle = h.take("Job Title", "jobtitle")
      street = h.take("Street Address", "address")
      city = h.take("City", "city")
      state = h.take("State/Region", "state")
      zip = h.take("Postal Code", "zip")
      country = h.take("Country/Region", "country")
      website = h.take("Website URL", "website")
      owner = h.take("Contact owner", "hubspot_owner_id")
      account = h.take("Associated Company ID", "associatedcompanyid")
      created = h.take("Create Date", "createdate")
      modified = h.take("Last Modified Date", "lastmodifieddate")
      notes = h.take("Notes", "hs_content_membership_notes")
      mappedColumns = h.used
    }

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      func s(_ i: Int?) -> String? { row.string(at: i) }
      if let rid = s(id) { c.source = SourceIdentity(system: "hubspot", objectType: "contact", recordId: rid) }
      c.name = PersonName(given: s(first), family: s(last))
      if let e = s(email) { c.emails.append(EmailAddress(e)) }
      if let more = s(additional) { for e in Values.split(more, by: ";") { c.emails.append(EmailAddress(e)) } }
      if let p = s(phone) { c.phones.append(PhoneNumber(p, types: ["work"])) }
      if let p = s(mobile) { c.phones.append(PhoneNumber(p, types: ["cell"])) }
      if let p = s(fax) { c.phones.append(PhoneNumber(p, types: ["work", "fax"])) }
      c.organization = s(company)
      c.title = s(jobTitle)
      let a = PostalAddress(
        street: s(street), locality: s(city), region: s(state), postalCode: s(zip), country: s(country), types: ["work"])
      if !a.isEmpty { c.addresses.append(a) }
      if let u = s(website) { c.urls.append(LabeledValue(u)) }
      if let o = s(owner) {
        // Label exports show the owner's name; internal-value exports its numeric id.
        c.owner = o.allSatisfy(\.isNumber) ? Owner(id: o) : Owner(name: o)
      }
      c.accountId = s(account)
      if let i = created, let text = row.string(i) {
        if let t = HubSpotProfile.time(text) { c.created = t } else { context.keepUnparsed(column: i, value: text, what: "a date-time") }
      }
      if let i = modified, let text = row.string(i) {
        if let t = HubSpotProfile.time(text) { c.lastModified = t } else { context.keepUnparsed(column: i, value: text, what: "a date-time") }
      }
      if let n = s(notes) { c.notes = [n] }
      context.attachRaw(&c)
      return .contact(c)
    }
  }

  /// `2024-01-31 15:00`, ISO 8601, or epoch milliseconds.
  static func time(_ text: String) -> Timestamp? {
    if text.count >= 12, text.allSatisfy(\.isNumber), let ms = Int64(text) { return Timestamp(milliseconds: ms) }
    if let t = Values.timestamp(text) { return t }
    // The portal's US display form, `3/15/2024 2:30 PM`, read as UTC like the others.
    if let (date, time) = CalendarCSV.parseDateTime(text) {
      return Timestamp(utc: LocalDateTime(date: date, time: time ?? .midnight))
    }
    return nil
  }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "formattedName", "name", "emails", "phones", "addresses", "organization", "title", "notes", "urls",
    ]
    let columns = HubSpotProfile.header
    var phoneColumns: Set<Int> { [5, 6, 7] }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      func set(_ i: Int, _ v: String?) { if let v { cells[i] = v } }
      if c.source?.system == "hubspot" { set(0, c.source?.recordId) }
      set(1, c.name.given)
      set(2, c.name.family ?? (c.name.given == nil ? c.formattedName : nil))
      set(3, c.emails.first?.address)
      if c.emails.count > 1 { set(4, c.emails.dropFirst().map(\.address).joined(separator: ";")) }
      for p in c.phones {
        let t = Set(p.types)
        let slot = t.contains("fax") ? 7 : (t.contains("cell") || t.contains("mobile")) ? 6 : 5
        if cells[slot].isEmpty { cells[slot] = p.number } else if slot != 5 && cells[5].isEmpty { cells[5] = p.number } else {
          try context.overflow("phone", p.number)
        }
      }
      set(8, c.organization)
      set(9, c.title)
      try context.fillSingleAddress(c.addresses, into: &cells, street: 10, city: 11, region: 12, postalCode: 13, country: 14)
      for (n, u) in c.urls.enumerated() { if n == 0 { set(15, u.value) } else { try context.overflow("web page", u.value) } }
      if let o = c.owner { set(16, c.source?.system == "hubspot" ? (o.name ?? o.id) : (o.name ?? o.email ?? o.id)) }
      set(17, c.accountId)
      set(18, c.created.map(Values.minuteTimestamp))
      set(19, c.lastModified.map(Values.minuteTimestamp))
      let notes = context.notes(c.contact)
      if !notes.isEmpty { set(20, notes) }
      return true
    }
  }
}
