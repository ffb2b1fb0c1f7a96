import FerryTestSupport
import Foundation
import Testing

/// Runs `script` under `/bin/sh` from the repository root, with `$FERRY` naming the built
/// binary (redirections such as `2>&-` or `>/dev/full` need a shell). The script's own
/// standard output and error are returned.
private func shell(_ script: String) throws -> Run {
  try runProcess("/bin/sh", ["-c", script], environment: ["FERRY": ferryBinary], directory: Fixtures.root)
}

private func folder() throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-streams-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

/// A standard output or error that cannot be written (closed, or a full disk) is a failed
/// run for standard output and nothing at all for standard error; never a crash.
@Suite("standard streams (real binary)")
struct StandardStreamTests {
  // These inputs give warnings (phones the matcher cannot read, CSV columns with no home).
  static let warningInput = "fixtures/csv/salesforce-contacts.csv"

  @Test("a closed or full standard error does not crash a run or leave its temporary file", arguments: ["2>&-", "2>/dev/full"])
  func unwritableStandardError(_ redirect: String) throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try shell(
      "\"$FERRY\" convert \(Self.warningInput) --to csv:outlook -o '\(dir)/out.csv' \(redirect); echo \"convert=$?\"; "
        + "\"$FERRY\" dedupe \(Self.warningInput) >/dev/null \(redirect); echo \"dedupe=$?\"")
    #expect(run.stdout.contains("convert=0"), "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.contains("dedupe=0"), "\(run.stdout)\(run.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(names == ["out.csv"], "\(names)")
  }

  @Test("a full standard output fails the run (exit 1) with a message, for every subcommand")
  func fullStandardOutput() throws {
    let run = try shell(
      "\"$FERRY\" formats >/dev/full; echo \"formats=$?\" >&2; "
        + "\"$FERRY\" inspect \(Self.warningInput) >/dev/full; echo \"inspect=$?\" >&2; "
        + "\"$FERRY\" dedupe \(Self.warningInput) >/dev/full; echo \"dedupe=$?\" >&2; "
        + "\"$FERRY\" convert \(Self.warningInput) --to ndjson >/dev/full; echo \"convert=$?\" >&2; "
        + "\"$FERRY\" --help >/dev/full; echo \"help=$?\" >&2")
    for name in ["formats", "inspect", "dedupe", "convert", "help"] {
      #expect(run.stderr.contains("\(name)=1"), "\(run.stderr)")
    }
    #expect(run.stderr.contains("No space left on device"))
    #expect(!run.stderr.contains("Error: error:"), "\(run.stderr)")
  }

  @Test("a closed standard output fails the run (exit 1); an output file does not take its place")
  func closedStandardOutput() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try shell(
      "\"$FERRY\" formats >&-; echo \"formats=$?\" >&2; "
        + "\"$FERRY\" dedupe \(Self.warningInput) -o '\(dir)/deduped.ndjson' --to ndjson >&-; echo \"dedupe=$?\" >&2")
    #expect(run.stderr.contains("formats=1"), "\(run.stderr)")
    // The summary could not be printed: status 1, and the data file holds only data.
    #expect(run.stderr.contains("dedupe=1"), "\(run.stderr)")
    let data = (try? String(contentsOfFile: dir + "/deduped.ndjson", encoding: .utf8)) ?? ""
    #expect(data.split(separator: "\n").allSatisfy { $0.hasPrefix("{") }, "\(data.prefix(300))")
  }

  @Test("a standard error whose reader went away (SIGPIPE) does not kill the run or leave its temporary file")
  func brokenStandardError() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ferryBinary)
    process.arguments = ["convert", Self.warningInput, "--to", "csv:outlook", "-o", dir + "/out.csv"]
    process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.root)
    let pipe = Pipe()
    try pipe.fileHandleForReading.close()  // the reader is gone before the first warning
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = pipe.fileHandleForWriting
    try process.run()
    try pipe.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let names = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(names == ["out.csv"], "\(names)")
  }

  @Test("a standard output whose reader went away ends the run quietly (141), with no temporary file")
  func brokenStandardOutput() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // Several MB of output, more than a pipe holds, and a report file being written beside.
    let run = try shell(
      "i=0; while [ $i -lt 400 ]; do cat fixtures/csv/salesforce-contacts.csv | tail -n +2; i=$((i+1)); done > '\(dir)/body'; "
        + "(head -1 fixtures/csv/salesforce-contacts.csv; cat '\(dir)/body') > '\(dir)/in.csv'; rm '\(dir)/body'; "
        + "{ \"$FERRY\" convert '\(dir)/in.csv' --to ndjson --report '\(dir)/report.json' 2>'\(dir)/err'; echo $? > '\(dir)/status'; } | head -c 1 >/dev/null")
    #expect(run.status == 0, "\(run.stderr)")
    let status = (try? String(contentsOfFile: dir + "/status", encoding: .utf8)) ?? ""
    #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "141")
    let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
    #expect(!err.contains("error"), "\(err)")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(!names.contains { $0.contains(".ferry-") }, "\(names)")
  }
}
