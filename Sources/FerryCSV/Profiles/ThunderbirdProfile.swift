import FerryModel

/// `csv:thunderbird`: Thunderbird's address book export ("CSV (comma separated)"), the
/// header its own import tests use (mozilla-central `mailnews/addrbook` fixtures): two e-mail
/// slots, work/home/fax/pager/mobile phones, a home and a work address, birthday as three
/// columns, four custom fields. Thunderbird writes `Screen Name` in two places across
/// versions; both are read.
public struct ThunderbirdProfile: CSVProfile {
  public init() {}
  public var name: String { "thunderbird" }
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
  public var writesByteOrderMark: Bool { false }

  public static let header = [
    "First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email", "Screen Name",
    "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number", "Home Address", "Home Address 2",
    "Home City", "Home State", "Home ZipCode", "Home Country", "Work Address", "Work Address 2", "Work City",
    "Work State", "Work ZipCode", "Work Country", "Job Title", "Department", "Organization", "Web Page 1",
    "Web Page 2", "Birth Year", "Birth Month", "Birth Day", "Custom 1", "Custom 2", "Custom 3", "Custom 4", "Notes",
  ]

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    // `Primary Email`, `Home ZipCode` and `Birth Month` are Thunderbird's own spellings.
    let specific = h.has("Primary Email") && (h.has("Home ZipCode") || h.has("Work ZipCode") || h.has("Birth Month"))
    return specific ? h.share(of: Self.header) : 0
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder { Decoder(header: header) }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  public var repeatedColumns: [[String]] { [["Primary Email", "Secondary Email"]] }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let first, last, display, nick, email1, email2, screen, work, home, fax, pager, mobile: Int?
    let homeStreet, homeStreet2, homeCity, homeState, homeZip, homeCountry: Int?
    let workStreet, workStreet2, workCity, workState, workZip, workCountry: Int?
    let jobTitle, department, organization, web1, web2, year, month, day, notes: Int?

