import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// iCalendar files whose TZIDs only their own VTIMEZONEs define (or nothing defines), through
/// the registry to every writer that needs an instant or a Windows zone, as `ferry convert`
/// does.
@Suite("custom VTIMEZONEs through the writers")
struct CustomZoneConversionTests {
  static func ics(_ body: String) -> String {
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n"
  }

  /// Outlook 2003's "Pacific": the April–October rule no tz database zone follows today.
  static let pacific = ics(
    """
    BEGIN:VTIMEZONE\r\nTZID:Pacific\r\nBEGIN:STANDARD\r\nDTSTART:19501029T020000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r
    RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19500402T020000\r\nTZOFFSETFROM:-0800\r
    TZOFFSETTO:-0700\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r
    BEGIN:VEVENT\r\nUID:p1\r\nDTSTAMP:20040401T000000Z\r\nSUMMARY:Lunch\r\nDTSTART;TZID="Pacific":20040415T120000\r
    DTEND;TZID="Pacific":20040415T130000\r\nEND:VEVENT\r\n
    """)

  /// An Outlook custom zone with two eras (US Eastern before and after 2007).
  static let customized = ics(
    """
    BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone 1\r
    BEGIN:STANDARD\r\nDTSTART:19671029T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r
    RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10;UNTIL=20061029T060000Z\r\nEND:STANDARD\r
    BEGIN:DAYLIGHT\r\nDTSTART:19870405T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r
    RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4;UNTIL=20060402T070000Z\r\nEND:DAYLIGHT\r
    BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r
    RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r
    BEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r
    RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r
    BEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20050401T000000Z\r\nSUMMARY:Standup\r\nDTSTART;TZID="Customized Time Zone 1":20050615T090000\r
    DTEND;TZID="Customized Time Zone 1":20050615T093000\r\nEND:VEVENT\r\n
    """)

  static let unresolved = ics(
    "BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Call\r\nDTSTART;TZID=Europe/Germany:20250610T140000\r\n"
      + "DTEND;TZID=Europe/Germany:20250610T150000\r\nEND:VEVENT\r\n")

  func convert(_ text: String, to spec: String, _ configure: (inout WriteOptions) -> Void = { _ in }) throws -> (
    text: String, diagnostics: [Diagnostic]
  ) {
    let collector = DiagnosticCollector()
    let bytes = Array(text.utf8)
    let input = try Formats.resolve(FormatSpec("ics"))
    let makeReader = try #require(input.makeReader)
    var reader = try makeReader(ByteInput(bytes: bytes, name: "in.ics"), ReadOptions(), .ignore)
    let records = try reader.collect()
    let format = try Formats.resolve(FormatSpec(spec))
    let makeWriter = try #require(format.makeWriter)
    var options = WriteOptions(variant: FormatSpec(spec).variant)
    configure(&options)
    let destination = OutputDestination(memoryNamed: "out")
    var writer = try makeWriter(destination, options, collector.sink)
    for r in records { try writer.write(r) }
    try writer.finish()
    try destination.commitAll()
    return (destination.memoryOutputs.map(\.output.text).joined(), collector.diagnostics)
  }

  @Test("Graph gets the wall time in the Windows zone that agrees, not UTC", arguments: [
    (pacific, "2004-04-15T12:00:00", "Pacific Standard Time"), (customized, "2005-06-15T09:00:00", "Eastern Standard Time"),
  ])
  func graph(_ input: String, _ dateTime: String, _ windows: String) throws {
    let (text, diagnostics) = try convert(input, to: "graph")
    #expect(text.contains("\"dateTime\": \"\(dateTime)\""))
    #expect(text.contains("\"timeZone\": \"\(windows)\""))
    #expect(!text.contains("\"UTC\""))
    #expect(diagnostics.isEmpty)
  }

  @Test("EWS gets the instant's offset and StartTimeZone", arguments: [
    (pacific, "2004-04-15T12:00:00-07:00", "Pacific Standard Time"),
    (customized, "2005-06-15T09:00:00-04:00", "Eastern Standard Time"),
  ])
  func ews(_ input: String, _ start: String, _ windows: String) throws {
    let (text, _) = try convert(input, to: "ews")
    #expect(text.contains("<t:Start>\(start)</t:Start>"))
    #expect(text.contains("<t:StartTimeZone Id=\"\(windows)\"/>"))
  }

  @Test("--utc converts such times in iCalendar, Graph and NDJSON output")
  func utc() throws {
    let (ics, _) = try convert(Self.pacific, to: "ics") { $0.calendar.utc = true }
    #expect(ics.contains("DTSTART:20040415T190000Z\r\n"))
    #expect(ics.contains("DTEND:20040415T200000Z\r\n"))
    #expect(!ics.contains("TZID"))
    let (graph, _) = try convert(Self.pacific, to: "graph") { $0.calendar.utc = true }
    #expect(graph.contains("\"dateTime\": \"2004-04-15T19:00:00\""))
    #expect(graph.contains("\"timeZone\": \"UTC\""))
    let (ndjson, _) = try convert(Self.pacific, to: "ndjson") { $0.calendar.utc = true }
    #expect(ndjson.contains("\"start\":\"2004-04-15T19:00:00Z\""))
    #expect(ndjson.contains("\"end\":\"2004-04-15T20:00:00Z\""))
  }

