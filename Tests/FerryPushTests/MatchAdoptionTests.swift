import FerryModel
import Testing

@testable import FerryPush

@Suite("Push adoption through FerryMatch")
struct PushMatchAdoptionTests {
  static let rep = Owner(email: "alice.rep@example.com")

  static func contact(
    id: String?, given: String, family: String, phone: String, organization: String?, uid: String? = nil
  ) -> Record {
    var c = Contact()
    c.name = PersonName(given: given, family: family)
    c.phones = [PhoneNumber(phone, types: ["work"])]
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
}
