import Ferry
import FerryModel
import FerryTestSupport
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

  @Test("a rep excluded by name whose records are gone from the export keeps its items")
  func excludedAndGone() throws {
    let box = try PushSandbox()
    try box.push()
    box.settings.deletions = .propagate
    box.settings.deletionsOnFilterExit = true
    box.settings.excludeReps = [.init(any: "Bob Rep")]
    let withoutBob = try box.lines(of: "push/crm.ndjson", containing: "\"", excluding: "bob.rep")
    let plan = try box.plan([withoutBob])
    #expect(plan.with(.delete).isEmpty)
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
