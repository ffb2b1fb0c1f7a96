import FerryModel
import FerryTestSupport
import FerryTime
import Testing

@testable import FerryICalendar

/// Writing series: overrides share the master's UID and are whole components (RFC 5545
/// §3.8.4.4), and UNTIL has DTSTART's value type (§3.3.10).
@Suite struct SeriesWritingTests {
  /// A weekly series as EWS and Graph give it: no UID, and an override that only moves
  /// an occurrence.
  func series(start: EventTime, end: EventTime, until: EventTime? = nil) -> Event {
    var e = Event()
    e.summary = "Jour fixe"
    e.location = "Raum 2"
    e.description = "Agenda"
    e.privacy = .private
    e.busyStatus = .free
    e.start = start
    e.end = end
    var rule = RecurrenceRule(frequency: .weekly)
    rule.until = until
    var o = Event()
    o.recurrenceId = .zoned(LocalDateTime(year: 2026, month: 3, day: 9, hour: 9), zone: "Europe/Berlin")
    o.start = .zoned(LocalDateTime(year: 2026, month: 3, day: 10, hour: 14), zone: "Europe/Berlin")
    o.end = .zoned(LocalDateTime(year: 2026, month: 3, day: 10, hour: 15), zone: "Europe/Berlin")
    e.recurrence = Recurrence(rule: rule, overrides: [o])
    return e
  }

  func berlin(_ day: Int, _ hour: Int) -> EventTime {
    .zoned(LocalDateTime(year: 2026, month: 3, day: day, hour: hour), zone: "Europe/Berlin")
  }

  /// The VEVENT blocks of an output, as unfolded lines.
  func components(_ text: String) -> [[String]] {
    var out: [[String]] = []
    for line in unfolded(text) {
      if line == "BEGIN:VEVENT" { out.append([]) } else if !out.isEmpty, !out[out.count - 1].contains("END:VEVENT") {
        out[out.count - 1].append(line)
      }
    }
    return out
  }

  @Test("an override gets its master's generated UID and the details it does not change")
  func overrideSharesUIDAndInherits() throws {
    let (text, _) = try writeICS([series(start: berlin(2, 9), end: berlin(2, 10))])
    let c = components(text)
    try #require(c.count == 2)
    let uids = c.map { $0.filter { $0.hasPrefix("UID:") } }
    #expect(uids[0].count == 1)
    #expect(uids[0] == uids[1])
    let override = c[1]
    #expect(override.contains("RECURRENCE-ID;TZID=Europe/Berlin:20260309T090000"))
    for line in ["SUMMARY:Jour fixe", "LOCATION:Raum 2", "DESCRIPTION:Agenda", "CLASS:PRIVATE", "TRANSP:TRANSPARENT"] {
      #expect(override.contains(line), "\(line) missing in \(override)")
    }
    #expect(!override.contains("CLASS:PUBLIC"))
    // Read back, the series is one record whose override keeps the master's UID.
    let (back, _) = try readICS(Array(text.utf8))
    #expect(back.count == 1)
    #expect(back.first?.recurrence?.overrides.first?.summary == "Jour fixe")
  }

  @Test("an override's own values win over its master's")
  func overrideOwnValues() throws {
    var e = series(start: berlin(2, 9), end: berlin(2, 10))
    e.uid = "jf@example.com"
    e.recurrence?.overrides[0].summary = "Jour fixe (moved)"
    e.recurrence?.overrides[0].privacy = .public
    let c = components(try writeICS([e]).0)
    try #require(c.count == 2)
    #expect(c[1].contains("UID:jf@example.com"))
    #expect(c[1].contains("SUMMARY:Jour fixe (moved)"))
    #expect(c[1].contains("CLASS:PUBLIC"))
    #expect(c[0].contains("CLASS:PRIVATE"))
  }

  @Test("--series expand gives an override's instance its master's details")
  func expandedOverrideInherits() throws {
    var options = WriteOptions()
    options.calendar.series = .expand
    options.calendar.expandFrom = LocalDate(year: 2026, month: 3, day: 1)
    options.calendar.expandUntil = LocalDate(year: 2026, month: 3, day: 20)
    let c = components(try writeICS([series(start: berlin(2, 9), end: berlin(2, 10))], options: options).0)
    let moved = try #require(c.first { $0.contains("DTSTART;TZID=Europe/Berlin:20260310T140000") })
    #expect(moved.contains("SUMMARY:Jour fixe"))
    #expect(moved.contains("CLASS:PRIVATE"))
  }

