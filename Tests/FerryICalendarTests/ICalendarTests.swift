import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryICalendar

/// Reads iCalendar bytes; returns the events and the diagnostics.
func readICS(_ bytes: [UInt8], name: String = "<test>", chunkSize: Int = 1 << 16) throws -> ([Event], [Diagnostic]) {
  let collector = DiagnosticCollector()
  var reader = ICalendarReader(input: ByteInput(bytes: bytes, name: name, chunkSize: chunkSize), diagnostics: collector.sink)
  let events = try reader.collect().compactMap(\.event)
  return (events, collector.diagnostics)
}

func readICS(file path: String) throws -> ([Event], [Diagnostic]) {
  try readICS(Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
}

/// The fixed DTSTAMP for events without one, so goldens are stable.
let fixedNow = Timestamp(utc: LocalDateTime(year: 2024, month: 1, day: 1))

func writeICS(_ events: [Event], options: WriteOptions = WriteOptions()) throws -> (String, [Diagnostic]) {
  let collector = DiagnosticCollector()
  let destination = OutputDestination(memoryNamed: "out.ics")
  var writer = try ICalendarWriter(destination: destination, options: options, diagnostics: collector.sink, now: fixedNow)
  for e in events { try writer.write(.event(e)) }
  try writer.finish()
  let output = try #require(destination.memoryOutputs.first?.output)
  return (output.text, collector.diagnostics)
}

/// The unfolded lines of an iCalendar text.
func unfolded(_ text: String) -> [String] {
  var out: [String] = []
  for raw in text.components(separatedBy: "\r\n") {
    if raw.hasPrefix(" "), !out.isEmpty { out[out.count - 1] += raw.dropFirst() } else if !raw.isEmpty { out.append(raw) }
  }
  return out
}

/// The shared folder (`$FERRY_SHARED`, else `../shared` beside the clone).
func sharedPath(_ relative: String) -> String { Fixtures.shared(relative) }

@Suite struct ICalendarCorpusTests {
  static let corpus = Fixtures.files(in: sharedPath("corpus/ical"), extensions: ["ics", "vcs", "ical", "ifb"])

  @Test func corpusIsThere() {
    #expect(Self.corpus.count >= 40)
  }

  @Test(arguments: corpus)
  func everyCorpusFileReadsAndWrites(path: String) throws {
    let (events, diagnostics) = try readICS(file: path)
    let isQuirk = path.contains("/quirks/")
    if isQuirk {
      #expect(diagnostics.contains { $0.severity >= .warning }, "quirk \(path) read without a warning")
    }
    #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics.filter { $0.severity == .error })")
    // Writing never puts TZID together with a UTC time, and every TZID has a VTIMEZONE.
    let (text, _) = try writeICS(events)
    let lines = unfolded(text)
    var defined: Set<String> = []
    var used: Set<String> = []
    for line in lines {
      if line.hasPrefix("TZID:") { defined.insert(String(line.dropFirst(5))) }
      var inQuotes = false
      guard let colon = line.firstIndex(where: { c in
        if c == "\"" { inQuotes.toggle() }
        return c == ":" && !inQuotes
      }) else { continue }
      let head = line[..<colon]
      if let r = head.range(of: ";TZID=") {
        var tzid = String(head[r.upperBound...])
        if tzid.hasPrefix("\"") {
          tzid = String(tzid.dropFirst().prefix { $0 != "\"" })
        } else {
          tzid = String(tzid.prefix { $0 != ";" })
        }
        used.insert(tzid)
        #expect(!line.hasSuffix("Z"), "TZID with a UTC time: \(line)")
      }
    }
    #expect(used.isSubset(of: defined), "TZIDs without VTIMEZONE: \(used.subtracting(defined)) in \(path)")
    // Every written event is read back.
    let (again, againDiagnostics) = try readICS(Array(text.utf8))
    // (Same-header calendars may merge, which may attach an override to its master, or put two
    // revisions of one event (iTIP messages) in one calendar, where the newer one wins, with
    // a warning naming it.)
    func components(_ e: [Event]) -> Int { e.reduce(0) { $0 + 1 + ($1.recurrence?.overrides.count ?? 0) } }
    let revisions = againDiagnostics.filter { $0.severity == .warning && $0.message.contains("older revision") }.count
    #expect(components(again) + revisions == components(events))
  }
}

@Suite struct ICalendarReaderTests {
  @Test func readsEveryMappedProperty() throws {
    let (events, diagnostics) = try readICS(file: Fixtures.path("ics/features.ics"))
    #expect(diagnostics.filter { $0.severity >= .warning }.isEmpty, "\(diagnostics)")
    #expect(events.count == 5)
    let review = try #require(events.first)
    #expect(review.summary == "Weekly pipeline review, EMEA")
    #expect(review.description == "Agenda:\n1. Forecast\n2. Risks; blockers")
    #expect(review.start == .zoned(LocalDateTime(year: 2024, month: 1, day: 8, hour: 10), zone: "Europe/Berlin"))
    #expect(review.privacy == .confidential)
    #expect(review.busyStatus == .busy)
    #expect(review.status == .confirmed)
    #expect(review.sequence == 3)
    #expect(review.priority == 5)
    #expect(review.categories == ["Sales", "Review", "EMEA"])
    #expect(review.geo == Geo(latitude: 52.52, longitude: 13.405))
    #expect(review.organizer?.name == "Dana Example")
    #expect(review.attendees.count == 2)
    #expect(review.attendees[0].role == .required && review.attendees[0].status == .accepted && review.attendees[0].rsvp == true)
    #expect(review.attendees[1].kind == .room)
    #expect(review.attendees[1].parameters == [RawParameter(name: "DELEGATED-FROM", values: ["mailto:dana@example.com"])])
    let rule = try #require(review.recurrence?.rule)
    #expect(rule.frequency == .weekly)
    #expect(rule.byDay.map(\.weekday) == [.monday, .wednesday])
    #expect(rule.until == .utc(LocalDateTime(year: 2024, month: 6, day: 30, hour: 21, minute: 59, second: 59)))
    #expect(rule.weekStart == .monday)
    #expect(review.recurrence?.exceptionDates.count == 2)
    #expect(review.recurrence?.dates.count == 1)
    #expect(review.recurrence?.overrides.count == 1)
    #expect(review.recurrence?.overrides.first?.recurrenceId == .zoned(LocalDateTime(year: 2024, month: 1, day: 22, hour: 10), zone: "Europe/Berlin"))
    #expect(review.reminders.count == 2)
    #expect(review.reminders[0].offset == EventDuration(seconds: 900, isNegative: true))
    #expect(review.reminders[1].relativeToEnd)
    #expect(review.rawComponents.map(\.name) == ["VALARM"], "the AUDIO alarm with REPEAT is also kept whole")
    #expect(review.raw.map(\.name) == ["X-CUSTOM-FIELD"])
    #expect(review.calendar?.name == "Sales team")
    #expect(review.calendar?.raw.map(\.name) == ["X-WR-CALDESC"])

    let offsite = events[1]
    #expect(offsite.isAllDay)
    #expect(offsite.start == .date(LocalDate(year: 2024, month: 3, day: 15)))
    #expect(offsite.end == .date(LocalDate(year: 2024, month: 3, day: 17)))
    #expect(offsite.busyStatus == .free)
    #expect(offsite.privacy == .private)

    let call = events[2]
    #expect(call.duration == EventDuration(seconds: 2700))
    #expect(call.busyStatus == .outOfOffice)
    #expect(call.raw.map(\.name) == ["X-MS-OLK-CONFTYPE"])

    #expect(events[3].start == .floating(LocalDateTime(year: 2024, month: 4, day: 1, hour: 9)))
    #expect(events[3].recurrence?.rule?.byDay == [.init(.monday, ordinal: 1), .init(.friday, ordinal: -1)])

    let todo = events[4]
    #expect(todo.kind == .task)
    #expect(todo.due == .date(LocalDate(year: 2024, month: 4, day: 5)))
    #expect(todo.raw.map(\.name) == ["PERCENT-COMPLETE"])
  }

  @Test func resultsDoNotDependOnChunkBoundaries() throws {
    let bytes = try Fixtures.bytes("ics/features.ics")
    let (whole, _) = try readICS(bytes)
    for size in [1, 7, 64] {
      let (chunked, _) = try readICS(bytes, chunkSize: size)
      #expect(chunked == whole, "chunk size \(size)")
    }
  }

  @Test func overridesBeforeOrNearTheirMasterAreAttached() throws {
    let (events, _) = try readICS(file: Fixtures.path("ics/overrides-apart.ics"))
    #expect(events.count == 2)
    #expect(events[0].summary == "Daily sync")
    #expect(
      events[0].recurrence?.overrides.map(\.summary) == [
        "Daily sync (moved, written before its master)", "Daily sync (later ones moved, far from the master)",
      ])
    #expect(events[0].recurrence?.overrides.last?.recurrenceIdThisAndFuture == true)
    #expect(events[1].summary == "Unrelated event in between")
  }

  @Test func overridesBeyondTheHoldLimitStaySeparate() throws {
    var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    text += "BEGIN:VEVENT\r\nUID:series\r\nDTSTART:20240101T090000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Master\r\nEND:VEVENT\r\n"
    for i in 0..<(ICalendarReader.holdLimit + 10) {
      text += "BEGIN:VEVENT\r\nUID:filler-\(i)\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n"
    }
    text += "BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID:20240105T090000Z\r\nDTSTART:20240105T110000Z\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n"
    text += "END:VCALENDAR\r\n"
    let (events, _) = try readICS(Array(text.utf8))
    #expect(events.count == ICalendarReader.holdLimit + 12)
    #expect(events.first?.recurrence?.overrides.isEmpty == true)
    let last = try #require(events.last)
    #expect(last.uid == "series" && last.recurrenceId == .utc(LocalDateTime(year: 2024, month: 1, day: 5, hour: 9)))
    // The writer keeps it under the master's UID.
    let (out, _) = try writeICS(events)
    #expect(unfolded(out).filter { $0 == "UID:series" }.count == 2)
  }

  @Test func truncatedFilesAreRepairedWithAWarning() throws {
    let (events, diagnostics) = try readICS(file: Fixtures.path("ics/truncated.ics"))
    #expect(events.map(\.summary) == ["Complete event", "Event cut off by a truncated download"])
    #expect(diagnostics.contains { $0.code == "truncated" && $0.message.contains("END:VEVENT") })
  }

  @Test func severalCalendarsInOneFile() throws {
    let one = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:A\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    let two = one.replacingOccurrences(of: "X-WR-CALNAME:A", with: "X-WR-CALNAME:B").replacingOccurrences(of: "UID:a", with: "UID:b")
    let (events, diagnostics) = try readICS(Array((one + two).utf8))
    #expect(events.map(\.calendar?.name) == ["A", "B"])
    #expect(diagnostics.isEmpty)
    let (text, _) = try writeICS(events)
    #expect(text.components(separatedBy: "BEGIN:VCALENDAR").count == 3)
  }

  @Test func windowsAndPrefixedTZIDsResolve() throws {
    let text = """
      BEGIN:VCALENDAR\r
      VERSION:2.0\r
      BEGIN:VEVENT\r
      UID:w\r
      DTSTART;TZID=W. Europe Standard Time:20240101T100000\r
      DTEND;TZID=/mozilla.org/20050126_1/America/New_York:20240101T100000\r
      END:VEVENT\r
      END:VCALENDAR\r

      """
    let (events, _) = try readICS(Array(text.utf8))
    #expect(events[0].start?.zone == "Europe/Berlin")
    #expect(events[0].end?.zone == "America/New_York")
  }
}

