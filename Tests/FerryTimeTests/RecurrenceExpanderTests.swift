import FerryModel
import FerryTime
import Testing

@Suite("RecurrenceExpander series")
struct RecurrenceExpanderTests {
  static let ny = "America/New_York"

  @Test("RDATE adds instances, EXDATE removes them, in order and without duplicates")
  func rdateExdate() {
    let e = series(
      .zoned(dt("2024-05-06T09:00:00"), zone: Self.ny), "FREQ=WEEKLY;COUNT=4",
      rdates: [
        .zoned(dt("2024-05-08T15:00:00"), zone: Self.ny), .utc(dt("2024-05-13T13:00:00")),
        .date(day("2024-05-30")),
      ],
      exdates: [.zoned(dt("2024-05-20T09:00:00"), zone: Self.ny)])
    #expect(
      starts(e) == [
        "2024-05-06T09:00:00[America/New_York]", "2024-05-08T15:00:00[America/New_York]",
        "2024-05-13T09:00:00[America/New_York]", "2024-05-27T09:00:00[America/New_York]",
        "2024-05-30T09:00:00[America/New_York]",
      ])
  }

  @Test("EXDATE in UTC or another zone removes the same instant; a date EXDATE removes that day")
  func exdateForms() {
    let e = series(
      .zoned(dt("2024-01-01T09:00:00"), zone: "Europe/Berlin"), "FREQ=DAILY;COUNT=5",
      exdates: [
        .utc(dt("2024-01-02T08:00:00")), .zoned(dt("2024-01-03T03:00:00"), zone: Self.ny),
        .date(day("2024-01-04")),
      ])
    #expect(starts(e).map { String($0.prefix(10)) } == ["2024-01-01", "2024-01-05"])
  }

  @Test("an event without a rule yields DTSTART and its RDATEs")
  func noRule() {
    var e = Event()
    e.start = .floating(dt("2024-02-01T10:00:00"))
    #expect(starts(e) == ["2024-02-01T10:00:00"])
    e.recurrence = Recurrence(dates: [.floating(dt("2024-02-03T10:00:00"))])
    #expect(starts(e) == ["2024-02-01T10:00:00", "2024-02-03T10:00:00"])
  }

  @Test("all-day series stay on their dates and keep their length")
  func allDay() {
    let e = series(.date(day("2024-03-08")), "FREQ=WEEKLY;COUNT=3", end: .date(day("2024-03-09")))
    let occ = RecurrenceExpander(event: e).expand().occurrences
    #expect(
      occ.map(\.start) == [
        .date(day("2024-03-08")), .date(day("2024-03-15")), .date(day("2024-03-22")),
      ])
    #expect(
      occ.map(\.end) == [
        .date(day("2024-03-09")), .date(day("2024-03-16")), .date(day("2024-03-23")),
      ])
  }

  @Test("DTEND gives an exact duration across DST; DURATION a nominal one")
  func durations() {
    // 23:30 to 00:30 (1 h) across the spring-forward night: exact stays 1 h.
    var e = series(
      .zoned(dt("2024-03-09T23:30:00"), zone: Self.ny), "FREQ=DAILY;COUNT=2",
      end: .zoned(dt("2024-03-10T00:30:00"), zone: Self.ny))
    var occ = RecurrenceExpander(event: e).expand().occurrences
    #expect(occ.map { ($0.endInstant ?? 0) - $0.instant } == [3600, 3600])
    // P1D from 12:00 before spring forward: the nominal day is 23 hours long.
    e = series(.zoned(dt("2024-03-09T12:00:00"), zone: Self.ny), "FREQ=DAILY;COUNT=1")
    e.duration = EventDuration(days: 1)
    occ = RecurrenceExpander(event: e).expand().occurrences
    #expect(occ.first?.end == .zoned(dt("2024-03-10T12:00:00"), zone: Self.ny))
    #expect(occ.map { ($0.endInstant ?? 0) - $0.instant } == [23 * 3600])
  }

  @Test("an override replaces its instance; a moved one keeps its recurrence id")
  func overrides() {
    var e = series(
      .zoned(dt("2024-06-03T09:00:00"), zone: Self.ny), "FREQ=DAILY;COUNT=3",
      end: .zoned(dt("2024-06-03T10:00:00"), zone: Self.ny))
    var moved = Event()
    moved.recurrenceId = .utc(dt("2024-06-04T13:00:00"))
    moved.start = .zoned(dt("2024-06-04T15:00:00"), zone: Self.ny)
    moved.end = .zoned(dt("2024-06-04T17:00:00"), zone: Self.ny)
    moved.summary = "moved"
    e.recurrence?.overrides = [moved]
    let occ = RecurrenceExpander(event: e).expand().occurrences
    #expect(occ.count == 3)
    #expect(occ[1].override?.summary == "moved")
    #expect(occ[1].start == .zoned(dt("2024-06-04T15:00:00"), zone: Self.ny))
    #expect(occ[1].recurrenceId == .zoned(dt("2024-06-04T09:00:00"), zone: Self.ny))
    #expect((occ[1].endInstant ?? 0) - occ[1].instant == 7200)
    #expect(occ[2].override == nil)
  }

  @Test("THISANDFUTURE moves this and every later instance by the same shift")
  func thisAndFuture() {
    var e = series(
      .zoned(dt("2024-06-03T09:00:00"), zone: Self.ny), "FREQ=DAILY;COUNT=4",
      end: .zoned(dt("2024-06-03T10:00:00"), zone: Self.ny))
    var later = Event()
    later.recurrenceId = .zoned(dt("2024-06-04T09:00:00"), zone: Self.ny)
    later.recurrenceIdThisAndFuture = true
    later.start = .zoned(dt("2024-06-04T11:00:00"), zone: Self.ny)
    later.end = .zoned(dt("2024-06-04T11:30:00"), zone: Self.ny)
    e.recurrence?.overrides = [later]
    let occ = RecurrenceExpander(event: e).expand().occurrences
    #expect(
      occ.map { $0.start.localDateTime.description } == [
        "2024-06-03T09:00:00", "2024-06-04T11:00:00", "2024-06-05T11:00:00", "2024-06-06T11:00:00",
      ])
    #expect(occ.map { ($0.endInstant ?? 0) - $0.instant } == [3600, 1800, 1800, 1800])
    #expect(occ[0].override == nil && occ[3].override != nil)
  }

  @Test("an override no rule instance matches is still an instance")
  func strayOverride() {
    var e = series(.floating(dt("2024-06-03T09:00:00")), "FREQ=WEEKLY;COUNT=2")
    var stray = Event()
    stray.recurrenceId = .floating(dt("2024-06-05T09:00:00"))
    stray.start = .floating(dt("2024-06-05T10:00:00"))
    e.recurrence?.overrides = [stray]
    #expect(starts(e) == ["2024-06-03T09:00:00", "2024-06-05T10:00:00", "2024-06-10T09:00:00"])
  }

  @Test("a window selects instances, and the fast-forward gives the same instances as a full walk")
  func window() {
    let e = series(.zoned(dt("2001-01-01T09:00:00"), zone: Self.ny), "FREQ=DAILY;BYDAY=MO,WE,FR")
    let window = ExpansionWindow.year(2025)
    let fast = RecurrenceExpander(event: e, window: window, limit: 100_000).expand().occurrences
    #expect(fast.count == 157)  // 52 weeks and Wednesday, 2025-12-31
    #expect(fast.first?.start == .zoned(dt("2025-01-01T09:00:00"), zone: Self.ny))
    #expect(fast.last?.start == .zoned(dt("2025-12-31T09:00:00"), zone: Self.ny))
    // The same with COUNT (no fast-forward possible): walk from 2001.
    var counted = e
    counted.recurrence?.rule?.count = 100_000
    let slow = RecurrenceExpander(event: counted, window: window, limit: 100_000).expand()
      .occurrences
    #expect(slow == fast)
  }

  @Test("overlapping instances are included when asked")
  func overlapping() {
    let e = series(
      .floating(dt("2024-12-31T23:00:00")), "FREQ=DAILY;COUNT=2",
      end: .floating(dt("2025-01-01T01:00:00")))
    let byStart = RecurrenceExpander(event: e, window: .year(2025)).expand().occurrences
    let overlap = RecurrenceExpander(event: e, window: .year(2025, includesOverlapping: true))
      .expand().occurrences
    #expect(byStart.count == 1)
    #expect(overlap.count == 2)
  }

  @Test("the cap stops an endless rule and says so")
  func cap() {
    let e = series(.floating(dt("2024-01-01T00:00:00")), "FREQ=SECONDLY")
    let (occ, truncated) = RecurrenceExpander(event: e, limit: 500).expand()
    #expect(occ.count == 500)
    #expect(truncated)
    let (all, notTruncated) = RecurrenceExpander(
      event: series(.floating(dt("2024-01-01T00:00:00")), "FREQ=DAILY;COUNT=3"), limit: 3
    ).expand()
    #expect(all.count == 3)
    #expect(!notTruncated)
  }

  @Test("an unknown zone expands as floating and says so")
  func unknownZone() {
    let e = series(.zoned(dt("2024-01-01T09:00:00"), zone: "Nowhere/Special"), "FREQ=DAILY;COUNT=2")
    let x = RecurrenceExpander(event: e)
    #expect(!x.zoneIsResolved)
    #expect(
      x.expand().occurrences.map(\.instant) == [
        dt("2024-01-01T09:00:00").secondsSinceEpoch, dt("2024-01-02T09:00:00").secondsSinceEpoch,
      ])
  }

  @Test("expandAll counts a year of a set of events")
  func batch() {
    var single = Event()
    single.start = .utc(dt("2025-05-01T10:00:00"))
    let events = [
      series(.zoned(dt("2024-01-01T09:00:00"), zone: Self.ny), "FREQ=WEEKLY;BYDAY=MO"),
      series(.date(day("2020-02-29")), "FREQ=YEARLY"),
      single,
    ]
    var seen = 0
    let n = RecurrenceExpander.expandAll(events, window: .year(2025)) { _, _ in seen += 1 }
    #expect(n == 52 + 0 + 1)
    #expect(seen == n)
  }
}

