import FerryCSV
import FerryModel
import FerryTestSupport
import Foundation
import Testing

@Suite("CSV profiles")
struct ProfileTests {
  static let cases: [(fixture: String, profile: String)] = [
    ("salesforce-contacts.csv", "salesforce"), ("outlook-contacts.csv", "outlook"), ("google-contacts.csv", "google"),
    ("hubspot-contacts.csv", "hubspot"), ("exchange-contacts.csv", "exchange"),
    ("outlook-contacts-utf16le.csv", "outlook"), ("thunderbird-addressbook.csv", "thunderbird"),
  ]

  @Test("detects the profile from the header", arguments: ProfileTests.cases.map(\.fixture))
  func detection(name: String) throws {
    let expected = ProfileTests.cases.first { $0.fixture == name }!.profile
    let bytes = try fixture(name)
    let d = try #require(CSVDetection.detect(head: Array(bytes.prefix(65536)), fileName: nil))
    #expect(d.profile == expected)
    #expect(d.confidence > 0.8)
    // The German Outlook sample from ../shared is recognised too.
    let de = try sharedBytes("formats/samples/outlook/outlook2007-contacts-de.csv")
    #expect(CSVDetection.detect(head: de, fileName: nil)?.profile == "outlook")
  }

  @Test("read → write → read gives an equal model", arguments: ProfileTests.cases.map(\.fixture))
  func roundTrip(name: String) throws {
    let profile = ProfileTests.cases.first { $0.fixture == name }!.profile
    let first = read(try fixture(name), variant: profile)
    #expect(first.error == nil)
    #expect(first.records.count >= 2)
    let (bytes, diagnostics) = try write(first.records, variant: profile)
    #expect(diagnostics.filter { $0.code == "overflow" }.isEmpty)
    let second = read(bytes, variant: profile)
    #expect(second.error == nil)
    #expect(second.records == first.records)
  }

  @Test func exchangeAdminCSVFitsNewMailContact() throws {
    // New-MailContact: Name unique and at most 64 characters, one contact per external
    // address; CustomAttribute1 holds the CRM id whichever CRM it is.
    let long = String(repeating: "X", count: 70)
    let input = "Record ID,First Name,Last Name,Email\r\n1,Jane,Doe,jane1@a.example\r\n2,Jane,Doe,jane2@b.example\r\n"
      + "3,Jane,\(long),long@c.example\r\n4,John,Smith,john@x.example\r\n5,John,Smith,JOHN@x.example\r\n"
    let first = read(input, variant: "hubspot")
    #expect(first.records.count == 5)
    let (bytes, diagnostics) = try write(first.records, variant: "exchange")
    let table = try rows(bytes)
    #expect(table.dropFirst().map { $0[1] } == ["Jane Doe", "Jane Doe (2)", "Jane " + String(repeating: "X", count: 59), "John Smith"])
    #expect(table.dropFirst().map { $0[22] } == ["1", "2", "3", "4"])
    #expect(table.dropFirst().allSatisfy { $0[1].count <= 64 })
    #expect(diagnostics.contains { $0.code == "skipped" && $0.message.contains("JOHN@x.example") })
  }

  @Test func exchangeNamesSharedByManyRowsAreNumberedInOrderWithOneWarning() throws {
    // A name on thousands of rows: numbered on from the last suffix (linear, not a search from
    // " (2)" each time), with one warning for the name, not one per row.
    var input = "Record ID,First Name,Last Name,Email\r\n"
    for i in 1...2_000 { input += "\(i),Anna,Okafor,anna\(i)@example.com\r\n" }
    input += "2001,Anna,Okafor (2),other@example.com\r\n"
    let records = read(input, variant: "hubspot").records
    let (bytes, diagnostics) = try write(records, variant: "exchange")
    let names = try rows(bytes).dropFirst().map { $0[1] }
    #expect(names.count == 2_001)
    #expect(Array(names.prefix(3)) == ["Anna Okafor", "Anna Okafor (2)", "Anna Okafor (3)"])
    #expect(names[1_999] == "Anna Okafor (2000)")
    #expect(Set(names.map { $0.lowercased() }).count == names.count)
    #expect(names.last == "Anna Okafor (2) (2)")
    #expect(diagnostics.filter { $0.code == "renamed" }.count == 2)
  }

