import FerryGraph
import FerryModel

extension Formats {
  /// The Graph family's entries in the registry.
  static var graphFormats: [Format] {
    [
      Format(
        name: "graph", extensions: [], kinds: [.contact, .event],
        summary: "Microsoft Graph JSON $batch requests (contacts, events); reads GET response pages",
        detect: { head, _ in
          let text = String(decoding: head.prefix(4096), as: UTF8.self)
          if text.contains("\"@odata.context\"") && text.contains("\"value\"") { return Detection(confidence: 0.9) }
          return nil
        },
        makeReader: { input, _, sink in try GraphReader(input: input, diagnostics: sink) },
        makeWriter: { destination, options, sink in GraphWriter(destination: destination, options: options, diagnostics: sink) })
    ]
  }
}