@Suite struct ICalendarWriterTests {
  /// write(read(x)) is a fixed point: reading our output and writing again changes nothing.
  @Test(arguments: ["features", "dst", "overrides-apart", "truncated"])
  func goldenRoundTrip(name: String) throws {
    let (events, _) = try readICS(file: Fixtures.path("ics/\(name).ics"))
    let dump = ModelDump.dump(events.map(Record.event))
    let expectedDump = try Fixtures.golden("ics/\(name).dump", actual: dump)
    #expect(dump == expectedDump)
    let (first, _) = try writeICS(events)
    let expected = try Fixtures.golden("ics/\(name).expected.ics", actual: first)
    #expect(first == expected)
    let (again, _) = try readICS(Array(first.utf8))
    let (second, _) = try writeICS(again)
    #expect(second == first)
  }

  @Test func classIsAlwaysWrittenAndMethodDefaultsToPublish() throws {
    var e = Event()
    e.uid = "x"
    e.summary = "No class"
    e.start = .utc(LocalDateTime(year: 2024, month: 5, day: 1, hour: 9))
    let (text, _) = try writeICS([e])
    let lines = unfolded(text)
    #expect(lines.contains("CLASS:PUBLIC"))
    #expect(lines.contains("METHOD:PUBLISH"))
    #expect(lines.contains("DTSTAMP:20240101T000000Z"))
  }