  struct UntilCase: Sendable, CustomTestStringConvertible {
    var name: String
    var start: EventTime
    var until: EventTime
    var zone: String?
    var expected: String
    var testDescription: String { name }
  }

  static let untilCases: [UntilCase] = [
    UntilCase(
      name: "date on a zoned series: the end of that day there, in UTC",
      start: .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9), zone: "Europe/Berlin"),
      until: .date(LocalDate(year: 2026, month: 4, day: 27)), expected: "UNTIL=20260427T215959Z"),
    UntilCase(
      name: "date on a UTC series: the end of that day in UTC",
      start: .utc(LocalDateTime(year: 2026, month: 3, day: 2, hour: 17)),
      until: .date(LocalDate(year: 2026, month: 3, day: 31)), expected: "UNTIL=20260331T235959Z"),
    UntilCase(
      name: "date on a UTC series with --zone: the end of that day in the zone",
      start: .utc(LocalDateTime(year: 2026, month: 3, day: 2, hour: 17)),
      until: .date(LocalDate(year: 2026, month: 3, day: 31)), zone: "America/Los_Angeles",
      expected: "UNTIL=20260401T065959Z"),
    UntilCase(
      name: "date on a floating series: floating end of day",
      start: .floating(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9)),
      until: .date(LocalDate(year: 2026, month: 3, day: 31)), expected: "UNTIL=20260331T235959;"),
    UntilCase(
      name: "UTC date-time on an all-day series with no zone: kept (the day depends on the zone)",
      start: .date(LocalDate(year: 2026, month: 3, day: 2)),
      until: .utc(LocalDateTime(year: 2026, month: 3, day: 30, hour: 22)), expected: "UNTIL=20260330T220000Z;"),
    UntilCase(
      name: "zoned date-time on an all-day series: its date",
      start: .date(LocalDate(year: 2026, month: 3, day: 2)),
      until: .zoned(LocalDateTime(year: 2026, month: 3, day: 31), zone: "Europe/Berlin"), expected: "UNTIL=20260331;"),
    UntilCase(
      name: "UTC date-time on an all-day series with --zone: the date there",
      start: .date(LocalDate(year: 2026, month: 3, day: 2)),
      until: .utc(LocalDateTime(year: 2026, month: 3, day: 30, hour: 22)), zone: "Europe/Berlin",
      expected: "UNTIL=20260331;"),
    UntilCase(
      name: "date on an all-day series: unchanged",
      start: .date(LocalDate(year: 2026, month: 3, day: 2)),
      until: .date(LocalDate(year: 2026, month: 3, day: 30)), expected: "UNTIL=20260330;"),
  ]

  @Test("UNTIL takes DTSTART's value type", arguments: untilCases)
  func untilValueType(_ c: UntilCase) throws {
    var e = Event()
    e.uid = "u@example.com"
    e.summary = "Series"
    e.start = c.start
    e.isAllDay = c.start.isDate
    var rule = RecurrenceRule(frequency: .daily)
    rule.until = c.until
    e.recurrence = Recurrence(rule: rule)
    var options = WriteOptions()
    options.calendar.zone = c.zone
    let (text, _) = try writeICS([e], options: options)
    let rrule = try #require(unfolded(text).first { $0.hasPrefix("RRULE:FREQ=DAILY") })
    #expect((rrule + ";").contains(c.expected), "\(rrule)")
  }

  @Test("a series ending on a date keeps its occurrence on that day, read back by ferry's expander")
  func untilKeepsLastOccurrence() throws {
    let e = series(start: berlin(2, 9), end: berlin(2, 10), until: .date(LocalDate(year: 2026, month: 4, day: 27)))
    let (text, _) = try writeICS([e])
    let (back, _) = try readICS(Array(text.utf8))
    let master = try #require(back.first)
    let window = ExpansionWindow(
      fromUTC: LocalDateTime(year: 2026, month: 1, day: 1), untilUTC: LocalDateTime(year: 2027, month: 1, day: 1))
    let starts = RecurrenceExpander(event: master, window: window).expand().occurrences.map { $0.start.localDateTime.date }
    #expect(starts.last == LocalDate(year: 2026, month: 4, day: 27))
    #expect(starts.count == 9)
  }
}