  @Test func outlookDatesFollowTheImportingLocale() throws {
    // Outlook reads CSV dates with the importing machine's short-date format.
    var c = Contact()
    c.name = PersonName(given: "Ada", family: "Lovelace")
    c.birthday = PartialDate(year: 1815, month: 12, day: 10)
    var e = Event()
    e.summary = "Review"
    e.start = .floating(LocalDateTime(year: 2026, month: 3, day: 4, hour: 10))
    e.end = .floating(LocalDateTime(year: 2026, month: 3, day: 4, hour: 11))
    let expected: [(CSVDateFormat, String, String)] = [
      (.monthDayYear, "12/10/1815", "3/4/2026"), (.dayMonthYear, "10/12/1815", "4/3/2026"),
      (.dayMonthYearDots, "10.12.1815", "4.3.2026"), (.iso, "1815-12-10", "2026-03-04"),
    ]
    for (format, birthday, start) in expected {
      let contacts = try rows(write([.contact(c)], variant: "outlook") { $0.csv.dateFormat = format }.bytes)
      #expect(contacts[1][try #require(contacts[0].firstIndex(of: "Birthday"))] == birthday)
      let events = try rows(write([.event(e)], variant: "outlook-calendar") { $0.csv.dateFormat = format }.bytes)
      #expect(events[1][try #require(events[0].firstIndex(of: "Start Date"))] == start)
    }
  }

  @Test func outlookComLayoutMapsItsOwnColumns() throws {
    // outlook.live.com's 61 columns: Nickname, the Yomi names, IMAddress and Personal Web Page
    // have model fields, so they are not left raw.
    let result = read(try fixture("outlook-com.csv"), variant: nil)
    let c = try #require(result.records.first?.contact)
    #expect(c.nicknames == ["Kenny"])
    #expect(c.name.phoneticGiven == "Ken" && c.name.phoneticFamily == "Watanabe-yomi")
    #expect(c.instantMessaging.map(\.handle) == ["ken.im@example.com"])
    #expect(c.urls.map(\.value) == ["https://ken.example"] && c.urls.first?.types == ["home"])
    #expect(!c.raw.contains { ["Nickname", "Given Yomi", "Surname Yomi", "IMAddress", "Personal Web Page"].contains($0.name) })
  }

  @Test func aShortOutlookExportWithOnlyItsEmailColumnsIsOutlook() throws {
    // A webmail importer's Outlook sample has three columns, two of them Outlook's alone.
    let head = Array("E-mail Address,E-mail 2 Address,E-mail 3 Address\r\na@example.com,b@example.com,c@example.com\r\n".utf8)
    #expect(CSVDetection.detect(head: head, fileName: nil)?.profile == "outlook")
    let read = read(head, variant: nil)
    guard case .contact(let c) = try #require(read.records.first) else { Issue.record("not a contact"); return }
    #expect(c.emails.map(\.address) == ["a@example.com", "b@example.com", "c@example.com"])
  }

  @Test func unknownColumnsSurviveASameProfileRoundTrip() throws {
    let first = read(try fixture("salesforce-contacts.csv"))
    let c = try #require(first.records.first?.contact)
    #expect(c.raw.contains { $0.name == "LeadSource" && $0.value == "Web" && $0.origin == "csv:salesforce" })
    let (bytes, _) = try write(first.records, variant: "salesforce")
    let header = try rows(bytes)[0]
    #expect(header.contains("LeadSource"))
    #expect(header.contains("IsDeleted"))
    #expect(header.contains("HasOptedOutOfEmail"))
    #expect(read(bytes).records == first.records)
    // Google's unknown "Custom Field" group too.
    let g = read(try fixture("google-contacts.csv"))
    #expect(g.records[0].raw.contains { $0.name == "Custom Field 1 - Value" && $0.value == "0035g00000ZzYyX" })
    #expect(read(try write(g.records, variant: "google").bytes).records == g.records)
  }

