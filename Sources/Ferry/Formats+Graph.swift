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
          guard text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).first == "{" else { return nil }
          if text.contains("\"@odata.context\"") && text.contains("\"value\"") { return Detection(confidence: 0.9) }
          // Pages without a context (delta pages, $select, SDK dumps) and single resources:
          // told by Graph's own keys.
          if text.contains("\"@odata.type\"") && text.contains("#microsoft.graph.") { return Detection(confidence: 0.7) }
          // What Graph answers instead of a page (an error body, a `$batch` response): the reader
          // reports it as an error rather than leaving the input unrecognised.
          let start = text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" || $0 == "{" }).prefix(16)
          if start.hasPrefix("\"error\"") && text.contains("\"code\"") { return Detection(confidence: 0.6) }
          if start.hasPrefix("\"responses\"") && text.contains("\"status\"") { return Detection(confidence: 0.6) }
          let graphKeys = ["\"@odata.etag\"", "\"emailAddresses\"", "\"givenName\"", "\"iCalUId\"", "\"originalStartTimeZone\"",
            "\"businessPhones\"", "\"@odata.context\"", "\"bodyPreview\"", "\"isAllDay\"", "\"showAs\"", "\"timeZone\""]
          if graphKeys.contains(where: text.contains) && (text.contains("\"value\"") || text.contains("\"id\"")) {
            return Detection(confidence: 0.6)
          }
          return nil
        },
        makeReader: { input, options, sink in try GraphReader(input: input, options: options, diagnostics: sink) },
        makeWriter: { destination, options, sink in GraphWriter(destination: destination, options: options, diagnostics: sink) },
        coverage: { kind, _ in Formats.mailboxCoverage(kind, origin: "graph") })
    ]
  }
}

extension Formats {
  /// What the EWS and Graph writers keep (their item shapes hold the same fields; checked
  /// against the output in FieldCoverageTests). Raw properties of their own origin carry the
  /// mailbox's item id for updates; every other raw property is dropped.
  static func mailboxCoverage(_ kind: RecordKind, origin: String) -> FieldCoverage {
    switch kind {
    case .contact:
      FieldCoverage(
        fields: [
          "formattedName", "name", "nicknames", "emails", "phones", "addresses", "organization", "department", "title",
          "role", "birthday", "anniversary", "notes", "urls", "categories", "related", "instantMessaging",
        ], rawOrigins: [origin])
    case .event:
      FieldCoverage(
        fields: [
          "summary", "description", "location", "start", "end", "recurrence", "attendees", "privacy", "busyStatus",
          "reminders", "categories", "priority",
        ], rawOrigins: [origin])
    }
  }
}
