import FerryCSV
import FerryModel

extension Formats {
  /// The CSV family's entries in the registry: one format, `csv`, whose variants are the
  /// column profiles. Plain `csv` reads with the detected profile (or the `--mapping` file)
  /// and writes with `--mapping` (or Outlook's profile when none is given).
  static var csvFormats: [Format] {
    [
      Format(
        name: "csv",
        variants: [
          "outlook", "salesforce", "google", "hubspot", "exchange", "thunderbird", "common", "mapping",
          "salesforce-events", "outlook-calendar", "google-calendar",
        ],
        extensions: ["csv", "tsv"], kinds: [.contact, .event],
        summary: "CSV with column profiles: contacts (salesforce, outlook, google, hubspot, exchange, thunderbird, common; --mapping FILE), events (salesforce-events, outlook-calendar, google-calendar)",
        detect: { head, fileName in
          CSVDetection.detect(head: head, fileName: fileName).map { Detection(confidence: $0.confidence, variant: $0.profile) }
        },
        makeReader: { input, options, diagnostics in
          // A big UTF-8 input of a contact profile is read in pieces, on several threads.
          try CSVReader.open(input: input, options: options, diagnostics: diagnostics)
        },
        makeWriter: { destination, options, diagnostics in
          try CSVWriter(destination: destination, options: options, diagnostics: diagnostics)
        },
        coverage: { kind, options in
          try CSVWriter.writtenFields(kind: kind, options: options).map { FieldCoverage(fields: $0) }
        })
    ]
  }
}
