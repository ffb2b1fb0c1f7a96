import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryEWS

@Suite("EWSWriter time zones and reminders")
struct EWSZoneTests {
  /// Outlook 2003's "Pacific", kept raw on the event by the iCalendar reader (no tz database
  /// zone follows its April–October rule today).
  static let pacific = RawComponent(
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

  static func at(_ text: String) -> LocalDateTime {
    guard let t = LocalDateTime(iso: text) else { preconditionFailure("bad test date-time \(text)") }
    return t
  }

  static func event(_ summary: String, _ start: EventTime, _ end: EventTime, zones: [RawComponent] = []) -> Event {
    var e = Event()
    e.summary = summary
    e.start = start
    e.end = end
    e.rawComponents = zones
    return e
  }

  static let lunch = event(
    "Lunch", .zoned(at("2004-04-15T12:00:00"), zone: "Pacific"), .zoned(at("2004-04-15T13:00:00"), zone: "Pacific"), zones: [pacific])

  @Test("a TZID only the file's VTIMEZONE defines goes out with its offset and the Windows zone of its year")
  func definitionOnlyZone() throws {
    let collector = DiagnosticCollector()
    let text = try writeEWS([.event(Self.lunch)], sink: collector.sink)[0].text
    #expect(text.contains("<t:Start>2004-04-15T12:00:00-07:00</t:Start>"))
    #expect(text.contains("<t:End>2004-04-15T13:00:00-07:00</t:End>"))
    #expect(text.contains("<t:StartTimeZone Id=\"Pacific Standard Time\"/>"))
    #expect(collector.diagnostics.isEmpty)
  }

  @Test("--utc converts such times by the VTIMEZONE")
  func utc() throws {
    var options = WriteOptions()
    options.calendar.utc = true
    let text = try writeEWS([.event(Self.lunch)], options: options)[0].text
    #expect(text.contains("<t:Start>2004-04-15T19:00:00Z</t:Start>"))
    #expect(text.contains("<t:End>2004-04-15T20:00:00Z</t:End>"))
  }

  @Test("a series ends on its UNTIL's date in the start's zone")
  func seriesUntil() throws {
    var e = Self.event(
      "Weekly", .zoned(Self.at("2004-04-15T20:00:00"), zone: "Pacific"), .zoned(Self.at("2004-04-15T21:00:00"), zone: "Pacific"),
      zones: [Self.pacific])
    var rule = RecurrenceRule(frequency: .weekly)
    rule.until = .utc(Self.at("2004-06-18T03:00:00"))
    e.recurrence = Recurrence(rule: rule)
    let text = try writeEWS([.event(e)])[0].text
    #expect(text.contains("<t:EndDate>2004-06-17</t:EndDate>"))
    #expect(text.contains("<t:StartTimeZone Id=\"Pacific Standard Time\"/>"))
  }

  @Test("a TZID nothing resolves: a warning naming the event and TZID; --zone reads it there")
  func unresolvedZone() throws {
    let e = Self.event(
      "Call", .zoned(Self.at("2025-06-10T14:00:00"), zone: "Europe/Germany"), .zoned(Self.at("2025-06-10T15:00:00"), zone: "Europe/Germany"))
    let collector = DiagnosticCollector()
    let text = try writeEWS([.event(e)], sink: collector.sink)[0].text
    #expect(text.contains("<t:Start>2025-06-10T14:00:00</t:Start>"))
    #expect(
      collector.diagnostics.map(\.message) == [
        "event \"Call\" has TZID \"Europe/Germany\", which ferry cannot resolve (no zone has that name and no VTIMEZONE defines it); its times written as if in UTC"
      ])
    var options = WriteOptions()
    options.calendar.zone = "Europe/Berlin"
    let zoned = try writeEWS([.event(e)], options: options)[0].text
    #expect(zoned.contains("<t:Start>2025-06-10T14:00:00+02:00</t:Start>"))
    #expect(zoned.contains("<t:StartTimeZone Id=\"W. Europe Standard Time\"/>"))
  }

  @Test("floating times: one warning per run without --zone; with --zone, the zone's offset and id")
  func floating() throws {
    let a = Self.event("A", .floating(Self.at("2025-06-10T14:00:00")), .floating(Self.at("2025-06-10T15:00:00")))
    let b = Self.event("B", .floating(Self.at("2025-06-11T14:00:00")), .floating(Self.at("2025-06-11T15:00:00")))
    let collector = DiagnosticCollector()
    _ = try writeEWS([.event(a), .event(b)], sink: collector.sink)
    #expect(
      collector.diagnostics.map(\.message) == [
        "ews has no floating times and no --zone was given; times with no zone written without an offset, which Exchange reads as UTC (first: event \"A\")"
      ])
    var options = WriteOptions()
    options.calendar.zone = "America/New_York"
    let quiet = DiagnosticCollector()
    let text = try writeEWS([.event(a)], options: options, sink: quiet.sink)[0].text
    #expect(text.contains("<t:Start>2025-06-10T14:00:00-04:00</t:Start>"))
    #expect(text.contains("<t:StartTimeZone Id=\"Eastern Standard Time\"/>"))
    #expect(quiet.diagnostics.isEmpty)
  }

  @Test("ReminderMinutesBeforeStart comes from the display alarm, not an earlier e-mail one")
  func reminders() throws {
    var e = Self.event("Review", .utc(Self.at("2025-06-10T14:00:00")), .utc(Self.at("2025-06-10T15:00:00")))
    e.reminders = [
      Reminder(offset: EventDuration(text: "-P6DT15H"), action: .email), Reminder(offset: EventDuration(text: "-PT15H"), action: .display),
    ]
    let collector = DiagnosticCollector()
    let text = try writeEWS([.event(e)], sink: collector.sink)[0].text
    #expect(text.contains("<t:ReminderMinutesBeforeStart>900</t:ReminderMinutesBeforeStart>"))
    #expect(
      collector.diagnostics.map(\.message) == [
        "event \"Review\": 1 of its 2 alarms has no place in an EWS calendar item, which holds one reminder; kept the display alarm 900 minutes before the start"
      ])
  }
}
