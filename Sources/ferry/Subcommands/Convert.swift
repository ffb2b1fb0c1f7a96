import ArgumentParser
import Ferry
import FerryMatch
import FerryModel
import Foundation

extension FerryCommand {
  struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Convert contacts or events from one format to another.",
      discussion: prose("""
        Inputs are read in order; no input, or '-', reads standard input. Without -o the
        result goes to standard output. The input format is detected from content unless
        --from names it.

        Examples:
          ferry convert salesforce.csv --to csv:outlook -o outlook.csv
          ferry convert --from csv:salesforce --to vcard:3.0 --for google < export.csv > google.vcf
          ferry convert contacts.csv --to vcard --for outlook --split cards/
          ferry convert contacts.csv --to vcard --for outlook --split cards/ --clean
          cat a.vcf b.vcf | ferry convert --to ndjson | jq .contact.emails
        """))

    @Argument(help: "Input files; '-' or none for standard input.")
    var inputs: [String] = []

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @Flag(help: "Run the duplicate pass (as `ferry dedupe`) inside the conversion.")
    var dedupe = false

    @Option(help: "With --dedupe: merge (default), drop or report.")
    var dedupeMode: DedupeMode = .merge

    @OptionGroup(title: "Dedupe") var match: MatchOptions

    @Flag(
      help: """
        Write the output even when errors were reported (records that could not be read are \
        missing from it; the exit status is still 1). Without it, a run with errors leaves \
        its output files as they were.
        """)
    var allowErrors = false

    func validate() throws {
      if inputs.filter({ $0 == "-" }).count > 1 {
        throw ValidationError("standard input ('-') is given more than once; it can be read only once")
      }
      let dataOnStandardOutput = output.split == nil && output.output == "-"
      if diagnosticOptions.report == "-" && dataOnStandardOutput {
        throw ValidationError("--report - would mix the report into the data on standard output: give the report a file, or the data -o FILE")
      }
      if let report = diagnosticOptions.report, report != "-" { try checkWritable(report, what: "--report") }
      // An -o that cannot be written is refused before the input is read, as dedupe's -o and
      // --report are (status 2), not after the whole conversion (status 1).
      if output.split == nil && output.output != "-" { try checkWritable(output.output, what: "-o") }
      if let clusters = match.clusters {
        if clusters == "-" && (dataOnStandardOutput || diagnosticOptions.report == "-") {
          throw ValidationError("--clusters - would mix the clusters into another output on standard output: give one of them a file")
        }
        if clusters != "-" { try checkWritable(clusters, what: "--clusters") }
      }
    }

    func run() throws {
      let printer = DiagnosticPrinter(strict: diagnosticOptions.strict, quiet: diagnosticOptions.quiet)
      Progress.shared.forced = diagnosticOptions.progress && !diagnosticOptions.quiet
      guard let to = output.to ?? (output.output != "-" ? Ferry.Formats.forExtension(of: output.output)?.name : nil) else {
        throw ValidationError("name the output format with --to (for example --to csv:outlook)")
      }
      let toSpec = FormatSpec(to)
      var writeOptions = try output.writeOptions(zone: input.zone)
      // `--mapping` also drives the generic csv writer (`--to csv --mapping FILE`).
      writeOptions.csv.mappingFile = input.mapping
      var conversion = Conversion(
        inputs: inputs, from: input.fromSpec, to: toSpec, output: output.split ?? output.output,
        readOptions: input.readOptions(), writeOptions: writeOptions)
      conversion.progress = { n in Progress.shared.update("converted \(n) records") }
      let allowErrors = allowErrors
      conversion.commitVeto = {
        guard !allowErrors, printer.errors > 0 else { return nil }
        let what = printer.errors == 1 ? "an error was" : "\(printer.errors) errors were"
        return "\(what) reported, so the output was not written (--allow-errors writes it anyway)"
      }
      var summary = ConversionSummary()
      var failure: FerryError?
      do {
        if dedupe {
          let rules = try match.matchRules()
          let mode = dedupeMode
          let prefer = match.prefer
          let clustersPath = match.clusters
          let limits = limits(for: output.target ?? to)
          let sink = printer.sink
          summary = try conversion.run(diagnostics: sink, failed: { summary = $0 }) { records, locations in
            var session = DedupeSession(rules: rules)
            for (k, r) in records.enumerated() {
              session.add(r, source: "convert", position: k + 1, set: 0, location: locations[k], sink: sink)
            }
            let result = session.matcher.run(threads: ProcessInfo.processInfo.activeProcessorCount)
            var options = DedupeOptions()
            options.mode = mode
            options.prefer = prefer
            options.limits = limits
            let applied = Deduplication.apply(
              records: records, sets: session.matcher.sets, result: result, options: options, region: rules.region)
            for (r, message) in applied.overflow {
              sink.note("merged value kept in notes: \(message)", at: locations[r], code: "overflow")
            }
            if let clustersPath { try session.writeClusters(result, to: clustersPath) }
            let inClusters = result.clusters.reduce(0) { $0 + $1.members.count }
            sink.note(
              "dedupe: \(result.clusters.count) clusters, \(inClusters - result.clusters.count) duplicates (\(mode.rawValue))",
              at: nil, code: "dedupe")
            records = applied.records
            locations = applied.sources.map { locations[$0] }
          }
        } else {
          summary = try conversion.run(diagnostics: printer.sink, failed: { summary = $0 })
        }
      } catch let error as FerryError {
        failure = error
        if error.kind == .usage { throw usageFailure(error, printer: printer) }
        printer.print(error: error)
      }
      Progress.shared.clearLine()
      printer.printRepeats()
      if let path = diagnosticOptions.report {
        do {
          try writeJSONReport(ConvertReport(summary: summary, printer: printer, failed: failure != nil), to: path)
        } catch let error as FerryError {
          printer.print(error: error)
          throw ExitCode(1)
        }
      }
      var written = output.split ?? output.output
      if output.split == nil, written != "-", summary.outputFiles.count > 1, let first = summary.outputFiles.first,
        let last = summary.outputFiles.last
      {
        // Numbered batches (`out-0001.xml` …): name the files that exist, not the -o path.
        written = "\(first) … \(last) (\(summary.outputFiles.count) files)"
      }
      if failure != nil && !diagnosticOptions.quiet && written != "-" {
        // Output is committed only when the whole conversion succeeded.
        StandardStreams.error("ferry: stopped; nothing written, \(written) left as it was\n")
      } else if !diagnosticOptions.quiet && written != "-" && summary.outputFiles.isEmpty && output.split == nil {
        // The writer had nothing to write (every record skipped, or none read): no file made.
        StandardStreams.error("ferry: \(summary.recordsRead) records read, nothing written; \(written) not created\n")
      } else if !diagnosticOptions.quiet && written != "-" {
        let skipped = summary.recordsSkipped > 0 ? " (\(summary.recordsSkipped) skipped)" : ""
        StandardStreams.error("ferry: \(summary.recordsRead) records read, \(summary.recordsWritten) written\(skipped) to \(written)\n")
      }
      if failure != nil || printer.exitCode != 0 { throw ExitCode(1) }
    }
  }
}

