import FerryModel
import Testing

@testable import FerryPush

/// Calendar clients ignore an update or a cancel whose SEQUENCE is not above their copy's.
@Suite("push: SEQUENCE above the mailbox's copy")
struct PushSequenceTests {
  static let crmId = "00U000000000001EAA"

  static func event(sequence: Int?, uid: String?, crm: Bool, summary: String = "Quarterly review") -> Record {
    var e = Event()
    e.summary = summary
    e.start = .zoned(LocalDateTime(iso: "2026-12-04T10:00:00")!, zone: "America/New_York")
    e.end = .zoned(LocalDateTime(iso: "2026-12-04T11:00:00")!, zone: "America/New_York")
    e.sequence = sequence
    e.uid = uid
    if crm {
      e.source = SourceIdentity(system: "salesforce", objectType: "Event", recordId: crmId)
      e.owner = Owner(email: "alice.rep@example.com")
    }
    return .event(e)
  }

  static func plan(crm: [Record], mailbox: [Record]) throws -> PushPlan {
    var settings = PushSettings()
    settings.objects = .events
    return try Planner.plan(
      records: crm, settings: settings, targets: [.event: "ics/outlook"], ledger: LedgerSnapshot(),
      today: LocalDate(year: 2026, month: 12, day: 1),
      providerRecords: mailbox.map { (mailbox: "alice.rep@example.com", record: $0) })
  }

  @Test("an item found by its ferry UID at SEQUENCE 2 (the ledger was lost) is updated at 3")
  func foundByFerryId() throws {
    let mailbox = Self.event(sequence: 2, uid: "ferry-\(Self.crmId)@ferry", crm: false, summary: "Old title")
    let plan = try Self.plan(crm: [Self.event(sequence: nil, uid: nil, crm: true)], mailbox: [mailbox])
    let update = try #require(plan.entries.first { $0.action == .update })
    #expect(update.sequence == 3)
    guard case .event(let written)? = update.record else {
      Issue.record("no event written")
      return
    }
    #expect(written.sequence == 3)
  }
}