  @Test func extraColumnsComeFromTheLookaheadWindow() throws {
    func contact(_ n: Int, _ raw: String, _ value: String) -> Record {
      var c = Contact()
      c.name.family = "C\(n)"
      c.raw = [RawProperty(name: raw, value: value, origin: "csv:outlook")]
      return .contact(c)
    }
    let window = CSVWriter.lookahead
    var records = [contact(1, "Extra1", "x"), contact(2, "Extra2", "y")]
    for n in 3...window { records.append(contact(n, "Extra1", "z")) }
    records.append(contact(window + 1, "Extra3", "late"))
    let (bytes, diagnostics) = try write(records, variant: "outlook")
    let r = try rows(Array(bytes.dropFirst(3)))
    #expect(Array(r[0].suffix(2)) == ["Extra1", "Extra2"])
    #expect(Array(r[1].suffix(2)) == ["x", ""])
    #expect(Array(r[2].suffix(2)) == ["", "y"])
    #expect(r.count == window + 2)
    let d = try #require(diagnostics.first { $0.code == "unmapped" })
    #expect(d.location?.record == window + 1)
    #expect(d.message.contains("Extra3"))
  }

  @Test func salesforceReading() throws {
    let r = read(try fixture("salesforce-contacts.csv"))
    #expect(r.records.count == 25)
    #expect(r.diagnostics.isEmpty)
    let c = try #require(r.records.first?.contact)
    #expect(c.source?.system == "salesforce")
    #expect(c.source?.objectType == "Contact")
    #expect(c.source?.recordId?.count == 18)
    #expect(c.owner?.name == "Dana Whitfield")
    #expect(c.owner?.id?.count == 18)
    #expect(c.addresses.first?.street == "10 Harbour Road\nBuilding 1, Floor 2")
    #expect(c.created == Timestamp(text: "2023-01-10T09:00:00Z"))
    // Ids agree with the model's case-safe conversion.
    let table = try rows(try fixture("salesforce-contacts.csv"))
    for (n, record) in r.records.enumerated() {
      #expect(record.source?.recordId == SalesforceID.caseSafe(table[n + 1][0]))
      #expect(record.owner?.id == SalesforceID.caseSafe(table[n + 1][29]))
      #expect(record.contact?.accountId == SalesforceID.caseSafe(table[n + 1][2]))
    }
    let owners = Set(r.records.compactMap { $0.owner?.email })
    #expect(owners == ["dana.whitfield@example.com", "marco.bellini@example.com"])
    let four = try #require(r.records.first { ($0.contact?.emails.count ?? 0) == 4 }?.contact)
    #expect(four.emails.map(\.label) == [nil, "Personal_Email__c", "Secondary_Email__c", "Assistant_Email__c"])
  }

  @Test func googleReading() throws {
    let r = read(try fixture("google-contacts.csv"))
    let c = try #require(r.records.first?.contact)
    #expect(c.emails.map(\.address) == ["lucia@navy.example", "lucia.f@mail.example", "lu@mail.example"])
    #expect(c.emails[0].types == ["work"])
    #expect(c.emails[0].preference == 1)
    #expect(c.phones.map(\.number) == ["+34 600 555 010", "+34 600 555 011", "+34 91 555 0100"])
    #expect(c.phones[2].types == ["work", "fax"])
    #expect(c.categories == ["Clients", "Spain"])
    #expect(c.related == [RelatedPerson(relation: "spouse", value: "Pablo")])
    #expect(r.records[2].contact?.birthday == PartialDate(month: 12, day: 24))
    // The legacy layout (UTF-16LE sample from ../shared) reads too.
    let legacy = read(try sharedBytes("formats/samples/google/google-csv-legacy-utf16le.csv"))
    #expect(legacy.error == nil)
    let l = try #require(legacy.records.first?.contact)
    #expect(l.emails.count == 4)
    #expect(!l.phones.isEmpty)
    #expect(l.birthday == PartialDate(year: 1975, month: 12, day: 12))
  }

  @Test func germanOutlookSample() throws {
    let r = read(try sharedBytes("formats/samples/outlook/outlook2007-contacts-de.csv"))
    #expect(r.error == nil)
    let c = try #require(r.records.first?.contact)
    #expect(c.name.given == "Robin")
    #expect(!c.emails.isEmpty)
  }

