import FerryModel
import Testing

@testable import FerryPush

@Suite("Push adoption through FerryMatch")
struct PushMatchAdoptionTests {
  static let rep = Owner(email: "alice.rep@example.com")

  static func contact(
    id: String?, given: String, family: String, phone: String?, organization: String?, uid: String? = nil,
    street: String? = nil, email: String? = nil
  ) -> Record {
    var c = Contact()
    c.name = PersonName(given: given, family: family)
    if let phone { c.phones = [PhoneNumber(phone, types: ["work"])] }
    if let email { c.emails = [EmailAddress(email, types: ["work"])] }
    if let street {
      var a = PostalAddress()
      a.street = street
      a.locality = "Springfield"
      a.postalCode = "10001"
      c.addresses = [a]
    }
    c.organization = organization
    c.uid = uid
    if let id {
      c.source = SourceIdentity(system: "salesforce", objectType: "Contact", recordId: id)
      c.owner = rep
    } else {
      c.source = SourceIdentity(system: "outlook")
    }
    return .contact(c)
  }

  static func plan(crm: [Record], mailbox: [Record]) throws -> PushPlan {
    var settings = PushSettings()
    settings.objects = .contacts
    return try Planner.plan(
      records: crm, settings: settings, targets: [.contact: "vcard/outlook"], ledger: LedgerSnapshot(),
      today: LocalDate(year: 2026, month: 1, day: 1),
      providerRecords: mailbox.map { (mailbox: "alice.rep@example.com", record: $0) })
  }

