import FerryTestSupport
import Foundation
import Testing

/// NDJSON contacts `Given00000 Family` …, each with an owner and a CRM id so that `push`
/// takes them too.
private func contactLines(_ count: Int) -> String {
  (0..<count).map { i in
    let n = String(format: "%05d", i)
    return #"{"contact":{"name":{"given":"Given\#(n)","family":"Family"},"emails":[{"address":"p\#(i)@example.com"}],"#
      + #""owner":{"email":"alice.rep@example.com","id":"005000000000001AAA","name":"Alice Rep"},"#
      + #""source":{"objectType":"Contact","recordId":"003\#(n)","system":"salesforce"}}}"# + "\n"
  }.joined()
}

private func temporaryFolder() throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-cli-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

private func entries(_ dir: String) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

/// Every path under `dir` whose name holds `.ferry-` (a temporary output file).
private func temporaryFiles(under dir: String) -> [String] {
  let all = FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []
  return all.filter { ($0 as NSString).lastPathComponent.contains(".ferry-") }
}

/// Runs a `/bin/sh` script (for `ulimit` and `umask`, which only a shell sets for its child)
/// with `$FERRY` naming the built binary.
private func runShell(_ script: String) throws -> Run {
  try runProcess("/bin/sh", ["-c", script], environment: ["FERRY": ferryBinary])
}

/// Runs a program with its standard output and error in files (so that nothing blocks on a
/// full pipe), from `directory` when given.
func runProcess(
  _ executable: String, _ arguments: [String], environment: [String: String], directory: String? = nil
) throws -> Run {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  let dir = try temporaryFolder()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
  _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
  let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
  let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
  defer {
    try? out.close()
    try? err.close()
  }
  process.standardInput = FileHandle.nullDevice
  process.standardOutput = out
  process.standardError = err
  try process.run()
  process.waitUntilExit()
  return Run(
    status: process.terminationStatus, stdout: try String(contentsOfFile: dir + "/out", encoding: .utf8),
    stderr: try String(contentsOfFile: dir + "/err", encoding: .utf8))
}

@Suite("output safety (real binary)")
struct OutputSafetyTests {
  @Test("--split writes 3,000 files under a limit of 256 open files")
  func splitUnderDescriptorLimit() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try contactLines(3_000).write(toFile: dir + "/in.ndjson", atomically: false, encoding: .utf8)
    let run = try runShell(
      "ulimit -n 256 && exec \"$FERRY\" convert '\(dir)/in.ndjson' --to vcard --for outlook --split '\(dir)/cards/'")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("3000 records read, 3000 written"))
    let cards = entries(dir + "/cards")
    #expect(cards.count == 3_000)
    #expect(cards.first == "Given00000 Family.vcf" && cards.last == "Given02999 Family.vcf")
    let card = try String(contentsOfFile: dir + "/cards/Given02999 Family.vcf", encoding: .utf8)
    #expect(card.hasPrefix("BEGIN:VCARD\r\nVERSION:2.1\r\n") && card.contains("p2999@example.com"))
  }

  @Test("push to vCard for Outlook writes 1,500 contact files under a limit of 256 open files")
  func pushUnderDescriptorLimit() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try contactLines(1_500).write(toFile: dir + "/crm.ndjson", atomically: false, encoding: .utf8)
    let run = try runShell(
      "ulimit -n 256 && exec \"$FERRY\" push --from '\(dir)/crm.ndjson' --to vcard --for outlook --objects contacts"
        + " --today 2026-12-01 --out '\(dir)/out' --ledger '\(dir)/ledger.sqlite'")
    #expect(run.status == 0, "\(run.stderr)")
    let folder = dir + "/out/alice.rep@example.com/run-0001/contacts"
    #expect(entries(folder).count == 1_500)
    #expect(temporaryFiles(under: dir + "/out").isEmpty)
  }

  @Test("a new output gets 0666 less the umask; a replaced one keeps its mode")
  func permissions() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try contactLines(2).write(toFile: dir + "/in.ndjson", atomically: false, encoding: .utf8)
    let convert = "\"$FERRY\" convert '\(dir)/in.ndjson' --to ndjson -o"
    var run = try runShell(
      "umask 077 && \(convert) '\(dir)/private.ndjson' && umask 027 && \(convert) '\(dir)/group.ndjson'")
    #expect(run.status == 0, "\(run.stderr)")
    try "old\n".write(toFile: dir + "/shared.ndjson", atomically: false, encoding: .utf8)
    #expect(chmod(dir + "/shared.ndjson", 0o640) == 0)
    run = try runShell("umask 022 && \(convert) '\(dir)/shared.ndjson'")
    #expect(run.status == 0, "\(run.stderr)")
    func mode(_ name: String) throws -> Int {
      let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/" + name)
      return try #require(attributes[.posixPermissions] as? Int)
    }
    #expect(try mode("private.ndjson") == 0o600)
    #expect(try mode("group.ndjson") == 0o640)
    #expect(try mode("shared.ndjson") == 0o640)
    #expect(try String(contentsOfFile: dir + "/shared.ndjson", encoding: .utf8).contains("Given00001"))
  }

  @Test("a second --split run warns about the cards of the first; --clean removes them")
  func staleCards() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try contactLines(10).write(toFile: dir + "/ten.ndjson", atomically: false, encoding: .utf8)
    try contactLines(1).write(toFile: dir + "/one.ndjson", atomically: false, encoding: .utf8)
    let split = ["--to", "vcard", "--for", "outlook", "--split", dir + "/sp"]
    #expect(try runFerry(["convert", dir + "/ten.ndjson"] + split).status == 0)
    var run = try runFerry(["convert", dir + "/one.ndjson"] + split)
    #expect(run.status == 0)
    #expect(run.stderr.contains("warning: \(dir)/sp holds 9 other .vcf files that this run did not write"))
    #expect(run.stderr.contains("ferry: 1 records read, 1 written to \(dir)/sp"))
    #expect(entries(dir + "/sp").count == 10)
    run = try runFerry(["convert", dir + "/one.ndjson"] + split + ["--clean"])
    #expect(run.status == 0)
    #expect(run.stderr.contains("note: removed 9 .vcf files that this run did not write from \(dir)/sp"))
    #expect(entries(dir + "/sp") == ["Given00000 Family.vcf"])
  }
}

