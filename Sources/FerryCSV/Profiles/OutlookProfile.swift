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
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
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
    // "E-mail 2 Address" and "E-mail 3 Address" are Outlook's alone (Google writes "E-mail 2 -
    // Value", Thunderbird "Secondary Email"): a short export holding only those is Outlook's.
    if h.has("E-mail 2 Address") || h.has("E-mail 3 Address") { c = max(c, 0.6) }
    return c
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder {
    Decoder(header: OutlookProfile.english(header))
  }

  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  public var repeatedColumns: [[String]] {
    [
      ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"], ["Business Phone", "Business Phone 2"],
      ["Home Phone", "Home Phone 2"],
    ]
  }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let prefix, given, middle, family, suffix, company, department, jobTitle: Int?
    let addresses: [(type: String, street: [Int?], city: Int?, state: Int?, postal: Int?, country: Int?, poBox: Int?)]
    let phones: [(Int, [String])]
    let emails: [(address: Int?, type: Int?, display: Int?)]
    let birthday, anniversary, categories, notes, webPage, gender, spouse, children, manager, assistant, profession, language: Int?
    /// Outlook.com's layout (outlook.live.com export): columns classic Outlook does not have.
    let nickname, givenYomi, surnameYomi, imAddress, personalWebPage: Int?

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
      profession = h.take("Profession")
      language = h.take("Language")
      nickname = h.take("Nickname")
      givenYomi = h.take("Given Yomi", "Given Name Yomi")
      surnameYomi = h.take("Surname Yomi", "Family Name Yomi")
      imAddress = h.take("IMAddress", "IM Address")
      personalWebPage = h.take("Personal Web Page")
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
      c.name = PersonName(prefix: s(prefix), given: s(given), middle: s(middle), family: s(family), suffix: s(suffix))
      c.organization = s(company)
      c.department = s(department)
      c.title = s(jobTitle)
      c.role = s(profession)
      if let text = s(language) { c.languages = Values.split(text, by: ";") }
      if let text = s(nickname) { c.nicknames = [text] }
      c.name.phoneticGiven = s(givenYomi)
      c.name.phoneticFamily = s(surnameYomi)
      if let text = s(imAddress) { c.instantMessaging = [IMHandle(handle: text)] }
      for e in emails {
        guard let address = s(e.address) else { continue }
        c.emails.append(EmailAddress(address, label: s(e.display)))
      }
      // Sized once: appending numbers one by one would grow the array each time.
      let phoneCount = phones.reduce(0) { $0 + (row.isEmpty($1.0) ? 0 : 1) }
      if phoneCount > 1 { c.phones.reserveCapacity(phoneCount) }
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
        if let d = Values.outlookDate(text, format: context.dateFormat) { c.birthday = d } else { context.keepUnparsedDate(column: b, value: text) }
      }
      if let b = anniversary, let text = row.string(b) {
        if let d = Values.outlookDate(text, format: context.dateFormat) { c.anniversary = d } else { context.keepUnparsedDate(column: b, value: text) }
      }
      if let text = s(categories) { c.categories = Values.split(text, by: ";") }
      if let text = s(notes) { c.notes = [text] }
      if let text = s(webPage) { c.urls = [LabeledValue(text)] }
      if let text = s(personalWebPage) { c.urls.append(LabeledValue(text, types: ["home"])) }
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
      context.attachRaw(&c)
    }
  }

  /// Column numbers in `header`, resolved once.
  static func column(_ name: String) -> Int { header.firstIndex(of: name) ?? 0 }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "formattedName", "name", "nicknames", "emails", "phones", "addresses", "organization", "department", "title", "role", "birthday", "anniversary", "notes", "urls", "categories", "gender", "related", "instantMessaging", "languages",
    ]
    let columns = OutlookProfile.header
    let phoneColumns: Set<Int>
    // Column numbers (the hot path indexes cells directly: no hashing per record).
    let title = column("Title"), first = column("First Name"), middle = column("Middle Name")
    let last = column("Last Name"), suffix = column("Suffix"), company = column("Company")
    let department = column("Department"), jobTitle = column("Job Title")
    let emailAddress = [column("E-mail Address"), column("E-mail 2 Address"), column("E-mail 3 Address")]
    let emailType = [column("E-mail Type"), column("E-mail 2 Type"), column("E-mail 3 Type")]
    let emailDisplay = [column("E-mail Display Name"), column("E-mail 2 Display Name"), column("E-mail 3 Display Name")]
    /// Per address slot (Business, Home, Other): street 1–3, city, state, postal code, country, PO box.
    let address: [[Int]] = OutlookProfile.addressKinds.map { k in
      let p = k.prefix
      return [
        column("\(p) Street"), column("\(p) Street 2"), column("\(p) Street 3"), column("\(p) City"),
        column("\(p) State"), column("\(p) Postal Code"), column("\(p) Country/Region"),
        column("\(p) Address PO Box"),
      ]
    }
    let birthday = column("Birthday"), anniversary = column("Anniversary"), categories = column("Categories")
    let webPage = column("Web Page"), gender = column("Gender"), notes = column("Notes")
    let spouse = column("Spouse"), children = column("Children"), manager = column("Manager's Name")
    let assistant = column("Assistant's Name"), profession = column("Profession")
    let language = column("Language")
    let fax = (work: column("Business Fax"), home: column("Home Fax"), other: column("Other Fax"))
    let mobile = column("Mobile Phone"), pager = column("Pager"), car = column("Car Phone"), isdn = column("ISDN")
    let assistantPhone = column("Assistant's Phone"), callback = column("Callback"), radio = column("Radio Phone")
    let tty = column("TTY/TDD Phone"), telex = column("Telex"), companyMain = column("Company Main Phone")
    let primary = column("Primary Phone"), business = column("Business Phone"), business2 = column("Business Phone 2")
    let home = column("Home Phone"), home2 = column("Home Phone 2"), otherPhone = column("Other Phone")

    /// Candidate columns per phone kind, built once (the hot path returns a stored array).
    let candidates: [String: [Int]]
    let faxWork: [Int], faxHome: [Int], faxOther: [Int], fallback: [Int]

    init() {
      phoneColumns = Set(OutlookProfile.phoneSlots.map { OutlookProfile.column($0.column) })
      let c = { (names: [String]) in names.map(OutlookProfile.column) }
      candidates = [
        "cell": c(["Mobile Phone"]), "mobile": c(["Mobile Phone"]), "iphone": c(["Mobile Phone"]), "pager": c(["Pager"]),
        "car": c(["Car Phone"]), "isdn": c(["ISDN"]), "assistant": c(["Assistant's Phone"]), "callback": c(["Callback"]),
        "radio": c(["Radio Phone"]), "tty": c(["TTY/TDD Phone"]), "textphone": c(["TTY/TDD Phone"]), "telex": c(["Telex"]),
        "company": c(["Company Main Phone"]), "main": c(["Primary Phone", "Company Main Phone"]),
        "work": c(["Business Phone", "Business Phone 2"]), "home": c(["Home Phone", "Home Phone 2"]),
        "other": c(["Other Phone"]),
      ]
      faxWork = c(["Business Fax"])
      faxHome = c(["Home Fax"])
      faxOther = c(["Other Fax", "Business Fax", "Home Fax"])
      fallback = c(["Other Phone", "Primary Phone", "Business Phone 2", "Home Phone 2"])
    }

    /// The order in which kinds decide the column (a `cell` + `work` number is a mobile).
    static let precedence = [
      "cell", "mobile", "iphone", "pager", "car", "isdn", "assistant", "callback", "radio", "tty", "textphone", "telex",
      "company", "main", "work", "home", "other",
    ]

    /// The phone columns a number may go to, in order of preference (types are lower-case
    /// in the model).
    func phoneCandidates(_ types: [String]) -> [Int] {
      if types.isEmpty { return fallback }
      if types.contains("fax") {
        return types.contains("work") ? faxWork : types.contains("home") ? faxHome : faxOther
      }
      if types.count == 1, let list = candidates[types[0]] { return list }
      for kind in Encoder.precedence where types.contains(kind) { return candidates[kind] ?? fallback }
      return fallback
    }

    /// The last few distinct phone type lists and their candidates: records of one input
    /// carry the same few lists (often the very same arrays), so comparing them is cheaper
    /// than hashing a type per phone.
    private var phoneCache: [(types: [String], candidates: [Int])] = []

    mutating func cachedPhoneCandidates(_ types: [String]) -> [Int] {
      for entry in phoneCache where entry.types == types { return entry.candidates }
      let list = phoneCandidates(types)
      if phoneCache.count < 8 { phoneCache.append((types, list)) }
      return list
    }

    /// The address slots (Business 0, Home 1, Other 2) an address of these types may take, in order.
    static let workSlot = [0], homeSlot = [1], otherSlot = [2], anySlot = [2, 0, 1]

    /// The non-empty lines of `street`, or nil when it holds no line feed. Split on the
    /// bytes, which gives the lines of `street.split(separator: "\n")` without its walk over
    /// Characters (about 12,000 instructions a two-line street); a street with a CR goes to
    /// that split, as CR LF is one Character there and is not cut.
    static func lines(_ street: String) -> [String]? {
      var copy = street
      return copy.withUTF8 { u -> [String]? in
        guard u.contains(UInt8(ascii: "\n")) else { return nil }
        if u.contains(UInt8(ascii: "\r")) {
          return street.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        var lines: [String] = []
        var start = 0
        for i in 0..<u.count where u[i] == UInt8(ascii: "\n") {
          if i > start { lines.append(String(decoding: UnsafeBufferPointer(rebasing: u[start..<i]), as: UTF8.self)) }
          start = i + 1
        }
        if start < u.count { lines.append(String(decoding: UnsafeBufferPointer(rebasing: u[start...]), as: UTF8.self)) }
        return lines
      }
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      @inline(__always) func set(_ i: Int, _ value: String?) {
        if let value { cells[i] = value }
      }
      set(title, c.name.prefix)
      set(first, c.name.given)
      set(middle, c.name.middle)
      set(last, c.name.family)
      set(suffix, c.name.suffix)
      if c.name.given == nil && c.name.family == nil, let fn = c.formattedName, c.organization != fn {
        // No structured name: the formatted name is better than nothing.
        set(last, fn)
      }
      set(company, c.organization)
      set(department, c.department)
      set(jobTitle, c.title)
      // vCard ROLE ("the function or part played", RFC 6350 §6.6.2) is Outlook's Profession.
      set(profession, c.role)
      if !c.languages.isEmpty { cells[language] = c.languages.joined(separator: ";") }
      for (n, e) in c.emails.enumerated() {
        guard n < 3 else {
          try context.overflow("e-mail", e.address)
          continue
        }
        cells[emailAddress[n]] = e.address
        cells[emailType[n]] = "SMTP"
        if let label = e.label, label.utf8.count > e.address.utf8.count, label.contains(e.address) {
          cells[emailDisplay[n]] = label
        }
      }
      for phone in c.phones {
        if let free = cachedPhoneCandidates(phone.types).first(where: { cells[$0].isEmpty }) {
          cells[free] = phone.number
        } else {
          try context.overflow("phone", phone.number + (phone.types.isEmpty ? "" : " (\(phone.types.joined(separator: ",")))"))
        }
      }
      // Slots taken, as bits (no array per record).
      var used = 0
      for a in c.addresses {
        let wanted =
          a.types.contains("work")
          ? Encoder.workSlot
          : a.types.contains("home") ? Encoder.homeSlot : a.types.contains("other") ? Encoder.otherSlot : Encoder.anySlot
        guard let slot = wanted.first(where: { used & (1 << $0) == 0 }) else {
          try context.overflow("address", OutlookProfile.oneLine(a))
          continue
        }
        used |= 1 << slot
        let col = address[slot]
        // The extended address (suite, apartment) is the next street line; an address with
        // nothing but a formatted label writes the label there.
        if let street = a.streetAndExtended {
          if let lines = Encoder.lines(street) {
            if lines.count > 0 { cells[col[0]] = lines[0] }
            if lines.count > 1 { cells[col[1]] = lines[1] }
            if lines.count > 2 { cells[col[2]] = lines[2...].joined(separator: "\n") }
          } else {
            cells[col[0]] = street
          }
        }
        set(col[3], a.locality)
        set(col[4], a.region)
        set(col[5], a.postalCode)
        set(col[6], a.country)
        set(col[7], a.poBox)
      }
      if let b = c.birthday {
        if let text = Values.outlookDateText(b, format: context.dateFormat) { cells[birthday] = text } else { try context.overflow("birthday", b.description) }
      }
      if let b = c.anniversary {
        if let text = Values.outlookDateText(b, format: context.dateFormat) { cells[anniversary] = text } else { try context.overflow("anniversary", b.description) }
      }
      if !c.categories.isEmpty { cells[categories] = c.categories.joined(separator: ";") }
      for (n, url) in c.urls.enumerated() {
        if n == 0 { cells[webPage] = url.value } else { try context.overflow("web page", url.value) }
      }
      if let sex = c.gender?.sex {
        if sex == "M" || sex == "m" { cells[gender] = "Male" } else if sex == "F" || sex == "f" { cells[gender] = "Female" }
      }
      // Outlook's Gender is Male, Female or Unspecified: anything else goes by --overflow.
      try context.overflowGender(c.gender, keepsMaleFemale: true)
      // Classic Outlook's CSV has no Yomi columns.
      try context.overflowPhoneticName(c.name)
      for r in c.related {
        let slot: Int?
        switch r.relation.lowercased() {
        case "spouse": slot = spouse
        case "child": slot = children
        case "manager": slot = manager
        case "assistant": slot = assistant
        default: slot = nil
        }
        if let slot, cells[slot].isEmpty { cells[slot] = r.value } else { try context.overflow(r.relation, r.value) }
      }
      for im in c.instantMessaging { try context.overflow("im", im.handle) }
      for nick in c.nicknames { try context.overflow("nickname", nick) }
      if c.notes.isEmpty && context.overflowLines.isEmpty { return true }
      let text = context.notes(c.contact)
      if !text.isEmpty { cells[notes] = text }
      return true
    }
  }

  /// An address on one line, for Notes; the formatted label when it has nothing else.
  static func oneLine(_ a: PostalAddress) -> String {
    if a.isEmpty, let label = a.label, !label.isEmpty { return label.replacingNewlines() }
    return [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country].compactMap { $0 }
      .filter { !$0.isEmpty }.joined(separator: ", ").replacingNewlines()
  }
}

extension String {
  func replacingNewlines() -> String {
    String(map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" ? ", " : String($0) }.joined())
  }
}
