import Ferry
import FerryModel
import Testing

@Suite("NDJSON")
struct NDJSONTests {
  @Test("records round-trip through NDJSON")
  func roundTrip() throws {
    var c = Contact()
    c.name = PersonName(given: "Bob", family: "Lee")
    c.phones = [PhoneNumber("+1 212 555 0100", types: ["work", "voice"], preference: 1)]
    c.source = SourceIdentity(system: "salesforce", objectType: "Contact", recordId: "003D000000AbcDe")
    c.raw = [RawProperty(name: "Lead Source", value: "Web", origin: "csv:salesforce")]
    var e = Event()
    e.summary = "Review"
    e.start = .zoned(LocalDateTime(year: 2024, month: 3, day: 10, hour: 9), zone: "America/New_York")
    e.end = .zoned(LocalDateTime(year: 2024, month: 3, day: 10, hour: 10), zone: "America/New_York")
    var rule = RecurrenceRule(frequency: .weekly)
    rule.byDay = [.init(.monday), .init(.wednesday)]
    e.recurrence = Recurrence(rule: rule, exceptionDates: [.date(LocalDate(year: 2024, month: 3, day: 18))])
    let records: [Record] = [.contact(c), .event(e)]

    let destination = OutputDestination(memoryNamed: "out.ndjson")
    var writer = try NDJSONWriter(destination: destination)
    for r in records { try writer.write(r) }
    try writer.finish()
    try destination.commitAll()
    let text = destination.memoryOutputs[0].output.text
    #expect(text.split(separator: "\n").count == 2)

    for chunk in [1, 3, 64, 1 << 16] {
      var reader = NDJSONReader(input: ByteInput(string: text, chunkSize: chunk), diagnostics: .ignore)
      #expect(try reader.collect() == records)
    }
  }

  @Test("a bad line is reported with its line number and skipped")
  func badLine() throws {
    let collector = DiagnosticCollector()
    let text = "{\"contact\":{\"name\":{},\"emails\":[]}}\nnot json\n"
    var reader = NDJSONReader(input: ByteInput(string: text, name: "in.ndjson"), diagnostics: collector.sink)
    _ = try reader.collect()
    #expect(collector.diagnostics.count >= 1)
    #expect(collector.diagnostics.last?.location?.line == 2)
  }

  @Test("unknown keys (a misspelt field) are named in a warning; known ones are not")
  func unknownKeys() throws {
    let collector = DiagnosticCollector()
    let text = """
      {"contact":{"name":{"given":"Ana"},"emails":[{"address":"ana@example.com"}]}}
      {"contact":{"name":{"given":"Bo"},"emial":[{"address":"bo@example.com"}],"emails":[{"adress":"x","address":"b@example.com"}]},"extra":1}

      """
    var reader = NDJSONReader(input: ByteInput(string: text, name: "in.ndjson"), diagnostics: collector.sink)
    let records = try reader.collect()
    #expect(records.count == 2)
    #expect(records[1].contact?.emails.map(\.address) == ["b@example.com"])
    #expect(collector.diagnostics.count == 1)
    let d = try #require(collector.diagnostics.first)
    #expect(d.location?.line == 2)
    #expect(d.message.hasPrefix("unknown fields \"extra\", \"contact.emial\", \"contact.emails.0.adress\" ignored"))
  }

  @Test("ferry's own NDJSON reads back with no unknown key")
  func ownOutputHasNoUnknownKeys() throws {
    var c = Contact()
    c.name = PersonName(given: "Bob", family: "Lee")
    c.emails = [EmailAddress("bob@example.com")]
    c.raw = [RawProperty(name: "X", group: "item1", parameters: [RawParameter(name: "TYPE", values: ["a"])], value: "v", origin: "vcard")]
    var e = Event()
    e.summary = "Review"
    e.attendees = [Attendee()]
    e.reminders = [Reminder()]
    let destination = OutputDestination(memoryNamed: "out.ndjson")
    var writer = try NDJSONWriter(destination: destination)
    for r in [Record.contact(c), .event(e)] { try writer.write(r) }
    try writer.finish()
    try destination.commitAll()
    let collector = DiagnosticCollector()
    var reader = NDJSONReader(input: ByteInput(string: destination.memoryOutputs[0].output.text), diagnostics: collector.sink)
    #expect(try reader.collect().count == 2)
    #expect(collector.diagnostics.isEmpty)
  }
}