  // No e-mail; a nickname (Bob for Robert), a one-letter family-name variant and another phone
  // style: the old exact rules (same phone digits and family name, same name and organisation)
  // find nothing here; FerryMatch links it by phone and name.
  @Test("a nickname with another phone style and no e-mail is adopted by FerryMatch's rule")
  func nicknameAndPhone() throws {
    let crm = [
      Self.contact(id: "003000000000011AAA", given: "Robert", family: "Smith", phone: "+1 (415) 555-0123", organization: "Acme Corp"),
      Self.contact(id: "003000000000012AAA", given: "Dorothy", family: "Vaughan", phone: "+1 757 555 0199", organization: "NACA"),
    ]
    let mailbox = [
      Self.contact(id: nil, given: "Bob", family: "Smyth", phone: "415.555.0123", organization: "ACME corp", uid: "AAMkMATCH001"),
      Self.contact(id: nil, given: "Grace", family: "Hopper", phone: "212 555 0102", organization: "Navy", uid: "AAMkMATCH002"),
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    let updates = plan.entries.filter { $0.action == .update }
    #expect(updates.map(\.crmId) == ["003000000000011AAA"])
    let adopted = try #require(updates.first)
    #expect(adopted.providerId == "AAMkMATCH001")
    #expect(adopted.origin == .adopted)
    #expect(adopted.adoptedBy == "phone+name")
    #expect((adopted.adoptionScore ?? 0) >= 15)
    #expect(adopted.record?.contact?.uid == "AAMkMATCH001")
    #expect(adopted.reason.contains("phone+name"))
    #expect(plan.totals.create == 1 && plan.totals.update == 1)
    #expect(plan.entries.first { $0.action == .create }?.crmId == "003000000000012AAA")
  }

  // Two CRM contacts that both match one mailbox item: the better link wins, and the item is
  // adopted once; the other contact is created.
  @Test("a mailbox item is adopted once, by the best-scoring CRM contact")
  func oneToOne() throws {
    let crm = [
      Self.contact(id: "003000000000021AAA", given: "Rob", family: "Smith", phone: "+1 415 555 0199", organization: "Other Inc"),
      Self.contact(id: "003000000000022AAA", given: "Robert", family: "Smith", phone: "+1 (415) 555-0123", organization: "Acme Corp"),
    ]
    let mailbox = [
      Self.contact(id: nil, given: "Robert", family: "Smith", phone: "415.555.0123", organization: "Acme Corp", uid: "AAMkMATCH009")
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.entries.filter { $0.action == .update }.map(\.crmId) == ["003000000000022AAA"])
    #expect(plan.totals.create == 1)
  }

  // The office switchboard that two CRM contacts carry is shared: the mailbox's "Mario
  // Garcia" (a one-letter given-name change) is not taken for the CRM's "Maria Garcia" through
  // it, while the CRM's "Tom Baker" still adopts his own item (same name) through it.
  @Test("a phone several CRM contacts share adopts only when the names agree")
  func sharedOfficePhone() throws {
    let crm = [
      Self.contact(id: "003000000000031AAA", given: "Maria", family: "Garcia", phone: "+1 212 555 0190", organization: "Acme Corp"),
      Self.contact(id: "003000000000032AAA", given: "Tom", family: "Baker", phone: "(212) 555-0190", organization: "Acme Corp"),
    ]
    let mailbox = [
      Self.contact(id: nil, given: "Mario", family: "Garcia", phone: "212.555.0190", organization: "Acme", uid: "AAMkSHARED01"),
      Self.contact(id: nil, given: "Tom", family: "Baker", phone: "2125550190", organization: "Acme", uid: "AAMkSHARED02"),
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.entries.filter { $0.action == .update }.map(\.crmId) == ["003000000000032AAA"])
    #expect(plan.entries.first { $0.action == .update }?.providerId == "AAMkSHARED02")
    #expect(plan.entries.filter { $0.action == .create }.map(\.crmId) == ["003000000000031AAA"])
  }

  // The same one-letter change with the shared number known only from the mailbox (two
  // people there carry it).
  @Test("a phone several mailbox contacts share adopts only when the names agree")
  func sharedInTheMailbox() throws {
    let crm = [
      Self.contact(id: "003000000000041AAA", given: "Maria", family: "Garcia", phone: "+1 212 555 0191", organization: "Acme Corp")
    ]
    let mailbox = [
      Self.contact(id: nil, given: "Mario", family: "Garcia", phone: "212.555.0191", organization: "Acme", uid: "AAMkSHARED11"),
      Self.contact(id: nil, given: "Ines", family: "Okoro", phone: "212 555 0191", organization: "Acme", uid: "AAMkSHARED12"),
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.totals.update == 0 && plan.totals.create == 1)
  }

  // Names, address and organisation alone link these two in a dedupe (name+address), but
  // adoption needs an e-mail, phone or id that counted.
  @Test("names, address and organisation alone do not adopt")
  func contactPointNeeded() throws {
    let crm = [
      Self.contact(
        id: "003000000000051AAA", given: "Maria", family: "Garcia", phone: nil, organization: "Acme Corp",
        street: "100 Main Street")
    ]
    let mailbox = [
      Self.contact(id: nil, given: "Mario", family: "Garcia", phone: nil, organization: "Acme", uid: "AAMkADDR01", street: "100 Main St")
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.totals.update == 0 && plan.totals.create == 1)
    // the same pair with one personal e-mail address adopts
    let withEmail = try Self.plan(
      crm: [
        Self.contact(
          id: "003000000000051AAA", given: "Maria", family: "Garcia", phone: nil, organization: "Acme Corp",
          street: "100 Main Street", email: "maria.garcia@acme.example")
      ],
      mailbox: [
        Self.contact(
          id: nil, given: "Maria", family: "Garcia", phone: nil, organization: "Acme", uid: "AAMkADDR01", street: "100 Main St",
          email: "Maria.Garcia@acme.example")
      ])
    #expect(withEmail.entries.first { $0.action == .update }?.adoptedBy == "email+name")
  }

  // A role address is not enough either: the CRM's Ann Lee and the mailbox's Bruno Diaz at
  // the same office share info@.
  @Test("a role address does not adopt another person")
  func roleAddress() throws {
    let crm = [
      Self.contact(
        id: "003000000000061AAA", given: "Ann", family: "Lee", phone: nil, organization: "Acme Corp", street: "100 Main Street",
        email: "info@acme.example")
    ]
    let mailbox = [
      Self.contact(
        id: nil, given: "Bruno", family: "Diaz", phone: nil, organization: "Acme", uid: "AAMkROLE01", street: "100 Main Street",
        email: "INFO@acme.example")
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.totals.update == 0 && plan.totals.create == 1)
  }

  // The matcher's narrow rules apply to adoption too (docs/MATCHING.md). Mario and Maria
  // Garcia at one number that nobody else carries: nothing marks it shared, but given names
  // that differ in a gender-marking ending need something personal (an id, a personal e-mail,
  // the birth date) to link, so the CRM contact is created.
  @Test("a gender-marked given name at one phone is not adopted without something personal")
  func genderMarkedGivenName() throws {
    let crm = [
      Self.contact(id: "003000000000081AAA", given: "Maria", family: "Garcia", phone: "+1 212 555 0193", organization: "Acme Corp")
    ]
    let mailbox = [
      Self.contact(id: nil, given: "Mario", family: "Garcia", phone: "212.555.0193", organization: "Acme", uid: "AAMkGENDER01")
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.totals.update == 0 && plan.totals.create == 1)
    // with the same personal e-mail address it is one person with a typo, and adopted
    let withEmail = try Self.plan(
      crm: [
        Self.contact(
          id: "003000000000081AAA", given: "Maria", family: "Garcia", phone: "+1 212 555 0193", organization: "Acme Corp",
          email: "maria.garcia@acme.example")
      ],
      mailbox: [
        Self.contact(
          id: nil, given: "Mario", family: "Garcia", phone: "212.555.0193", organization: "Acme", uid: "AAMkGENDER01",
          email: "maria.garcia@acme.example")
      ])
    #expect(withEmail.entries.first { $0.action == .update }?.providerId == "AAMkGENDER01")
  }

  // A household's number: John and Mary Smith share it; the CRM's John is not Mary's item.
  @Test("a phone two given names share does not adopt")
  func householdPhone() throws {
    let crm = [Self.contact(id: "003000000000082AAA", given: "John", family: "Smith", phone: "+1 303 555 0111", organization: nil)]
    let mailbox = [Self.contact(id: nil, given: "Mary", family: "Smith", phone: "(303) 555-0111", organization: nil, uid: "AAMkHOUSE01")]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.totals.update == 0 && plan.totals.create == 1)
  }

