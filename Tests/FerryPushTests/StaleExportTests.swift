import FerryModel
import FerryPush
import Foundation
import GRDB
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

  /// The mailbox after run 1 was imported, with Ada's family name edited by the user; the
  /// CRM as pushed; a sandbox that pushes Alice's contacts with that export.
  private func editedMailbox() throws -> (PushSandbox, export: String) {
    let box = try PushSandbox()
    box.settings.objects = .contacts
    box.settings.includeReps = [.init(email: "alice.rep@example.com")]
    try box.push()
    let run1 = try #require(box.files().first { $0.key.hasSuffix("run-0001/contacts.ndjson") })
    let export = box.directory + "/mailbox.ndjson"
    let edited = String(decoding: run1.value, as: UTF8.self)
      .replacingOccurrences(of: "\"Lovelace\"", with: "\"Lovelace-Byron\"")
    try edited.write(toFile: export, atomically: true, encoding: .utf8)
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: export)]
    return (box, export)
  }

  @Test("a mailbox edit restored once is not restored again from the same export")
  func restoredOnce() throws {
    let (box, export) = try editedMailbox()
    // Run 2: the user's edit is restored from the CRM.
    let (second, _) = try box.push()
    #expect(second.with(.update).map(\.crmId) == ["003000000000001AAA"])
    #expect(second.with(.update).first?.reason == "changed in the mailbox since run 1; restored from the CRM")

    // Run 3, same CRM export and the same (now older) mailbox export: nothing to do.
    let (third, applied) = try box.push()
    #expect(third.isEmpty)
    #expect(applied.files.isEmpty)
    #expect(third.providerChanges.map(\.crmId) == ["003000000000001AAA"])
    #expect(third.providerChanges.allSatisfy { $0.stale })
    #expect(third.providerChanges.first?.lastRun == 2)
    #expect(try box.plan().isEmpty)

    // A newer export with another edit of Ada: a change made in the mailbox, restored.
    let again = try String(contentsOfFile: export, encoding: .utf8)
      .replacingOccurrences(of: "\"Lovelace-Byron\"", with: "\"King\"")
    try again.write(toFile: export, atomically: true, encoding: .utf8)
    let (fourth, _) = try box.push()
    let ada = try #require(fourth.entries.first { $0.crmId == "003000000000001AAA" })
    #expect(ada.action == .update)
    #expect(ada.reason == "changed in the mailbox since run 2; restored from the CRM")
    #expect(fourth.totals.update == 1)
    #expect(try box.plan().isEmpty)
  }

  @Test("after a restore, a CRM change is pushed once; the old export then changes nothing")
  func crmChangeAfterRestore() throws {
    let (box, _) = try editedMailbox()
    try box.push()  // run 2 restores Ada
    let crm = try String(contentsOfFile: box.lines(of: "push/crm.ndjson", containing: "\""), encoding: .utf8)
    let changed = box.directory + "/crm-changed.ndjson"
    try crm.replacingOccurrences(of: "Analytical Engines Ltd", with: "Analytical Engines plc")
      .write(toFile: changed, atomically: true, encoding: .utf8)
    let (third, _) = try box.push([changed])
    let ada = try #require(third.entries.first { $0.crmId == "003000000000001AAA" })
    #expect(ada.action == .update)
    #expect(ada.reason == "changed in the CRM since run 2")
    #expect(third.totals.update == 1)
    // The mailbox export still shows the user's edit that run 2 overwrote: not a new one.
    let fourth = try box.plan([changed])
    #expect(fourth.isEmpty)
    #expect(fourth.providerChanges.allSatisfy { $0.stale })
  }

  @Test("an export showing the restored item clears the overwritten edit: made again, it is restored again")
  func sameEditAgain() throws {
    let (box, export) = try editedMailbox()
    let (second, _) = try box.push()  // run 2 restores Ada
    #expect(second.totals.update == 1)
    // A newer export, taken after run 2 was imported, beside a CRM change: run 3 updates Ada
    // and learns that the mailbox no longer holds the user's edit.
    let run2 = try #require(box.files().first { $0.key.hasSuffix("run-0002/contacts.ndjson") })
    let restored = String(decoding: run2.value, as: UTF8.self)
    let current = try String(contentsOfFile: box.directory + "/mailbox.ndjson", encoding: .utf8)
      .split(separator: "\n").map { $0.contains("003000000000001AAA") ? Substring(restored.split(separator: "\n")[0]) : $0 }
      .joined(separator: "\n")
    try (current + "\n").write(toFile: export, atomically: true, encoding: .utf8)
    let crm = try String(contentsOfFile: box.lines(of: "push/crm.ndjson", containing: "\""), encoding: .utf8)
    let changed = box.directory + "/crm-changed.ndjson"
    // Ada's title, which the mailbox fingerprint does not hold: her mailbox copy stays as run 2 left it.
    try crm.replacingOccurrences(of: "\"title\": \"Director\"", with: "\"title\": \"Chief Director\"")
      .write(toFile: changed, atomically: true, encoding: .utf8)
    let (third, _) = try box.push([changed])
    #expect(third.with(.update).map(\.reason) == ["changed in the CRM since run 2"])
    #expect(try Ledger.snapshot(path: box.ledger).entries.first { $0.crmId == "003000000000001AAA" }?.overriddenFingerprint == 0)
    // The user makes the very same edit again: a change, restored (not taken for the old export).
    let edited = try String(contentsOfFile: export, encoding: .utf8)
      .replacingOccurrences(of: "\"Lovelace\"", with: "\"Lovelace-Byron\"")
    try edited.write(toFile: export, atomically: true, encoding: .utf8)
    let fourth = try box.plan([changed])
    #expect(fourth.with(.update).map(\.reason) == ["changed in the mailbox since run 3; restored from the CRM"])
  }

  @Test("a ledger from before the overridden fingerprint (v2) is read, then migrated when written")
  func ledgerV2() throws {
    let (box, _) = try editedMailbox()
    // Take the ledger back to migration v2's shape.
    let queue = try DatabaseQueue(path: box.ledger)
    try queue.write { db in
      try db.execute(sql: "ALTER TABLE items DROP COLUMN overridden_fingerprint")
      try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3'")
    }
    let snapshot = try Ledger.snapshot(path: box.ledger)
    #expect(snapshot.entries.count == 6)
    #expect(snapshot.entries.allSatisfy { $0.overriddenFingerprint == 0 })
    // Reading it wrote nothing: still v2.
    #expect(try queue.read { db in try db.columns(in: "items").contains { $0.name == "overridden_fingerprint" } } == false)
    let (second, _) = try box.push()
    #expect(second.with(.update).map(\.crmId) == ["003000000000001AAA"])
    let migrated = try DatabaseQueue(path: box.ledger)
    #expect(try migrated.read { db in try db.columns(in: "items").contains { $0.name == "overridden_fingerprint" } })
    let ada = try #require(try Ledger.snapshot(path: box.ledger).entries.first { $0.crmId == "003000000000001AAA" })
    #expect(ada.overriddenFingerprint != 0)
    #expect(try box.plan().isEmpty)
  }
}
