import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// An .ics for `--for outlook|exchange|google` is a file to import, not a scheduling message
/// (MS-OXCICAL appendix A; each test failed before the fix).
@Suite("iCalendar files for import")
struct ImportFileTests {
  /// Outlook 2010's meeting export (METHOD:REQUEST, X-MS-OLK-FORCEINSPECTOROPEN:TRUE) and an
  /// Exchange 2010 export (METHOD:PUBLISH), converted together.
  func twoCalendars() throws -> [Event] {
    let a = try readICS(file: Fixtures.shared("corpus/ical/outlook2010__biweekly__outlook-2010.ics")).0
    let b = try readICS(file: Fixtures.shared("corpus/ical/exchange2010__icalendar__issue_836_do_not_quote_tzid.ics")).0
    #expect(a.first?.calendar?.method == "REQUEST")
    return a + b
  }

  @Test("one VCALENDAR with METHOD:PUBLISH and no FORCEINSPECTOROPEN", arguments: ["outlook", "exchange", "google"])
  func oneCalendarPublished(target: String) throws {
    let (text, diagnostics) = try writeICS(try twoCalendars(), options: WriteOptions(variant: nil, target: target))
    let lines = unfolded(text)
    #expect(lines.filter { $0 == "BEGIN:VCALENDAR" }.count == 1)
    #expect(lines.filter { $0.hasPrefix("METHOD:") } == ["METHOD:PUBLISH"])
    #expect(!lines.contains { $0.hasPrefix("X-MS-OLK-FORCEINSPECTOROPEN") })
    #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 2)
    #expect(diagnostics.contains { $0.message.contains("METHOD:REQUEST of the source written as METHOD:PUBLISH") })
    #expect(diagnostics.contains { $0.message.contains("several calendars written into one VCALENDAR") })
  }

  @Test("generic output keeps each calendar and its METHOD; an explicit method still wins")
  func genericKeepsCalendars() throws {
    let events = try twoCalendars()
    let (text, _) = try writeICS(events)
    let lines = unfolded(text)
    #expect(lines.filter { $0 == "BEGIN:VCALENDAR" }.count == 2)
    #expect(lines.filter { $0.hasPrefix("METHOD:") } == ["METHOD:REQUEST", "METHOD:PUBLISH"])
    var options = WriteOptions(variant: nil, target: "outlook")
    options.calendar.method = "CANCEL"
    let (cancel, _) = try writeICS(events, options: options)
    #expect(unfolded(cancel).filter { $0.hasPrefix("METHOD:") } == ["METHOD:CANCEL"])
  }

  @Test("a finite series Outlook cannot hold is expanded whole when no window is given, not only today's year")
  func finiteSeriesExpandedWhole() throws {
    // RDATEs without an RRULE (corpus data-ical__…_rdate_hackerpublicradio.ics has such a
    // series): Outlook cannot hold them, and the dates lie in the past.
    var e = Event()
    e.uid = "rdates"
    e.summary = "Community news"
    e.start = .utc(LocalDateTime(date: LocalDate(year: 2019, month: 1, day: 5), time: LocalTime(hour: 17, minute: 0, second: 0)))
    e.recurrence = Recurrence(dates: [
      .utc(LocalDateTime(date: LocalDate(year: 2019, month: 2, day: 2), time: LocalTime(hour: 17, minute: 0, second: 0))),
      .utc(LocalDateTime(date: LocalDate(year: 2019, month: 3, day: 2), time: LocalTime(hour: 17, minute: 0, second: 0))),
    ])
    let (text, diagnostics) = try writeICS([e], options: WriteOptions(variant: nil, target: "outlook"))
    let starts = unfolded(text).filter { $0.hasPrefix("DTSTART") }
    #expect(starts == ["DTSTART:20190105T170000Z", "DTSTART:20190202T170000Z", "DTSTART:20190302T170000Z"])
    #expect(diagnostics.contains { $0.message.contains("expanded to 3 events") })
    // An explicit window still applies.
    var options = WriteOptions(variant: nil, target: "outlook")
    options.calendar.expandFrom = LocalDate(year: 2019, month: 2, day: 1)
    options.calendar.expandUntil = LocalDate(year: 2019, month: 2, day: 28)
    let (windowed, _) = try writeICS([e], options: options)
    #expect(unfolded(windowed).filter { $0.hasPrefix("DTSTART") } == ["DTSTART:20190202T170000Z"])
  }
}
