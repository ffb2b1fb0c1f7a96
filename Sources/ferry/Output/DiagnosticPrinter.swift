import ArgumentParser
import FerryModel
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Prints diagnostics compiler-style on standard error, counts them, and keeps them for the
/// JSON report.
final class DiagnosticPrinter: @unchecked Sendable {
  let strict: Bool
  let quiet: Bool
  private(set) var diagnostics: [Diagnostic] = []
  private(set) var errors = 0
  private(set) var warnings = 0
  private(set) var notes = 0
  /// Counts by diagnostic code (or severity, for diagnostics without one), exact like the
  /// totals: `diagnostics` keeps only the first `keepLimit`.
  private(set) var countsByCode: [String: Int] = [:]
  /// Keep at most this many messages in memory for the report; counts stay exact.
  private let keepLimit = 100_000
  /// The same message (severity, code and text; any position) is printed this many times at
  /// most; the rest are counted and summed up by `printRepeats()`. 200,000 cards that each
  /// lose the same field must not bury the one error that matters.
  static let repeatLimit = 3
  /// How often each message was seen, for the first `trackedLimit` distinct ones (so memory
  /// stays bounded when every message is different).
  private var seen: [String: Int] = [:]
  private var seenOrder: [String] = []
  private let trackedLimit = 10_000

  init(strict: Bool, quiet: Bool) {
    self.strict = strict
    self.quiet = quiet
  }

  var sink: DiagnosticSink { DiagnosticSink { [self] in self.handle($0) } }

  func handle(_ diagnostic: Diagnostic) {
    var d = diagnostic
    if strict && d.severity == .warning { d.severity = .error }
    switch d.severity {
    case .error: errors += 1
    case .warning: warnings += 1
    case .note: notes += 1
    }
    countsByCode[d.code ?? d.severity.rawValue, default: 0] += 1
    if diagnostics.count < keepLimit { diagnostics.append(d) }
    if quiet && d.severity != .error { return }
    if d.severity != .error {
      let key = "\(d.severity.rawValue)\u{1F}\(d.code ?? "")\u{1F}\(d.message)"
      if let n = seen[key] {
        seen[key] = n + 1
        if n >= Self.repeatLimit { return }
      } else if seen.count < trackedLimit {
        seen[key] = 1
        seenOrder.append(key)
      }
    }
    Progress.shared.clearLine()
    StandardStreams.error((d.description + "\n"))
  }

  /// One line per message that was held back after `repeatLimit` showings: how many more
  /// there were. Call once, at the end of a command.
  func printRepeats() {
    for key in seenOrder {
      guard let n = seen[key], n > Self.repeatLimit else { continue }
      let parts = key.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
      let severity = parts.first.map(String.init) ?? "note"
      let message = parts.count > 2 ? String(parts[2]) : key
      Progress.shared.clearLine()
      StandardStreams.error("ferry: \(n - Self.repeatLimit) more \(severity)\(n - Self.repeatLimit == 1 ? "" : "s") like this one not shown (--report counts them all): \(message)\n")
    }
    seenOrder = []
  }

  func print(error: FerryError) {
    StandardStreams.exitIfBrokenPipe(error)
    handle(Diagnostic(.error, error.message, at: error.location))
  }

  /// 1 when any error was reported (warnings count under --strict), else 0.
  var exitCode: Int32 { errors > 0 ? 1 : 0 }
}

/// The encoder of every JSON report: pretty, key-sorted.
func reportEncoder() -> JSONEncoder {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  return encoder
}

/// Writes a value as pretty, key-sorted JSON, atomically.
func writeJSONReport(_ value: some Encodable, to path: String) throws {
  let data = try reportEncoder().encode(value)
  let out = try ByteOutput(path: path)
  try out.write(Array(data))
  try out.write("\n")
  try out.commit()
}

/// A progress line on standard error, only when it is a terminal and the work has run for
/// over a second.
final class Progress: @unchecked Sendable {
  static let shared = Progress()
  private let start = Date()
  private let isTerminal = isatty(2) != 0
  private var shown = false
  /// `--progress`: lines on standard error even when it is not a terminal (a log file, a CI
  /// job), one every `logInterval` seconds instead of a line redrawn in place.
  var forced = false
  private let logInterval: TimeInterval = 5
  private var lastLogged: TimeInterval = 0

  func update(_ text: String) {
    let elapsed = Date().timeIntervalSince(start)
    guard elapsed > 1 else { return }
    if isTerminal {
      StandardStreams.error("\r\u{1B}[K\(text)")
      shown = true
    } else if forced, elapsed - lastLogged >= logInterval {
      lastLogged = elapsed
      StandardStreams.error("ferry: \(text) (\(Int(elapsed)) s)\n")
    }
  }

  func clearLine() {
    guard shown else { return }
    StandardStreams.error("\r\u{1B}[K")
    shown = false
  }
}

/// Refuses, before any work, a path that cannot be written: its folder is missing or not
/// writable, or it is a folder. (A report that fails after the data was committed would
/// leave a pipeline with output and no report.)
func checkWritable(_ path: String, what: String) throws {
  var info = stat()
  if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
    throw ValidationError("\(what) \"\(path)\" is a folder; give a file name")
  }
  if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
    // A pipe or device (/dev/stdout, a FIFO) is written in place: its folder (/dev) need
    // not be writable, the device itself must be.
    if access(path, W_OK) != 0 {
      throw ValidationError("\(what) \"\(path)\": \(String(cString: strerror(errno)))")
    }
    return
  }
  let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
  let dir = folder.isEmpty ? "/" : folder
  if access(dir, W_OK) != 0 {
    throw ValidationError("\(what) \"\(path)\": cannot write in \"\(dir)\": \(String(cString: strerror(errno)))")
  }
}
