import Ferry
import FerryModel
import FerryTestSupport
import GRDB
import Foundation
import Testing

@testable import FerryPush

/// A run limited to some reps says nothing about the others' records: their ledger items are
/// never planned as deleted in the CRM.
@Suite("Rep scope and deletions")
struct RepScopeTests {
  @Test("--rep with deletions propagating deletes nothing of the other reps")
  func includeLimitsDeletions() throws {
    let box = try PushSandbox()
    try box.push()
    box.settings.deletions = .propagate
    box.settings.includeReps = [.init(any: "alice.rep@example.com")]
    let aliceOnly = try box.lines(of: "push/crm.ndjson", containing: "alice.rep")
    let plan = try box.plan([aliceOnly])
    #expect(plan.totals.delete == 0)
    #expect(plan.isEmpty)
    #expect(plan.reps.map(\.mailbox) == ["alice.rep@example.com"])
    #expect(plan.perRep.keys.sorted() == ["alice.rep@example.com"])
    // A record of Alice's that is gone is still deleted.
    let aliceLess = try box.lines(of: "push/crm.ndjson", containing: "alice.rep", excluding: "00U000000000004EAA")
    let second = try box.plan([aliceLess])
    #expect(second.with(.delete).map(\.crmId) == ["00U000000000004EAA"])
    #expect(second.totals.delete == 1)
  }

  @Test("a rep excluded by name whose records are gone from the export left the sync: its items go as a filter exit's")
  func excludedAndGone() throws {
    let box = try PushSandbox()
    try box.push()
    box.settings.deletions = .propagate
    box.settings.deletionsOnFilterExit = true
    box.settings.excludeReps = [.init(any: "Bob Rep")]
    let withoutBob = try box.lines(of: "push/crm.ndjson", containing: "\"", excluding: "bob.rep")
    let plan = try box.plan([withoutBob])
    let deletes = plan.with(.delete)
    #expect(deletes.count == 8)
    #expect(Set(deletes.compactMap(\.mailbox)) == ["bob.rep@example.com"])
    #expect(deletes.allSatisfy { $0.reason == "left the sync: rep excluded (reps.exclude), not in the CRM export" })
    #expect(plan.totals.delete == 8)
    let bob = try #require(plan.reps.first { $0.mailbox == "bob.rep@example.com" })
    #expect(plan.perRep[bob.folder]?.delete == 8)

    // Without deletions_on_filter_exit: reported as kept, and the rep is listed.
    box.settings.deletionsOnFilterExit = false
    let kept = try box.plan([withoutBob])
    #expect(kept.isEmpty)
    let bobItems = kept.entries.filter { $0.mailbox == "bob.rep@example.com" }
    #expect(bobItems.count == 8)
    #expect(
      bobItems.allSatisfy {
        $0.action == .skip
          && $0.reason == "rep excluded (reps.exclude), not in the CRM export; pushed before, kept in the mailbox (deletions_on_filter_exit is off)"
      })
    let listed = try #require(kept.reps.first { $0.mailbox == "bob.rep@example.com" })
    #expect(kept.perRep[listed.folder]?.skipped == 8)
    #expect(kept.skippedReasons[listed.folder]?.values.reduce(0, +) == 8)

    box.settings.deletions = .off
    let off = try box.plan([withoutBob])
    #expect(off.entries.filter { $0.mailbox == "bob.rep@example.com" }.allSatisfy { $0.reason.hasSuffix("kept in the mailbox (deletions: off)") })
    #expect(off.entries.filter { $0.mailbox == "bob.rep@example.com" }.count == 8)

