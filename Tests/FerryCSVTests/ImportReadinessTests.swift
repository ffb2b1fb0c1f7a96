import FerryCSV
import FerryModel
import Testing

/// What Outlook's, Exchange's and Google's importers need from the CSV ferry writes, and what
/// must never vanish on the way (../shared/formats/outlook-csv.md, google-csv.md,
/// exchange-admin-csv.md). Each test failed before its fix.
@Suite("CSV import readiness")
struct ImportReadinessTests {
  /// Google's `Address n - Formatted` alone (a vCard LABEL without ADR) is a whole address.
  static let formattedOnly = "First Name,Last Name,E-mail 1 - Value,Address 1 - Label,Address 1 - Formatted\r\n"
    + "Ada,Byron,ada@x.example,Home,\"12 St James Sq\nLondon SW1Y 4JH\nUK\"\r\n"

  @Test("an address with only a formatted label reaches Outlook's street columns")
  func formattedAddressToOutlook() throws {
    let records = read(Self.formattedOnly, variant: "google").records
    #expect(records.first?.contact?.addresses.first?.label != nil)
    let table = try rows(write(records, variant: "outlook").bytes)
    let header = table[0]
    func cell(_ name: String) -> String { header.firstIndex(of: name).map { table[1][$0] } ?? "?" }
    #expect(cell("Home Street") == "12 St James Sq")
    #expect(cell("Home Street 2") == "London SW1Y 4JH")
    #expect(cell("Home Street 3") == "UK")
  }

  @Test("an address with only a formatted label reaches Exchange's StreetAddress, and in Notes when it overflows")
  func formattedAddressToExchange() throws {
    let records = read(Self.formattedOnly, variant: "google").records
    let table = try rows(write(records, variant: "exchange").bytes)
    #expect(table[1][4] == "12 St James Sq\nLondon SW1Y 4JH\nUK")
    // A second one has no slot: its text goes to Notes, not an empty "address: ".
    var c = try #require(records.first?.contact)
    c.addresses.insert(PostalAddress(street: "1 Main St", locality: "Bath", types: ["work"]), at: 0)
    let (bytes, diagnostics) = try write([.contact(c)], variant: "exchange")
    #expect(try rows(bytes)[1][19] == "address: 12 St James Sq, London SW1Y 4JH, UK")
    #expect(diagnostics.contains { $0.code == "overflow" && $0.message.contains("London SW1Y 4JH") })
  }

  @Test("an address with only a formatted label reaches Salesforce's MailingStreet")
  func formattedAddressToSalesforce() throws {
    var records = read(Self.formattedOnly, variant: "google").records
    if case .contact(let cBox) = records[0] {
      var c = cBox.contact
      c.addresses[0].types = ["work"]
      records[0] = .contact(c)
    }
    let table = try rows(write(records, variant: "salesforce").bytes)
    let street = try #require(table[0].firstIndex(of: "MailingStreet"))
    #expect(table[1][street] == "12 St James Sq\nLondon SW1Y 4JH\nUK")
  }

  @Test("Exchange's single street keeps the PO box and the extended address as lines")
  func exchangeKeepsPOBoxAndExtended() throws {
    var c = Contact()
    c.name = PersonName(given: "Taro", family: "Yamada")
    c.emails = [EmailAddress("taro@example.jp")]
    c.addresses = [PostalAddress(poBox: "PO Box 88", extended: "Apt 4", street: "1-2-3 Shibuya", locality: "Tokyo", types: ["home"])]
    let table = try rows(write([.contact(c)], variant: "exchange").bytes)
    #expect(table[1][4] == "PO Box 88\n1-2-3 Shibuya\nApt 4")
    #expect(table[1][5] == "Tokyo")
  }

