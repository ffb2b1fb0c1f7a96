import FerryTestSupport
import Foundation
import Testing

/// Kills `ferry push` (SIGKILL, through `FERRY_CRASH_AT`) at each named point of apply,
/// reruns it, and compares the files and the ledger with an uninterrupted run.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
  static let binary = Fixtures.root + "/.build/debug/ferry"

  /// Runs `ferry push` into `box`; returns the termination status and whether a signal ended it.
  @discardableResult
  static func push(_ box: PushSandbox, input: String, crashAt: String? = nil) throws -> (Int32, Bool) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.currentDirectoryURL = URL(fileURLWithPath: Fixtures.root)
    p.arguments = [
      "push", "--from", Fixtures.path(input), "--to", "ndjson", "--out", box.out, "--ledger", box.ledger,
      "--today", "2026-12-01", "--deletions", "propagate", "--quiet",
    ]
    var env = ProcessInfo.processInfo.environment
    env["FERRY_CRASH_AT"] = crashAt
    p.environment = env
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return (p.terminationStatus, p.terminationReason == .uncaughtSignal)
  }

  @Test(
    "a push killed at any point of apply, then rerun, equals an uninterrupted push",
    arguments: ["start", "file-1", "files", "ledger", "done"])
  func crashThenRerun(point: String) throws {
    #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build ferry first: swift build")
    // Run 1 is clean; run 2 (one phone changed, one event deleted) is the one that crashes.
    let steps = ["push/crm.ndjson", "push/crm-event-deleted.ndjson"]
    let reference = try PushSandbox()
    for input in steps { #expect(try Self.push(reference, input: input).0 == 0) }

    for crashing in steps.indices {
      let box = try PushSandbox()
      for (i, input) in steps.enumerated() {
        if i == crashing {
          let (_, killed) = try Self.push(box, input: input, crashAt: point)
          #expect(killed, "FERRY_CRASH_AT=\(point) did not kill the push")
        }
        #expect(try Self.push(box, input: input).0 == 0)
      }
      #expect(box.files() == reference.files(), "files differ after a crash at \(point) in run \(crashing + 1)")
      #expect(try box.ledgerDump() == reference.ledgerDump(), "ledger differs after a crash at \(point) in run \(crashing + 1)")
      // And nothing is left to do.
      let (status, _) = try Self.push(box, input: steps[steps.count - 1])
      #expect(status == 0)
      #expect(try box.ledgerDump() == reference.ledgerDump())
    }
  }
}
