import FerryModel
import FerryTestSupport
import Foundation
import GRDB
import Testing

@testable import FerryPush

/// A run whose ledger cannot be written leaves no run folder behind: the files would be
/// unrecorded, and the next run would write them again anyway.
@Suite("Ledger write failures", .serialized)
struct LedgerWriteFailureTests {
  /// Another connection holding the ledger's write lock (as a database browser left open
  /// would), on its own thread until `release()`: the ledger can be read but not written.
  final class WriteLockHolder: @unchecked Sendable {
    private let held = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(_ path: String) throws {
      let queue = try DatabaseQueue(path: path)
      Thread.detachNewThread { [held, done, finished] in
        try? queue.inTransaction(.immediate) { _ in
          held.signal()
          done.wait()
          return .rollback
        }
        finished.signal()
      }
      held.wait()
    }

    func release() {
      done.signal()
      finished.wait()
    }
  }

  @Test("a ledger that cannot be written is found before any file is written")
  func checkedFirst() throws {
    let box = try PushSandbox()
    try box.push()
    let holder = try WriteLockHolder(box.ledger)
    let filesBefore = box.files()
    let run = try box.run(["push/crm-phone-changed.ndjson"])
    let plan = try run.plan(diagnostics: .ignore)
    #expect(plan.totals.update == 1)
    #expect {
      _ = try run.apply(plan, diagnostics: .ignore)
    } throws: { error in
      "\(error)".contains("cannot update the ledger")
    }
    #expect(box.files() == filesBefore)
    #expect(!box.files().keys.contains { $0.contains("run-0002") })
    holder.release()
    // Once free, the same run goes through.
    let (again, applied) = try box.push(["push/crm-phone-changed.ndjson"])
    #expect(again.totals.update == 1 && again.runId == 2)
    #expect(applied.files.values.joined().contains { $0.hasSuffix("run-0002/contacts.ndjson") })
  }

  @Test("a ledger transaction that fails after the files removes the run folder and says so")
  func removedAfterFailure() throws {
    let box = try PushSandbox()
    try box.push()
    let run = try box.run(["push/crm-phone-changed.ndjson"])
    let plan = try run.plan(diagnostics: .ignore)
    nonisolated(unsafe) var holder: WriteLockHolder?
    let ledger = box.ledger
    #expect {
      _ = try run.apply(plan, diagnostics: .ignore) { point in
        if point == "files" { holder = try? WriteLockHolder(ledger) }
      }
    } throws: { error in
      "\(error)".contains("cannot update the ledger") && "\(error)".contains("the run's files were removed")
    }
    #expect(holder != nil)
    #expect(!box.files().keys.contains { $0.contains("run-0002") })
    #expect(!FileManager.default.fileExists(atPath: box.out + "/alice.rep@example.com/run-0002"))
    holder?.release()
  }
}