    init(header: [String]) {
      var h = HeaderIndex(header)
      first = h.take("First Name")
      last = h.take("Last Name")
      display = h.take("Display Name")
      nick = h.take("Nickname")
      email1 = h.take("Primary Email")
      email2 = h.take("Secondary Email")
      screen = h.take("Screen Name")
      work = h.take("Work Phone")
      home = h.take("Home Phone")
      fax = h.take("Fax Number")
      pager = h.take("Pager Number")
      mobile = h.take("Mobile Number")
      homeStreet = h.take("Home Address")
      homeStreet2 = h.take("Home Address 2")
      homeCity = h.take("Home City")
      homeState = h.take("Home State")
      homeZip = h.take("Home ZipCode")
      homeCountry = h.take("Home Country")
      workStreet = h.take("Work Address")
      workStreet2 = h.take("Work Address 2")
      workCity = h.take("Work City")
      workState = h.take("Work State")
      workZip = h.take("Work ZipCode")
      workCountry = h.take("Work Country")
      jobTitle = h.take("Job Title")
      department = h.take("Department")
      organization = h.take("Organization")
      web1 = h.take("Web Page 1")
      web2 = h.take("Web Page 2")
      year = h.take("Birth Year")
      month = h.take("Birth Month")
      day = h.take("Birth Day")
      notes = h.take("Notes")
      mappedColumns = h.used
    }

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      func s(_ i: Int?) -> String? { row.string(at: i) }
      c.name = PersonName(given: s(first), family: s(last))
      c.formattedName = s(display)
      if let n = s(nick) { c.nicknames = [n] }
      if let e = s(email1) { c.emails.append(EmailAddress(e, preference: 1)) }
      if let e = s(email2) { c.emails.append(EmailAddress(e)) }
      if let handle = s(screen) { c.instantMessaging.append(IMHandle(handle: handle)) }
      if let p = s(work) { c.phones.append(PhoneNumber(p, types: ["work", "voice"])) }
      if let p = s(home) { c.phones.append(PhoneNumber(p, types: ["home", "voice"])) }
      if let p = s(fax) { c.phones.append(PhoneNumber(p, types: ["fax"])) }
      if let p = s(pager) { c.phones.append(PhoneNumber(p, types: ["pager"])) }
      if let p = s(mobile) { c.phones.append(PhoneNumber(p, types: ["cell"])) }
      for (street, street2, city, state, zip, country, type) in [
        (homeStreet, homeStreet2, homeCity, homeState, homeZip, homeCountry, "home"),
        (workStreet, workStreet2, workCity, workState, workZip, workCountry, "work"),
      ] {
        let lines = [s(street), s(street2)].compactMap { $0 }
        let a = PostalAddress(
          street: lines.isEmpty ? nil : lines.joined(separator: "\n"), locality: s(city), region: s(state),
          postalCode: s(zip), country: s(country), types: [type])
        if !a.isEmpty { c.addresses.append(a) }
      }
      c.title = s(jobTitle)
      c.department = s(department)
      c.organization = s(organization)
      if let u = s(web1) { c.urls.append(LabeledValue(u, types: ["work"])) }
      if let u = s(web2) { c.urls.append(LabeledValue(u, types: ["home"])) }
      let y = s(year).flatMap { Int($0) }
      let m = s(month).flatMap { Int($0) }
      let d = s(day).flatMap { Int($0) }
      if y != nil || m != nil || d != nil {
        let date = PartialDate(year: y, month: m, day: d)
        if (m.map { (1...12).contains($0) } ?? true) && (d.map { (1...31).contains($0) } ?? true) {
          c.birthday = date
        } else if let i = month ?? day {
          context.keepUnparsed(column: i, value: date.description, what: "a birthday")
        }
      }
      if let n = s(notes) { c.notes = [n] }
      context.attachRaw(&c)
      return .contact(c)
    }
  }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "formattedName", "name", "nicknames", "emails", "phones", "addresses", "organization", "department", "title", "birthday", "notes", "urls", "instantMessaging",
    ]
    let columns = ThunderbirdProfile.header
    var phoneColumns: Set<Int> { [7, 8, 9, 10, 11] }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      func set(_ i: Int, _ v: String?) { if let v { cells[i] = v } }
      set(0, c.name.given)
      set(1, c.name.family)
      set(2, c.formattedName ?? c.name.displayName)
      set(3, c.nicknames.first)
      for (n, e) in c.emails.enumerated() {
        if n < 2 { set(4 + n, e.address) } else { try context.overflow("e-mail", e.address) }
      }
      for (n, im) in c.instantMessaging.enumerated() {
        if n == 0 { set(6, im.handle) } else { try context.overflow("IM", im.handle) }
      }
      for p in c.phones {
        let t = Set(p.types)
        let slot = t.contains("fax") ? 9 : t.contains("pager") ? 10 : (t.contains("cell") || t.contains("mobile")) ? 11 : t.contains("home") ? 8 : 7
        if cells[slot].isEmpty { cells[slot] = p.number } else { try context.overflow("phone", p.number) }
      }
      var usedHome = false
      var usedWork = false
      for a in c.addresses {
        let home = a.types.contains("home")
        let base: Int
        if home && !usedHome {
          usedHome = true
          base = 12
        } else if !home && !usedWork {
          usedWork = true
          base = 18
        } else {
          try context.overflow("address", OutlookProfile.oneLine(a))
          continue
        }
        let lines = (a.streetLines ?? "").split(separator: "\n", maxSplits: 1).map(String.init)
        set(base, lines.first)
        set(base + 1, lines.count > 1 ? lines[1] : nil)
        set(base + 2, a.locality)
        set(base + 3, a.region)
        set(base + 4, a.postalCode)
        set(base + 5, a.country)
      }
      set(24, c.title)
      set(25, c.department)
      set(26, c.organization)
      for (n, u) in c.urls.enumerated() { if n < 2 { set(27 + n, u.value) } else { try context.overflow("web page", u.value) } }
      if let b = c.birthday {
        set(29, b.year.map(String.init))
        set(30, b.month.map(String.init))
        set(31, b.day.map(String.init))
      }
      let notes = context.notes(c.contact)
      if !notes.isEmpty { set(36, notes) }
      return true
    }
  }
}
