import FerryModel
import FerryTestSupport
import Testing

@testable import FerryICalendar

/// The hold-back queue (events stay in their slot until returned), and what the reader and
/// writer remember from one event to the next (RRULEs, TZIDs, durations, parameter lists,
/// line storage): the results must be those of reading every event afresh.
@Suite struct ReaderQueueAndCacheTests {
  static func calendar(_ body: String) -> [UInt8] {
    Array(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n").utf8)
  }

  static func event(_ lines: String) -> String { "BEGIN:VEVENT\r\n" + lines + "END:VEVENT\r\n" }

  @Test func thousandsOfSeriesKeepTheirOrderAndOverridesAcrossCompactions() throws {
    // More than 2 × 1024 events: the queue compacts several times while overrides join
    // masters held a few events back.
    var body = ""
    for i in 0..<3000 {
      body += Self.event("UID:s\(i)\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Series \(i)\r\n")
      if i >= 2 {
        body += Self.event("UID:s\(i - 2)\r\nRECURRENCE-ID:20240103T090000Z\r\nDTSTART:20240103T100000Z\r\nSUMMARY:Moved \(i - 2)\r\n")
      }
    }
    let (events, diagnostics) = try readICS(Self.calendar(body), chunkSize: 4096)
    #expect(events.map(\.uid) == (0..<3000).map { "s\($0)" })
    #expect(events.prefix(2998).allSatisfy { $0.recurrence?.overrides.map(\.summary) == [$0.summary.map { "Moved " + $0.dropFirst(7) }] })
    #expect(events.suffix(2).allSatisfy { $0.recurrence?.overrides.isEmpty == true })
    #expect(diagnostics.isEmpty, "\(diagnostics)")
  }

  @Test func revisionsKeepTheNewestAsTheMasterForLaterOverrides() throws {
    let body =
      Self.event("UID:r\r\nSEQUENCE:2\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Newest\r\n")
      + Self.event("UID:r\r\nSEQUENCE:1\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Older\r\n")
      + Self.event("UID:r\r\nRECURRENCE-ID:20240102T090000Z\r\nDTSTART:20240102T110000Z\r\nSUMMARY:Moved\r\n")
      + Self.event("UID:r\r\nSEQUENCE:3\r\nDTSTART:20240101T080000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Replacement\r\n")
      + Self.event("UID:r\r\nRECURRENCE-ID:20240103T080000Z\r\nDTSTART:20240103T120000Z\r\nSUMMARY:Moved again\r\n")
    let (events, diagnostics) = try readICS(Self.calendar(body))
    #expect(events.map(\.summary) == ["Replacement"])
    #expect(events.first?.recurrence?.overrides.map(\.summary) == ["Moved", "Moved again"])
    #expect(diagnostics.map(\.message).contains { $0.contains("SEQUENCE 1 is an older revision") })
    #expect(diagnostics.map(\.message).contains { $0.contains("SEQUENCE 3 replaces the older revision") })
  }

  @Test func aComponentWaitingForAnEventGoesWithTheLastOneNotYetReturned() throws {
    let body =
      Self.event("UID:a\r\nDTSTART:20240101T090000Z\r\n")
      + "BEGIN:VJOURNAL\r\nUID:j\r\nSUMMARY:Notes\r\nEND:VJOURNAL\r\n"
    let (events, _) = try readICS(Self.calendar(body))
    #expect(events.count == 1)
    #expect(events.first?.rawComponents.map(\.name) == ["VJOURNAL"])
  }

  @Test func aRememberedRuleReadsLikeAFreshOneAndProblemsAreReportedEachTime() throws {
    let body =
      Self.event("UID:a\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n")
      + Self.event("UID:b\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n")
      + Self.event("UID:c\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=WEEKLY;INTERVAL=0x\r\n")
      + Self.event("UID:d\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=WEEKLY;INTERVAL=0x\r\n")
    let (events, diagnostics) = try readICS(Self.calendar(body))
    let fresh = RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=MO,WE")
    #expect(events[0].recurrence?.rule == fresh && events[1].recurrence?.rule == fresh)
    #expect(events[2].recurrence?.rule == events[3].recurrence?.rule)
    let problems = diagnostics.filter { $0.code == "recurrence" }
    #expect(problems.count == 2 && problems.map(\.location?.line) == [17, 22], "\(diagnostics)")
  }

  @Test func aTZIDIsResolvedAfreshInEachCalendar() throws {
    // "Office" names Central European rules in the first calendar, nothing in the second.
    let first = """
      BEGIN:VCALENDAR\r
      VERSION:2.0\r
      BEGIN:VTIMEZONE\r
      TZID:Office\r
      BEGIN:STANDARD\r
      DTSTART:19701025T030000\r
      RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
      TZOFFSETFROM:+0200\r
      TZOFFSETTO:+0100\r
      END:STANDARD\r
      BEGIN:DAYLIGHT\r
      DTSTART:19700329T020000\r
      RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
      TZOFFSETFROM:+0100\r
      TZOFFSETTO:+0200\r
      END:DAYLIGHT\r
      END:VTIMEZONE\r
      BEGIN:VEVENT\r
      UID:a\r
      DTSTART;TZID=Office:20240601T090000\r
      END:VEVENT\r
      END:VCALENDAR\r

      """
    let second = String(decoding: Self.calendar(Self.event("UID:b\r\nDTSTART;TZID=Office:20240601T090000\r\n")), as: UTF8.self)
    let (events, _) = try readICS(Array((first + second).utf8))
    // The first reads as the tz database zone whose rules match (a Central European one).
    #expect(events.first?.start?.zone?.hasPrefix("Europe/") == true)
    #expect(events.last?.start?.zone == "Office")
  }

  @Test func theLastDurationReadIsNotReusedForAnotherText() throws {
    var body = ""
    for (i, trigger) in ["-PT15M", "-PT15M", "-P1D", "-PT15M", "PT0S"].enumerated() {
      body += Self.event(
        "UID:e\(i)\r\nDTSTART:20240101T090000Z\r\nDURATION:PT\(i + 1)H\r\nBEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:\(trigger)\r\nEND:VALARM\r\n")
    }
    let (events, _) = try readICS(Self.calendar(body))
    #expect(events.map { $0.reminders.first?.offset?.totalSeconds } == [-900, -900, -86400, -900, 0])
    #expect(events.map { $0.duration?.totalSeconds } == [3600, 7200, 10800, 14400, 18000])
  }

  @Test func anEventWithManyLinesThenSmallOnesReadWhole() throws {
    let many = (0..<100).map { "X-NOTE-\($0):n\($0)\r\n" }.joined()
    let body =
      Self.event("UID:big\r\nDTSTART:20240101T090000Z\r\n" + many)
      + Self.event("UID:small\r\nDTSTART:20240102T090000Z\r\nSUMMARY:Small\r\n")
      + Self.event("UID:small2\r\nDTSTART:20240103T090000Z\r\n")
    let (events, _) = try readICS(Self.calendar(body))
    #expect(events.map(\.uid) == ["big", "small", "small2"])
    #expect(events[0].raw.count == 100 && events[1].raw.isEmpty && events[1].summary == "Small")
  }

  @Test func valuesAreUpperCasedAsUppercasedWouldAndMailtoIsCutByCharacters() throws {
    #expect("confıdential".uppercasedASCII() == "confıdential".uppercased())
    #expect("Opaque".uppercasedASCII() == "OPAQUE")
    #expect("PUBLIC".uppercasedASCII() == "PUBLIC")
    let body = Self.event(
      "UID:m\r\nDTSTART:20240101T090000Z\r\nCLASS:confıdential\r\nORGANIZER:MAILTO:boss@example.com\r\nATTENDEE:mailto:\u{301}odd@example.com\r\n")
    let (events, _) = try readICS(Self.calendar(body))
    #expect(events.first?.privacy == .confidential)
    #expect(events.first?.organizer?.email == "boss@example.com")
    #expect(events.first?.attendees.first?.email == String("mailto:\u{301}odd@example.com".dropFirst(7)))
  }

  @Test(arguments: [
    ("20240309", LocalDateTime(year: 2024, month: 3, day: 9), true, false),
    ("20240309T143000", LocalDateTime(year: 2024, month: 3, day: 9, hour: 14, minute: 30), false, false),
    (" 20240309T143000Z\t", LocalDateTime(year: 2024, month: 3, day: 9, hour: 14, minute: 30), false, true),
    ("2024-03-09T14:30:00", LocalDateTime(year: 2024, month: 3, day: 9, hour: 14, minute: 30), false, false),
    ("20240309T143000.000Z", LocalDateTime(year: 2024, month: 3, day: 9, hour: 14, minute: 30), false, true),
    ("20240309T240000", LocalDateTime(year: 2024, month: 3, day: 10), false, false),
  ])
  func dateTimesAreReadInPlace(text: String, expected: LocalDateTime, isDate: Bool, isUTC: Bool) throws {
    let parsed = try #require(ICalValue.localDateTime(Substring(text)))
    #expect(parsed.0 == expected && parsed.isDate == isDate && parsed.isUTC == isUTC)
    // A slice in the middle of a longer string reads the same.
    #expect(ICalValue.localDateTime(Substring("xx" + text + "yy").dropFirst(2).dropLast(2)).map { $0.0 } == expected)
  }

  @Test(arguments: ["", "2024", "20241309", "20240309T14", "20240309X143000", "20240309T143000+0100"])
  func malformedDateTimesAreRejected(text: String) {
    #expect(ICalValue.localDateTime(Substring(text)) == nil)
  }

  @Test func dateTimesAreWrittenWithPaddingAndZ() {
    let t = LocalDateTime(year: 999, month: 1, day: 2, hour: 3, minute: 4, second: 5)
    #expect(ICalValue.basic(t) == "09990102T030405")
    #expect(ICalValue.basic(t, utc: true) == "09990102T030405Z")
    #expect(ICalValue.basic(t.date) == "09990102")
    #expect(ICalValue.text(.utc(t)) == "09990102T030405Z")
  }

  @Test func sharedParameterListsNameEachEventsOwnZone() throws {
    var events: [Event] = []
    for (i, zone) in ["Europe/Berlin", "Asia/Tokyo", "Europe/Berlin", "America/New_York"].enumerated() {
      var e = Event()
      e.uid = "z\(i)"
      e.start = .zoned(LocalDateTime(year: 2024, month: 6, day: 1, hour: 9), zone: zone)
      e.end = .zoned(LocalDateTime(year: 2024, month: 6, day: 1, hour: 10), zone: zone)
      events.append(e)
    }
    var allDay = Event()
    allDay.uid = "d"
    allDay.start = .date(LocalDate(year: 2024, month: 6, day: 2))
    allDay.isAllDay = true
    events.append(allDay)
    let (text, _) = try writeICS(events)
    var inEvent = false
    var starts: [String] = []
    for line in unfolded(text) {
      if line == "BEGIN:VEVENT" { inEvent = true } else if line == "END:VEVENT" { inEvent = false }
      if inEvent && line.hasPrefix("DTSTART") { starts.append(line) }
    }
    #expect(
      starts == [
        "DTSTART;TZID=Europe/Berlin:20240601T090000", "DTSTART;TZID=Asia/Tokyo:20240601T090000",
        "DTSTART;TZID=Europe/Berlin:20240601T090000", "DTSTART;TZID=America/New_York:20240601T090000",
        "DTSTART;VALUE=DATE:20240602",
      ])
    #expect(unfolded(text).filter { $0.hasPrefix("BEGIN:VTIMEZONE") }.count == 3)
  }

