import FerryModel

/// `csv:salesforce`: Contact and Lead exports from Data Loader and the weekly Data Export
/// (API field names as headers, matched case-insensitively).
///
/// Owner columns: `OwnerId`, plus the Data Loader relationship paths `Owner.Name` and
/// `Owner.Email` when the query selected them. Ids are upgraded to 18 characters by the model.
/// Custom columns whose API name ends in `Email__c` (`Personal_Email__c`) are read as extra
/// e-mails labelled with the column name and written back to that column.
/// Sources: ../shared/formats/salesforce.md.
public struct SalesforceProfile: CSVProfile {
  public init() {}
  public var name: String { "salesforce" }
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
  /// Data Loader reads UTF-8 without a BOM; a BOM would end up in the first column name.
  public var writesByteOrderMark: Bool { false }

  public static let contactColumns = [
    "Id", "AccountId", "Salutation", "FirstName", "MiddleName", "LastName", "Suffix", "Title", "Department", "Email",
    "Phone", "MobilePhone", "HomePhone", "OtherPhone", "Fax", "AssistantPhone", "AssistantName", "MailingStreet",
    "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry", "OtherStreet", "OtherCity", "OtherState",
    "OtherPostalCode", "OtherCountry", "Birthdate", "Description", "OwnerId", "Owner.Name", "Owner.Email",
    "CreatedDate", "LastModifiedDate",
  ]

  public static let leadColumns = [
    "Id", "Salutation", "FirstName", "MiddleName", "LastName", "Suffix", "Title", "Company", "Email", "Phone",
    "MobilePhone", "Fax", "Website", "Street", "City", "State", "PostalCode", "Country", "Description", "OwnerId",
    "Owner.Name", "Owner.Email", "CreatedDate", "LastModifiedDate",
  ]

  static let phoneColumns: [(String, [String])] = [
    ("Phone", ["work"]), ("MobilePhone", ["cell"]), ("HomePhone", ["home"]), ("OtherPhone", ["other"]),
    ("Fax", ["work", "fax"]), ("AssistantPhone", ["assistant"]),
  ]

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    let contact = h.share(of: ["Id", "FirstName", "LastName", "Email", "OwnerId", "AccountId", "MailingStreet", "MobilePhone"])
    let lead = h.share(of: ["Id", "FirstName", "LastName", "Email", "OwnerId", "Company", "Status", "Street"])
    return max(contact, lead)
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder { Decoder(header: header) }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  static func isCustomEmail(_ column: String) -> Bool {
    let k = column.lowercased()
    return k.hasSuffix("email__c")
  }

  /// `003…` is a Contact, `00Q…` a Lead.
  static func objectType(id: String?, isLead: Bool) -> String {
    if let id {
      // The first bytes, read with the iterator: `hasPrefix` compares Characters (two calls
      // cost about 360 instructions a record). After three ASCII bytes, an ASCII byte or the
      // end always starts a new Character, so the bytes decide; anything else goes to
      // `hasPrefix`.
      var u = id.utf8.makeIterator()
      let a = u.next(), b = u.next(), c = u.next(), d = u.next()
      if d == nil || d.map({ $0 < 0x80 }) == true {
        if a == UInt8(ascii: "0"), b == UInt8(ascii: "0") {
          if c == UInt8(ascii: "Q") { return "Lead" }
          if c == UInt8(ascii: "3") { return "Contact" }
        }
      } else {
        if id.hasPrefix("00Q") { return "Lead" }
        if id.hasPrefix("003") { return "Contact" }
      }
    }
    return isLead ? "Lead" : "Contact"
  }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let id, accountId, salutation, first, middle, last, suffix, title, department, company, email, assistantName: Int?
    let phones: [(Int, [String])]
    let mailing: [Int?]
    let other: [Int?]
    let leadAddress: [Int?]
    let website, birthdate, description, ownerId, ownerName, ownerEmail, created, modified: Int?
    let customEmails: [(Int, String)]
    let isLead: Bool
    /// The address columns and the address types (one array per kind, shared by every record).
    let addressParts: [([Int?], [String])]
    /// Owners repeat from row to row (a few reps own every record): the last few owners are
    /// kept with the bytes of their three cells (id, name, e-mail), and a row whose cells hold
    /// the same bytes takes the kept owner, whose strings are shared instead of made (and
    /// freed) again. The bytes of every kept owner are in one buffer and the entries are
    /// plain numbers, so a lookup retains nothing; when the cache is full it starts again.
    var ownerKeys: [UInt8] = []
    var ownerEntries: [(start: Int, lengths: (Int, Int, Int))] = []
    var ownerValues: [Owner?] = []
    static let ownerCacheSize = 8

