import FerryModel
import Testing

@testable import FerryICalendar

/// Inputs the fuzzer (`make fuzz FUZZ_TARGET=ics`) or its slow-input checks found.
@Suite struct ICalendarFuzzFindingTests {
  @Test func componentsNestedThousandsDeepAreSkippedPastTheLimit() throws {
    let depth = 5000
    let text =
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20240101T100000Z\r\n"
      + String(repeating: "BEGIN:X-DEEP\r\nX-A:1\r\n", count: depth) + String(repeating: "END:X-DEEP\r\n", count: depth)
      + "SUMMARY:after\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    let (events, diagnostics) = try readICS(Array(text.utf8))
    #expect(events.count == 1)
    #expect(events.first?.summary == "after")
    let skipped = diagnostics.filter { $0.message.contains("nested more than 16 components deep") }
    // VEVENT is 1 deep, X-DEEP number k is k + 1: the 16th X-DEEP (line 5 + 2 × 15) is skipped.
    #expect(skipped.map { $0.location?.line } == [35])
    #expect(skipped.first?.message.hasPrefix("BEGIN:X-DEEP is nested") == true)
  }

  @Test func componentsNestedPastTheLimitUpToEndOfCalendarCloseTheCalendar() throws {
    let text =
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20240101T100000Z\r\n"
      + String(repeating: "BEGIN:X\r\n", count: 100) + "END:VCALENDAR\r\n"
      + "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:v\r\nDTSTART:20240102T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    let (events, diagnostics) = try readICS(Array(text.utf8))
    #expect(events.compactMap(\.uid).sorted() == ["u", "v"])
    #expect(diagnostics.contains { $0.message.contains("nested more than 16 components deep") && $0.location?.line == 20 })
  }

  /// Each EXDATE line, RRULE line and override once copied the event's whole list: 20,000
  /// EXDATE lines took 14 s in a debug build, 5,000 overrides 6 s.
  @Test func manyExceptionDatesAndOverridesReadInLinearTime() throws {
    let count = 30_000
    var text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20240101T000000Z\r\nRRULE:FREQ=MINUTELY\r\n"
    var overrides = ""
    for i in 0..<count {
      let stamp = "2024" + pad(i / 1440 / 28 % 12 + 1) + pad(i / 1440 % 28 + 1) + "T" + pad(i / 60 % 24) + pad(i % 60) + "00Z"
      text += "EXDATE:\(stamp)\r\n"
      overrides += "BEGIN:VEVENT\r\nUID:u\r\nRECURRENCE-ID:\(stamp)\r\nDTSTART:\(stamp)\r\nEND:VEVENT\r\n"
    }
    text += "END:VEVENT\r\n" + overrides + "END:VCALENDAR\r\n"
    let clock = ContinuousClock()
    var read: ([Event], [Diagnostic]) = ([], [])
    let elapsed = try clock.measure { read = try readICS(Array(text.utf8)) }
    #expect(read.0.count == 1)
    #expect(read.0.first?.recurrence?.exceptionDates.count == count)
    #expect(read.0.first?.recurrence?.overrides.count == count)
    #expect(elapsed < .seconds(30), "reading \(count) EXDATE lines and overrides took \(elapsed)")
  }

  private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
