@testable import FerryPush
import FerryModel
import Testing

@Suite("Plan order")
struct PlanOrderTests {
  @Test("permuting in place puts element order[k] at k, as order.map would")
  func permuteInPlace() {
    var generator = SystemRandomNumberGenerator()
    for count in [0, 1, 2, 7, 100, 1000] {
      let elements = (0..<count).map { "e\($0)" }
      // Fixed points, long cycles and short ones: a shuffle has all of them.
      for _ in 0..<5 {
        let order = Array(0..<count).shuffled(using: &generator)
        var permuted = elements
        Planner.permute(&permuted, by: order)
        #expect(permuted == order.map { elements[$0] })
      }
    }
    // The identity and one cycle over everything.
    var same = ["a", "b", "c"]
    Planner.permute(&same, by: [0, 1, 2])
    #expect(same == ["a", "b", "c"])
    var rotated = ["a", "b", "c", "d"]
    Planner.permute(&rotated, by: [1, 2, 3, 0])
    #expect(rotated == ["b", "c", "d", "a"])
  }

  @Test("the ledger records upserts handed over one at a time, empty and non-ASCII names as given")
  func ledgerTakesASequence() throws {
    let sandbox = try PushSandbox()
    let path = sandbox.ledger
    let ledger = try Ledger(path: path)
    func entry(_ n: Int) -> LedgerEntry {
      let id = "003\(n)"
      let hash = UInt64(n)
      return LedgerEntry(
        target: "ndjson", mailbox: "rep\(n % 3)@example.com", crmId: id, kind: .contact,
        name: n % 10 == 0 ? "" : "Nöme \(n)",
        providerId: "ferry-" + id + "@ferry", origin: .created, contentHash: hash &* 7, fingerprint: hash &* 11,
        sequence: n % 4, runId: 1, previousFingerprint: hash, overriddenFingerprint: hash &+ 1)
    }
    let upserts = (0..<2500).lazy.map(entry)
    try ledger.record(run: LedgerRun(id: 1, time: "2026-12-01T00:00:00Z", settingsHash: 5, counts: "{}"), upserts: upserts, deletes: [])
    let snapshot = try Ledger.snapshot(path: path)
    #expect(snapshot.entries.count == 2500)
    let sorted = Array(upserts).sorted { ($0.mailbox, $0.crmId) < ($1.mailbox, $1.crmId) }
    #expect(snapshot.entries == sorted)
    #expect(snapshot.nextRunId == 2)
  }
}

@Suite("Compact plan entries")
struct CompactPlanEntryTests {
  static func event() -> Record {
    var e = Event()
    e.summary = "Board"
    return .event(e)
  }

  @Test("the rarely filled fields read back as set, and a create holds no box for them")
  func roundTrip() {
    var entry = PlanEntry(action: .create, kind: .event, crmId: "00U000000000001AAA", name: "Board", reason: "new in the CRM")
    #expect(entry.extras == nil)
    entry.adoptedBy = nil
    entry.occurrenceRecords = []
    #expect(entry.extras == nil)
    let row = LedgerOccurrence(
      target: "ews", mailbox: "a@example.com", crmId: "00U000000000001AAA", occurrence: "20260102", action: .delete,
      contentHash: 0, seriesHash: 9, runId: 2)
    entry.adoptedBy = "same UID"
    entry.adoptionScore = 4.5
    entry.previous = Self.event()
    entry.occurrences = OccurrenceChanges(seriesUnchanged: true)
    entry.occurrenceRecords = [row]
    entry.forgottenOccurrences = ["20260103"]
    #expect(entry.adoptedBy == "same UID")
    #expect(entry.adoptionScore == 4.5)
    #expect(entry.previous == Self.event())
    #expect(entry.occurrences?.seriesUnchanged == true)
    #expect(entry.occurrenceRecords == [row])
    #expect(entry.forgottenOccurrences == ["20260103"])
    entry.adoptionScore = nil
    entry.occurrences = nil
    #expect(entry.adoptionScore == nil)
    #expect(entry.occurrences == nil)
    #expect(entry.adoptedBy == "same UID")
  }

