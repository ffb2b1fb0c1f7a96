import Ferry
import FerryModel
import FerryTestSupport
import Testing

/// The reproducers in `fixtures/fuzz/`: each is read with format detection and written with
/// every writer, as `make fuzz FUZZ_TARGET=roundtrip` does, and gives its diagnostic.
@Suite struct FuzzReproducerTests {
  struct Case: Sendable, CustomStringConvertible {
    var file: String
    var records: Int
    /// `line:column message-prefix` of a diagnostic the reader must give.
    var diagnostic: String?
    var description: String { file }
  }

  static let cases: [Case] = [
    Case(file: "csv/year-int-min.csv", records: 1, diagnostic: "2:10 Birthday value \"1/1/-9223372036854775808\" is not a date"),
    Case(
      file: "ics/nested-components.ics", records: 1,
      diagnostic: "23:1 BEGIN:X-DEEP is nested more than 16 components deep"),
    Case(
      file: "ics/rrule-int-min.ics", records: 1,
      diagnostic: "8:7 RRULE BYDAY value \"-9223372036854775808MO\" has a bad ordinal"),
    Case(file: "ics/rrule-interval-max.ics", records: 1, diagnostic: nil),
    Case(file: "ics/vtimezone-rrule-int-min.ics", records: 1, diagnostic: nil),
    Case(file: "vcard/begin-without-end.vcf", records: 40, diagnostic: "28:1 BEGIN:VCARD nested more than 8 cards deep"),
  ]

  @Test func everyReproducerIsListed() {
    let files = Fixtures.files(in: Fixtures.path("fuzz"), extensions: ["ics", "vcf", "csv", "xml", "json", "ndjson"])
    #expect(files.count == Self.cases.count, "\(files)")
  }

  @Test(arguments: cases)
  func readsAndWritesWithoutATrap(_ c: Case) throws {
    let bytes = try Fixtures.bytes("fuzz/" + c.file)
    let (format, detection) = try #require(Formats.detect(head: bytes, fileName: c.file))
    let collector = DiagnosticCollector()
    var options = ReadOptions()
    options.variant = detection.variant
    let makeReader = try #require(format.makeReader)
    var reader = try makeReader(ByteInput(bytes: bytes, name: c.file), options, collector.sink)
    let records = try reader.collect()
    #expect(records.count == c.records)
    if let expected = c.diagnostic {
      let found = collector.diagnostics.map { d in "\(d.location?.line ?? 0):\(d.location?.column ?? 0) \(d.message)" }
      #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }
    var expand = WriteOptions()
    expand.calendar.series = .expand
    expand.calendar.expandFrom = LocalDate(year: 2024, month: 1, day: 1)
    expand.calendar.expandUntil = LocalDate(year: 2025, month: 12, day: 31)
    let writers: [(String, WriteOptions)] = [
      ("vcard:3.0", WriteOptions()), ("vcard:4.0", WriteOptions()), ("ics", WriteOptions()), ("ics", expand),
      ("csv:outlook", WriteOptions()), ("csv:outlook-calendar", WriteOptions()), ("ews", WriteOptions()),
      ("graph", WriteOptions()), ("ndjson", WriteOptions()),
    ]
    for (spec, options) in writers {
      let formatSpec = FormatSpec(spec)
      let target = try Formats.resolve(formatSpec)
      var options = options
      options.variant = formatSpec.variant
      let destination = OutputDestination(memoryNamed: "out")
      let makeWriter = try #require(target.makeWriter)
      var writer = try makeWriter(destination, options, .ignore)
      for record in records where target.kinds.contains(record.kind) { try writer.write(record) }
      try writer.finish()
      if spec == "ics" && options.calendar.series == .expand && c.file == "ics/rrule-interval-max.ics" {
        // INTERVAL=9223372036854775807 reaches nothing after DTSTART: one instance.
        let text = destination.memoryOutputs.map(\.output.text).joined()
        #expect(text.components(separatedBy: "BEGIN:VEVENT").count - 1 == 1)
      }
    }
  }
}