  @Test func hubspotAndExchange() throws {
    let h = read(try fixture("hubspot-contacts.csv"))
    let g = try #require(h.records.first?.contact)
    #expect(g.source == SourceIdentity(system: "hubspot", objectType: "contact", recordId: "1501"))
    #expect(g.owner?.name == "Dana Whitfield")
    #expect(g.created == Timestamp(text: "2024-02-01T09:30:00Z"))
    #expect(g.raw.contains { $0.name == "Lifecycle Stage" && $0.value == "customer" })
    let e = read(try fixture("exchange-contacts.csv"))
    let k = try #require(e.records.first?.contact)
    #expect(k.emails.first?.address == "kari@partner.example")
    #expect(k.formattedName == "Kari Nordmann")
    #expect(k.raw.contains { $0.name == "Initials" && $0.value == "K.N." })
    let (bytes, _) = try write(e.records, variant: "exchange")
    #expect(try rows(Array(bytes.dropFirst(3)))[0] == ExchangeProfile.header)
  }

  @Test func thunderbird() throws {
    let t = read(try fixture("thunderbird-addressbook.csv"))
    let z = try #require(t.records.first?.contact)
    #expect(z.name.given == "Zoë" && z.name.family == "Müller")
    #expect(z.emails.map(\.address) == ["zoe.mueller@example.com", "zoe@home.example"])
    #expect(z.phones.first { $0.types.contains("cell") }?.number == "+49 170 1234567")
    #expect(z.addresses.first { $0.types == ["home"] }?.street == "Hauptstraße 5\nHinterhaus")
    #expect(z.birthday == PartialDate(year: 1984, month: 7, day: 31))
    #expect(z.notes == ["Mag \"Kaffee\", keine Anrufe\nvor 9 Uhr"])
    #expect(z.raw.contains { $0.name == "Custom 1" && $0.value == "Kundin seit 2019" })
    let k = try #require(t.records.dropFirst().first?.contact)
    #expect(k.birthday == PartialDate(month: 12, day: 24))
    let (bytes, _) = try write(t.records, variant: "thunderbird")
    #expect(try rows(bytes)[0] == ThunderbirdProfile.header)
  }
}

@Suite("Salesforce to Outlook")
struct SalesforceToOutlookTests {
  @Test func headerAndSlots() throws {
    let input = read(try fixture("salesforce-contacts.csv"))
    let (bytes, diagnostics) = try write(input.records, variant: "outlook")
    #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
    let table = try rows(Array(bytes.dropFirst(3)))
    #expect(table[0] == OutlookProfile.header)
    #expect(table.count == 26)
    let col = Dictionary(uniqueKeysWithValues: OutlookProfile.header.enumerated().map { ($1, $0) })
    let source = try rows(try fixture("salesforce-contacts.csv"))
    let sc = Dictionary(uniqueKeysWithValues: source[0].enumerated().map { ($1, $0) })
    for (n, srow) in source.dropFirst().enumerated() {
      let out = table[n + 1]
      func check(_ sf: String, _ outlook: String) {
        #expect(out[col[outlook]!] == srow[sc[sf]!], "record \(n + 1): \(sf) → \(outlook)")
      }
      check("FirstName", "First Name")
      check("LastName", "Last Name")
      check("Salutation", "Title")
      check("Title", "Job Title")
      check("Department", "Department")
      check("Email", "E-mail Address")
      check("Phone", "Business Phone")
      check("MobilePhone", "Mobile Phone")
      check("HomePhone", "Home Phone")
      check("OtherPhone", "Other Phone")
      check("Fax", "Business Fax")
      check("AssistantPhone", "Assistant's Phone")
      check("AssistantName", "Assistant's Name")
      check("MailingCity", "Business City")
      check("MailingState", "Business State")
      check("MailingPostalCode", "Business Postal Code")
      check("MailingCountry", "Business Country/Region")
      check("OtherStreet", "Other Street")
      check("OtherCity", "Other City")
      let street = srow[sc["MailingStreet"]!].split(separator: "\n").map(String.init)
      #expect(out[col["Business Street"]!] == street[0])
      #expect(out[col["Business Street 2"]!] == (street.count > 1 ? street[1] : ""))
      if !srow[sc["Personal_Email__c"]!].isEmpty {
        #expect(out[col["E-mail 2 Address"]!] == srow[sc["Personal_Email__c"]!])
      }
      if let b = PartialDate(text: srow[sc["Birthdate"]!]) {
        #expect(out[col["Birthday"]!] == "\(b.month!)/\(b.day!)/\(b.year!)")
      }
    }
    // The contact with four e-mails: three slots, the fourth in Notes, reported as overflow.
    let n = try #require(source.dropFirst().firstIndex { !$0[sc["Assistant_Email__c"]!].isEmpty })
    let row = table[n]
    #expect(row[col["E-mail Address"]!] == source[n][sc["Email"]!])
    #expect(row[col["E-mail 2 Address"]!] == source[n][sc["Personal_Email__c"]!])
    #expect(row[col["E-mail 3 Address"]!] == source[n][sc["Secondary_Email__c"]!])
    #expect(row[col["Notes"]!].contains(source[n][sc["Assistant_Email__c"]!]))
    let overflow = diagnostics.filter { $0.code == "overflow" }
    #expect(overflow.count == 1)
    #expect(overflow.first?.location?.record == n)
  }

