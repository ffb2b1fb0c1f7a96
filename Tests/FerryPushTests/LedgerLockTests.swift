import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryPush

@Suite("Ledger lock", .serialized)
struct LedgerLockTests {
  @Test("a second lock on the same ledger fails at once; after release it is free again")
  func exclusive() throws {
    let box = try PushSandbox()
    let first = try LedgerLock(ledgerPath: box.directory + "/sub/ledger.sqlite")
    #expect(FileManager.default.fileExists(atPath: box.directory + "/sub/ledger.sqlite.lock"))
    #expect {
      _ = try LedgerLock(ledgerPath: box.directory + "/sub/ledger.sqlite")
    } throws: { error in
      (error as? FerryError)?.kind == .io && "\(error)".contains("is in use by another ferry push")
    }
    first.release()
    let again = try LedgerLock(ledgerPath: box.directory + "/sub/ledger.sqlite")
    again.release()
  }

  @Test("two pushes at once on one ledger: the second fails with exit 1 and writes nothing; the first is run 1")
  func twoProcesses() throws {
    let box = try PushSandbox()
    func ferry(from: String, out: String) -> Process {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: CrashSafetyTests.binary)
      p.arguments = [
        "push", "--from", from, "--to", "ndjson", "--out", out, "--ledger", box.ledger, "--today", "2026-12-01", "--quiet",
      ]
      return p
    }
    // The first push reads its CRM export from a pipe that stays open: it holds the lock,
    // planning, until the pipe is closed.
    let first = ferry(from: "-", out: box.out)
    let input = Pipe()
    first.standardInput = input
    try first.run()
    input.fileHandleForWriting.write(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("push/crm.ndjson"))))
    let deadline = Date().addingTimeInterval(30)
    while !FileManager.default.fileExists(atPath: box.ledger + ".lock") && Date() < deadline { usleep(20_000) }
    usleep(300_000)  // from creating the lock file to holding the lock

    let second = ferry(from: Fixtures.path("push/crm.ndjson"), out: box.directory + "/out2")
    let errors = Pipe()
    second.standardError = errors
    try second.run()
    second.waitUntilExit()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(second.terminationStatus == 1)
    #expect(stderr.contains("error: the ledger \"\(box.ledger)\" is in use by another ferry push"), "\(stderr)")
    #expect(!FileManager.default.fileExists(atPath: box.directory + "/out2"))

    try input.fileHandleForWriting.close()
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
    #expect(box.files().keys.allSatisfy { $0.contains("/run-0001/") })
    #expect(try box.ledgerDump().contains("id:1"))
    // Now free: the same export again is nothing to do.
    let third = ferry(from: Fixtures.path("push/crm.ndjson"), out: box.out)
    try third.run()
    third.waitUntilExit()
    #expect(third.terminationStatus == 0)
    #expect(!box.files().keys.contains { $0.contains("/run-0002/") })
  }
}
