@testable import ferry
import FerryModel
import FerryPush
import Foundation
import Testing

/// `writePushReport` streams the entries; the file must equal the one `JSONEncoder` writes of
/// the whole report, byte for byte.
@Suite("push report streaming")
struct PushReportTests {
  static func entry(
    _ action: PlanEntry.Action, _ kind: RecordKind, _ id: String, name: String, reason: String = "new in the CRM"
  ) -> PlanEntry {
    var e = PlanEntry(action: action, kind: kind, crmId: id, name: name, reason: reason)
    e.rep = "rep0@example.com"
    e.providerId = "ferry-\(id)@ferry"
    return e
  }

  static func compare(_ plan: PushPlan) throws {
    let dir = NSTemporaryDirectory() + "ferry-report-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let printer = DiagnosticPrinter(strict: false, quiet: true)
    printer.sink.warning("a warning with \"quotes\" and a line\nbreak", code: "unmapped")
    var applied = ApplyResult()
    applied.files["rep0@example.com"] = ["rep0@example.com/run-0001/contacts.ndjson"]
    var seconds = PushReport.Seconds()
    seconds.read = 1.25
    seconds.plan = 0.1
    try writeJSONReport(
      PushReport(plan: plan, applied: applied, dryRun: false, printer: printer, seconds: seconds), to: dir + "/whole.json")
    try writePushReport(plan: plan, applied: applied, dryRun: false, printer: printer, seconds: seconds, to: dir + "/streamed.json")
    let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/whole.json")))
    let streamed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/streamed.json")))
    #expect(whole.count > 100)
    #expect(String(decoding: streamed, as: UTF8.self) == String(decoding: whole, as: UTF8.self))
  }

  @Test("entries of every shape: optional fields, occurrences, scores, text JSON escapes")
  func everyShape() throws {
    var plan = PushPlan(runId: 3)
    let rep = #"{"folder": "rep0@example.com", "mailbox": "rep0@example.com", "name": "Rep"}"#
    plan.reps = [try JSONDecoder().decode(PlanRep.self, from: Data(rep.utf8))]
    plan.totals.create = 2
    plan.entries.append(Self.entry(.create, .contact, "003000000000000AAA", name: "Ada Lovelace"))
    var event = Self.entry(.update, .event, "00U000000000001AAA", name: "Board / review", reason: "summary changed")
    event.sequence = 4
    event.occurrences = OccurrenceChanges(deleted: [.date(LocalDate(year: 2026, month: 1, day: 2))])
    plan.entries.append(event)
    var skipped = PlanEntry(action: .skip, kind: .event, crmId: "00U000000000002AAA", name: "", reason: "filters.events does not match")
    skipped.sequence = 9
    plan.entries.append(skipped)
    var adopted = Self.entry(.update, .contact, "003000000000003AAA", name: "Zoë \"Zed\" Ünal", reason: "adopted")
    adopted.adoptedBy = "email+name"
    adopted.adoptionScore = 12.375
    plan.entries.append(adopted)
    var byRule = Self.entry(.update, .contact, "003000000000004AAA", name: "Tab\there", reason: "phone changed")
    byRule.adoptedBy = "ferry id"
    plan.entries.append(byRule)
    plan.entries.append(Self.entry(.delete, .contact, "003000000000005AAA", name: "back\\slash"))
    var unchanged = Self.entry(.unchanged, .contact, "003000000000006AAA", name: "Not listed")
    unchanged.rep = nil
    plan.entries.append(unchanged)
    var noRep = Self.entry(.skip, .contact, "003000000000007AAA", name: "No rep", reason: "reps.exclude")
    noRep.rep = nil
    noRep.providerId = nil
    plan.entries.append(noRep)
    try Self.compare(plan)
  }

  @Test("a plan that lists no entry, and one of many")
  func emptyAndMany() throws {
    var empty = PushPlan(runId: 1)
    empty.entries.append(Self.entry(.unchanged, .contact, "003000000000000AAA", name: "Same"))
    try Self.compare(empty)
    var many = PushPlan(runId: 2)
    for n in 0..<5000 {
      many.entries.append(Self.entry(.create, n % 2 == 0 ? .contact : .event, "003\(n)", name: "Name \(n)"))
    }
    try Self.compare(many)
  }
}