  @Test("Outlook writes the extended address as the next street line, not only into Notes")
  func outlookExtendedIsAStreetLine() throws {
    var c = Contact()
    c.name = PersonName(given: "Taro", family: "Yamada")
    c.addresses = [PostalAddress(extended: "Apt 4", street: "1-2-3 Shibuya", locality: "Tokyo", types: ["home"])]
    let table = try rows(write([.contact(c)], variant: "outlook").bytes)
    let header = table[0]
    func cell(_ name: String) -> String { header.firstIndex(of: name).map { table[1][$0] } ?? "?" }
    #expect(cell("Home Street") == "1-2-3 Shibuya")
    #expect(cell("Home Street 2") == "Apt 4")
    #expect(cell("Notes") == "")
  }

  @Test("a gender Outlook's column cannot hold and a phonetic name go to Notes with a report")
  func outlookGenderIdentityAndPhoneticName() throws {
    var c = Contact()
    c.name = PersonName(given: "Tarō", family: "Yamada", phoneticGiven: "たろう", phoneticFamily: "やまだ")
    c.gender = Gender(sex: "O", identity: "nonbinary")
    let (bytes, diagnostics) = try write([.contact(c)], variant: "outlook")
    let table = try rows(bytes)
    let notes = try #require(table[0].firstIndex(of: "Notes"))
    let gender = try #require(table[0].firstIndex(of: "Gender"))
    #expect(table[1][notes] == "gender: O\ngender identity: nonbinary\nphonetic name: たろう やまだ")
    #expect(table[1][gender] == "")
    #expect(diagnostics.filter { $0.code == "overflow" }.count == 3)
    // Male and Female stay in their column, with no report.
    c.gender = Gender(sex: "F")
    c.name.phoneticGiven = nil
    c.name.phoneticFamily = nil
    let (female, quiet) = try write([.contact(c)], variant: "outlook")
    #expect(try rows(female)[1][gender] == "Female")
    #expect(quiet.isEmpty)
  }

  @Test("Google's layout has no Gender column: an identity is kept in Notes too")
  func googleGenderIdentity() throws {
    var c = Contact()
    c.name = PersonName(given: "Sam", family: "Quinn")
    c.gender = Gender(identity: "nonbinary")
    let (bytes, diagnostics) = try write([.contact(c)], variant: "google")
    let table = try rows(bytes)
    #expect(table[1][try #require(table[0].firstIndex(of: "Notes"))] == "gender identity: nonbinary")
    #expect(diagnostics.contains { $0.code == "overflow" && $0.message.contains("nonbinary") })
  }

  @Test("a contact without e-mail is no row of the Exchange CSV: New-MailContact would refuse it")
  func exchangeSkipsContactsWithoutEmail() throws {
    let input = "First Name,Last Name,E-mail Address,Company\r\nAda,Byron,,Engines\r\nGrace,Hopper,grace@navy.example,Navy\r\n"
    let records = read(input, variant: "outlook").records
    let (bytes, diagnostics) = try write(records, variant: "exchange")
    let table = try rows(bytes)
    #expect(table.count == 2)
    #expect(table.dropFirst().allSatisfy { !$0[0].isEmpty })
    #expect(table[1][1] == "Grace Hopper")
    #expect(diagnostics.contains { $0.code == "skipped" && $0.message.contains("\"Ada Byron\" has no e-mail") })
  }

  @Test("an inline photo Google's Photo column (a URL) cannot hold is reported, not dropped silently")
  func googleInlinePhoto() throws {
    var c = Contact()
    c.name = PersonName(given: "John", family: "Doe")
    c.photo = .data([0xFF, 0xD8, 0xFF, 0xE0], mediaType: "image/jpeg")
    let (bytes, diagnostics) = try write([.contact(c)], variant: "google")
    #expect(try rows(bytes)[1][15] == "")
    #expect(diagnostics.contains { $0.code == "unmapped" && $0.message.contains("inline data") })
    c.photo = .uri("https://example.com/john.jpg")
    let (uri, quiet) = try write([.contact(c)], variant: "google")
    #expect(try rows(uri)[1][15] == "https://example.com/john.jpg")
    #expect(quiet.isEmpty)
  }

