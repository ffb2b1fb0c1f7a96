import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// Each writer's `Format.coverage` tells the truth: a field it declares kept changes its
/// output when removed from a fully populated record, and a field it does not declare
/// leaves the output as it was (so `Conversion` reports exactly the fields that are lost).
@Suite("Writers' field coverage")
struct FieldCoverageTests {
  /// `fixtures/coverage/full-*.ndjson`: one record with every content field filled.
  static func full(_ kind: RecordKind) throws -> [String: Any] {
    let bytes = try Fixtures.bytes("coverage/full-\(kind.rawValue).ndjson")
    let object = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    return try #require(object[kind.rawValue] as? [String: Any])
  }

  static func record(_ kind: RecordKind, _ fields: [String: Any]) throws -> Record {
    let data = try JSONSerialization.data(withJSONObject: [kind.rawValue: fields])
    return try JSONDecoder().decode(Record.self, from: data)
  }

  static func output(_ spec: FormatSpec, _ record: Record, options: WriteOptions) throws -> [UInt8] {
    let format = try Formats.resolve(spec)
    let make = try #require(format.makeWriter)
    let destination = OutputDestination(memoryNamed: "out")
    var writer = try make(destination, options, .ignore)
    try writer.write(record)
    try writer.finish()
    try destination.commitAll()
    return destination.memoryOutputs.flatMap(\.output.memory)
  }

  struct Case: CustomTestStringConvertible, Sendable {
    var spec: String
    var kind: RecordKind
    var mapping: String?
    var testDescription: String { "\(spec) \(kind.rawValue)s" + (mapping.map { " --mapping \($0)" } ?? "") }
  }

  static let cases: [Case] =
    ["outlook", "google", "exchange", "hubspot", "salesforce", "thunderbird", "common"].map {
      Case(spec: "csv:\($0)", kind: .contact)
    }
    + ["outlook-calendar", "google-calendar", "salesforce-events"].map { Case(spec: "csv:\($0)", kind: .event) }
    + [
      Case(spec: "csv", kind: .contact, mapping: "coverage/eu-mapping.yaml"),
      Case(spec: "ews", kind: .contact), Case(spec: "ews", kind: .event),
      Case(spec: "graph", kind: .contact), Case(spec: "graph", kind: .event),
      Case(spec: "vcard", kind: .contact), Case(spec: "ics", kind: .event),
      Case(spec: "ndjson", kind: .contact), Case(spec: "ndjson", kind: .event),
    ]

  @Test("declared fields are the fields written", arguments: cases)
  func declaredIsWritten(_ c: Case) throws {
    let spec = FormatSpec(c.spec)
    var options = WriteOptions(variant: spec.variant)
    options.csv.mappingFile = c.mapping.map(Fixtures.path)
    // Targets that expand series do it in a fixed window around the full event's weeks.
    options.calendar.expandFrom = LocalDate(year: 2027, month: 1, day: 1)
    options.calendar.expandUntil = LocalDate(year: 2027, month: 2, day: 1)
    let fields = try Self.full(c.kind)
    let full = try Self.record(c.kind, fields)
    let base = try Self.output(spec, full, options: options)
    let bookkeeping = FieldCoverage.bookkeeping(c.kind)
    var written: Set<String> = []
    for name in fields.keys where !bookkeeping.contains(name) {
      var less = fields
      less[name] = nil
      if try Self.output(spec, Self.record(c.kind, less), options: options) != base { written.insert(name) }
    }
    let content = Set(fields.keys).subtracting(bookkeeping)
    let coverage = try Formats.resolve(spec).coverage?(c.kind, options)
    let declared = coverage.map { $0.fields.intersection(content) } ?? content
    // The formatted name goes with the structured name: a writer that writes the name keeps
    // it (the full record's formatted name is the one the name gives, so it changes nothing).
    var expected = declared
    if declared.contains("name") { expected.remove("formattedName") }
    #expect(written.subtracting(["formattedName"]) == expected, "\(c.testDescription) written: \(written.sorted())")
  }

  @Test("formats that keep everything declare no coverage", arguments: ["vcard", "ics", "ndjson"])
  func keepEverything(_ name: String) throws {
    let format = try Formats.resolve(FormatSpec(name))
    for kind in format.kinds { #expect(try format.coverage?(kind, WriteOptions()) == nil) }
  }

  /// Runs `ferry convert` on NDJSON text; returns the `unmapped` messages.
  static func unmapped(_ ndjson: String, to target: String) throws -> [String] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-coverage-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let input = dir + "/in.ndjson"
    try ndjson.write(toFile: input, atomically: true, encoding: .utf8)
    let collector = DiagnosticCollector()
    let conversion = Conversion(inputs: [input], from: nil, to: FormatSpec(target), output: dir + "/out")
    _ = try conversion.run(diagnostics: collector.sink)
    return collector.diagnostics.filter { $0.code == "unmapped" }.map(\.message)
  }

  @Test("convert reports each field the target drops once, with the number of records")
  func reportedOncePerField() throws {
    let records = """
      {"contact":{"name":{"given":"Ada"},"role":"Programmer","birthday":"1815-12-10","source":{"system":"salesforce","recordId":"003000000000001AAA"}}}
      {"contact":{"name":{"given":"Grace"},"birthday":"1906-12-09","uid":"g@example.com"}}
      {"contact":{"name":{"given":"Alan"},"emails":[{"address":"alan@example.com"}]}}
      """
    let messages = try Self.unmapped(records, to: "csv:exchange")
    #expect(
      messages == [
        "field \"role\" (1 record) has no place in csv:exchange; dropped",
        "field \"birthday\" (2 records) has no place in csv:exchange; dropped",
      ])
    // Outlook has a place for both; vCard and NDJSON for everything.
    #expect(try Self.unmapped(records, to: "csv:outlook").isEmpty)
    #expect(try Self.unmapped(records, to: "vcard").isEmpty)
    #expect(try Self.unmapped(records, to: "ndjson").isEmpty)
  }

  @Test("another format's raw properties are reported by EWS, by name; the CSV writer's own note is not repeated")
  func rawProperties() throws {
    let event = """
      {"event":{"kind":"event","summary":"Review","start":"2027-01-05T15:00:00Z","end":"2027-01-05T16:00:00Z","raw":[{"name":"ATTACH","origin":"ics","value":"https://files.example/a.pdf"}]}}
      """
    #expect(try Self.unmapped(event, to: "ews") == ["ics property \"ATTACH\" (1 record) has no place in ews; dropped"])
    let csv = try Self.unmapped(event, to: "csv:outlook-calendar")
    #expect(csv.count == 1)
    #expect(csv.first?.contains("\"ATTACH\" from ics has no column") == true)
  }
}
