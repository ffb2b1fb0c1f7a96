import FerryModel
import FerryTestSupport
import Testing

@testable import FerryPush

@Suite("FilterExpression")
struct FilterExpressionTests {
  static let today = LocalDate(year: 2026, month: 12, day: 1)

  static func contact(email: String? = nil, categories: [String] = [], family: String = "Lovelace") -> Record {
    var c = Contact()
    c.name = PersonName(given: "Ada", family: family)
    if let email { c.emails = [EmailAddress(email)] }
    c.categories = categories
    c.owner = Owner(id: "005000000000001", name: "Alice Rep", email: "alice.rep@example.com")
    c.raw = [RawProperty(name: "Lead Source", value: "Web", origin: "csv:salesforce")]
    return .contact(c)
  }

  static func event(startDay: Int, privacy: Event.Privacy? = nil) -> Record {
    var e = Event()
    e.summary = "Review"
    e.start = .zoned(LocalDateTime(date: today.adding(days: startDay), time: LocalTime(hour: 10, minute: 0)), zone: "America/New_York")
    e.privacy = privacy
    return .event(e)
  }

  @Test(
    "contact filters",
    arguments: [
      ("email exists", true),
      ("not email exists", false),
      ("email == 'ADA@example.com'", true),
      ("email != 'ada@example.com'", false),
      ("email contains '@EXAMPLE'", true),
      ("family in ['Hopper', 'lovelace']", true),
      ("family in [Hopper, Turing]", false),
      ("categories contains 'vip' or owner.email == alice.rep@example.com", true),
      ("email exists and (family == Hopper or family == Lovelace)", true),
      ("not (email exists and family == Lovelace)", false),
      ("raw.Lead_Source == web", true),
      ("raw.Lead_Source exists and categories exists", false),
      ("owner == 'Alice Rep'", true),
    ])
  func contacts(text: String, expected: Bool) throws {
    let f = try FilterExpression(text, kind: .contact)
    #expect(f.matches(Self.contact(email: "ada@example.com"), today: Self.today) == expected)
  }

  @Test(
    "event date filters relative to today",
    arguments: [
      (-20, false), (-14, true), (0, true), (90, true), (91, false),
    ])
  func eventWindow(day: Int, expected: Bool) throws {
    let f = try FilterExpression("start >= today-14d and start <= today+90d", kind: .event)
    #expect(f.matches(Self.event(startDay: day), today: Self.today) == expected)
  }

  @Test("absolute dates, weeks and privacy")
  func moreEvents() throws {
    let f = try FilterExpression("start < 2026-12-08 and start >= today-2w and privacy != private", kind: .event)
    #expect(f.matches(Self.event(startDay: 3), today: Self.today))
    #expect(!f.matches(Self.event(startDay: 3, privacy: .private), today: Self.today))
    // An event with no CLASS is public, as push writes it.
    let pub = try FilterExpression("privacy == public", kind: .event)
    #expect(pub.matches(Self.event(startDay: 3), today: Self.today))
    #expect(pub.matches(Self.event(startDay: 3, privacy: .public), today: Self.today))
    #expect(!pub.matches(Self.event(startDay: 3, privacy: .confidential), today: Self.today))
    #expect(!f.matches(Self.event(startDay: 7), today: Self.today))
    #expect(!f.matches(Self.event(startDay: -15), today: Self.today))
  }

  @Test(
    "parse errors point at the column",
    arguments: [
      ("email exist", 7, "expected an operator"),
      ("emial exists", 1, "unknown contact field \"emial\""),
      ("email == ", 10, "expected a value"),
      ("(email exists", 14, "expected \")\""),
      ("email exists and", 17, "expected a field name"),
      ("family == 'Lovelace", 11, "quote is not closed"),
      ("family in [a, b", 16, "expected \",\" or \"]\""),
      ("email exists family", 14, "expected \"and\", \"or\" or the end"),
      ("birthday >= today-14x", 13, "not a relative date"),
    ])
  func errors(text: String, column: Int, message: String) throws {
    let origin = SourceLocation(file: "sync.yaml", line: 7, column: 13)
    do {
      _ = try FilterExpression(text, kind: .contact, origin: origin)
      Issue.record("\(text) parsed")
    } catch let error as FerryError {
      #expect(error.kind == .usage)
      #expect(error.message.contains(message), "\(error.message)")
      #expect(error.message.contains("at column \(column)"), "\(error.message)")
      #expect(error.location?.line == 7)
      #expect(error.location?.column == 13 + column - 1)
    }
  }

  @Test("event fields are not contact fields")
  func kinds() throws {
    #expect(throws: FerryError.self) { try FilterExpression("start exists", kind: .contact) }
    #expect(throws: FerryError.self) { try FilterExpression("email exists", kind: .event) }
    _ = try FilterExpression("attendee contains '@acme' and recurring exists", kind: .event)
  }
}