  /// Attendee lines read lately are remembered (`recentAttendees`, by a hash of the value):
  /// more attendees than slots, repeated with other parameters and values that differ only
  /// in case or by a warning, must read as each does in a calendar of its own.
  @Test func rememberedAttendeesReadAsFreshOnes() throws {
    var lines: [String] = []
    for i in 0..<150 {
      let status = ["ACCEPTED", "DECLINED", "TENTATIVE"][i % 3]
      lines.append("ATTENDEE;CN=P \(i % 90);PARTSTAT=\(status):mailto:p\(i % 90)@example.com\r\n")
      lines.append("ATTENDEE;CN=P \(i % 90):MAILTO:p\(i % 90)@example.com\r\n")
      if i % 10 == 0 { lines.append("ATTENDEE;X-FOO=\(i):not an address\r\n") }
    }
    var body = ""
    for (i, chunk) in stride(from: 0, to: lines.count, by: 4).enumerated() {
      body += Self.event("UID:e\(i)\r\nDTSTART:20240101T090000Z\r\n" + lines[chunk..<min(chunk + 4, lines.count)].joined())
    }
    let (together, warnings) = try readICS(Self.calendar(body))
    var alone: [Event] = []
    var aloneWarnings = 0
    for (i, chunk) in stride(from: 0, to: lines.count, by: 4).enumerated() {
      let (events, diagnostics) = try readICS(
        Self.calendar(Self.event("UID:e\(i)\r\nDTSTART:20240101T090000Z\r\n" + lines[chunk..<min(chunk + 4, lines.count)].joined())))
      alone += events
      aloneWarnings += diagnostics.count
    }
    #expect(together.count == alone.count)
    for (a, b) in zip(together, alone) { #expect(a.attendees == b.attendees, "\(a.uid ?? "")") }
    #expect(warnings.count == 15)
    #expect(aloneWarnings == 15)
    #expect(together[0].attendees.map(\.status) == [.accepted, nil, nil, .declined])
  }

  @Test func sharedAttendeeParametersKeepEachAttendeesValues() throws {
    var events: [Event] = []
    for (i, (role, status, rsvp)) in [(Attendee.Role.chair, Attendee.Status.accepted, true), (.optional, .declined, false), (.chair, .accepted, true)].enumerated() {
      var e = Event()
      e.uid = "a\(i)"
      e.start = .utc(LocalDateTime(year: 2024, month: 6, day: 1, hour: 9))
      e.attendees = [Attendee(email: "p\(i)@example.com", name: "P \(i)", role: role, status: status, kind: .room, rsvp: rsvp)]
      events.append(e)
    }
    let (text, _) = try writeICS(events)
    #expect(
      unfolded(text).filter { $0.hasPrefix("ATTENDEE") } == [
        "ATTENDEE;CN=\"P 0\";ROLE=CHAIR;PARTSTAT=ACCEPTED;CUTYPE=ROOM;RSVP=TRUE:mailto:p0@example.com",
        "ATTENDEE;CN=\"P 1\";ROLE=OPT-PARTICIPANT;PARTSTAT=DECLINED;CUTYPE=ROOM;RSVP=FALSE:mailto:p1@example.com",
        "ATTENDEE;CN=\"P 2\";ROLE=CHAIR;PARTSTAT=ACCEPTED;CUTYPE=ROOM;RSVP=TRUE:mailto:p2@example.com",
      ])
  }
}