  @Test func overflowPolicies() throws {
    var c = Contact()
    c.name.family = "Many"
    c.emails = (1...5).map { EmailAddress("m\($0)@example.com") }
    let drop = try write([.contact(c)], variant: "outlook") { $0.overflow = .drop }
    #expect(drop.diagnostics.filter { $0.code == "overflow" }.count == 2)
    #expect(!drop.bytes.text.contains("m4@example.com"))
    #expect(throws: FerryError.self) { try write([.contact(c)], variant: "outlook") { $0.overflow = .error } }
  }
}

@Suite("CSV writer")
struct WriterTests {
  @Test func quotingAndCRLF() throws {
    var c = Contact()
    c.name.given = "A,B"
    c.name.family = "say \"hi\""
    c.notes = ["line1\nline2"]
    let (bytes, _) = try write([.contact(c)], variant: "outlook") { $0.csv.byteOrderMark = false }
    let text = bytes.text
    #expect(text.contains("\"A,B\",,\"say \"\"hi\"\"\""))
    #expect(text.contains("\"line1\nline2\""))
    #expect(text.hasSuffix("\r\n"))
    #expect(!bytes.starts(with: [0xEF, 0xBB, 0xBF]))
  }

  @Test func bomDefaultsPerProfile() throws {
    var c = Contact()
    c.name.family = "X"
    for (profile, bom) in [("outlook", true), ("google", true), ("hubspot", true), ("exchange", true), ("salesforce", false)] {
      #expect(try write([.contact(c)], variant: profile).bytes.starts(with: [0xEF, 0xBB, 0xBF]) == bom, "\(profile)")
    }
    #expect(try write([.contact(c)], variant: "salesforce") { $0.csv.byteOrderMark = true }.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
  }

  @Test func formulaProtection() throws {
    #expect(FormulaProtection.needsPrefix("=SUM(A1)", phoneColumn: false))
    #expect(FormulaProtection.needsPrefix("@cmd", phoneColumn: false))
    #expect(FormulaProtection.needsPrefix("\tx", phoneColumn: false))
    #expect(FormulaProtection.needsPrefix("\rx", phoneColumn: false))
    #expect(FormulaProtection.needsPrefix("+1 212 555 0100", phoneColumn: false))
    #expect(!FormulaProtection.needsPrefix("+1 212 555 0100", phoneColumn: true))
    #expect(!FormulaProtection.needsPrefix("+1 (212) 555-0100", phoneColumn: true))
    #expect(!FormulaProtection.needsPrefix("-5550100", phoneColumn: true))
    #expect(FormulaProtection.needsPrefix("-5550100", phoneColumn: false))
    #expect(FormulaProtection.needsPrefix("+1+cmd|' /C calc'!A0", phoneColumn: true))
    #expect(FormulaProtection.needsPrefix("=1+2", phoneColumn: true))
    #expect(FormulaProtection.needsPrefix("+", phoneColumn: true))
    #expect(!FormulaProtection.needsPrefix("Plain", phoneColumn: false))
    // Google's multi-values: each one phone-shaped, or the cell is neutralised.
    #expect(!FormulaProtection.needsPrefix("+1 212 555 0100 ::: +1 212 555 0101", phoneColumn: true))
    #expect(!FormulaProtection.needsPrefix("+1 212 555 0100 ::: 212 555 0101", phoneColumn: true))
    #expect(FormulaProtection.needsPrefix("+1 212 555 0100 ::: =cmd|x", phoneColumn: true))
    #expect(FormulaProtection.needsPrefix("+1 :::x", phoneColumn: true))
    #expect(FormulaProtection.needsPrefix("+1 212 ::", phoneColumn: true))
    var google = Contact()
    google.name.family = "Min"
    google.phones = [PhoneNumber("+1 212 555 0100", types: ["cell"]), PhoneNumber("+1 212 555 0101", types: ["cell"])]
    google.birthday = PartialDate(month: 3, day: 14)
    let googleText = try write([.contact(google)], variant: "google").bytes.text
    #expect(googleText.contains(",--03-14,"))
    #expect(googleText.contains(",+1 212 555 0100 ::: +1 212 555 0101,"))

    var c = Contact()
    c.name.family = "=HYPERLINK(\"http://x\")"
    c.phones = [PhoneNumber("+1 212 555 0100", types: ["work"])]
    c.title = "-42"
    let (bytes, _) = try write([.contact(c)], variant: "outlook")
    let text = bytes.text
    #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
    #expect(text.contains(",+1 212 555 0100,"))
    #expect(text.contains(",'-42,"))
    // ferry reads its own protection back off.
    #expect(read(bytes).records == [.contact(c)])
    let off = try write([.contact(c)], variant: "outlook") { $0.csv.formulaProtection = false }
    #expect(off.bytes.text.contains(",-42,"))
  }
}