  @Test("a phone number with an extension reaches the importer without a formula-protection quote")
  func phoneExtensionsStayPhones() throws {
    for phone in ["+1 415 555 0100 x12", "+44 (0)20 7946 0000 ext. 5", "+1 415 555 0100 EXT 12", "+1 415 555 0100 #12",
      "+1 415 555 0100 extn.7", "+1 212 555 0100 ::: +1 212 555 0101 x7"]
    {
      #expect(!FormulaProtection.needsPrefix(phone, phoneColumn: true), "\(phone)")
      #expect(FormulaProtection.needsPrefix(phone, phoneColumn: false), "\(phone)")
    }
    // Anything else after the digits is still neutralised.
    for hostile in ["+1 ext(5)", "+1 x", "+x12", "+1 x12|cmd", "+1 EXP(1)", "+1 e5", "+1 x12!A0", "+1 ext. =1"] {
      #expect(FormulaProtection.needsPrefix(hostile, phoneColumn: true), "\(hostile)")
    }
    let input = "First Name,Last Name,E-mail Address,Business Phone,Mobile Phone\r\n"
      + "Ada,Byron,ada@x.example,+1 415 555 0100 x12,+44 (0)20 7946 0000 ext. 5\r\n"
    let records = read(input, variant: "outlook").records
    let exchange = try rows(write(records, variant: "exchange").bytes)
    #expect(exchange[1][8] == "+1 415 555 0100 x12")
    #expect(exchange[1][9] == "+44 (0)20 7946 0000 ext. 5")
  }

  @Test("Exchange reports a phonetic name it has no column for")
  func exchangePhoneticName() throws {
    var c = Contact()
    c.name = PersonName(given: "Tarō", family: "Yamada", phoneticGiven: "たろう")
    c.emails = [EmailAddress("taro@example.jp")]
    let (bytes, diagnostics) = try write([.contact(c)], variant: "exchange")
    #expect(try rows(bytes)[1][19] == "phonetic name: たろう")
    #expect(diagnostics.contains { $0.code == "overflow" })
  }

  @Test("Outlook's e-mail display name does not become a Google e-mail label; other phone kinds keep a label")
  func googleLabelsFromOutlook() throws {
    let input = "First Name,Last Name,E-mail Address,E-mail Display Name,Car Phone,Assistant's Phone\r\n"
      + "Robin,Example,robin@contoso.example,Robin Example (robin@contoso.example),+1 415 555 0101,+1 415 555 0102\r\n"
    let records = read(input, variant: "outlook").records
    let table = try rows(write(records, variant: "google").bytes)
    func cell(_ name: String) -> String { table[0].firstIndex(of: name).map { table[1][$0] } ?? "?" }
    #expect(cell("E-mail 1 - Value") == "robin@contoso.example")
    #expect(cell("E-mail 1 - Label") == "")
    let phones = [cell("Phone 1 - Label"), cell("Phone 1 - Value"), cell("Phone 2 - Label"), cell("Phone 2 - Value")]
    #expect(phones == ["Assistant", "+1 415 555 0102", "Car", "+1 415 555 0101"])
  }

  @Test("a series with no occurrence in the window is a warning the user sees, for both calendar layouts")
  func pastSeriesIsWarned() throws {
    var e = Event()
    e.summary = "Old standup"
    e.start = .zoned(LocalDateTime(date: LocalDate(year: 2020, month: 1, day: 6), time: LocalTime(hour: 9, minute: 0, second: 0)), zone: "Europe/Berlin")
    e.end = .zoned(LocalDateTime(date: LocalDate(year: 2020, month: 1, day: 6), time: LocalTime(hour: 9, minute: 15, second: 0)), zone: "Europe/Berlin")
    e.recurrence = Recurrence(rule: RecurrenceRule.parse("FREQ=WEEKLY;COUNT=10"))
    for variant in ["outlook-calendar", "google-calendar"] {
      let (bytes, diagnostics) = try write([.event(e)], variant: variant) {
        $0.calendar.expandFrom = LocalDate(year: 2025, month: 1, day: 1)
        $0.calendar.expandUntil = LocalDate(year: 2025, month: 12, day: 31)
        $0.calendar.zone = "Europe/Berlin"
      }
      #expect(try rows(bytes).count == 1)
      let warning = diagnostics.first { $0.severity == .warning && $0.code == "skipped" }
      #expect(warning?.message.contains("has no occurrence from 2025-01-01 to 2025-12-31") == true)
    }
  }