    init(header: [String]) {
      var h = HeaderIndex(header)
      id = h.take("Id")
      accountId = h.take("AccountId")
      salutation = h.take("Salutation")
      first = h.take("FirstName")
      middle = h.take("MiddleName")
      last = h.take("LastName")
      suffix = h.take("Suffix")
      title = h.take("Title")
      department = h.take("Department")
      company = h.take("Company")
      email = h.take("Email")
      assistantName = h.take("AssistantName")
      phones = SalesforceProfile.phoneColumns.compactMap { c in h.take(c.0).map { ($0, c.1) } }
      mailing = ["MailingStreet", "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry"].map { h.take($0) }
      other = ["OtherStreet", "OtherCity", "OtherState", "OtherPostalCode", "OtherCountry"].map { h.take($0) }
      leadAddress = ["Street", "City", "State", "PostalCode", "Country"].map { h.take($0) }
      website = h.take("Website")
      birthdate = h.take("Birthdate")
      description = h.take("Description")
      ownerId = h.take("OwnerId")
      ownerName = h.take("Owner.Name", "Owner Name", "OwnerName", "Owner Full Name")
      ownerEmail = h.take("Owner.Email", "Owner Email", "OwnerEmail")
      created = h.take("CreatedDate")
      modified = h.take("LastModifiedDate")
      var custom: [(Int, String)] = []
      for (i, name) in header.enumerated() where SalesforceProfile.isCustomEmail(name) && !h.used[i] {
        _ = h.take(name)
        custom.append((i, name))
      }
      customEmails = custom
      isLead = h.has("Company") && (h.has("Status") || !h.has("AccountId"))
      addressParts = [(mailing, ["work"]), (leadAddress, ["work"]), (other, ["other"])].filter { $0.0.contains { $0 != nil } }
      mappedColumns = h.used
    }

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      // Filled in place by `fill`, then moved into the record's box. (A contact built in a
      // local `var` of a function that returns it was copied on return, a retain per field,
      // and then destroyed; so was one built here.)
      var c = Contact()
      fill(&c, row, context: &context)
      return .contact(c)
    }

    /// Reads `row` into the new contact `c`.
    mutating func fill(_ c: inout Contact, _ row: CSVRow, context: inout CSVDecodeContext) {
      func s(_ i: Int?) -> String? { row.string(at: i) }
      // Ids read from the bytes: no `String` is made for the 15-character form.
      let recordId = row.withText(at: id) { Values.caseSafeID(bytes: $0) }
      // Ids are made case-safe here (fast path) and set directly; the model's initialisers
      // would do the same work again.
      var source = SourceIdentity(
        system: "salesforce", objectType: SalesforceProfile.objectType(id: recordId, isLead: isLead), recordId: nil)
      source.recordId = recordId
      c.source = source
      c.accountId = row.withText(at: accountId) { Values.caseSafeID(bytes: $0) }
      c.name = PersonName(prefix: s(salutation), given: s(first), middle: s(middle), family: s(last), suffix: s(suffix))
      c.title = s(title)
      c.department = s(department)
      c.organization = s(company)
      // The new contact has no e-mail yet: an array literal is allocated at its size, where
      // the first `append` goes through the array's growth path.
      if let e = s(email) { c.emails = [EmailAddress(e)] }
      for (i, label) in customEmails {
        if let e = row.string(i) { c.emails.append(EmailAddress(e, label: label)) }
      }
      // Sized once: appending three or four numbers one by one would grow the array each time.
      let phoneCount = phones.reduce(0) { $0 + (row.isEmpty($1.0) ? 0 : 1) }
      if phoneCount > 1 { c.phones.reserveCapacity(phoneCount) }
      for (i, types) in phones {
        // One number (the usual case): an array literal, allocated at its size (see `emails`).
        if let p = row.string(i) {
          if phoneCount == 1 { c.phones = [PhoneNumber(p, types: types)] } else { c.phones.append(PhoneNumber(p, types: types)) }
        }
      }
      for (parts, type) in addressParts {
        // Skip empty addresses without building one (the hot path).
        guard parts.contains(where: { $0.map { !row.isEmpty($0) } ?? false }) else { continue }
        let street = s(parts[0]).map(Decoder.normaliseLines)
        let a = PostalAddress(
          street: street, locality: s(parts[1]), region: s(parts[2]), postalCode: s(parts[3]), country: s(parts[4]),
          types: type)
        if !a.isEmpty {
          if c.addresses.isEmpty { c.addresses = [a] } else { c.addresses.append(a) }
        }
      }
      if let u = s(website) { c.urls.append(LabeledValue(u)) }
      if let b = birthdate, let text = row.string(b) {
        // Data Loader and Data Export write ISO dates; a report exported from the web UI writes
        // the user's locale (`7/31/1980`, `31/07/1980`, `31.07.1980`).
        if let d = Values.isoDate(text) {
          c.birthday = d
        } else if let d = Values.outlookDate(text, format: context.dateFormat) {
          c.birthday = d  // nil for Outlook's "no date" forms
        } else {
          context.keepUnparsedDate(column: b, value: text, what: "a date (YYYY-MM-DD or M/D/YYYY)")
        }
      }
      if let d = s(description) { c.notes = [d] }
      if let a = s(assistantName) { c.related.append(RelatedPerson(relation: "assistant", value: a)) }
      if let owner = cachedOwner(row) { c.owner = owner }
      // Timestamps are read from the bytes; a `String` is made only for the model's wider
      // parser and for a value that is kept raw (`Values.timestamp` without the string).
      if let i = created, let fast = row.withText(at: i, Values.fastTimestamp) {
        if let t = fast {
          c.created = t
        } else if let text = row.string(i) {
          if let t = Timestamp(text: text) { c.created = t } else { context.keepUnparsed(column: i, value: text, what: "a date-time") }
        }
      }
      if let i = modified, let fast = row.withText(at: i, Values.fastTimestamp) {
        if let t = fast {
          c.lastModified = t
        } else if let text = row.string(i) {
          if let t = Timestamp(text: text) { c.lastModified = t } else { context.keepUnparsed(column: i, value: text, what: "a date-time") }
        }
      }
      context.attachRaw(&c)
    }

    /// The owner of `row`: a kept one when its three cells hold the same bytes (see `ownerKeys`).
    mutating func cachedOwner(_ row: CSVRow) -> Owner? {
      let ranges = (row.textRange(ownerId ?? -1), row.textRange(ownerName ?? -1), row.textRange(ownerEmail ?? -1))
      let lengths = (ranges.0?.count ?? 0, ranges.1?.count ?? 0, ranges.2?.count ?? 0)
      let hit: Int? = ownerKeys.withUnsafeBufferPointer { key in
        row.data.withUnsafeBufferPointer { d in
          for k in ownerEntries.indices {
            let e = ownerEntries[k]
            guard e.lengths == lengths else { continue }
            if Decoder.same(d, ranges.0, key, e.start) && Decoder.same(d, ranges.1, key, e.start + lengths.0)
              && Decoder.same(d, ranges.2, key, e.start + lengths.0 + lengths.1)
            {
              return k
            }
          }
          return nil
        }
      }
      if let hit { return ownerValues[hit] }
      var owner = Owner(name: row.string(at: ownerName), email: row.string(at: ownerEmail))
      owner.id = row.withText(at: ownerId) { Values.caseSafeID(bytes: $0) }
      let result = owner.id != nil || owner.name != nil || owner.email != nil ? owner : nil
      if ownerEntries.count == Decoder.ownerCacheSize {
        ownerKeys.removeAll(keepingCapacity: true)
        ownerEntries.removeAll(keepingCapacity: true)
        ownerValues.removeAll(keepingCapacity: true)
      }
      ownerEntries.append((ownerKeys.count, lengths))
      for r in [ranges.0, ranges.1, ranges.2] { if let r { ownerKeys.append(contentsOf: row.data[r]) } }
      ownerValues.append(result)
      return result
    }

    /// Whether the bytes of `d` in `r` (none when nil) equal those of `key` from `start` on.
    @inline(__always)
    static func same(_ d: UnsafeBufferPointer<UInt8>, _ r: Range<Int>?, _ key: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
      guard let r, !r.isEmpty else { return true }
      guard let a = d.baseAddress, let b = key.baseAddress else { return false }
      // Eight bytes at a time, then the rest one by one (byte by byte, the three cells of
      // an owner took about 900 instructions a record).
      let x = UnsafeRawPointer(a + r.lowerBound)
      let y = UnsafeRawPointer(b + start)
      let n = r.count
      var i = 0
      while i + 8 <= n {
        if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
          return false
        }
        i += 8
      }
      while i < n {
        if x.load(fromByteOffset: i, as: UInt8.self) != y.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
      }
      return true
    }

    /// Street lines as `\n`-separated lines (exports may use CRLF inside the cell).
    static func normaliseLines(_ s: String) -> String {
      // Searched in the UTF-8 buffer: `s.utf8.contains` walks the view generically (about
      // 560 instructions a street).
      var copy = s
      guard copy.withUTF8({ $0.contains(13) }) else { return s }
      return s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\r" || $0 == "\n" })
        .joined(separator: "\n")
    }
  }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "formattedName", "name", "emails", "phones", "addresses", "department", "title", "birthday", "notes", "urls", "related",
    ]
    var columns: [String] = SalesforceProfile.contactColumns
    var phoneColumns: Set<Int> = []
    var index: [String: Int] = [:]
    var lead = false
    var prepared = false

    mutating func prepare(sample: [Record]) {
      lead = sample.first?.source?.objectType == "Lead"
      columns = lead ? SalesforceProfile.leadColumns : SalesforceProfile.contactColumns
      for c in sample.compactMap(\.contact) {
        for e in c.emails {
          if let label = e.label, SalesforceProfile.isCustomEmail(label), !columns.contains(label) { columns.append(label) }
        }
      }
      index = [:]
      for (i, name) in columns.enumerated() { index[name] = i }
      phoneColumns = Set(SalesforceProfile.phoneColumns.compactMap { index[$0.0] })
      prepared = true
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      let index = self.index
      func set(_ column: String, _ value: String?) {
        if let value, let i = index[column] { cells[i] = value }
      }
      if c.source?.system == "salesforce" { set("Id", c.source?.recordId) }
      set("AccountId", c.accountId)
      set("Salutation", c.name.prefix)
      set("FirstName", c.name.given)
      set("MiddleName", c.name.middle)
      set("LastName", c.name.family ?? (c.name.given == nil ? c.formattedName : nil))
      set("Suffix", c.name.suffix)
      set("Title", c.title)
      set("Department", c.department)
      if lead { set("Company", c.organization) } else if let org = c.organization, c.accountId == nil, c.source?.system != "salesforce" {
        try context.overflow("company", org)
      }
      var emailSet = false
      for e in c.emails {
        if let label = e.label, SalesforceProfile.isCustomEmail(label), let i = index[label], cells[i].isEmpty {
          cells[i] = e.address
        } else if !emailSet {
          set("Email", e.address)
          emailSet = true
        } else {
          try context.overflow("e-mail", e.address)
        }
      }
      for p in c.phones {
        let t = Set(p.types)
        let column: String
        if t.contains("fax") {
          column = "Fax"
        } else if t.contains("cell") || t.contains("mobile") {
          column = "MobilePhone"
        } else if t.contains("home") {
          column = "HomePhone"
        } else if t.contains("assistant") {
          column = "AssistantPhone"
        } else if t.contains("work") || t.contains("main") || t.contains("company") {
          column = "Phone"
        } else {
          column = "OtherPhone"
        }
        let alternatives = [column, "OtherPhone", "Phone"].filter { index[$0] != nil }
        if let free = alternatives.first(where: { cells[index[$0]!].isEmpty }) {
          cells[index[free]!] = p.number
        } else {
          try context.overflow("phone", p.number)
        }
      }
      var usedMain = false
      var usedOther = false
      for a in c.addresses {
        let isOther = a.types.contains("other") || a.types.contains("home")
        let prefix: String
        if lead {
          guard !usedMain else {
            try context.overflow("address", OutlookProfile.oneLine(a))
            continue
          }
          usedMain = true
          prefix = ""
        } else if (!isOther && !usedMain) || (isOther && usedOther && !usedMain) {
          usedMain = true
          prefix = "Mailing"
        } else if !usedOther {
          usedOther = true
          prefix = "Other"
        } else {
          try context.overflow("address", OutlookProfile.oneLine(a))
          continue
        }
        // PO box, street, extended address as lines; the label of an address that has nothing else.
        let street = a.streetLines
        set("\(prefix)Street", street)
        set(prefix.isEmpty ? "City" : "\(prefix)City", a.locality)
        set(prefix.isEmpty ? "State" : "\(prefix)State", a.region)
        set(prefix.isEmpty ? "PostalCode" : "\(prefix)PostalCode", a.postalCode)
        set(prefix.isEmpty ? "Country" : "\(prefix)Country", a.country)
      }
      for (n, u) in c.urls.enumerated() {
        if lead && n == 0 { set("Website", u.value) } else { try context.overflow("web page", u.value) }
      }
      if let b = c.birthday { set("Birthdate", b.description) }
      for r in c.related {
        if r.relation == "assistant", index["AssistantName"].map({ cells[$0].isEmpty }) == true {
          set("AssistantName", r.value)
        } else {
          try context.overflow(r.relation, r.value)
        }
      }
      set("OwnerId", c.owner?.id)
      set("Owner.Name", c.owner?.name)
      set("Owner.Email", c.owner?.email)
      set("CreatedDate", c.created.map(Values.salesforceTimestamp))
      set("LastModifiedDate", c.lastModified.map(Values.salesforceTimestamp))
      let notes = context.notes(c.contact)
      if !notes.isEmpty { set("Description", notes) }
      return true
    }
  }
}