    // A run limited to Alice with Alice's export says nothing about Bob, excluded or not.
    box.settings.deletions = .propagate
    box.settings.deletionsOnFilterExit = true
    box.settings.excludeReps = []
    box.settings.includeReps = [.init(any: "alice.rep@example.com")]
    let aliceOnly = try box.lines(of: "push/crm.ndjson", containing: "alice.rep")
    let limited = try box.plan([aliceOnly])
    #expect(limited.entries.allSatisfy { $0.mailbox == nil || $0.mailbox == "alice.rep@example.com" })
  }

  @Test("a rep the export names but reps.include leaves out: its gone record goes with its other records")
  func notIncludedRecordGone() throws {
    let box = try PushSandbox()
    try box.push()
    box.settings.deletions = .propagate
    box.settings.deletionsOnFilterExit = true
    box.settings.includeReps = [.init(any: "alice.rep@example.com")]
    // Bob's event 00U000000000009EAA is gone; his other records are still in the export.
    let lessBob = try box.lines(of: "push/crm.ndjson", containing: "\"", excluding: "00U000000000009EAA")
    let plan = try box.plan([lessBob])
    let bobDeletes = plan.with(.delete).filter { $0.mailbox == "bob.rep@example.com" }
    #expect(bobDeletes.count == 8)
    let gone = try #require(bobDeletes.first { $0.crmId == "00U000000000009EAA" })
    #expect(gone.reason == "left the sync: owner is not among reps.include, not in the CRM export")
    #expect(bobDeletes.filter { $0.crmId != "00U000000000009EAA" }.allSatisfy { $0.reason == "left the sync: owner is not among reps.include" })
  }
}

@Suite("Excluded reps in the summary")
struct ExcludedRepSummaryTests {
  @Test("deletes of an excluded rep (filter exit) list the rep, its counts and its file")
  func excludedRepListed() throws {
    let box = try PushSandbox()
    try box.push()
    box.settings.deletions = .propagate
    box.settings.deletionsOnFilterExit = true
    box.settings.excludeReps = [.init(any: "Bob Rep")]
    let (plan, applied) = try box.push()
    #expect(plan.totals.delete == 8)
    let bob = try #require(plan.reps.first { $0.mailbox == "bob.rep@example.com" })
    #expect(plan.perRep[bob.folder]?.delete == 8)
    let perRepDeletes = plan.reps.map { plan.perRep[$0.folder]?.delete ?? 0 }.reduce(0, +)
    #expect(perRepDeletes == plan.totals.delete)
    #expect(applied.files[bob.folder] == ["\(bob.folder)/run-0002/deletions.csv"])
  }
}

/// The ledger remembers each mailbox's owner (`mailboxes` table), so a rep whose records
/// have all gone is still matched against `reps.exclude` by name or id.
@Suite("Rep scope from the ledger's owners")
struct LedgerOwnerScopeTests {
  @Test("a rep not excluded whose records are all gone is cleaned up; the excluded one is kept")
  func goneButNotExcluded() throws {
    let box = try PushSandbox()
    try box.push()
    box.settings.deletions = .propagate
    box.settings.excludeReps = [.init(any: "Bob Rep")]
    // Bob (excluded by name) and Carol (not excluded) both vanish from the export.
    let aliceOnly = try box.lines(of: "push/crm.ndjson", containing: "alice.rep")
    let plan = try box.plan([aliceOnly])
    let deleted = Set(plan.with(.delete).compactMap(\.mailbox))
    #expect(deleted == ["carol.rep@example.com"])
    #expect(plan.with(.delete).count == 2)
  }

  @Test("the owners are stored per mailbox and read back")
  func stored() throws {
    let box = try PushSandbox()
    try box.push()
    let snapshot = try Ledger.snapshot(path: box.ledger)
    #expect(snapshot.owners["carol.rep@example.com"] == Owner(id: "005000000000003AAA", name: "Carol Rep", email: "carol.rep@example.com"))
    #expect(snapshot.owners.count == 3)
  }

