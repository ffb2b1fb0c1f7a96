import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryGraph

/// Outlook 2003's "Pacific" VTIMEZONE, as the iCalendar reader keeps it on the event: no
/// tz database zone follows its April–October rule today, so the TZID stays "Pacific".
let pacificDefinition = RawComponent(
  name: "VTIMEZONE", properties: [RawProperty(name: "TZID", value: "Pacific", origin: "ics")],
  components: [
    ("STANDARD", "19501029T020000", "-0700", "-0800", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ("DAYLIGHT", "19500402T020000", "-0800", "-0700", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
  ].map { kind, start, from, to, rule in
    RawComponent(
      name: kind,
      properties: [
        RawProperty(name: "DTSTART", value: start, origin: "ics"), RawProperty(name: "TZOFFSETFROM", value: from, origin: "ics"),
        RawProperty(name: "TZOFFSETTO", value: to, origin: "ics"), RawProperty(name: "RRULE", value: rule, origin: "ics"),
      ], origin: "ics")
  }, origin: "ics")

func event(_ summary: String, start: EventTime, end: EventTime, zones: [RawComponent] = []) -> Event {
  var e = Event()
  e.summary = summary
  e.start = start
  e.end = end
  e.rawComponents = zones
  return e
}

func at(_ text: String) -> LocalDateTime {
  guard let t = LocalDateTime(iso: text) else { preconditionFailure("bad test date-time \(text)") }
  return t
}

@Suite("GraphWriter time zones and reminders")
struct GraphZoneTests {
  func body(_ records: [Record], options: WriteOptions = WriteOptions(), sink: DiagnosticSink = .ignore) throws -> [[String: Any]] {
    let batches = try writeGraph(records, options: options, sink: sink)
    let requests = batches.flatMap { ($0.json["requests"] as? [[String: Any]]) ?? [] }
    return requests.compactMap { $0["body"] as? [String: Any] }
  }

  @Test("a TZID only the file's VTIMEZONE defines goes out as the Windows zone that agrees that year")
  func definitionOnlyZone() throws {
    let e = event(
      "Lunch", start: .zoned(at("2004-04-15T12:00:00"), zone: "Pacific"), end: .zoned(at("2004-04-15T13:00:00"), zone: "Pacific"),
      zones: [pacificDefinition])
    let collector = DiagnosticCollector()
    let b = try #require(try body([.event(e)], sink: collector.sink).first)
    #expect((b["start"] as? [String: String]) == ["dateTime": "2004-04-15T12:00:00", "timeZone": "Pacific Standard Time"])
    #expect((b["end"] as? [String: String]) == ["dateTime": "2004-04-15T13:00:00", "timeZone": "Pacific Standard Time"])
    #expect(collector.diagnostics.isEmpty)
  }

  @Test("a series in such a zone has its recurrence time zone and its UNTIL's local date")
  func definitionOnlySeries() throws {
    var e = event(
      "Weekly", start: .zoned(at("2004-04-15T20:00:00"), zone: "Pacific"), end: .zoned(at("2004-04-15T21:00:00"), zone: "Pacific"),
      zones: [pacificDefinition])
    var rule = RecurrenceRule(frequency: .weekly)
    rule.until = .utc(at("2004-06-18T03:00:00"))  // Thursday 17 June, 20:00 in Pacific
    e.recurrence = Recurrence(rule: rule)
    let b = try #require(try body([.event(e)]).first)
    let range = try #require((b["recurrence"] as? [String: Any])?["range"] as? [String: Any])
    #expect(range["recurrenceTimeZone"] as? String == "Pacific Standard Time")
    #expect(range["startDate"] as? String == "2004-04-15")
    #expect(range["endDate"] as? String == "2004-06-17")
  }

  @Test("a TZID nothing resolves is written as UTC with a warning naming the event and the TZID", arguments: [
    "tzone://Microsoft/Custom", "Europe/Germany",
  ])
  func unresolvedZone(_ tzid: String) throws {
    let e = event("Call", start: .zoned(at("2025-06-10T14:00:00"), zone: tzid), end: .zoned(at("2025-06-10T15:00:00"), zone: tzid))
    let collector = DiagnosticCollector()
    let b = try #require(try body([.event(e)], sink: collector.sink).first)
    #expect((b["start"] as? [String: String]) == ["dateTime": "2025-06-10T14:00:00", "timeZone": "UTC"])
    let warnings = collector.diagnostics.filter { $0.severity == .warning }.map(\.message)
    #expect(
      warnings == [
        "event \"Call\" has TZID \"\(tzid)\", which ferry cannot resolve (no zone has that name and no VTIMEZONE defines it); its times written as if in UTC"
      ])
    var options = WriteOptions()
    options.calendar.zone = "Europe/Berlin"
    let zoned = try #require(try body([.event(e)], options: options).first)
    #expect((zoned["start"] as? [String: String]) == ["dateTime": "2025-06-10T14:00:00", "timeZone": "W. Europe Standard Time"])
  }

  @Test("floating times: one warning per run without --zone; --zone names their zone")
  func floating() throws {
    let a = event("A", start: .floating(at("2025-06-10T14:00:00")), end: .floating(at("2025-06-10T15:00:00")))
    let b = event("B", start: .floating(at("2025-06-11T14:00:00")), end: .floating(at("2025-06-11T15:00:00")))
    let collector = DiagnosticCollector()
    let bodies = try body([.event(a), .event(b)], sink: collector.sink)
    #expect((bodies[0]["start"] as? [String: String]) == ["dateTime": "2025-06-10T14:00:00", "timeZone": "UTC"])
    #expect(
      collector.diagnostics.map(\.message) == [
        "graph has no floating times and no --zone was given; times with no zone written as UTC (first: event \"A\")"
      ])
    var options = WriteOptions()
    options.calendar.zone = "America/New_York"
    let quiet = DiagnosticCollector()
    let zoned = try body([.event(a)], options: options, sink: quiet.sink)
    #expect((zoned[0]["start"] as? [String: String]) == ["dateTime": "2025-06-10T14:00:00", "timeZone": "Eastern Standard Time"])
    #expect(quiet.diagnostics.isEmpty)
  }

  @Test("the reminder is the display alarm, not an earlier e-mail one; the other alarm is noted")
  func reminders() throws {
    var e = event("Review", start: .utc(at("2025-06-10T14:00:00")), end: .utc(at("2025-06-10T15:00:00")))
    e.reminders = [
      Reminder(offset: EventDuration(text: "-P6DT15H"), action: .email), Reminder(offset: EventDuration(text: "-PT15H"), action: .display),
    ]
    let collector = DiagnosticCollector()
    let b = try #require(try body([.event(e)], sink: collector.sink).first)
    #expect(b["reminderMinutesBeforeStart"] as? Int == 900)
    #expect(
      collector.diagnostics.map(\.message) == [
        "event \"Review\": 1 of its 2 alarms has no place in a Graph event, which holds one reminder; kept the display alarm 900 minutes before the start"
      ])
  }
}
