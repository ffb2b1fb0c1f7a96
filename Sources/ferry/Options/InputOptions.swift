import ArgumentParser
import FerryModel
import Ferry

/// Flags every reading command shares.
struct InputOptions: ParsableArguments {
  @Option(name: [.customLong("from"), .customShort("f")], help: "Input format NAME[:VARIANT]; detected from content when left out.")
  var from: String?

  @Option(
    help:
      "Override input encoding: utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1 (CSV); for vCard and iCalendar, the charset of values with no CHARSET (windows-1250, iso-8859-2, shift_jis, …).")
  var inputEncoding: String?

  @Option(help: "Mapping file (YAML) for the generic csv profile.")
  var mapping: String?

  @Option(
    help:
      "CSV field delimiter, when sniffing (comma, semicolon, tab) and a 'sep=' line should not decide: one character, or 'tab'.")
  var delimiter: String?

  @Option(
    help:
      "How slashed dates in CSV inputs are ordered: M/D/YYYY (default, as en-US Outlook exports them) or D/M/YYYY (British and European exports). Dotted (31.7.1980) and ISO dates are always read.")
  var inputDateFormat: CSVDateFormat?

  @Option(
    help:
      "Time zone for floating times in inputs and for outputs with no zone: a tz database name (Europe/Berlin) or a Windows id (W. Europe Standard Time)."
  )
  var zone: String?

  var fromSpec: FormatSpec? { from.map(FormatSpec.init) }

  /// `--delimiter` as the byte the CSV reader splits on: one ASCII character other than a
  /// quote or a line break, or `tab` (`\t`).
  var delimiterByte: UInt8? {
    get throws {
      guard let delimiter else { return nil }
      if delimiter.lowercased() == "tab" || delimiter == "\\t" || delimiter == "\t" { return 0x09 }
      let bytes = Array(delimiter.utf8)
      guard bytes.count == 1, bytes[0] < 0x80, ![0x22, 0x0A, 0x0D].contains(bytes[0]) else {
        throw ValidationError("--delimiter wants one ASCII character other than a quote or a line break, or 'tab'; got \"\(delimiter)\"")
      }
      return bytes[0]
    }
  }

  func validate() throws {
    _ = try delimiterByte
    if let zone, !ZoneOption.isKnown(zone) {
      throw ValidationError("--zone \"\(zone)\" names no time zone ferry knows (give a tz database name such as Europe/Berlin, or a Windows id)")
    }
  }

  func readOptions() -> ReadOptions {
    var options = ReadOptions(variant: fromSpec?.variant)
    options.inputEncoding = inputEncoding
    options.csv.mappingFile = mapping
    options.csv.delimiter = try? delimiterByte
    options.csv.dateFormat = inputDateFormat
    options.calendar.zone = zone
    return options
  }
}

/// Flags about diagnostics and reports.
struct DiagnosticOptions: ParsableArguments {
  @Flag(help: "Treat warnings as errors (exit status 1).")
  var strict = false

  @Flag(name: [.short, .long], help: "Print errors only.")
  var quiet = false

  @Option(help: "Write a JSON report (ok, counts, diagnostics, overflowed and unmapped fields) to FILE ('-' for standard output, when the data goes elsewhere); written when the run fails too.")
  var report: String?

  @Flag(
    help: "Report progress on standard error even when it is not a terminal (a line every 5 seconds); on a terminal it is shown anyway.")
  var progress = false
}
