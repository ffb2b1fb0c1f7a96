import FerryEWS
import FerryModel

extension Formats {
  /// The EWS family's entries in the registry.
  static var ewsFormats: [Format] {
    [
      Format(
        name: "ews", extensions: ["xml"], kinds: [.contact, .event],
        summary: "Exchange Web Services XML: CreateItem/UpdateItem/DeleteItem requests; reads GetItem/FindItem responses",
        detect: { head, name in
          let text = String(decoding: head.prefix(4096), as: UTF8.self)
          guard text.contains("schemas.microsoft.com/exchange/services/2006/") else { return nil }
          return Detection(confidence: 0.95)
        },
        makeReader: { input, options, sink in try EWSReader(input: input, options: options, diagnostics: sink) },
        makeWriter: { destination, options, sink in
          try EWSWriter(destination: destination, options: options, diagnostics: sink)
        },
        coverage: { kind, _ in Formats.mailboxCoverage(kind, origin: "ews") })
    ]
  }
}
