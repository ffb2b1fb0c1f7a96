import FerryModel

/// `ferry inspect`: what an input is, how many records it holds, and how many records fill
/// each field.
public struct Inspection: Sendable, Codable {
  public var path: String
  public var format: String
  public var variant: String?
  public var confidence: Double
  public var contacts = 0
  public var events = 0
  /// Field name → number of records in which it is filled.
  public var fieldFill: [String: Int] = [:]
  public var diagnostics: [Diagnostic] = []

  public init(path: String, from: FormatSpec?, options: ReadOptions = ReadOptions()) throws {
    let collector = DiagnosticCollector()
    var (reader, format, detection) = try InputOpener.openPrefetching(
      path: path, from: from, options: options, diagnostics: collector.sink)
    self.path = path == "-" ? "<stdin>" : path
    self.format = format.name
    variant = detection.variant
    confidence = detection.confidence
    while let record = try reader.next() {
      switch record {
      case .contact(let c):
        contacts += 1
        for field in c.filledFieldNames { fieldFill[field, default: 0] += 1 }
      case .event(let e):
        events += 1
        for field in e.filledFieldNames { fieldFill[field, default: 0] += 1 }
      }
    }
    diagnostics = collector.diagnostics
  }
}