  @Test("with no window asked for, a finite series is written whole and an endless one in the default window")
  func finiteSeriesWhole() throws {
    var e = Event()
    e.summary = "Old standup"
    e.start = .zoned(LocalDateTime(date: LocalDate(year: 2020, month: 1, day: 6), time: LocalTime(hour: 9, minute: 0, second: 0)), zone: "Europe/Berlin")
    e.end = .zoned(LocalDateTime(date: LocalDate(year: 2020, month: 1, day: 6), time: LocalTime(hour: 9, minute: 15, second: 0)), zone: "Europe/Berlin")
    e.recurrence = Recurrence(rule: RecurrenceRule.parse("FREQ=WEEKLY;COUNT=10"))
    for variant in ["outlook-calendar", "google-calendar"] {
      let (bytes, diagnostics) = try write([.event(e)], variant: variant) { $0.calendar.zone = "Europe/Berlin" }
      let table = try rows(bytes)
      #expect(table.count == 11)
      #expect(table.dropFirst().first?[1].hasSuffix("/2020") == true)
      #expect(diagnostics.contains { $0.message.contains("expanded to 10 rows, the whole series") })
    }
    // An endless series from 2020: the default window (today and a year on) still bounds it.
    e.recurrence = Recurrence(rule: RecurrenceRule.parse("FREQ=YEARLY"))
    let (bytes, _) = try write([.event(e)], variant: "google-calendar") { $0.calendar.zone = "Europe/Berlin" }
    let years = try rows(bytes).dropFirst().map { Int($0[1].suffix(4)) ?? 0 }
    #expect(!years.isEmpty && years.allSatisfy { $0 > 2025 })
  }

  @Test("Outlook's calendar CSV says once that attendee e-mail addresses are left out")
  func attendeeEmailsReported() throws {
    var e = Event()
    e.summary = "Sync"
    e.start = .utc(LocalDateTime(date: LocalDate(year: 2025, month: 5, day: 30), time: LocalTime(hour: 9, minute: 0, second: 0)))
    e.attendees = [Attendee(email: "ben@x.example", name: "Okafor, Ben"), Attendee(email: "ann@x.example")]
    let (bytes, diagnostics) = try write([.event(e), .event(e)], variant: "outlook-calendar") { $0.calendar.zone = "UTC" }
    let table = try rows(bytes)
    #expect(table[1][10] == "Okafor, Ben;ann@x.example")
    #expect(diagnostics.filter { $0.code == "unmapped" && $0.message.contains("e-mail addresses are left out") }.count == 1)
  }

  @Test("Google Calendar's required Subject is never empty")
  func googleCalendarSubject() throws {
    var e = Event()
    e.start = .date(LocalDate(year: 2025, month: 5, day: 30))
    e.end = .date(LocalDate(year: 2025, month: 5, day: 31))
    e.isAllDay = true
    let (bytes, diagnostics) = try write([.event(e)], variant: "google-calendar")
    let table = try rows(bytes)
    #expect(table[1][0] == "(No title)")
    #expect(diagnostics.contains { $0.code == "missing" })
    // Outlook has no such rule: the cell stays empty.
    #expect(try rows(write([.event(e)], variant: "outlook-calendar").bytes)[1][0] == "")
  }
}