  // A role address written with a display name is a role address.
  @Test("a role address behind a display name does not adopt another person")
  func roleAddressDisplayName() throws {
    let crm = [
      Self.contact(
        id: "003000000000083AAA", given: "Ann", family: "Lee", phone: nil, organization: "Acme Corp", street: "100 Main Street",
        email: "Sales Team <sales@acme.example>")
    ]
    let mailbox = [
      Self.contact(
        id: nil, given: "Bruno", family: "Diaz", phone: nil, organization: "Acme", uid: "AAMkROLE02", street: "100 Main Street",
        email: "Sales Team <sales@acme.example>")
    ]
    let plan = try Self.plan(crm: crm, mailbox: mailbox)
    #expect(plan.totals.update == 0 && plan.totals.create == 1)
  }

  // Birth years a generation apart (one digit: 1952, 1982) at one household number.
  @Test("a namesake a generation apart at one phone is not adopted")
  func birthYearsApart() throws {
    func person(_ id: String?, _ birth: String, uid: String? = nil) -> Record {
      guard var c = Self.contact(id: id, given: "John", family: "Smith", phone: "+1 303 555 0111", organization: nil, uid: uid).contact
      else { return Self.contact(id: id, given: "", family: "", phone: nil, organization: nil) }
      c.birthday = LocalDate(iso: birth).map { PartialDate($0) }
      return .contact(c)
    }
    let plan = try Self.plan(crm: [person("003000000000084AAA", "1952-04-11")], mailbox: [person(nil, "1982-04-11", uid: "AAMkYEARS01")])
    #expect(plan.totals.update == 0 && plan.totals.create == 1)
    let same = try Self.plan(crm: [person("003000000000084AAA", "1952-04-11")], mailbox: [person(nil, "1952-04-11", uid: "AAMkYEARS01")])
    #expect(same.totals.update == 1)
  }
}
