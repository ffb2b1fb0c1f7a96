import FerryModel
import FerryTestSupport
import FerryTime
import Foundation
import Testing

@testable import FerryEWS

/// A series the mailbox already holds gets its excluded and changed occurrences as
/// `t:OccurrenceItemId` operations (push's later run, given the mailbox export).
@Suite("EWS occurrences")
struct EWSOccurrenceTests {
  static func zoned(_ day: Int, _ hour: Int, minute: Int = 0, month: Int = 11) -> EventTime {
    .zoned(LocalDateTime(year: 2026, month: month, day: day, hour: hour, minute: minute), zone: "America/New_York")
  }

  /// A weekly Monday series of ten from 2 November 2026 (16 November excluded, 23 November
  /// moved to Tuesday 10:00 in Room 2), as push hands it over: located in the mailbox by
  /// its `ItemId`.
  static func series() -> Event {
    var e = Event()
    e.summary = "Weekly pipeline call"
    e.location = "Phone bridge"
    e.privacy = .public
    e.start = zoned(2, 9)
    e.end = zoned(2, 9, minute: 30)
    e.source = SourceIdentity(system: "salesforce", objectType: "Event", recordId: "00U000000000003EAA")
    e.uid = "ferry-00U000000000003EAA@ferry"
    var o = Event()
    o.recurrenceId = zoned(23, 9)
    o.start = zoned(24, 10)
    o.end = zoned(24, 10, minute: 30)
    o.location = "Room 2"
    e.recurrence = Recurrence(rule: rule("FREQ=WEEKLY;BYDAY=MO;COUNT=10"), exceptionDates: [zoned(16, 9)], overrides: [o])
    e.raw.append(
      RawProperty(
        name: "ItemId", parameters: [RawParameter(name: "ChangeKey", values: ["CK1"])], value: "AAMkMaster=", origin: "ews"))
    return e
  }

  static func write(
    _ e: Event, previous: Event? = nil, occurrences: OccurrenceChanges, batch: Int = 100, sink: DiagnosticSink = .ignore
  ) throws -> [String] {
    var options = WriteOptions()
    options.exchange.operation = .update
    options.exchange.batchSize = batch
    let destination = OutputDestination(memoryNamed: "out.xml")
    var writer = try EWSWriter(destination: destination, options: options, diagnostics: sink)
    try writer.write(.event(e), replacing: previous.map(Record.event), occurrences: occurrences)
    try writer.finish()
    try destination.commitAll()
    return destination.memoryOutputs.map { $0.output.text }
  }

  @Test("instance indexes count the pattern's occurrences from DTSTART, excluded ones included")
  func indexes() {
    let e = Self.series()
    let ids: [EventTime] = [
      Self.zoned(16, 9), Self.zoned(23, 9), .utc(LocalDateTime(year: 2026, month: 11, day: 23, hour: 14)), Self.zoned(2, 9),
      Self.zoned(17, 9), Self.zoned(4, 9, month: 1),
    ]
    // Across the end of daylight-saving time (1 November) the wall clock stays 09:00.
    #expect(SeriesOccurrences.instanceIndexes(of: ids, in: e) == [3, 4, 4, 1, nil, nil])
    var allDay = Event()
    allDay.isAllDay = true
    allDay.start = .date(LocalDate(year: 2026, month: 1, day: 31))
    allDay.recurrence = Recurrence(rule: rule("FREQ=WEEKLY;BYDAY=SA"))
    let days = [LocalDate(year: 2026, month: 2, day: 14), LocalDate(year: 2026, month: 2, day: 15)].map { EventTime.date($0) }
    #expect(SeriesOccurrences.instanceIndexes(of: days, in: allDay) == [3, nil])
    // A DTSTART the rule does not produce (a Sunday for a Saturday rule) is no occurrence
    // of the Exchange pattern: the first Saturday is its first.
    allDay.start = .date(LocalDate(year: 2026, month: 1, day: 25))
    let sunday = EventTime.date(LocalDate(year: 2026, month: 1, day: 25))
    #expect(SeriesOccurrences.instanceIndexes(of: [sunday] + days, in: allDay) == [nil, 3, nil])
  }

