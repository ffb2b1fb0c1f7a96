import FerryModel
import FerryTime
import FerryTestSupport
import Foundation
import Testing

@testable import FerryGraph

/// Occurrences of a series the mailbox holds, addressed by the instance ids of a
/// calendarView export.
@Suite("Graph occurrences")
struct GraphOccurrenceTests {
  static func zoned(_ day: Int, _ hour: Int, minute: Int = 0) -> EventTime {
    .zoned(LocalDateTime(year: 2026, month: 11, day: day, hour: hour, minute: minute), zone: "America/New_York")
  }

  static func series() -> Event {
    var e = Event()
    e.summary = "Weekly pipeline call"
    e.location = "Phone bridge"
    e.privacy = .public
    e.start = zoned(2, 9)
    e.end = zoned(2, 9, minute: 30)
    e.source = SourceIdentity(system: "salesforce", objectType: "Event", recordId: "00U000000000003EAA")
    var o = Event()
    o.recurrenceId = zoned(23, 9)
    o.summary = "Pipeline call (moved)"
    o.start = zoned(24, 10)
    var rule = RecurrenceRule(frequency: .weekly)
    rule.count = 10
    rule.byDay = [.init(.monday)]
    e.recurrence = Recurrence(rule: rule, exceptionDates: [zoned(16, 9)], overrides: [o])
    e.raw = [RawProperty(name: "id", value: "GSERIES", origin: "graph")]
    return e
  }

  func write(_ e: Event, _ changes: OccurrenceChanges, sink: DiagnosticSink = .ignore) throws -> [[String: Any]] {
    var options = WriteOptions()
    options.exchange.operation = .update
    options.exchange.mailbox = "alice.rep@example.com"
    let destination = OutputDestination(memoryNamed: "out.json")
    var writer = GraphWriter(destination: destination, options: options, diagnostics: sink)
    try writer.write(.event(e), replacing: nil, occurrences: changes)
    try writer.finish()
    try destination.commitAll()
    guard let text = destination.memoryOutputs.first?.output.text else { return [] }
    let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    return json?["requests"] as? [[String: Any]] ?? []
  }

  @Test("the series' PATCH, then a PATCH and a DELETE of the instances, each after the one before")
  func instances() throws {
    let e = Self.series()
    let ids = [
      OccurrenceChanges.InstanceId(recurrenceId: .utc(LocalDateTime(year: 2026, month: 11, day: 16, hour: 14)), id: "GOCC3"),
      OccurrenceChanges.InstanceId(recurrenceId: .utc(LocalDateTime(year: 2026, month: 11, day: 23, hour: 14)), id: "GOCC4"),
    ]
    let requests = try write(
      e, OccurrenceChanges(deleted: e.recurrence?.exceptionDates ?? [], modified: e.recurrence?.overrides ?? [], instanceIds: ids))
    #expect(requests.map { "\($0["method"] ?? "") \($0["url"] ?? "")" } == [
      "PATCH /users/alice.rep@example.com/events/GSERIES", "PATCH /users/alice.rep@example.com/events/GOCC4",
      "DELETE /users/alice.rep@example.com/events/GOCC3",
    ])
    #expect(requests.dropFirst().map { $0["dependsOn"] as? [String] } == [["1"], ["2"]])
    // The series goes out as its pattern; the occurrence with what it changes.
    let master = try #require(requests.first?["body"] as? [String: Any])
    #expect(master["recurrence"] != nil)
    let occurrence = try #require(requests[1]["body"] as? [String: Any])
    #expect(Set(occurrence.keys) == ["subject", "start", "end"])
    #expect((occurrence["end"] as? [String: Any])?["dateTime"] as? String == "2026-11-24T10:30:00")
  }

  @Test("an occurrence with no instance id is reported and not sent")
  func noInstance() throws {
    let e = Self.series()
    let diagnostics = DiagnosticCollector()
    let requests = try write(
      e, OccurrenceChanges(deleted: e.recurrence?.exceptionDates ?? [], seriesUnchanged: true), sink: diagnostics.sink)
    #expect(requests.isEmpty)
    #expect(diagnostics.diagnostics.contains { $0.severity == .warning && $0.message.contains("calendarView") })
  }

  @Test("an instance's originalStart matches a whole day by its nearest date, a timed occurrence by its instant")
  func matching() {
    let midnightNewYork = EventTime.utc(LocalDateTime(year: 2026, month: 11, day: 16, hour: 5))
    #expect(SeriesOccurrences.same(midnightNewYork, .date(LocalDate(year: 2026, month: 11, day: 16))))
    #expect(!SeriesOccurrences.same(midnightNewYork, .date(LocalDate(year: 2026, month: 11, day: 15))))
    #expect(SeriesOccurrences.same(.utc(LocalDateTime(year: 2026, month: 11, day: 16, hour: 14)), Self.zoned(16, 9)))
    #expect(!SeriesOccurrences.same(.utc(LocalDateTime(year: 2026, month: 11, day: 16, hour: 14)), Self.zoned(16, 10)))
  }
}
