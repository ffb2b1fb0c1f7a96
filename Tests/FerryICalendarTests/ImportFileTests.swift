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
}
