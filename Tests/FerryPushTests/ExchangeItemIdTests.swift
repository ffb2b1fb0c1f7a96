import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryPush

/// EWS UpdateItem/DeleteItem and Graph PATCH/DELETE address an item by the mailbox's own id,
/// which only a mailbox export gives: without it, an update or delete is an error, nothing is
/// written for it and the ledger keeps the old state.
@Suite("EWS and Graph item ids")
struct ExchangeItemIdTests {
  /// A mailbox export (EWS items, as GetItem returns them) holding Grace Hopper with her
  /// Exchange item id and ferry's `FerryCrmId`.
  static let ewsExport = """
    <?xml version="1.0" encoding="utf-8"?>
    <Items xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <t:Contact>
        <t:ItemId Id="AAMkGraceHopper=" ChangeKey="EQAAAGrace"/>
        <t:ExtendedProperty>
          <t:ExtendedFieldURI PropertySetId="8b1a6a4e-3f1d-4c57-9f0e-5d2b7c9e4a61" PropertyName="FerryCrmId" PropertyType="String"/>
          <t:Value>003000000000002AAA</t:Value>
        </t:ExtendedProperty>
        <t:DisplayName>Grace Hopper</t:DisplayName>
        <t:GivenName>Grace</t:GivenName>
        <t:Surname>Hopper</t:Surname>
        <t:EmailAddresses><t:Entry Key="EmailAddress1">grace@navy.example</t:Entry></t:EmailAddresses>
      </t:Contact>
    </Items>
    """

  func sandbox(_ format: String) throws -> PushSandbox {
    let box = try PushSandbox()
    box.to = [format]
    box.settings.includeReps = [.init(email: "alice.rep@example.com", folder: "alice")]
    return box
  }

  @Test("an update with no mailbox export is an error: no file, no ledger change, retried next run", arguments: ["ews", "graph"])
  func updateWithoutExport(format: String) throws {
    let box = try sandbox(format)
    try box.push()
    let ledgerBefore = try box.ledgerDump()
    let (plan, applied) = try box.push(["push/crm-phone-changed.ndjson"])
    #expect(plan.totals.update == 0)
    #expect(plan.unaddressable.map(\.crmId) == ["003000000000002AAA"])
    #expect(plan.unaddressable.first?.action == .update)
    #expect(plan.unaddressable.first?.format == format)
    let skipped = try #require(plan.entries.first { $0.crmId == "003000000000002AAA" })
    #expect(skipped.action == .skip)
    #expect(skipped.reason.contains("--provider-export"))
    #expect(applied.files.isEmpty)
    #expect(!box.files().keys.contains { $0.hasPrefix("alice/run-0002/") })
    #expect(try box.ledgerDump() == ledgerBefore)
    // The next run sees the same change again.
    #expect(try box.plan(["push/crm-phone-changed.ndjson"]).unaddressable.count == 1)
  }

  @Test("a delete with no mailbox export is an error and the ledger keeps the item", arguments: ["ews", "graph"])
  func deleteWithoutExport(format: String) throws {
    let box = try sandbox(format)
    box.settings.includeReps = [.init(email: "bob.rep@example.com", folder: "bob")]
    box.settings.deletions = .propagate
    try box.push()
    let ledgerBefore = try box.ledgerDump()
    let (plan, applied) = try box.push(["push/crm-event-deleted.ndjson"])
    #expect(plan.totals.delete == 0)
    #expect(plan.unaddressable.map(\.action) == [.delete])
    #expect(applied.files.isEmpty)
    #expect(try box.ledgerDump() == ledgerBefore)
  }

  @Test("with the mailbox's EWS export the update is written with its item id and recorded")
  func updateWithExport() throws {
    let box = try sandbox("ews")
    try box.push()
    let export = box.directory + "/alice-mailbox.xml"
    try Self.ewsExport.write(toFile: export, atomically: true, encoding: .utf8)
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: export)]
    let (plan, applied) = try box.push(["push/crm-phone-changed.ndjson"])
    #expect(plan.unaddressable.isEmpty)
    #expect(plan.totals.update == 1)
    #expect(applied.files["alice"] == ["alice/run-0002/contacts-update.xml"])
    let text = String(decoding: try #require(box.files()["alice/run-0002/contacts-update.xml"]), as: UTF8.self)
    #expect(text.contains("UpdateItem") && text.contains("AAMkGraceHopper="))
    // Recorded: the same CRM export again changes nothing.
    box.settings.providerExports = []
    #expect(try box.plan(["push/crm-phone-changed.ndjson"]).isEmpty)
  }

  @Test("the applier names only files that are on disk and leaves records a writer dropped out of the ledger")
  func writerSkips() throws {
    let box = try sandbox("ews")
    try box.push()
    // A plan made without the item-id check, as an older planner did: the writer drops the
    // update (no item id) and reports it.
    var run = try box.run(["push/crm-phone-changed.ndjson"])
    for kind in RecordKind.allCases { run.targets[kind]?.deleteStyle = .list }  // the planner is told nothing about item ids
    var plan = try run.plan(diagnostics: .ignore)
    #expect(plan.totals.update == 1)
    run = try box.run(["push/crm-phone-changed.ndjson"])
    let ledgerItems = try box.ledgerDump().split(separator: "\n").filter { $0.contains("crm_id") }
    let collector = DiagnosticCollector()
    let applied = try run.apply(plan, diagnostics: collector.sink)
    #expect(applied.files.isEmpty)
    #expect(collector.diagnostics.contains { $0.severity == .error && $0.message.contains("003000000000002AAA") })
    let after = try box.ledgerDump().split(separator: "\n").filter { $0.contains("crm_id") }
    #expect(after == ledgerItems)
    plan = try box.plan(["push/crm-phone-changed.ndjson"])
    #expect(plan.unaddressable.count == 1)
  }
}
