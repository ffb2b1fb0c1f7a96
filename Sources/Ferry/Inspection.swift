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
        for field in Inspection.filledFields(of: c) { fieldFill[field, default: 0] += 1 }
      case .event(let e):
        events += 1
        for field in Inspection.filledFields(of: e) { fieldFill[field, default: 0] += 1 }
      }
    }
    diagnostics = collector.diagnostics
  }

  /// Top-level fields that hold a value, named as in the model dump.
  static func filledFields(of value: Any) -> [String] {
    Mirror(reflecting: value).children.compactMap { child in
      guard let label = child.label else { return nil }
      let m = Mirror(reflecting: child.value)
      if m.displayStyle == .optional { return m.children.isEmpty ? nil : label }
      if let s = child.value as? String { return s.isEmpty ? nil : label }
      if let b = child.value as? Bool { return b ? label : nil }
      if m.displayStyle == .collection { return m.children.isEmpty ? nil : label }
      if let n = child.value as? PersonName { return n.isEmpty ? nil : label }
      return label
    }
  }
}
