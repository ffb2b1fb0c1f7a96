import FerryTestSupport
import Foundation
import Testing

/// Runs the command tests in `fixtures/commands/*.md` (pandoc's format): a fenced block with
/// a `% ferry ARGS…` line, standard input up to `^D`, then the expected standard output.
/// `...` alone matches any lines; `2> text` expects a standard-error line containing text;
/// `=> N` expects exit status N (default 0). `$TMP` is a fresh folder, `$SHARED` the shared
/// folder beside the clone, `$FIXTURES` the fixtures folder.
struct CommandCase: CustomTestStringConvertible, Sendable {
  var file: String
  var line: Int
  var arguments: [String]
  var stdin: String
  var stdout: [String]
  var stderr: [String]
  var status: Int32
  var testDescription: String { "\((file as NSString).lastPathComponent):\(line)" }
}

enum CommandCases {
  static func all() -> [CommandCase] {
    let dir = Fixtures.path("commands")
    return Fixtures.files(in: dir, extensions: ["md"]).flatMap { parse(file: $0) }
  }

  static func parse(file: String) -> [CommandCase] {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
    var cases: [CommandCase] = []
    var inFence = false
    var current: CommandCase?
    var phase = 0  // 0 command, 1 stdin, 2 expected
    for (index, raw) in text.components(separatedBy: "\n").enumerated() {
      let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
      if line.hasPrefix("```") {
        if inFence, let c = current { cases.append(c) }
        inFence.toggle()
        current = nil
        phase = 0
        continue
      }
      guard inFence else { continue }
      if current == nil {
        guard line.hasPrefix("% ferry") else { continue }
        let args = split(String(line.dropFirst(2)))
        current = CommandCase(
          file: file, line: index + 1, arguments: Array(args.dropFirst()), stdin: "", stdout: [], stderr: [], status: 0)
        phase = 1
        continue
      }
      if phase == 1 {
        if line == "^D" { phase = 2 } else { current!.stdin += line + "\n" }
      } else if line.hasPrefix("2> ") {
        current!.stderr.append(String(line.dropFirst(3)))
      } else if line.hasPrefix("=> "), let n = Int32(line.dropFirst(3).trimmingCharacters(in: .whitespaces)) {
        current!.status = n
      } else {
        current!.stdout.append(line)
      }
    }
    return cases
  }

  /// Splits a command line at spaces, honouring single and double quotes.
  static func split(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    var quote: Character?
    var has = false
    for c in text {
      if let q = quote {
        if c == q { quote = nil } else { current.append(c) }
      } else if c == "'" || c == "\"" {
        quote = c
        has = true
      } else if c == " " {
        if has || !current.isEmpty { out.append(current) }
        current = ""
        has = false
      } else {
        current.append(c)
      }
    }
    if has || !current.isEmpty { out.append(current) }
    return out
  }
}

/// The built `ferry` binary, beside the test bundle.
let ferryBinary: String = {
  let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  var dir = exe.deletingLastPathComponent()
  while dir.path != "/" {
    let candidate = dir.appendingPathComponent("ferry").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    dir.deleteLastPathComponent()
  }
  return Fixtures.root + "/.build/debug/ferry"
}()

struct Run {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs ferry with arguments and standard input, from the repository root.
func runFerry(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Run {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: ferryBinary)
  process.arguments = arguments
  process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.root)
  var env = ProcessInfo.processInfo.environment
  for (k, v) in environment { env[k] = v }
  process.environment = env
  // Files, not pipes: no threads needed, and large outputs cannot dead-lock.
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-run-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  let inURL = dir.appendingPathComponent("in"), outURL = dir.appendingPathComponent("out")
  let errURL = dir.appendingPathComponent("err")
  try Data(stdin.utf8).write(to: inURL)
  _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let inHandle = try FileHandle(forReadingFrom: inURL)
  let outHandle = try FileHandle(forWritingTo: outURL)
  let errHandle = try FileHandle(forWritingTo: errURL)
  defer {
    try? inHandle.close()
    try? outHandle.close()
    try? errHandle.close()
  }
  process.standardInput = inHandle
  process.standardOutput = outHandle
  process.standardError = errHandle
  try process.run()
  process.waitUntilExit()
  return Run(
    status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// Whether `actual` lines match `expected`, where `...` matches any run of lines.
func linesMatch(_ actual: [String], _ expected: [String]) -> Bool {
  guard let first = expected.first else { return actual.isEmpty }
  if first == "..." {
    for skip in 0...actual.count where linesMatch(Array(actual.dropFirst(skip)), Array(expected.dropFirst())) {
      return true
    }
    return false
  }
  guard let a = actual.first, a == first else { return false }
  return linesMatch(Array(actual.dropFirst()), Array(expected.dropFirst()))
}

@Suite("command tests (fixtures/commands)")
struct CommandTests {
  @Test("runs", arguments: CommandCases.all())
  func run(_ c: CommandCase) throws {
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-cmd-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: tmp) }
    let shared = Fixtures.shared("").replacingOccurrences(of: "/$", with: "", options: .regularExpression)
    func expand(_ s: String) -> String {
      s.replacingOccurrences(of: "$TMP", with: tmp).replacingOccurrences(of: "$SHARED", with: shared)
        .replacingOccurrences(of: "$FIXTURES", with: Fixtures.root + "/fixtures")
    }
    let result = try runFerry(c.arguments.map(expand), stdin: expand(c.stdin))
    // CRLF formats (vCard, iCalendar, CSV): "\r\n" is one Character, so it is replaced first;
    // a lone CR at a line end is dropped too.
    var out = result.stdout.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
      .map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    if out.last == "" { out.removeLast() }
    let expected = c.stdout.map(expand)
    #expect(
      linesMatch(out, expected),
      "stdout differs\n--- expected\n\(expected.joined(separator: "\n"))\n--- actual\n\(result.stdout)\n--- stderr\n\(result.stderr)")
    #expect(result.status == c.status, "exit status \(result.status), expected \(c.status); stderr:\n\(result.stderr)")
    var errLines = result.stderr.components(separatedBy: "\n")[...]
    for want in c.stderr.map(expand) {
      guard let hit = errLines.firstIndex(where: { $0.contains(want) }) else {
        Issue.record("stderr has no line containing \"\(want)\"; stderr:\n\(result.stderr)")
        break
      }
      errLines = errLines[(hit + 1)...]
    }
  }
}
