import FerryTestSupport
import Foundation
import Testing

/// An admin who exports the mailbox less often than ferry pushes: the summary says the export
/// is older than the last push, and the run changes nothing.
@Suite("push with an old mailbox export (real binary)")
struct PushStaleExportTests {
  @Test("run 3 with the export taken after run 1: nothing to do, and the summary says why")
  func olderExport() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-stale-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let common = [
      "--to", "ndjson", "--today", "2026-12-01", "--out", dir + "/out", "--ledger", dir + "/ledger.sqlite",
      "--objects", "contacts", "--rep", "alice.rep@example.com",
    ]
    let first = try runFerry(["push", "--from", "fixtures/push/crm.ndjson"] + common)
    #expect(first.status == 0)
    let export = try #require(
      FileManager.default.subpaths(atPath: dir + "/out")?.first { $0.hasSuffix("run-0001/contacts.ndjson") })
    let crm = try String(contentsOfFile: Fixtures.path("push/crm.ndjson"), encoding: .utf8)
    let changed = dir + "/crm.ndjson"
    try crm.replacingOccurrences(of: "Analytical Engines Ltd", with: "Analytical Engines plc")
      .write(toFile: changed, atomically: true, encoding: .utf8)
    let second = try runFerry(["push", "--from", changed] + common)
    #expect(second.stdout.contains("rep alice.rep@example.com (Alice Rep): 0 create, 1 update, 0 delete, 5 unchanged"))
    let third = try runFerry(
      ["push", "--from", changed, "--provider-export", "alice.rep@example.com=" + dir + "/out/" + export] + common)
    #expect(third.status == 0)
    #expect(third.stdout.contains("mailbox export older than run 2: 1 item as before ferry's last push, not counted as changed in the mailbox"))
    #expect(third.stdout.contains("nothing to do"))
    #expect(!third.stdout.contains("overwritten"))
  }
}