@Suite("CSV mapping profile")
struct MappingTests {
  @Test func readsWithTransforms() throws {
    let file = Fixtures.path("csv/mapping-example.yaml")
    let r = read(try fixture("legacy-crm.csv")) { $0.csv.mappingFile = file }
    #expect(r.error == nil)
    let c = try #require(r.records.first?.contact)
    #expect(c.name.given == "Ana")
    #expect(c.name.family == "Lima")
    #expect(c.emails == [EmailAddress("ana@lima.example", types: ["work"])])
    #expect(c.categories == ["gold", "newsletter"])
    #expect(c.birthday == PartialDate(year: 1985, month: 4, day: 3))
    #expect(c.addresses.first?.street == "Rua Augusta 100\nConj. 12")
    #expect(c.source?.system == "legacy-crm")
    #expect(c.source?.recordId == "C-1001")
    #expect(c.owner?.email == "dana.whitfield@example.com")
  }

  @Test func writesTheInverse() throws {
    let file = Fixtures.path("csv/mapping-example.yaml")
    let first = read(try fixture("legacy-crm.csv")) { $0.csv.mappingFile = file }
    let (bytes, _) = try write(first.records, variant: nil) { $0.csv.mappingFile = file }
    let table = try rows(bytes)
    #expect(table[0] == ["Customer No", "Full Name", "E-mail", "Work Phone", "Tags", "Born", "Street 1", "Street 2", "Town", "Rep", "Exported By"])
    #expect(table[1] == ["C-1001", "Ana Lima", "ana@lima.example", "+55 11 5555 0100", "gold;newsletter", "03.04.1985", "Rua Augusta 100", "Conj. 12", "São Paulo", "dana.whitfield@example.com", "ferry"])
    let second = read(bytes) { $0.csv.mappingFile = file }
    #expect(second.records == first.records)
  }

  @Test func badMappingFiles() {
    #expect(throws: FerryError.self) { try GenericProfile(yaml: "columns: 3") }
    #expect(throws: FerryError.self) { try GenericProfile(yaml: "columns:\n  - column: A\n    field: nonsense.x\n") }
    #expect(throws: FerryError.self) { try GenericProfile(yaml: ": : :\n  - [") }
  }

  @Test func datePatterns() {
    #expect(DatePattern.parse("7/31/1980", format: "M/D/YYYY") == PartialDate(year: 1980, month: 7, day: 31))
    #expect(DatePattern.parse("31.07.80", format: "DD.MM.YY") == PartialDate(year: 1980, month: 7, day: 31))
    #expect(DatePattern.parse("31.02.1980", format: "DD.MM.YYYY") == nil)
    #expect(DatePattern.format(PartialDate(year: 1980, month: 7, day: 3), format: "DD/MM/YYYY") == "03/07/1980")
  }
}