  @Test("a TZID nothing resolves is never silently UTC: every writer warns, naming the event and TZID", arguments: [
    "graph", "ews", "ics", "ndjson",
  ])
  func unresolvedZone(_ spec: String) throws {
    let (_, diagnostics) = try convert(Self.unresolved, to: spec) { $0.calendar.utc = spec == "ics" || spec == "ndjson" }
    let zone = diagnostics.filter { $0.message.contains("\"Europe/Germany\"") && $0.message.contains("\"Call\"") }
    #expect(zone.count == 1, "\(diagnostics.map(\.message))")
  }

  @Test("the calendar CSVs convert such times to --zone, given as a tz database or a Windows name", arguments: [
    ("csv:outlook-calendar", "Europe/Berlin"), ("csv:outlook-calendar", "W. Europe Standard Time"),
    ("csv:google-calendar", "Europe/Berlin"),
  ])
  func calendarCSV(_ spec: String, _ zone: String) throws {
    // 12:00 in Outlook 2003's "Pacific" on 15 April 2004 is 19:00 UTC, 21:00 in Berlin.
    let (text, diagnostics) = try convert(Self.pacific, to: spec) { $0.calendar.zone = zone }
    #expect(text.contains("4/15/2004,9:00:00 PM,4/15/2004,10:00:00 PM") || text.contains("04/15/2004,9:00 PM,04/15/2004,10:00 PM"), "\(text)")
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let (kept, warned) = try convert(Self.unresolved, to: spec) { $0.calendar.zone = zone }
    #expect(kept.contains("6/10/2025") || kept.contains("06/10/2025"))
    #expect(warned.contains { $0.message.contains("TZID \"Europe/Germany\" names no zone ferry can resolve") })
  }

  @Test("all-day events to EWS and Graph: one warning per run without --zone; with it, the zone's Windows id", arguments: [
    "ews", "graph",
  ])
  func allDay(_ spec: String) throws {
    let day = Self.ics(
      "BEGIN:VEVENT\r\nUID:d1\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Holiday\r\nDTSTART;VALUE=DATE:20250415\r\nDTEND;VALUE=DATE:20250416\r\nEND:VEVENT\r\n"
        + "BEGIN:VEVENT\r\nUID:d2\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Offsite\r\nDTSTART;VALUE=DATE:20250420\r\nDTEND;VALUE=DATE:20250422\r\nEND:VEVENT\r\n")
    let (_, warned) = try convert(day, to: spec)
    #expect(warned.filter { $0.message.hasPrefix("all-day events have no time zone and no --zone was given") }.count == 1)
    let (text, quiet) = try convert(day, to: spec) { $0.calendar.zone = "Europe/Berlin" }
    #expect(quiet.isEmpty, "\(quiet.map(\.message))")
    #expect(text.contains(spec == "ews" ? "<t:StartTimeZone Id=\"W. Europe Standard Time\"/>" : "\"timeZone\": \"W. Europe Standard Time\""))
  }

  @Test("csv:outlook-calendar keeps the display alarm as its one reminder and notes the other")
  func outlookCSVReminder() throws {
    let input = Self.ics(
      "BEGIN:VEVENT\r\nUID:r1\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Review\r\nDTSTART:20250610T140000Z\r\nDTEND:20250610T150000Z\r\n"
        + "BEGIN:VALARM\r\nACTION:EMAIL\r\nTRIGGER:-P6DT15H\r\nSUMMARY:s\r\nDESCRIPTION:d\r\nATTENDEE:mailto:a@example.com\r\nEND:VALARM\r\n"
        + "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15H\r\nDESCRIPTION:d\r\nEND:VALARM\r\nEND:VEVENT\r\n")
    let (text, diagnostics) = try convert(input, to: "csv:outlook-calendar") { $0.calendar.zone = "UTC" }
    // 15 hours before 14:00 on 10 June.
    #expect(text.contains("True,6/9/2025,11:00:00 PM"))
    // Salesforce's one reminder makes the same choice.
    let (salesforce, noted) = try convert(input, to: "csv:salesforce-events")
    #expect(salesforce.contains("true,2025-06-09T23:00:00.000Z"))
    #expect(noted.contains { $0.message.contains("1 of its 2 alarms has no place in csv:salesforce-events") })
    #expect(
      diagnostics.map(\.message).contains(
        "event \"Review\": 1 of its 2 alarms has no place in csv:outlook-calendar, which holds one reminder; kept the display alarm 900 minutes before the start"
      ))
  }
}