/// Ctrl-C (SIGINT) in the middle of a run: ferry is fed a large input on standard input and
/// interrupted once its temporary files exist, while it waits for more input.
@Suite("interrupting the real binary", .serialized)
struct InterruptionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var split: Bool
    var testDescription: String { split ? "--split" : "-o" }
  }

  @Test("SIGINT: exit 130, no temporary file left, the previous output unchanged", arguments: [
    Case(split: false), Case(split: true),
  ])
  func interrupt(_ c: Case) throws {
    // Should ferry die before reading all its input, fail here rather than kill the tests.
    signal(SIGPIPE, SIG_IGN)
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let target = c.split ? dir + "/cards" : dir + "/atom/out.vcf"
    let old = c.split ? dir + "/cards/Given00000 Family.vcf" : target
    try FileManager.default.createDirectory(
      atPath: (old as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try "previous output\n".write(toFile: old, atomically: false, encoding: .utf8)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: ferryBinary)
    process.arguments =
      ["convert", "--from", "ndjson", "--to", "vcard", "--for", "outlook"]
      + (c.split ? ["--split", target] : ["-o", target])
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
    defer { try? err.close() }
    process.standardError = err
    try process.run()
    // The write end stays open: ferry reads everything, writes, then waits for more.
    try input.fileHandleForWriting.write(contentsOf: Data(contactLines(5_000).utf8))

    let folder = (old as NSString).deletingLastPathComponent
    let started = waitUntil(seconds: 60) {
      let pending = temporaryFiles(under: folder)
      // The reader hands records over in batches, so the last few wait for more input.
      if c.split { return pending.count >= 1_000 }
      // The single file has received its first 64 KiB.
      return pending.contains { fileSize(folder + "/" + $0) > 0 }
    }
    #expect(started, "ferry did not start writing")
    kill(process.processIdentifier, SIGINT)
    // A ferry that ignores SIGINT (the test runner's threads block it, and children inherit
    // the mask) would otherwise hang the run here.
    let exited = waitUntil(seconds: 60) { !process.isRunning }
    if !exited { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    try? input.fileHandleForWriting.close()
    #expect(exited, "ferry did not stop on SIGINT")

    let stderr = try String(contentsOfFile: dir + "/err", encoding: .utf8)
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 130, "stderr: \(stderr)")
    #expect(stderr.contains("ferry: interrupted by SIGINT; removed "))
    #expect(temporaryFiles(under: dir).isEmpty)
    #expect(entries(folder) == [(old as NSString).lastPathComponent])
    #expect(try String(contentsOfFile: old, encoding: .utf8) == "previous output\n")
  }

  private func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition() { return true }
      usleep(20_000)
    }
    return false
  }

  private func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
  }
}
