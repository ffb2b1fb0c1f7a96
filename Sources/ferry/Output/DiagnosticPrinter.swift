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
  /// Keep at most this many messages in memory for the report; counts stay exact.
  private let keepLimit = 100_000

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
    if diagnostics.count < keepLimit { diagnostics.append(d) }
    if quiet && d.severity != .error { return }
    Progress.shared.clearLine()
    FileHandle.standardError.write(Data((d.description + "\n").utf8))
  }

  func print(error: FerryError) {
    handle(Diagnostic(.error, error.message, at: error.location))
  }

  /// 1 when any error was reported (warnings count under --strict), else 0.
  var exitCode: Int32 { errors > 0 ? 1 : 0 }

  /// Counts by diagnostic code (`overflow`, `unmapped`, `encoding`, …).
  var countsByCode: [String: Int] {
    var counts: [String: Int] = [:]
    for d in diagnostics { counts[d.code ?? d.severity.rawValue, default: 0] += 1 }
    return counts
  }
}

/// Writes a value as pretty, key-sorted JSON, atomically.
func writeJSONReport(_ value: some Encodable, to path: String) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  let data = try encoder.encode(value)
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

  func update(_ text: String) {
    guard isTerminal, Date().timeIntervalSince(start) > 1 else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    shown = true
  }

  func clearLine() {
    guard shown else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    shown = false
  }
}