@Suite("DenyList")
struct DenyListTests {
  @Test(
    "default patterns match sensitive CRM columns, not ordinary ones",
    arguments: [
      ("Tax_ID__c", true), ("SSN__c", true), ("Social Security Number", true), ("AccountNumber", true),
      ("Bank_Account_Number__c", true), ("IBAN", true), ("TIN", true), ("Passport_No__c", true),
      ("Lead_Source", false), ("Martin", false), ("Account Name", false), ("Business_Phone__c", false),
      ("Description", false),
    ])
  func defaults(name: String, denied: Bool) {
    #expect(DenyList(patterns: ["@default"]).denies(name) == denied)
  }

  @Test("model fields are removed only when named")
  func modelFields() {
    var c = Contact()
    c.notes = ["secret"]
    c.birthday = PartialDate(year: 1815, month: 12, day: 10)
    c.raw = [RawProperty(name: "SSN__c", value: "1", origin: "csv"), RawProperty(name: "Other", value: "2", origin: "csv")]
    var r = Record.contact(c)
    var deny = DenyList(patterns: ["@default", "birth*"])
    let removed = deny.apply(to: &r)
    #expect(removed == ["SSN__c", "birthday"])
    #expect(r.contact?.notes == ["secret"])
    #expect(r.contact?.birthday == nil)
    #expect(r.contact?.raw.map(\.name) == ["Other"])
  }
}

@Suite("ContentHash")
struct ContentHashTests {
  @Test("stable, and sensitive to every field and to boundaries")
  func hash() {
    var c = Contact()
    c.name = PersonName(given: "Ada", family: "Lovelace")
    c.phones = [PhoneNumber("+1 212 555 0101")]
    let a = ContentHash.of(Record.contact(c))
    #expect(a == ContentHash.of(Record.contact(c)))
    var d = c
    d.phones[0].number = "+1 212 555 0199"
    #expect(ContentHash.of(Record.contact(d)) != a)
    var e = c
    e.categories = ["ab"]
    var f = c
    f.categories = ["a", "b"]
    #expect(ContentHash.of(Record.contact(e)) != ContentHash.of(Record.contact(f)))
    // An address's vCard group counts once set, and an unset one leaves the hash as it was
    // before the field existed (the hash below is pinned: ledgers keep it across versions).
    var g = c
    g.addresses = [PostalAddress(street: "1 Main St")]
    var h = g
    h.addresses[0].group = "item2"
    #expect(ContentHash.of(Record.contact(g)) != ContentHash.of(Record.contact(h)))
    #expect(ContentHash.of(Record.contact(g)) == Self.pinnedAddressHash)
  }

  /// `ContentHash` of the contact above with `1 Main St`, as ferry computed it before
  /// `PostalAddress.group` existed.
  static let pinnedAddressHash: UInt64 = 5_937_861_574_901_998_829

  @Test("every model property is hashed: the counts here change when the model grows")
  func modelShape() {
    // ContentHash+Record.swift hashes these properties by hand; a new model property must be
    // added there, and then here.
    #expect(Mirror(reflecting: Contact()).children.count == 31)
    #expect(Mirror(reflecting: Event()).children.count == 34)
    #expect(Mirror(reflecting: PersonName()).children.count == 8)
    #expect(Mirror(reflecting: PostalAddress()).children.count == 11)
    #expect(Mirror(reflecting: Attendee()).children.count == 8)
    #expect(Mirror(reflecting: Reminder()).children.count == 5)
  }

  @Test("changing any one event field changes the hash")
  func eventFields() {
    var base = Event()
    base.summary = "Review"
    base.start = .utc(LocalDateTime(year: 2026, month: 12, day: 1, hour: 10))
    let h = ContentHash.of(Record.event(base))
    var changes: [(inout Event) -> Void] = [
      { $0.summary = "Review 2" }, { $0.location = "Room" }, { $0.privacy = .private }, { $0.sequence = 1 },
      { $0.attendees = [Attendee(email: "a@example.com")] }, { $0.isAllDay = true },
      { $0.recurrence = Recurrence(rule: RecurrenceRule(frequency: .weekly)) }, { $0.uid = "x" },
      { $0.related = [RelatedRecord(role: .who, id: "003000000000001")] }, { $0.busyStatus = .free },
    ]
    changes.append { $0.raw = [RawProperty(name: "X", value: "1", origin: "ics")] }
    for change in changes {
      var e = base
      change(&e)
      #expect(ContentHash.of(Record.event(e)) != h)
    }
  }
}

@Suite("Normalise")
struct NormaliseTests {
  @Test("the ASCII fast paths agree with the general ones")
  func fastPaths() {
    for name in ["Ada Lovelace", "  O'Brien-Smith, Jr. ", "GRACE\thopper", "x", "R2-D2 unit 7", ""] {
      #expect(Normalise.asciiName(name) == Normalise.foldedName(name), "\(name)")
    }
    #expect(Normalise.name("Édouard  LUCAS") == "edouard lucas")
    #expect(Normalise.name("O'Brien-Smith") == "obrien smith")
    #expect(Normalise.email(" Mailto:Ada@Example.COM ") == "ada@example.com")
    #expect(Normalise.email("ada@example.com") == "ada@example.com")
    #expect(Normalise.phone("+1 (212) 555-0101 x12") == "2125550101")
  }
}