@Suite("CSV profile variants")
struct ProfileVariantTests {
  @Test func salesforceLeads() throws {
    let text = """
      Id,FirstName,LastName,Company,Status,Street,City,PostalCode,Country,Email,Phone,Website,OwnerId
      00Q5g00000LdAaB,Lia,Park,"Park & Sons, Inc.",Open - Not Contacted,"9 Elm St
      Unit 3",Boston,02108,United States,lia@park.example,+1 617 555 0100,https://park.example,0055g00000Rep02

      """
    let r = read(text)
    let c = try #require(r.records.first?.contact)
    #expect(c.source?.objectType == "Lead")
    #expect(c.source?.recordId == SalesforceID.caseSafe("00Q5g00000LdAaB"))
    #expect(c.organization == "Park & Sons, Inc.")
    #expect(c.addresses == [PostalAddress(street: "9 Elm St\nUnit 3", locality: "Boston", postalCode: "02108", country: "United States", types: ["work"])])
    #expect(c.urls.map(\.value) == ["https://park.example"])
    #expect(c.raw.contains { $0.name == "Status" && $0.value == "Open - Not Contacted" })
    let (bytes, _) = try write(r.records, variant: "salesforce")
    let header = try rows(bytes)[0]
    #expect(header.contains("Company"))
    #expect(!header.contains("AccountId"))
    #expect(read(bytes).records == r.records)
  }

  @Test func hubspotInternalNames() throws {
    let text = "hs_object_id,firstname,lastname,email,hs_additional_emails,phone,hubspot_owner_id,createdate\n"
      + "77,Ada,Byron,ada@example.com,ada2@example.com;ada3@example.com,+44 20 7946 0100,31415,1706779800000\n"
    let r = read(text)
    let c = try #require(r.records.first?.contact)
    #expect(c.emails.map(\.address) == ["ada@example.com", "ada2@example.com", "ada3@example.com"])
    #expect(c.owner?.id == "31415")
    #expect(c.created == Timestamp(milliseconds: 1_706_779_800_000))
  }

  @Test func outlookAddressAndPhoneSlots() throws {
    var c = Contact()
    c.name = PersonName(given: "Slot", family: "Test")
    c.phones = [
      PhoneNumber("1", types: ["work"]), PhoneNumber("2", types: ["work"]), PhoneNumber("3", types: ["work"]),
      PhoneNumber("4", types: ["cell"]), PhoneNumber("5", types: ["home", "fax"]),
    ]
    c.addresses = [
      PostalAddress(street: "a\nb\nc\nd", locality: "X", types: ["home"]),
      PostalAddress(street: "w", types: ["work"]), PostalAddress(street: "w2", types: ["work"]),
    ]
    let (bytes, diagnostics) = try write([.contact(c)], variant: "outlook")
    let table = try rows(Array(bytes.dropFirst(3)))
    let col = Dictionary(uniqueKeysWithValues: OutlookProfile.header.enumerated().map { ($1, $0) })
    let row = table[1]
    #expect(row[col["Business Phone"]!] == "1")
    #expect(row[col["Business Phone 2"]!] == "2")
    #expect(row[col["Mobile Phone"]!] == "4")
    #expect(row[col["Home Fax"]!] == "5")
    #expect(row[col["Home Street"]!] == "a")
    #expect(row[col["Home Street 2"]!] == "b")
    #expect(row[col["Home Street 3"]!] == "c\nd")
    #expect(row[col["Business Street"]!] == "w")
    #expect(row[col["Notes"]!].contains("phone: 3"))
    #expect(row[col["Notes"]!].contains("address: w2"))
    let overflow = diagnostics.filter { $0.code == "overflow" }
    #expect(overflow.map { $0.location?.property } == ["phone", "address"])
    #expect(overflow.allSatisfy { $0.location?.record == 1 })
  }
}

@Suite("CSV mapping versus profiles")
struct MappingChoiceTests {
  @Test func mappingWinsOverADetectedProfileWhenItFitsTheHeader() throws {
    let path = NSTemporaryDirectory() + "ferry-csv-mapping-\(UUID().uuidString).yaml"
    let yaml = "columns:\n  - column: FirstName\n    field: name.family\n  - column: LastName\n    field: name.given\n"
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let text = "Id,FirstName,LastName,Email\n0035g00000AbCdE,Ann,Lee,ann@example.com\n"
    // The registry detected csv:salesforce; the mapping covers the header, so it is used.
    let fits = read(Array(text.utf8), variant: "salesforce") { $0.csv.mappingFile = path }
    #expect(fits.records.first?.contact?.name.family == "Ann")
    #expect(fits.records.first?.raw.contains { $0.name == "Id" && $0.origin == "csv:mapping" } == true)
    // A header the mapping does not fit keeps the detected profile (the mapping is for the output).
    let other = "Id,Email,OwnerId\n0035g00000AbCdE,ann@example.com,0055g00000Rep01\n"
    let kept = read(Array(other.utf8), variant: "salesforce") { $0.csv.mappingFile = path }
    #expect(kept.records.first?.contact?.source?.system == "salesforce")
  }
}