  @Test func dstEventsGiveTheRightUTCInstants() throws {
    let (events, _) = try readICS(file: Fixtures.path("ics/dst.ics"))
    var options = WriteOptions()
    options.calendar.utc = true
    let (text, _) = try writeICS(events, options: options)
    let starts = unfolded(text).filter { $0.hasPrefix("DTSTART") && !$0.hasPrefix("DTSTART:1970") }
    #expect(
      starts == [
        "DTSTART:20240309T170000Z",  // 12:00 EST
        "DTSTART:20240310T073000Z",  // 02:30 does not exist: EST offset before the gap
        "DTSTART:20240310T070000Z",  // 03:00 EDT
        "DTSTART:20241103T053000Z",  // 01:30 ambiguous: first (EDT)
        "DTSTART:20240331T003000Z",  // 00:30 GMT
        "DTSTART:20240331T013000Z",  // 02:30 BST
        "DTSTART:20241027T003000Z",  // 01:30 ambiguous: first (BST)
        "DTSTART:20240406T153000Z",  // 02:30 ambiguous: first (AEDT)
        "DTSTART:20241005T163000Z",  // 02:30 in the gap: AEST before the gap
        "DTSTART:20241224T220000Z",  // 09:00 AEDT
        "DTSTART;VALUE=DATE:20240310",  // all-day never shifts
        "DTSTART;VALUE=DATE:20241006",
      ])
    #expect(!text.contains("BEGIN:VTIMEZONE"))
  }

  @Test func outlookGetsWindowsZoneNamesAndRRuleObservances() throws {
    let (events, _) = try readICS(file: Fixtures.path("ics/features.ics"))
    let (text, _) = try writeICS([events[0]], options: WriteOptions(target: "outlook"))
    let lines = unfolded(text)
    #expect(lines.contains("TZID:W. Europe Standard Time"))
    #expect(lines.contains("DTSTART;TZID=\"W. Europe Standard Time\":20240108T100000"))
    #expect(lines.contains("RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"))
    #expect(lines.contains("RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"))
    #expect(lines.contains("X-MICROSOFT-CDO-ALLDAYEVENT:FALSE"))
    #expect(!lines.contains { $0.hasPrefix("RDATE") && !$0.contains("TZID") })
    let (google, _) = try writeICS([events[0]], options: WriteOptions(target: "google"))
    #expect(unfolded(google).contains("TZID:Europe/Berlin"))
  }

  @Test func overridesAreWrittenUnderTheMastersUID() throws {
    let (events, _) = try readICS(file: Fixtures.path("ics/overrides-apart.ics"))
    let (text, _) = try writeICS(events)
    let lines = unfolded(text)
    #expect(lines.filter { $0 == "UID:early-override@example.com" }.count == 3)
    #expect(lines.firstIndex(of: "UID:other@example.com")! > lines.lastIndex(of: "UID:early-override@example.com")!)
    #expect(lines.contains("RECURRENCE-ID;RANGE=THISANDFUTURE:20240208T090000Z"))
  }

  @Test func seriesSkipDropsRecurringEventsWithANote() throws {
    let (events, _) = try readICS(file: Fixtures.path("ics/overrides-apart.ics"))
    var options = WriteOptions()
    options.calendar.series = .skip
    let (text, diagnostics) = try writeICS(events, options: options)
    #expect(!text.contains("RRULE"))
    #expect(diagnostics.contains { $0.code == "skipped" })
  }

  @Test func keepFallsBackToExpansionWhenOutlookCannotHoldTheRule() throws {
    var e = Event()
    e.uid = "rdate-only"
    e.summary = "Dates only"
    e.start = .zoned(LocalDateTime(year: 2025, month: 3, day: 3, hour: 9), zone: "Europe/London")
    e.end = .zoned(LocalDateTime(year: 2025, month: 3, day: 3, hour: 10), zone: "Europe/London")
    e.recurrence = Recurrence(dates: [
      .zoned(LocalDateTime(year: 2025, month: 3, day: 10, hour: 9), zone: "Europe/London"),
      .zoned(LocalDateTime(year: 2025, month: 4, day: 7, hour: 9), zone: "Europe/London"),
    ])
    var options = WriteOptions(target: "outlook")
    options.calendar.expandFrom = LocalDate(year: 2025, month: 1, day: 1)
    options.calendar.expandUntil = LocalDate(year: 2025, month: 12, day: 31)
    let (text, diagnostics) = try writeICS([e], options: options)
    let lines = unfolded(text)
    #expect(!lines.contains { $0.hasPrefix("RDATE") })
    #expect(lines.filter { $0.hasPrefix("DTSTART;TZID=\"GMT Standard Time\"") } == [
      "DTSTART;TZID=\"GMT Standard Time\":20250303T090000",
      "DTSTART;TZID=\"GMT Standard Time\":20250310T090000",
      "DTSTART;TZID=\"GMT Standard Time\":20250407T090000",
    ])
    #expect(diagnostics.contains { $0.code == "recurrence" && $0.message.contains("RDATE") })
    // The same series is kept for Google.
    let (google, _) = try writeICS([e], options: WriteOptions(target: "google"))
    #expect(unfolded(google).contains { $0.hasPrefix("RDATE;TZID=Europe/London:") })
  }

  @Test func expandWritesOneEventPerOccurrenceInTheWindow() throws {
    let (events, _) = try readICS(file: Fixtures.path("ics/features.ics"))
    var options = WriteOptions()
    options.calendar.series = .expand
    options.calendar.expandFrom = LocalDate(year: 2024, month: 1, day: 1)
    options.calendar.expandUntil = LocalDate(year: 2024, month: 1, day: 31)
    let (text, _) = try writeICS([events[0]], options: options)
    let lines = unfolded(text)
    #expect(!lines.contains { $0.hasPrefix("RRULE:FREQ=WEEKLY") })
    // Mondays and Wednesdays from 8 January, less the two EXDATEs, plus the RDATE (13th);
    // the 22nd is the override at 14:00.
    #expect(lines.filter { $0.hasPrefix("DTSTART;TZID=Europe/Berlin:202401") } == [
      "DTSTART;TZID=Europe/Berlin:20240108T100000",
      "DTSTART;TZID=Europe/Berlin:20240113T100000",
      "DTSTART;TZID=Europe/Berlin:20240117T100000",
      "DTSTART;TZID=Europe/Berlin:20240122T140000",
      "DTSTART;TZID=Europe/Berlin:20240124T100000",
      "DTSTART;TZID=Europe/Berlin:20240129T100000",
      "DTSTART;TZID=Europe/Berlin:20240131T100000",
    ])
    #expect(lines.contains("UID:weekly-review@example.com-20240122T100000"))
    #expect(lines.contains("SUMMARY:Weekly pipeline review (moved)"))
  }
}