  @Test("a ledger from before the owners table still plans, and is migrated when written")
  func oldLedger() throws {
    let box = try PushSandbox()
    try box.push()
    // Take the ledger back to migration v1's shape.
    let queue = try DatabaseQueue(path: box.ledger)
    try queue.write { db in
      try db.execute(sql: "DROP TABLE mailboxes; ALTER TABLE items DROP COLUMN previous_fingerprint")
      try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2'")
    }
    let snapshot = try Ledger.snapshot(path: box.ledger)
    #expect(snapshot.owners.isEmpty)
    #expect(snapshot.entries.allSatisfy { $0.previousFingerprint == 0 })
    #expect(try box.plan().isEmpty)
    // The next run that records something migrates the ledger and stores the owners.
    let crm = try String(contentsOfFile: box.lines(of: "push/crm.ndjson", containing: "\""), encoding: .utf8)
    let changed = box.directory + "/crm-changed.ndjson"
    try crm.replacingOccurrences(of: "Analytical Engines Ltd", with: "Analytical Engines plc")
      .write(toFile: changed, atomically: true, encoding: .utf8)
    let (plan, _) = try box.push([changed])
    #expect(plan.totals.update > 0)
    #expect(try Ledger.snapshot(path: box.ledger).owners.count == 3)
  }
}

/// Narrowing `objects` after a run that pushed both kinds: the left-out kind's items left the
/// sync, as a filter exit; the `--to` format that holds that kind writes their deletes.
@Suite("objects narrowed after a push")
struct ObjectsNarrowedTests {
  @Test("objects: contacts after pushing events: the events go as a filter exit, from a full or a contacts-only export")
  func eventsLeftOut() throws {
    let box = try PushSandbox()
    let (first, _) = try box.push()
    let pushedEvents = first.with(.create).filter { $0.kind == .event }.map(\.crmId).sorted()
    #expect(pushedEvents.count == 10)
    box.settings.objects = .contacts
    box.settings.deletions = .propagate

    // Without deletions_on_filter_exit: reported as kept, nothing written.
    let kept = try box.plan()
    #expect(kept.isEmpty)
    let keptEvents = kept.entries.filter { $0.kind == .event }
    #expect(keptEvents.map(\.crmId).sorted() == pushedEvents)
    #expect(keptEvents.allSatisfy { $0.reason == "objects: contacts; pushed before, kept in the mailbox (deletions_on_filter_exit is off)" })

    // With it: every event ferry created is deleted, once, and the next run has nothing to do.
    box.settings.deletionsOnFilterExit = true
    let contactsOnly = try box.lines(of: "push/crm.ndjson", containing: "\"contact\"")
    let gone = try box.plan([contactsOnly])
    #expect(gone.with(.delete).map(\.crmId).sorted() == pushedEvents)
    #expect(gone.with(.delete).allSatisfy { $0.reason == "left the sync: objects: contacts, not in the CRM export" })
    let (second, applied) = try box.push()
    #expect(second.with(.delete).map(\.crmId).sorted() == pushedEvents)
    #expect(second.with(.delete).allSatisfy { $0.reason == "left the sync: objects: contacts" })
    #expect(second.totals.delete == 10)
    #expect(second.totals.create + second.totals.update == 0)
    let lists = applied.files.values.flatMap { $0 }.filter { $0.hasSuffix("/deletions.csv") }
    #expect(lists.count == 3)
    let snapshot = try Ledger.snapshot(path: box.ledger)
    #expect(snapshot.entries.allSatisfy { $0.kind == .contact })
    #expect(try box.plan().isEmpty)
  }

  @Test("with no --to format for the left-out kind, its items are left alone")
  func noTargetForKind() throws {
    let box = try PushSandbox()
    box.to = ["vcard", "ics"]
    try box.push()
    box.to = ["vcard"]
    box.settings.objects = .contacts
    box.settings.deletions = .propagate
    box.settings.deletionsOnFilterExit = true
    let plan = try box.plan()
    #expect(plan.isEmpty)
    #expect(plan.entries.filter { $0.kind == .event }.allSatisfy { $0.reason == "objects: contacts" })
    // Named with its format, the kind's items go.
    box.to = ["vcard", "ics"]
    #expect(try box.plan().with(.delete).count == 10)
  }
}
