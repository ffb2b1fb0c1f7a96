import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryPush

@Suite("Salesforce ids in the planner")
struct SalesforceIdTests {
  /// crm.ndjson with every 18-character record id cut to its 15-character form.
  static func shortIds(in box: PushSandbox) throws -> String {
    let text = try String(contentsOfFile: Fixtures.path("push/crm.ndjson"), encoding: .utf8)
    let pattern = try NSRegularExpression(pattern: #""recordId": "([0-9A-Za-z]{15})[A-Z0-5]{3}""#)
    let short = pattern.stringByReplacingMatches(
      in: text, range: NSRange(text.startIndex..., in: text), withTemplate: #""recordId": "$1""#)
    #expect(short != text)
    let path = box.directory + "/crm15.ndjson"
    try short.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("15-character ids in NDJSON find the items pushed under their 18-character form")
  func fifteenAfterEighteen() throws {
    let box = try PushSandbox()
    box.settings.deletions = .propagate
    try box.push()
    let plan = try box.plan([try Self.shortIds(in: box)])
    #expect(plan.isEmpty)
    #expect(plan.totals.unchanged == 22)
  }

  @Test("a first push of 15-character ids writes the 18-character id and UID")
  func fifteenFirst() throws {
    let box = try PushSandbox()
    let (plan, _) = try box.push([try Self.shortIds(in: box)])
    #expect(plan.entries.contains { $0.crmId == "003000000000002AAA" && $0.action == .create })
    #expect(plan.entries.allSatisfy { $0.crmId.isEmpty || $0.crmId.count == 18 })
    let grace = try #require(plan.entries.first { $0.crmId == "003000000000002AAA" }?.record?.contact)
    #expect(grace.uid == "ferry-003000000000002AAA@ferry")
    #expect(grace.source?.recordId == "003000000000002AAA")
    #expect(try box.plan().isEmpty)
  }

  @Test("case-safe ids: 15 characters upgraded for Salesforce only")
  func upgrade() {
    // As a decoder fills them in (JSON), without SourceIdentity.init, which upgrades any id.
    var c = Contact()
    c.source = SourceIdentity(system: "salesforce")
    c.source?.recordId = "003000000000002"
    #expect(Planner.caseSafeIds(.contact(c)).contact?.source?.recordId == "003000000000002AAA")
    c.source = SourceIdentity(system: "hubspot")
    c.source?.recordId = "003000000000002"
    #expect(Planner.caseSafeIds(.contact(c)).contact?.source?.recordId == "003000000000002")
  }
}
