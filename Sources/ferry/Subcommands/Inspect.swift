import ArgumentParser
import Ferry
import FerryModel
import Foundation

extension FerryCommand {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show an input's format, profile, record counts, field fill and diagnostics.",
      discussion: prose("""
        Examples:
          ferry inspect export.csv
          ferry inspect --json contacts.vcf
          ferry inspect --from csv:google google.csv
          ferry inspect --quiet --report inspect.json export.csv
        """))

    @Argument(help: "The file to inspect; '-' for standard input.")
    var file: String = "-"

    @OptionGroup var input: InputOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Exit with status 1 when there are warnings.")
    var strict = false

    @Flag(name: [.short, .long], help: "Print errors only on standard error (the summary is still printed).")
    var quiet = false

    @Option(help: "Write the JSON document --json prints to FILE as well (the text summary stays on standard output); written when the input cannot be read too.")
    var report: String?

    func validate() throws {
      if report == "-" {
        throw ValidationError("--report - would mix the JSON report with the summary on standard output; use --json for that, or give --report a file name")
      }
    }

    func run() throws {
      let inspection: Inspection
      do {
        inspection = try Inspection(path: file, from: input.fromSpec, options: input.readOptions())
      } catch let error as FerryError {
        if error.kind == .usage {
          throw usageFailure(error, printer: DiagnosticPrinter(strict: false, quiet: false))
        }
        StandardStreams.error((error.description + "\n"))
        let failure = FailedInspection(path: file == "-" ? "<stdin>" : file, diagnostics: [Diagnostic(.error, error.message, at: error.location)])
        // A script reading --json or --report gets a document on failure too, not nothing.
        if let report { try writeJSONReport(failure, to: report) }
        if json { try writeJSONReport(failure, to: "-") }
        throw ExitCode(1)
      }
      let hasErrors = inspection.diagnostics.contains { $0.severity == .error }
      let hasWarnings = inspection.diagnostics.contains { $0.severity == .warning }
      let failed = hasErrors || (strict && hasWarnings)
      if let report {
        try writeJSONReport(InspectionJSON(inspection: inspection, ok: !failed), to: report)
      }
      if json {
        try writeJSONReport(InspectionJSON(inspection: inspection, ok: !failed), to: "-")
      } else {
        print("file:       \(inspection.path)")
        let variant = inspection.variant.map { ":\($0)" } ?? ""
        print("format:     \(inspection.format)\(variant) (confidence \(String(format: "%.2f", inspection.confidence)))")
        print("contacts:   \(inspection.contacts)")
        print("events:     \(inspection.events)")
        let errors = inspection.diagnostics.filter { $0.severity == .error }.count
        let warnings = inspection.diagnostics.filter { $0.severity == .warning }.count
        print("diagnostics: \(errors) errors, \(warnings) warnings")
        if !inspection.fieldFill.isEmpty {
          print("fields filled (records):")
          for (field, n) in inspection.fieldFill.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            print("  \(field.padding(toLength: 20, withPad: " ", startingAt: 0)) \(n)")
          }
        }
        let shown = inspection.diagnostics.filter { !quiet || $0.severity == .error }
        for d in shown.prefix(200) {
          StandardStreams.error((d.description + "\n"))
        }
        if shown.count > 200 {
          StandardStreams.error("… and \(shown.count - 200) more diagnostics\n")
        }
      }
      if failed { throw ExitCode(1) }
    }
  }
}

/// `inspect --json` when the input could not be read at all.
struct FailedInspection: Encodable {
  var path: String
  var ok = false
  var diagnostics: [Diagnostic]
}

/// `inspect --json`: the inspection and `ok` (the exit status is 0), which the failure
/// document (`FailedInspection`) has too, so a script can test `.ok` either way.
struct InspectionJSON: Encodable {
  var inspection: Inspection
  var ok: Bool

  enum Key: String, CodingKey { case ok }

  func encode(to encoder: any Encoder) throws {
    try inspection.encode(to: encoder)
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(ok, forKey: .ok)
  }
}
