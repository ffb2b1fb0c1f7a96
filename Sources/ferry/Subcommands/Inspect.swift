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
        """))

    @Argument(help: "The file to inspect; '-' for standard input.")
    var file: String = "-"

    @OptionGroup var input: InputOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Exit with status 1 when there are warnings.")
    var strict = false

    func run() throws {
      let inspection: Inspection
      do {
        inspection = try Inspection(path: file, from: input.fromSpec, options: input.readOptions())
      } catch let error as FerryError {
        if error.kind == .usage {
          throw usageFailure(error, printer: DiagnosticPrinter(strict: false, quiet: false))
        }
        StandardStreams.error((error.description + "\n"))
        if json {
          // A script reading --json gets a document on failure too, not an empty stdout.
          try writeJSONReport(
            FailedInspection(path: file == "-" ? "<stdin>" : file, diagnostics: [Diagnostic(.error, error.message, at: error.location)]),
            to: "-")
        }
        throw ExitCode(1)
      }
      let hasErrors = inspection.diagnostics.contains { $0.severity == .error }
      let hasWarnings = inspection.diagnostics.contains { $0.severity == .warning }
      let failed = hasErrors || (strict && hasWarnings)
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
        for d in inspection.diagnostics.prefix(200) {
          StandardStreams.error((d.description + "\n"))
        }
        if inspection.diagnostics.count > 200 {
          StandardStreams.error("… and \(inspection.diagnostics.count - 200) more diagnostics\n")
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
