import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// `ferry inspect` counts filled fields with the generated `filledFieldNames`; reflection
/// (`Mirror`) is the reference it must agree with, on every corpus record.
@Suite("inspect: filled fields")
struct InspectionFieldsTests {
  /// The reference: every top-level stored property that holds a value.
  static func reflected(_ value: Any) -> [String] {
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

  @Test("generated filled-field names equal reflection on every corpus contact and event")
  func agreesWithReflection() throws {
    var files: [String] = []
    for folder in ["corpus/vcard", "corpus/ical"] {
      let dir = Fixtures.shared(folder)
      for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasSuffix(".vcf") || name.hasSuffix(".ics") {
        files.append(dir + "/" + name)
      }
    }
    #expect(files.count > 20)
    var contacts = 0, events = 0
    for file in files {
      let collector = DiagnosticCollector()
      guard var (reader, _, _, _) = try? InputOpener.open(path: file, from: nil, options: ReadOptions(), diagnostics: collector.sink)
      else { continue }
      while let record = try? reader.next() {
        switch record {
        case .contact(let c):
          contacts += 1
          #expect(c.contact.filledFieldNames == Self.reflected(c.contact), "\(file)")
        case .event(let e):
          events += 1
          #expect(e.event.filledFieldNames == Self.reflected(e.event), "\(file)")
        }
      }
    }
    #expect(contacts > 20 && events > 20)
    // Every field of a blank record but the ones that always hold a value is empty.
    #expect(Contact().filledFieldNames == Self.reflected(Contact()))
    #expect(Event().filledFieldNames == Self.reflected(Event()))
  }
}
