@testable import FerryPush
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

  @Test("the ledger records upserts handed over one at a time")
  func ledgerTakesASequence() throws {
    let sandbox = try PushSandbox()
    let path = sandbox.ledger
    let ledger = try Ledger(path: path)
    func entry(_ n: Int) -> LedgerEntry {
      let id = "003\(n)"
      let hash = UInt64(n)
      return LedgerEntry(
        target: "ndjson", mailbox: "rep\(n % 3)@example.com", crmId: id, kind: .contact, name: "Name \(n)",
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
