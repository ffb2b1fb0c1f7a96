import FerryModel
import FerryPush
import Foundation
import Testing

/// A mailbox export taken before ferry's last push was imported shows the items as ferry
/// pushed them the time before. That is not a change made in the mailbox: restoring would
/// repeat the last update on every run until a newer export comes.
@Suite("push: a mailbox export older than the last push")
struct StaleExportTests {
  @Test("an export showing the state before the last update restores nothing; a real edit still does")
  func staleExport() throws {
    let box = try PushSandbox()
    box.settings.objects = .contacts
    box.settings.includeReps = [.init(email: "alice.rep@example.com")]
    try box.push()
    // The mailbox after run 1 was imported: what ferry wrote.
    let run1 = try #require(box.files().first { $0.key.hasSuffix("run-0001/contacts.ndjson") })
    let export = box.directory + "/mailbox-after-run-1.ndjson"
    try Data(run1.value).write(to: URL(fileURLWithPath: export))

    // The CRM changes Ada's company: run 2 updates her.
    let crm = try String(contentsOfFile: box.lines(of: "push/crm.ndjson", containing: "\""), encoding: .utf8)
    let changed = box.directory + "/crm-changed.ndjson"
    try crm.replacingOccurrences(of: "Analytical Engines Ltd", with: "Analytical Engines plc")
      .write(toFile: changed, atomically: true, encoding: .utf8)
    let (second, _) = try box.push([changed])
    #expect(second.with(.update).map(\.crmId) == ["003000000000001AAA"])

    // Run 3 with the export from before run 2 was imported: nothing to do, and it says why.
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: export)]
    let third = try box.plan([changed])
    #expect(third.isEmpty)
    let stale = third.providerChanges.filter(\.stale)
    #expect(stale.map(\.crmId) == ["003000000000001AAA"])
    #expect(stale.first?.lastRun == 2)
    #expect(third.providerChanges.filter { !$0.stale && !$0.missing }.isEmpty)

    // The same export with Ada edited by the user: that is a change, restored from the CRM.
    let edited = try String(contentsOfFile: export, encoding: .utf8)
      .replacingOccurrences(of: "\"Lovelace\"", with: "\"Lovelace-Byron\"")
    try edited.write(toFile: export, atomically: true, encoding: .utf8)
    let fourth = try box.plan([changed])
    let ada = try #require(fourth.entries.first { $0.crmId == "003000000000001AAA" })
    #expect(ada.action == .update)
    #expect(ada.reason.contains("changed in the mailbox"))
    #expect(fourth.providerChanges.filter(\.stale).isEmpty)
  }
}