@Suite("Outlook recurrence templates")
struct OutlookRecurrenceTests {
  @Test(
    "rules Outlook can hold",
    arguments: [
      "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
      "FREQ=WEEKLY;BYDAY=MO,WE,FR;INTERVAL=2;COUNT=10",
      "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYDAY=2TU",
      "FREQ=MONTHLY;BYDAY=-1FR",
      "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4",
      "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY", "FREQ=WEEKLY;UNTIL=20251231T235959Z",
    ])
  func keepable(_ text: String) {
    #expect(outlookCompatibility(Recurrence(rule: rule(text))) == [], "\(text)")
  }

  @Test(
    "rules Outlook cannot hold, with a reason",
    arguments: [
      ("FREQ=HOURLY", "finer than a day"), ("FREQ=DAILY;BYHOUR=9,17", "BYHOUR"),
      ("FREQ=YEARLY;BYYEARDAY=100", "BYYEARDAY"),
      ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "BYWEEKNO"),
      ("FREQ=MONTHLY;BYMONTHDAY=1,15", "more than one BYMONTHDAY"),
      ("FREQ=MONTHLY;BYDAY=1MO,3MO", "more than one ordinal"),
      ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1,3", "exactly one BYSETPOS"),
      ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "BYMONTHDAY together with BYDAY"),
      ("FREQ=MONTHLY;BYDAY=5MO", "ordinal 5"),
      ("FREQ=YEARLY;BYMONTH=1,7", "more than one BYMONTH"),
      ("FREQ=DAILY;BYDAY=SA,SU", "other than every weekday"),
      ("FREQ=WEEKLY;BYDAY=1MO", "ordinal BYDAY"), ("FREQ=DAILY;COUNT=1500", "999"),
    ])
  func notKeepable(_ text: String, _ reason: String) {
    let reasons = outlookCompatibility(Recurrence(rule: rule(text)))
    #expect(reasons.contains { $0.contains(reason) }, "\(text): \(reasons)")
  }

  @Test("a day some months or years lack is not kept: Outlook and Exchange move it, RFC 5545 skips the month")
  func daysSomeMonthsLack() {
    let jan31 = EventTime.zoned(dt("2027-01-31T10:00:00"), zone: "Europe/Berlin")
    for text in ["FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"] {
      #expect(outlookCompatibility(Recurrence(rule: rule(text))).contains { $0.contains("Outlook would move it") }, "\(text)")
      guard case .failure = ExchangeRecurrencePattern.make(rule(text), start: day("2024-02-29")) else {
        Issue.record("\(text) made an Exchange pattern")
        continue
      }
    }
    // Plain FREQ=MONTHLY from the 31st is the same rule.
    #expect(!outlookCompatibility(Recurrence(rule: rule("FREQ=MONTHLY")), start: jan31).isEmpty)
    // Days every month has, and the last day (-1, Outlook's own "day 31"), stay series.
    #expect(outlookCompatibility(Recurrence(rule: rule("FREQ=MONTHLY;BYMONTHDAY=28"))) == [])
    #expect(outlookCompatibility(Recurrence(rule: rule("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31"))) == [])
    guard case .success = ExchangeRecurrencePattern.make(rule("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31"), start: day("2027-01-31")) else {
      Issue.record("January 31st yearly refused")
      return
    }
  }

  @Test("RDATE needs an RRULE; a second RRULE is too many")
  func rdateAndExtraRules() {
    #expect(
      outlookCompatibility(Recurrence(dates: [.date(day("2024-01-01"))])) == [
        "RDATE without an RRULE"
      ])
    #expect(
      outlookCompatibility(Recurrence(rule: rule("FREQ=DAILY"), dates: [.date(day("2024-01-01"))]))
        == [])
    #expect(
      outlookCompatibility(Recurrence(rule: rule("FREQ=DAILY"), extraRules: [rule("FREQ=WEEKLY")]))
        == ["more than one RRULE"])
  }
}