/// The `--report` JSON of `convert`.
struct ConvertReport: Encodable {
  struct Counts: Encodable {
    var read: Int
    var written: Int
    /// Records left out with a diagnostic: the writer could not write them, or the target
    /// cannot hold their kind.
    var skipped: Int
    /// Records folded into another by `--dedupe` (merged or dropped duplicates).
    /// `read == written + skipped + deduplicated`.
    var deduplicated: Int
    var contacts: Int
    var events: Int
    var errors: Int
    var warnings: Int
    var notes: Int
  }
  struct RecordIssue: Encodable {
    var record: Int?
    var location: String?
    var field: String?
    var message: String
  }
  var command = "convert"
  var ok: Bool
  var counts: Counts
  var inputs: [InputSummary]
  /// Counts by diagnostic code (`overflow`, `unmapped`, …).
  var byCode: [String: Int]
  var overflowed: [RecordIssue]
  var unmapped: [RecordIssue]
  var diagnostics: [Diagnostic]

  init(summary: ConversionSummary, printer: DiagnosticPrinter, failed: Bool) {
    ok = !failed && printer.exitCode == 0
    counts = Counts(
      read: summary.recordsRead, written: summary.recordsWritten, skipped: summary.recordsSkipped,
      deduplicated: summary.recordsDeduplicated,
      contacts: summary.contacts, events: summary.events,
      errors: printer.errors, warnings: printer.warnings, notes: printer.notes)
    inputs = summary.inputs
    byCode = printer.countsByCode
    func issues(_ code: String) -> [RecordIssue] {
      printer.diagnostics.filter { $0.code == code }.map {
        RecordIssue(
          record: $0.location?.record, location: $0.location?.description, field: $0.location?.property,
          message: $0.message)
      }
    }
    overflowed = issues("overflow")
    unmapped = issues("unmapped")
    diagnostics = printer.diagnostics
  }
}
