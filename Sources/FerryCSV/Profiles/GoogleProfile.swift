import FerryModel

/// `csv:google`: Google Contacts CSV. Writes the current (2023+) layout with
/// `E-mail n - Label` / `E-mail n - Value` groups; reads it and the legacy layout
/// (`Given Name`, `E-mail n - Type`, `Group Membership`, `Organization n - Name`).
///
/// Several values in one `Value` cell are separated by ` ::: `; a `* ` before a label marks
/// the primary value. Sources: ../shared/formats/google-csv.md.
public struct GoogleProfile: CSVProfile {
  public init() {}
  public var name: String { "google" }
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
  public var writesByteOrderMark: Bool { true }

  static let fixed = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
    "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title",
    "Organization Department", "Birthday", "Notes", "Photo", "Labels",
  ]
  static let groupCounts: [(kind: String, count: Int, parts: [String])] = [
    ("E-mail", 4, ["Label", "Value"]), ("Phone", 5, ["Label", "Value"]),
    (
      "Address", 3,
      ["Label", "Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country", "Extended Address"]
    ),
    ("Relation", 3, ["Label", "Value"]), ("Website", 2, ["Label", "Value"]), ("Event", 1, ["Label", "Value"]),
  ]
  public static let header: [String] = {
    var h = fixed
    for g in groupCounts {
      for n in 1...g.count { for p in g.parts { h.append("\(g.kind) \(n) - \(p)") } }
    }
    return h
  }()

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    let current = h.share(of: ["First Name", "Last Name", "Name Prefix", "Organization Name", "Labels", "E-mail 1 - Value", "E-mail 1 - Label", "Phone 1 - Value"])
    let legacy = h.share(of: ["Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Additional Name", "Name Prefix"])
    // `First Name`/`Last Name`/`Name` are in every layout: without a column only Google
    // writes, this is some other export (a shop's customers, a directory).
    let own = ["E-mail 1 - Value", "Phone 1 - Value", "Labels", "Group Membership", "Given Name", "Organization Name",
      "Organization 1 - Name", "Name Prefix", "Address 1 - Formatted", "E-mail 1 - Type"]
    return max(current, legacy) * (own.contains(where: h.has) ? 1 : 0.5)
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder { Decoder(header: header) }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  public var repeatedColumns: [[String]] {
    [(1...4).map { "E-mail \($0) - Value" }, (1...5).map { "Phone \($0) - Value" }, (1...2).map { "Website \($0) - Value" }]
  }

  static let separator = " ::: "

  /// `* Work` → (["work"], nil, primary); custom text stays a label.
  static func parseLabel(_ raw: String?) -> (types: [String], label: String?, primary: Bool) {
    guard var text = raw?.trimmed, !text.isEmpty else { return ([], nil, false) }
    var primary = false
    if text.hasPrefix("* ") {
      primary = true
      text = String(text.dropFirst(2))
    }
    switch text.lowercased() {
    case "home": return (["home"], nil, primary)
    case "work": return (["work"], nil, primary)
    case "other": return (["other"], nil, primary)
    case "mobile": return (["cell"], nil, primary)
    case "main": return (["main"], nil, primary)
    case "pager": return (["pager"], nil, primary)
    case "home fax": return (["home", "fax"], nil, primary)
    case "work fax": return (["work", "fax"], nil, primary)
    case "other fax": return (["other", "fax"], nil, primary)
    default: return ([], text, primary)
    }
  }

  static func label(types: [String], label: String?, preference: Int?) -> String {
    let t = Set(types.map { $0.lowercased() })
    var text: String
    if t.contains("fax") {
      text = t.contains("work") ? "Work Fax" : t.contains("home") ? "Home Fax" : "Other Fax"
    } else if t.contains("cell") || t.contains("mobile") {
      text = "Mobile"
    } else if t.contains("pager") {
      text = "Pager"
    } else if t.contains("main") {
      text = "Main"
    } else if t.contains("work") {
      text = "Work"
    } else if t.contains("home") {
      text = "Home"
    } else if t.contains("other") {
      text = "Other"
    } else if let label {
      text = label
    } else {
      // Outlook's and vCard's other phone kinds keep their name as a custom label (Google
      // writes custom labels verbatim) instead of arriving unlabelled.
      text = GoogleProfile.customLabels.first { t.contains($0.type) }?.label ?? ""
    }
    if preference == 1 { text = "* " + text }
    return text
  }

  /// Phone kinds Google has no label of its own for, and the custom label written instead.
  static let customLabels: [(type: String, label: String)] = [
    ("car", "Car"), ("assistant", "Assistant"), ("callback", "Callback"), ("company", "Company Main"),
    ("isdn", "ISDN"), ("radio", "Radio"), ("telex", "Telex"), ("tty", "TTY/TDD"), ("textphone", "TTY/TDD"),
    ("video", "Video"),
  ]

  static let knownRelations = [
    "spouse", "child", "mother", "father", "parent", "brother", "sister", "friend", "relative", "domestic partner",
    "manager", "assistant", "referred by", "partner",
  ]

  struct Group {
    var label: Int?
    var parts: [String: Int] = [:]
  }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let first, middle, last, phFirst, phMiddle, phLast, prefix, suffix, nickname, fullName: Int?
    let org, orgTitle, orgDept, birthday, notes, photo, labels, gender: Int?
    var groups: [String: [Group]] = [:]

    init(header: [String]) {
      var h = HeaderIndex(header)
      first = h.take("First Name", "Given Name")
      middle = h.take("Middle Name", "Additional Name")
      last = h.take("Last Name", "Family Name")
      phFirst = h.take("Phonetic First Name", "Given Name Yomi")
      phMiddle = h.take("Phonetic Middle Name", "Additional Name Yomi")
      phLast = h.take("Phonetic Last Name", "Family Name Yomi")
      prefix = h.take("Name Prefix")
      suffix = h.take("Name Suffix")
      nickname = h.take("Nickname")
      fullName = h.take("Name")
      org = h.take("Organization Name", "Organization 1 - Name")
      orgTitle = h.take("Organization Title", "Organization 1 - Title")
      orgDept = h.take("Organization Department", "Organization 1 - Department")
      birthday = h.take("Birthday")
      notes = h.take("Notes")
      photo = h.take("Photo")
      labels = h.take("Labels", "Group Membership")
      gender = h.take("Gender")
      // `Kind n - Part` groups.
      var found: [String: [Int: Group]] = [:]
      for (i, name) in header.enumerated() {
        let parts = name.trimmed.splitting(on: " - ")
        guard parts.count == 2 else { continue }
        let head = parts[0].split(separator: " ")
        guard head.count == 2, let n = Int(head[1]) else { continue }
        let kind = String(head[0])
        guard ["E-mail", "Phone", "Address", "Relation", "Website", "IM", "Event"].contains(kind) else { continue }
        let part = parts[1]
        var g = found[kind, default: [:]][n] ?? Group()
        if part == "Label" || part == "Type" { g.label = i } else { g.parts[part] = i }
        found[kind, default: [:]][n] = g
        _ = h.take(name)
      }
      for (kind, byNumber) in found { groups[kind] = byNumber.keys.sorted().map { byNumber[$0]! } }
      mappedColumns = h.used
    }

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      func s(_ i: Int?) -> String? { row.string(at: i) }
      c.name = PersonName(
        prefix: s(prefix), given: s(first), middle: s(middle), family: s(last), suffix: s(suffix),
        phoneticGiven: s(phFirst), phoneticMiddle: s(phMiddle), phoneticFamily: s(phLast))
      c.formattedName = s(fullName)
      if let n = s(nickname) { c.nicknames = Values.split(n, by: GoogleProfile.separator) }
      c.organization = s(org)
      c.title = s(orgTitle)
      c.department = s(orgDept)
      if let b = birthday, let text = row.string(b) {
        if let d = Values.isoDate(text) { c.birthday = d } else { context.keepUnparsed(column: b, value: text, what: "a date") }
      }
      if let n = s(notes) { c.notes = [n] }
      if let p = s(photo) { c.photo = .uri(p) }
      if let g = s(gender) {
        switch g.lowercased() {
        case "male": c.gender = Gender(sex: "M")
        case "female": c.gender = Gender(sex: "F")
        default: c.gender = Gender(identity: g)
        }
      }
      if let l = s(labels) {
        c.categories = Values.split(l, by: GoogleProfile.separator).filter {
          $0 != "* myContacts" && $0 != "* My Contacts"
        }
      }
      func values(_ g: Group, _ part: String) -> [String] {
        guard let i = g.parts[part], let v = row.string(i) else { return [] }
        return Values.split(v, by: GoogleProfile.separator)
      }
      for g in groups["E-mail"] ?? [] {
        let (types, label, primary) = GoogleProfile.parseLabel(s(g.label))
        for (k, v) in values(g, "Value").enumerated() {
          c.emails.append(EmailAddress(v, types: types, label: label, preference: primary && k == 0 ? 1 : nil))
        }
      }
      for g in groups["Phone"] ?? [] {
        let (types, label, primary) = GoogleProfile.parseLabel(s(g.label))
        for (k, v) in values(g, "Value").enumerated() {
          c.phones.append(PhoneNumber(v, types: types, label: label, preference: primary && k == 0 ? 1 : nil))
        }
      }
      for g in groups["Address"] ?? [] {
        let (types, label, primary) = GoogleProfile.parseLabel(s(g.label))
        func p(_ name: String) -> String? { row.string(at: g.parts[name]) }
        var a = PostalAddress(
          poBox: p("PO Box"), extended: p("Extended Address"), street: p("Street"), locality: p("City"),
          region: p("Region"), postalCode: p("Postal Code"), country: p("Country"), types: types,
          preference: primary ? 1 : nil)
        if a.isEmpty {
          guard let formatted = p("Formatted") else { continue }
          a.label = formatted
        }
        if let label { a.types.append(label.lowercased()) }
        c.addresses.append(a)
      }
      for g in groups["Relation"] ?? [] {
        let label = s(g.label) ?? ""
        let relation = GoogleProfile.knownRelations.contains(label.lowercased()) ? label.lowercased() : label
        for v in values(g, "Value") { c.related.append(RelatedPerson(relation: relation, value: v)) }
      }
      for g in groups["Website"] ?? [] {
        let (types, label, primary) = GoogleProfile.parseLabel(s(g.label))
        for (k, v) in values(g, "Value").enumerated() {
          c.urls.append(LabeledValue(v, types: types, label: label, preference: primary && k == 0 ? 1 : nil))
        }
      }
      for g in groups["IM"] ?? [] {
        let (types, _, _) = GoogleProfile.parseLabel(s(g.label))
        let service = row.string(at: g.parts["Service"])?.lowercased()
        for v in values(g, "Value") { c.instantMessaging.append(IMHandle(service: service, handle: v, types: types)) }
      }
      for g in groups["Event"] ?? [] {
        guard let vi = g.parts["Value"], let v = row.string(vi) else { continue }
        let label = s(g.label)?.lowercased()
        if label == "anniversary", let d = Values.isoDate(v) {
          c.anniversary = d
        } else {
          context.keepUnparsed(column: vi, value: (label.map { "\($0): " } ?? "") + v, what: "an anniversary")
        }
      }
      context.attachRaw(&c)
      return .contact(c)
    }
  }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "formattedName", "name", "nicknames", "emails", "phones", "addresses", "organization", "department", "title", "birthday", "anniversary", "notes", "urls", "categories", "photo", "gender", "related", "instantMessaging",
    ]
    let columns = GoogleProfile.header
    let phoneColumns: Set<Int>
    let dateColumns: Set<Int>
    let index: [String: Int]

    init() {
      var index: [String: Int] = [:]
      for (i, name) in GoogleProfile.header.enumerated() { index[name] = i }
      self.index = index
      phoneColumns = Set((1...5).compactMap { index["Phone \($0) - Value"] })
      // A yearless birthday is `--03-14`, which Google reads and the exemption lets through.
      dateColumns = Set(["Birthday"].compactMap { index[$0] })
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      let index = self.index
      func set(_ column: String, _ value: String?) {
        if let value, let i = index[column] { cells[i] = value }
      }
      set("First Name", c.name.given)
      set("Middle Name", c.name.middle)
      set("Last Name", c.name.family)
      if c.name.given == nil && c.name.family == nil, let fn = c.formattedName, fn != c.organization { set("Last Name", fn) }
      set("Phonetic First Name", c.name.phoneticGiven)
      set("Phonetic Middle Name", c.name.phoneticMiddle)
      set("Phonetic Last Name", c.name.phoneticFamily)
      set("Name Prefix", c.name.prefix)
      set("Name Suffix", c.name.suffix)
      if !c.nicknames.isEmpty { set("Nickname", c.nicknames.joined(separator: GoogleProfile.separator)) }
      set("Organization Name", c.organization)
      set("Organization Title", c.title)
      set("Organization Department", c.department)
      if let b = c.birthday { set("Birthday", b.description) }
      switch c.photo {
      case .uri(let u)?: set("Photo", u)
      case .data(let bytes, _)?:
        // `Photo` holds a URL; an inline picture cannot go into a cell (nor into Notes).
        context.diagnostics.warning(
          "photo of \(max(1, bytes.count / 1024)) KB is inline data and csv:google's Photo column takes a URL; dropped (vCard keeps it)",
          at: context.location(property: "Photo"), code: "unmapped")
      case nil: break
      }
      if !c.categories.isEmpty { set("Labels", c.categories.joined(separator: GoogleProfile.separator)) }

      func fill(_ kind: String, _ count: Int, _ items: [(label: String, value: String)], what: String) throws {
        var used = 0
        for item in items {
          // The same label again shares the group (` ::: `), as Google does.
          if let n = (1...count).first(where: { n in
            n <= used && cells[index["\(kind) \(n) - Label"]!] == item.label && !item.label.hasPrefix("* ")
          }) {
            let i = index["\(kind) \(n) - Value"]!
            cells[i] += GoogleProfile.separator + item.value
          } else if used < count {
            used += 1
            set("\(kind) \(used) - Label", item.label)
            set("\(kind) \(used) - Value", item.value)
          } else {
            try context.overflow(what, item.value)
          }
        }
      }
      try fill(
        "E-mail", 4,
        c.emails.map { e in
          // Outlook's display name (`Robin Example (robin@contoso.example)`, read as the
          // e-mail's label) is no label: Google would make it a custom e-mail type.
          let label = e.label.flatMap { l in l.contains(e.address) ? nil : l }
          return (GoogleProfile.label(types: e.types, label: label, preference: e.preference), e.address)
        },
        what: "e-mail")
      try fill(
        "Phone", 5, c.phones.map { (GoogleProfile.label(types: $0.types, label: $0.label, preference: $0.preference), $0.number) },
        what: "phone")
      var n = 0
      for a in c.addresses {
        guard n < 3 else {
          try context.overflow("address", OutlookProfile.oneLine(a))
          continue
        }
        n += 1
        let known = a.types.filter { ["home", "work", "other"].contains($0) }
        let custom = a.types.first { !["home", "work", "other", "postal", "parcel", "dom", "intl", "pref"].contains($0) }
        set(
          "Address \(n) - Label",
          GoogleProfile.label(types: known, label: known.isEmpty ? custom.map(GoogleProfile.capitalised) : nil, preference: a.preference))
        set("Address \(n) - Formatted", a.label)
        set("Address \(n) - Street", a.street)
        set("Address \(n) - City", a.locality)
        set("Address \(n) - PO Box", a.poBox)
        set("Address \(n) - Region", a.region)
        set("Address \(n) - Postal Code", a.postalCode)
        set("Address \(n) - Country", a.country)
        set("Address \(n) - Extended Address", a.extended)
      }
      try fill(
        "Relation", 3,
        c.related.map {
          (GoogleProfile.knownRelations.contains($0.relation) ? GoogleProfile.capitalised($0.relation) : $0.relation, $0.value)
        }, what: "relation")
      try fill(
        "Website", 2, c.urls.map { (GoogleProfile.label(types: $0.types, label: $0.label, preference: $0.preference), $0.value) },
        what: "web page")
      if let a = c.anniversary {
        set("Event 1 - Label", "Anniversary")
        set("Event 1 - Value", a.description)
      }
      // The current layout has no Gender column.
      try context.overflowGender(c.gender, keepsMaleFemale: false)
      for im in c.instantMessaging { try context.overflow("im", im.handle) }
      if let fn = c.formattedName, fn != c.name.displayName, c.name.given != nil || c.name.family != nil {
        set("File As", fn)
      }
      let notes = context.notes(c.contact)
      if !notes.isEmpty { set("Notes", notes) }
      return true
    }
  }

  static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}