@Suite("RecurrenceExpander mixed forms")
struct RecurrenceExpanderMixedTests {
  @Test("a UTC series takes RDATEs and EXDATEs given in a zone by their instant")
  func utcSeriesZonedDates() {
    let e = series(
      .utc(dt("2024-07-01T13:00:00")), "FREQ=DAILY;COUNT=3",
      rdates: [.zoned(dt("2024-07-05T09:00:00"), zone: "America/New_York")],
      exdates: [.zoned(dt("2024-07-02T15:00:00"), zone: "Europe/Berlin")])
    #expect(starts(e) == ["2024-07-01T13:00:00Z", "2024-07-03T13:00:00Z", "2024-07-05T13:00:00Z"])
  }

  @Test("a Windows-named zone on DTSTART expands in its IANA zone")
  func windowsZone() {
    let e = series(
      .zoned(dt("2024-03-29T09:00:00"), zone: "W. Europe Standard Time"), "FREQ=DAILY;COUNT=3")
    let occ = RecurrenceExpander(event: e).expand().occurrences
    #expect(
      occ.map { LocalDateTime(secondsSinceEpoch: $0.instant).description } == [
        "2024-03-29T08:00:00", "2024-03-30T08:00:00", "2024-03-31T07:00:00",
      ])
    #expect(occ.first?.start == .zoned(dt("2024-03-29T09:00:00"), zone: "W. Europe Standard Time"))
  }
}

@Suite("RecurrenceExpander all-day rules")
struct RecurrenceExpanderAllDayTests {
  @Test("parts finer than a day on an all-day series give each date once")
  func noDuplicateDates() {
    let e = series(.date(day("2024-01-01")), "FREQ=DAILY;COUNT=3;BYHOUR=9,10")
    #expect(starts(e) == ["2024-01-01", "2024-01-02", "2024-01-03"])
    let h = series(.date(day("2024-01-01")), "FREQ=HOURLY;UNTIL=20240102T120000Z")
    #expect(starts(h) == ["2024-01-01", "2024-01-02"])
  }
}