  @Test("a copy of an entry is a value: changing one leaves the other as it was")
  func copiesAreValues() {
    var a = PlanEntry(action: .update, kind: .contact, crmId: "003000000000001AAA", name: "Ada", reason: "phone changed")
    a.adoptedBy = "email+name"
    a.forgottenOccurrences = ["x"]
    var b = a
    b.adoptedBy = "phone+name"
    b.forgottenOccurrences.append("y")
    #expect(a.adoptedBy == "email+name")
    #expect(a.forgottenOccurrences == ["x"])
    #expect(b.adoptedBy == "phone+name")
    #expect(b.forgottenOccurrences == ["x", "y"])
    let c = b
    b.adoptionScore = 1
    #expect(c.adoptionScore == nil)
    #expect(b.adoptionScore == 1)
  }
}

@Suite("Compact provider ids")
struct CompactProviderIdTests {
  @Test("a create's provider id is ferry's UID of its CRM id, made when read; setting one replaces it")
  func ferryUID() {
    var entry = PlanEntry(action: .create, kind: .contact, crmId: "003000000000001AAA", name: "Ada", reason: "new in the CRM")
    #expect(entry.providerId == nil)
    entry.useFerryUID()
    #expect(entry.providerId == "ferry-003000000000001AAA@ferry")
    #expect(entry.providerId == Planner.ferryUID("003000000000001AAA"))
    // A changed CRM id keeps the UID the entry was given.
    entry.crmId = "003000000000002AAA"
    #expect(entry.providerId == "ferry-003000000000001AAA@ferry")
    entry.useFerryUID()
    entry.providerId = "AAMkAD-item"
    entry.crmId = "003000000000003AAA"
    #expect(entry.providerId == "AAMkAD-item")
    entry.providerId = nil
    #expect(entry.providerId == nil)
  }

  @Test("a first push plans creates with ferry's UIDs, and the ledger records them")
  func plannedCreates() throws {
    let sandbox = try PushSandbox()
    let plan = try sandbox.plan()
    let creates = plan.entries.filter { $0.action == .create }
    #expect(!creates.isEmpty)
    for entry in creates { #expect(entry.providerId == Planner.ferryUID(entry.crmId)) }
    _ = try sandbox.run().apply(plan, diagnostics: .ignore)
    let ledger = try Ledger.snapshot(path: sandbox.ledger)
    let recorded = Dictionary(ledger.entries.map { ($0.crmId, $0.providerId) }, uniquingKeysWith: { a, _ in a })
    for entry in creates { #expect(recorded[entry.crmId] == Planner.ferryUID(entry.crmId)) }
  }
}

@Suite("Record prefetch")
struct RecordPrefetchTests {
  static func entries(_ count: Int, spool: RecordSpool) throws -> [PlanEntry] {
    try (0..<count).map { n in
      var entry = PlanEntry(action: .create, kind: .contact, crmId: "003\(n)", name: "N\(n)", reason: "new in the CRM")
      // Every seventh entry has no record (a delete's entry may carry none).
      if n % 7 != 3 {
        var c = Contact()
        c.formattedName = "Contact \(n)"
        entry.record = .contact(c)
        try entry.spoolRecord(into: spool)
      }
      return entry
    }
  }

  @Test("records come out in the order asked, across chunks, spooled or in memory, none where none is")
  func inOrder() throws {
    let spool = RecordSpool(memoryLimit: 40)
    let all = try Self.entries(1000, spool: spool)
    let order = Array((0..<1000).reversed()).filter { $0 % 5 != 0 }
    let prefetch = RecordPrefetch(entries: all, indexes: order, chunkSize: 16, depth: 2)
    defer { prefetch.stop() }
    for i in order {
      let record = try prefetch.next()
      #expect(record == (i % 7 == 3 ? nil : try all[i].loadRecord()))
      #expect(record?.contact?.formattedName == (i % 7 == 3 ? nil : "Contact \(i)"))
    }
  }

  @Test("stopping early lets the reading thread end: the applier gave up after a few records")
  func stopsEarly() throws {
    let spool = RecordSpool(memoryLimit: 0)
    let all = try Self.entries(500, spool: spool)
    let prefetch = RecordPrefetch(entries: all, indexes: Array(0..<500), chunkSize: 8, depth: 1)
    #expect(try prefetch.next()?.contact?.formattedName == "Contact 0")
    prefetch.stop()
    // A second prefetch over the same spool still reads everything.
    let again = RecordPrefetch(entries: all, indexes: [499, 0], chunkSize: 8, depth: 1)
    #expect(try again.next()?.contact?.formattedName == "Contact 499")
    #expect(try again.next()?.contact?.formattedName == "Contact 0")
  }
}