/// CSVs no export profile knows, from shops, directories and hand-made sheets.
@Suite("CSV without a known profile")
struct CommonColumnsTests {
  @Test("columns with common names are read by name; the rest stays raw; a warning says so")
  func commonColumns() throws {
    let r = read("First Name,Last Name,Email,Total Spent,Phone\r\nMarcus,Webb,marcus@example.com,$12.50,+1 555 0100\r\n")
    let c = try #require(r.records.first?.contact)
    #expect(c.name.given == "Marcus" && c.name.family == "Webb")
    #expect(c.emails.map(\.address) == ["marcus@example.com"])
    #expect(c.phones.map(\.number) == ["+1 555 0100"])
    #expect(c.raw.contains { $0.name == "Total Spent" && $0.value == "$12.50" })
    #expect(r.diagnostics.contains { $0.message.contains("read by name (csv:common)") })
    // camelCase directory exports (Entra ID) too.
    let e = read("userPrincipalName,displayName,givenName,surname,mail\r\nann@x.example,Ann Lee,Ann,Lee,ann.lee@x.example\r\n")
    #expect(e.records.first?.contact?.formattedName == "Ann Lee")
    #expect(e.records.first?.contact?.emails.map(\.address) == ["ann.lee@x.example"])
    // A header with no common name at all stays raw-only.
    let z = read("Foo,Bar\r\n1,2\r\n")
    #expect(z.records.first?.contact?.raw.count == 2)
  }

  @Test("First Name/Last Name alone is not a Google export")
  func notGoogle() throws {
    let d = CSVDetection.detect(head: Array("First Name,Last Name,Email,Tags\r\n".utf8), fileName: "customers.csv")
    #expect(d?.profile == nil)
  }

  @Test("blank rows above the header and in the data are skipped, with notes")
  func blankRows() throws {
    let r = read(",,,\r\nName,Email,Phone,City\r\nAnn,ann@x.example,,\r\n,,,\r\nBob,bob@x.example,,\r\n")
    #expect(r.records.compactMap { $0.contact?.formattedName } == ["Ann", "Bob"])
    #expect(r.diagnostics.contains { $0.message.contains("line 1 is empty; the header is the first row with text") })
    #expect(r.diagnostics.contains { $0.message.contains("rows with every field empty are skipped (the first at line 4)") })
  }

  @Test("calendar CSV dates with the time in the same column")
  func dateAndTimeInOneColumn() throws {
    let r = read(
      "Subject,Start Date,End Date\r\nParty,1980-07-31 00:00,1980-08-01 00:00\r\nCall,7/31/1980 10:00 AM,7/31/1980 11:30 AM\r\n",
      variant: "google-calendar")
    let events = r.records.compactMap(\.event)
    #expect(events.count == 2)
    #expect(events[0].isAllDay && events[0].start == .date(LocalDate(year: 1980, month: 7, day: 31)))
    #expect(events[0].end == .date(LocalDate(year: 1980, month: 8, day: 1)))
    #expect(events[1].start?.localDateTime == LocalDateTime(date: LocalDate(year: 1980, month: 7, day: 31), time: LocalTime(hour: 10, minute: 0, second: 0)))
    #expect(events[1].end?.localDateTime.time == LocalTime(hour: 11, minute: 30, second: 0))
  }
}

/// Values the fuzzing work found trapping further down the pipeline.
@Suite struct CSVFuzzFindingTests {
  @Test func aYearOutsideFourDigitsIsNotADate() {
    let result = read("First Name,Last Name,Birthday,E-mail Address\r\nA,B,1/1/\(Int.min),a@b.c\r\nC,D,1/1/10000,c@d.e\r\n")
    let contacts = result.records.compactMap(\.contact)
    #expect(contacts.count == 2)
    #expect(contacts.allSatisfy { $0.birthday == nil })
    let warnings = result.diagnostics.filter { $0.message.hasPrefix("Birthday value") && $0.message.hasSuffix("is not a date; kept as a raw property") }
    #expect(warnings.map { $0.location?.line } == [2, 3])
  }
}
