import FerryModel

/// `csv:outlook`: classic Outlook desktop's contacts CSV (92 columns, English header), also
/// read with German headers (`Vorname`, `Straße geschäftlich`, …).
///
/// Fixed slots: three e-mails, Business/Home/Other addresses (three street lines and a PO
/// box each), 19 named phone columns. A value with no free slot follows `--overflow`.
/// Sources: ../shared/formats/outlook-csv.md (layout A).
public struct OutlookProfile: CSVProfile {
  public init() {}
  public var name: String { "outlook" }
  public var writesByteOrderMark: Bool { true }

  public static let header: [String] = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
    "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
    "Business Postal Code", "Business Country/Region",
    "Home Street", "Home Street 2", "Home Street 3", "Home City", "Home State", "Home Postal Code",
    "Home Country/Region",
    "Other Street", "Other Street 2", "Other Street 3", "Other City", "Other State", "Other Postal Code",
    "Other Country/Region",
    "Assistant's Phone", "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax",
    "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex",
    "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
    "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type", "E-mail Display Name",
    "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
    "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
    "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
    "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private", "Profession",
    "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4", "Web Page",
  ]

  /// The 19 phone columns and the types they mean.
  static let phoneSlots: [(column: String, types: [String])] = [
    ("Assistant's Phone", ["assistant"]), ("Business Fax", ["work", "fax"]), ("Business Phone", ["work"]),
    ("Business Phone 2", ["work"]), ("Callback", ["callback"]), ("Car Phone", ["car"]),
    ("Company Main Phone", ["company"]), ("Home Fax", ["home", "fax"]), ("Home Phone", ["home"]),
    ("Home Phone 2", ["home"]), ("ISDN", ["isdn"]), ("Mobile Phone", ["cell"]), ("Other Fax", ["other", "fax"]),
    ("Other Phone", ["other"]), ("Pager", ["pager"]), ("Primary Phone", ["main"]), ("Radio Phone", ["radio"]),
    ("TTY/TDD Phone", ["tty"]), ("Telex", ["telex"]),
  ]

  static let addressKinds: [(prefix: String, type: String)] = [("Business", "work"), ("Home", "home"), ("Other", "other")]

  /// German Outlook headers → English. Columns 1–48 pair by position; the rest by name.
  static let german: [String: String] = {
    let de1to48 = [
      "Anrede", "Vorname", "Weitere Vornamen", "Nachname", "Suffix", "Firma", "Abteilung", "Position",
      "Straße geschäftlich", "Straße geschäftlich 2", "Straße geschäftlich 3", "Ort geschäftlich",
      "Region geschäftlich", "Postleitzahl geschäftlich", "Land/Region geschäftlich", "Straße privat",
      "Straße privat 2", "Straße privat 3", "Ort privat", "Bundesland/Kanton privat", "Postleitzahl privat",
      "Land/Region privat", "Weitere Straße", "Weitere Straße 2", "Weitere Straße 3", "Weiterer Ort",
      "Weiteres/r Bundesland/Kanton", "Weitere Postleitzahl", "Weiteres/e Land/Region", "Telefon Assistent",
      "Fax geschäftlich", "Telefon geschäftlich", "Telefon geschäftlich 2", "Rückmeldung", "Autotelefon",
      "Telefon Firma", "Fax privat", "Telefon privat", "Telefon privat 2", "ISDN", "Mobiltelefon", "Weiteres Fax",
      "Weiteres Telefon", "Pager", "Haupttelefon", "Mobiltelefon 2", "Telefon für Hörbehinderte", "Telex",
    ]
    var map: [String: String] = [:]
    for (i, de) in de1to48.enumerated() { map[HeaderIndex.key(de)] = header[i] }
    let named: [(String, String)] = [
      ("Abrechnungsinformation", "Billing Information"), ("Benutzer 1", "User 1"), ("Benutzer 2", "User 2"),
      ("Benutzer 3", "User 3"), ("Benutzer 4", "User 4"), ("Beruf", "Profession"), ("Büro", "Office Location"),
      ("E-Mail-Adresse", "E-mail Address"), ("E-Mail-Typ", "E-mail Type"),
      ("E-Mail: Angezeigter Name", "E-mail Display Name"), ("E-Mail 2: Adresse", "E-mail 2 Address"),
      ("E-Mail 2: Typ", "E-mail 2 Type"), ("E-Mail 2: Angezeigter Name", "E-mail 2 Display Name"),
      ("E-Mail 3: Adresse", "E-mail 3 Address"), ("E-Mail 3: Typ", "E-mail 3 Type"),
      ("E-Mail 3: Angezeigter Name", "E-mail 3 Display Name"), ("Empfohlen von", "Referred By"),
      ("Geburtstag", "Birthday"), ("Geschlecht", "Gender"), ("Initialen", "Initials"),
      ("Internet-Frei/Gebucht", "Internet Free Busy"), ("Jahrestag", "Anniversary"), ("Kategorien", "Categories"),
      ("Kinder", "Children"), ("Konto", "Account"), ("Name Assistent", "Assistant's Name"),
      ("Name des/der Vorgesetzten", "Manager's Name"), ("Notizen", "Notes"),
      ("Organisationsnr.", "Organizational ID Number"), ("Ort", "Location"), ("Partner", "Spouse"),
      ("Postfach geschäftlich", "Business Address PO Box"), ("Postfach privat", "Home Address PO Box"),
      ("Priorität", "Priority"), ("Privat", "Private"), ("Regierungsnr.", "Government ID Number"),
      ("Reisekilometer", "Mileage"), ("Sprache", "Language"), ("Stichwörter", "Keywords"),
      ("Vertraulichkeit", "Sensitivity"), ("Verzeichnisserver", "Directory Server"), ("Webseite", "Web Page"),
      ("Weiteres Postfach", "Other Address PO Box"),
    ]
    for (de, en) in named { map[HeaderIndex.key(de)] = en }
    return map
  }()

  /// The header with German names replaced by English ones.
  static func english(_ header: [String]) -> [String] {
    header.map { german[HeaderIndex.key($0)] ?? $0 }
  }

  static let signature = [
    "First Name", "Last Name", "Job Title", "Business Street", "Business Phone", "Mobile Phone", "E-mail Address",
    "E-mail 2 Address", "Home Street", "Notes", "Business Fax", "Assistant's Phone",
  ]

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(OutlookProfile.english(header))
    var c = h.share(of: OutlookProfile.signature)
    // "E-mail Type" / "Business Street 2" only exist in the classic desktop layout.
    if h.has("E-mail Type") || h.has("Business Street 2") { c = min(1, c + 0.1) }
    return c
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder {
    Decoder(header: OutlookProfile.english(header))
  }

  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let prefix, given, middle, family, suffix, company, department, jobTitle: Int?
    let addresses: [(type: String, street: [Int?], city: Int?, state: Int?, postal: Int?, country: Int?, poBox: Int?)]
    let phones: [(Int, [String])]
    let emails: [(address: Int?, type: Int?, display: Int?)]
    let birthday, anniversary, categories, notes, webPage, gender, spouse, children, manager, assistant: Int?

    init(header: [String]) {
      var h = HeaderIndex(header)
      prefix = h.take("Title")
      given = h.take("First Name")
      middle = h.take("Middle Name")
      family = h.take("Last Name")
      suffix = h.take("Suffix")
      company = h.take("Company")
      department = h.take("Department")
      jobTitle = h.take("Job Title")
      addresses = OutlookProfile.addressKinds.map { kind in
        let p = kind.prefix
        return (
          kind.type, [h.take("\(p) Street"), h.take("\(p) Street 2"), h.take("\(p) Street 3")], h.take("\(p) City"),
          h.take("\(p) State"), h.take("\(p) Postal Code"), h.take("\(p) Country/Region", "\(p) Country"),
          h.take("\(p) Address PO Box")
        )
      }
      phones = OutlookProfile.phoneSlots.compactMap { slot in h.take(slot.column).map { ($0, slot.types) } }
      emails = [
        (h.take("E-mail Address"), h.take("E-mail Type"), h.take("E-mail Display Name")),
        (h.take("E-mail 2 Address"), h.take("E-mail 2 Type"), h.take("E-mail 2 Display Name")),
        (h.take("E-mail 3 Address"), h.take("E-mail 3 Type"), h.take("E-mail 3 Display Name")),
      ]
      birthday = h.take("Birthday")
      anniversary = h.take("Anniversary")
      categories = h.take("Categories")
      notes = h.take("Notes")
      webPage = h.take("Web Page")
      gender = h.take("Gender")
      spouse = h.take("Spouse")
      children = h.take("Children")
      manager = h.take("Manager's Name")
      assistant = h.take("Assistant's Name")
      mappedColumns = h.used
    }

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      func s(_ i: Int?) -> String? { i.flatMap(row.string) }
      c.name = PersonName(prefix: s(prefix), given: s(given), middle: s(middle), family: s(family), suffix: s(suffix))
      c.organization = s(company)
      c.department = s(department)
      c.title = s(jobTitle)
      for e in emails {
        guard let address = s(e.address) else { continue }
        c.emails.append(EmailAddress(address, label: s(e.display)))
      }
      for (i, types) in phones {
        if let number = row.string(i) { c.phones.append(PhoneNumber(number, types: types)) }
      }
      for a in addresses {
        let street = a.street.compactMap(s).joined(separator: "\n")
        let address = PostalAddress(
          poBox: s(a.poBox), street: street.isEmpty ? nil : street, locality: s(a.city), region: s(a.state),
          postalCode: s(a.postal), country: s(a.country), types: [a.type])
        if !address.isEmpty { c.addresses.append(address) }
      }
      if let b = birthday, let text = row.string(b) {
        if let d = Values.outlookDate(text) { c.birthday = d } else { context.keepUnparsed(column: b, value: text, what: "a date") }
      }
      if let b = anniversary, let text = row.string(b) {
        if let d = Values.outlookDate(text) { c.anniversary = d } else { context.keepUnparsed(column: b, value: text, what: "a date") }
      }
      if let text = s(categories) { c.categories = Values.split(text, by: ";") }
      if let text = s(notes) { c.notes = [text] }
      if let text = s(webPage) { c.urls = [LabeledValue(text)] }
      if let g = gender, let text = row.string(g) {
        switch text.lowercased() {
        case "male", "männlich": c.gender = Gender(sex: "M")
        case "female", "weiblich": c.gender = Gender(sex: "F")
        case "unspecified", "keine angabe": break
        default: context.keepUnparsed(column: g, value: text, what: "Male, Female or Unspecified")
        }
      }
      if let v = s(spouse) { c.related.append(RelatedPerson(relation: "spouse", value: v)) }
      if let v = s(children) { c.related.append(RelatedPerson(relation: "child", value: v)) }
      if let v = s(manager) { c.related.append(RelatedPerson(relation: "manager", value: v)) }
      if let v = s(assistant) { c.related.append(RelatedPerson(relation: "assistant", value: v)) }
      return .contact(c)
    }
  }

  struct Encoder: CSVRecordEncoder {
    let columns = OutlookProfile.header
    let phoneColumns: Set<Int>
    let index: [String: Int]
    let phoneIndex: [String: Int]

    init() {
      var index: [String: Int] = [:]
      for (i, name) in OutlookProfile.header.enumerated() { index[name] = i }
      self.index = index
      phoneIndex = Dictionary(uniqueKeysWithValues: OutlookProfile.phoneSlots.map { ($0.column, index[$0.column]!) })
      phoneColumns = Set(phoneIndex.values)
    }

    /// The phone columns a number may go to, in order of preference.
    static func phoneCandidates(_ types: [String]) -> [String] {
      let t = Set(types.map { $0.lowercased() })
      if t.contains("fax") {
        if t.contains("work") { return ["Business Fax"] }
        if t.contains("home") { return ["Home Fax"] }
        return ["Other Fax", "Business Fax", "Home Fax"]
      }
      if t.contains("cell") || t.contains("mobile") || t.contains("iphone") { return ["Mobile Phone"] }
      if t.contains("pager") { return ["Pager"] }
      if t.contains("car") { return ["Car Phone"] }
      if t.contains("isdn") { return ["ISDN"] }
      if t.contains("assistant") { return ["Assistant's Phone"] }
      if t.contains("callback") { return ["Callback"] }
      if t.contains("radio") { return ["Radio Phone"] }
      if t.contains("tty") || t.contains("textphone") { return ["TTY/TDD Phone"] }
      if t.contains("telex") { return ["Telex"] }
      if t.contains("company") { return ["Company Main Phone"] }
      if t.contains("main") { return ["Primary Phone", "Company Main Phone"] }
      if t.contains("work") { return ["Business Phone", "Business Phone 2"] }
      if t.contains("home") { return ["Home Phone", "Home Phone 2"] }
      if t.contains("other") { return ["Other Phone"] }
      return ["Other Phone", "Primary Phone", "Business Phone 2", "Home Phone 2"]
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      func set(_ column: String, _ value: String?) {
        if let value, let i = index[column] { cells[i] = value }
      }
      set("Title", c.name.prefix)
      set("First Name", c.name.given)
      set("Middle Name", c.name.middle)
      set("Last Name", c.name.family)
      set("Suffix", c.name.suffix)
      if c.name.given == nil && c.name.family == nil, let fn = c.formattedName, c.organization != fn {
        // No structured name: the formatted name is better than nothing.
        set("Last Name", fn)
      }
      set("Company", c.organization)
      set("Department", c.department)
      set("Job Title", c.title)
      for (n, e) in c.emails.enumerated() {
        guard n < 3 else {
          try context.overflow("e-mail", e.address)
          continue
        }
        let p = n == 0 ? "E-mail" : "E-mail \(n + 1)"
        set("\(p) Address", e.address)
        set("\(p) Type", "SMTP")
        if let label = e.label, label.contains(e.address) { set("\(p) Display Name", label) }
      }
      for phone in c.phones {
        let candidates = Encoder.phoneCandidates(phone.types)
        if let free = candidates.first(where: { cells[phoneIndex[$0]!].isEmpty }) {
          cells[phoneIndex[free]!] = phone.number
        } else {
          try context.overflow("phone", phone.number + (phone.types.isEmpty ? "" : " (\(phone.types.joined(separator: ",")))"))
        }
      }
      var usedAddress: Set<String> = []
      for a in c.addresses {
        let t = Set(a.types.map { $0.lowercased() })
        let wanted: [String] =
          t.contains("work") ? ["Business"] : t.contains("home") ? ["Home"] : t.contains("other") ? ["Other"] : ["Other", "Business", "Home"]
        guard let p = wanted.first(where: { !usedAddress.contains($0) }) else {
          try context.overflow("address", OutlookProfile.oneLine(a))
          continue
        }
        usedAddress.insert(p)
        let lines = (a.street ?? "").split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if lines.count > 0 { set("\(p) Street", lines[0]) }
        if lines.count > 1 { set("\(p) Street 2", lines[1]) }
        if lines.count > 2 { set("\(p) Street 3", lines[2...].joined(separator: "\n")) }
        set("\(p) City", a.locality)
        set("\(p) State", a.region)
        set("\(p) Postal Code", a.postalCode)
        set("\(p) Country/Region", a.country)
        set("\(p) Address PO Box", a.poBox)
        if let ext = a.extended, !ext.isEmpty { try context.overflow("address extension", ext) }
      }
      if let b = c.birthday {
        if let text = Values.outlookDateText(b) { set("Birthday", text) } else { try context.overflow("birthday", b.description) }
      }
      if let b = c.anniversary {
        if let text = Values.outlookDateText(b) { set("Anniversary", text) } else { try context.overflow("anniversary", b.description) }
      }
      if !c.categories.isEmpty { set("Categories", c.categories.joined(separator: ";")) }
      for (n, url) in c.urls.enumerated() {
        if n == 0 { set("Web Page", url.value) } else { try context.overflow("web page", url.value) }
      }
      if let sex = c.gender?.sex {
        switch sex.uppercased() {
        case "M": set("Gender", "Male")
        case "F": set("Gender", "Female")
        default: break
        }
      }
      var relatedSlots: [String: String] = [
        "spouse": "Spouse", "child": "Children", "manager": "Manager's Name", "assistant": "Assistant's Name",
      ]
      for r in c.related {
        if let column = relatedSlots[r.relation.lowercased()] {
          set(column, r.value)
          relatedSlots[r.relation.lowercased()] = nil
        } else {
          try context.overflow(r.relation, r.value)
        }
      }
      for im in c.instantMessaging { try context.overflow("im", im.handle) }
      for nick in c.nicknames { try context.overflow("nickname", nick) }
      let notes = context.notes(c)
      if !notes.isEmpty { set("Notes", notes) }
      return true
    }
  }

  static func oneLine(_ a: PostalAddress) -> String {
    [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country].compactMap { $0 }
      .filter { !$0.isEmpty }.joined(separator: ", ").replacingNewlines()
  }
}

extension String {
  func replacingNewlines() -> String {
    String(map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" ? ", " : String($0) }.joined())
  }
}