  @Test("an unchanged series gets one UpdateItem per changed occurrence and a DeleteItem per excluded one, schema-valid")
  func occurrencesOnly() throws {
    let e = Self.series()
    let changes = OccurrenceChanges(
      deleted: e.recurrence?.exceptionDates ?? [], modified: e.recurrence?.overrides ?? [], seriesUnchanged: true)
    let docs = try Self.write(e, occurrences: changes)
    #expect(docs.count == 2)
    let update = try #require(docs.first)
    let delete = try #require(docs.last)
    #expect(update.contains("<m:UpdateItem"))
    #expect(!update.contains("<t:ItemId"))  // the series itself is not touched
    #expect(update.contains(#"<t:OccurrenceItemId RecurringMasterId="AAMkMaster=" ChangeKey="CK1" InstanceIndex="4"/>"#))
    #expect(update.contains(#"<t:FieldURI FieldURI="calendar:Start"/>"#))
    #expect(update.contains("<t:Start>2026-11-24T10:00:00-05:00</t:Start>"))
    #expect(update.contains("<t:End>2026-11-24T10:30:00-05:00</t:End>"))
    #expect(update.contains("<t:Location>Room 2</t:Location>"))
    #expect(update.contains(#"<t:StartTimeZone Id="Eastern Standard Time"/>"#))
    // Nothing the occurrence shares with its series is sent.
    #expect(!update.contains("Subject"))
    #expect(!update.contains("ExtendedProperty"))
    #expect(!update.contains("calendar:UID"))
    #expect(!update.contains("Recurrence"))
    #expect(delete.contains("<m:DeleteItem"))
    // The ChangeKey went with the first operation; the update gave the series a new one.
    #expect(delete.contains(#"<t:OccurrenceItemId RecurringMasterId="AAMkMaster=" InstanceIndex="3"/>"#))
    #expect(try validateWithSchema(docs, tag: "occurrences") == nil)
  }

  @Test("a changed series is updated first, in the same UpdateItem, then its occurrences")
  func seriesAndOccurrences() throws {
    var e = Self.series()
    var previous = e
    previous.summary = "Pipeline call"
    previous.recurrence?.exceptionDates = []
    previous.recurrence?.overrides = []
    e.recurrence?.exceptionDates = []
    let diagnostics = DiagnosticCollector()
    let docs = try Self.write(
      e, previous: previous, occurrences: OccurrenceChanges(modified: e.recurrence?.overrides ?? []), sink: diagnostics.sink)
    #expect(docs.count == 1)
    let text = try #require(docs.first)
    let master = try #require(text.range(of: #"<t:ItemId Id="AAMkMaster=" ChangeKey="CK1"/>"#))
    let occurrence = try #require(text.range(of: #"<t:OccurrenceItemId RecurringMasterId="AAMkMaster=" InstanceIndex="4"/>"#))
    #expect(master.lowerBound < occurrence.lowerBound)
    #expect(text.contains("<t:Subject>Weekly pipeline call</t:Subject>"))
    // The series as the update writes it is the pattern: no CreateItem warning.
    #expect(!diagnostics.diagnostics.contains { $0.message.contains("CreateItem") })
    #expect(try validateWithSchema(docs, tag: "occurrences-series") == nil)
  }

  @Test("an occurrence that is no occurrence of the pattern is reported and not sent")
  func strayOccurrence() throws {
    let e = Self.series()
    var stray = Event()
    stray.recurrenceId = Self.zoned(25, 9)
    stray.location = "Room 9"
    let diagnostics = DiagnosticCollector()
    let docs = try Self.write(
      e, occurrences: OccurrenceChanges(deleted: [Self.zoned(17, 9)], modified: [stray], seriesUnchanged: true),
      sink: diagnostics.sink)
    #expect(docs.isEmpty)
    let warnings = diagnostics.diagnostics.filter { $0.severity == .warning }.map(\.message)
    #expect(warnings.count == 2)
    #expect(warnings.allSatisfy { $0.contains("no occurrence of its pattern") && $0.contains("not sent") })
  }

  @Test("batches: updates go out before the deletes that follow them")
  func batches() throws {
    var e = Self.series()
    let deleted = [2, 9, 16].map { Self.zoned($0, 9) }
    e.recurrence?.exceptionDates = deleted
    let docs = try Self.write(
      e, occurrences: OccurrenceChanges(deleted: deleted, modified: e.recurrence?.overrides ?? [], seriesUnchanged: true),
      batch: 2)
    #expect(docs.map { $0.contains("<m:UpdateItem") ? "update" : "delete" } == ["update", "delete", "delete"])
    #expect(try validateWithSchema(docs, tag: "occurrence-batches") == nil)
  }

  @Test("the CreateItem warning says a later push with the mailbox export sends the occurrences")
  func createWarning() throws {
    var e = Self.series()
    e.raw = []
    let diagnostics = DiagnosticCollector()
    _ = try writeEWS([.event(e)], sink: diagnostics.sink)
    let warning = try #require(diagnostics.diagnostics.first { $0.message.contains("cannot be sent in CreateItem") })
    #expect(warning.message.contains("1 excluded and 1 changed occurrences"))
    #expect(warning.message.contains("a later ferry push run given the mailbox export"))
  }
}
