import FerryModel
import FerryTestSupport
import FerryTime
import Foundation
import Testing

/// Compares the recurrence engine with python-dateutil on seeded random rules.
///
/// `make interop-time` (part of `make test`) runs `scripts/interop/time/rrule_cases.py`, which
/// draws the rules (every frequency, BYxxx combinations, COUNT and UNTIL, zones with DST) and
/// writes dateutil's instances, adjusted to RFC 5545 where dateutil knowingly differs (DTSTART
/// always first), then this test with `FERRY_RRULE_CASES` pointing at that file.
///
/// dateutil's own bugs, found by this test; the generator steers clear of them, and
/// `DateutilBugTests` below pins ferry's RFC 5545 answer for each:
/// 1. WEEKLY with BYSETPOS from a DTSTART that is not on WKST: dateutil's first period runs
///    from DTSTART to the next WKST (`rrule._iter`, `wdayset`), so BYSETPOS counts in a partial
///    week. RFC 5545's period is the whole week: `FREQ=WEEKLY;BYDAY=MO,SU;BYSETPOS=1` from
///    Tuesday 2019-10-01 next falls on Monday 2019-10-07, not on Sunday 2019-10-06.
/// 2. BYWEEKNO=52 (or 53) where the previous year's last week runs into January: dateutil's
///    `_iterinfo.rebuild` computes last year's week count from this year's length
///    (`lnumweeks = 52+(self.yearlen-no1wkst) % 7//4`), so 2022-01-01 and 2022-01-02, which
///    are in ISO week 52 of 2021, are missed.
/// 3. A negative BYWEEKNO that names week 1 of the next year (dateutil: "TODO: Check
///    -numweeks for next year").
/// 4. BYDAY mixing ordinal and plain days (`BYDAY=MO,1TU`): dateutil keeps both as filters
///    (`_byweekday` and `_bynweekday`), an intersection; RFC 5545 means the union.
/// 5. BYWEEKNO with INTERVAL > 1 or BYSETPOS: dateutil's YEARLY periods are calendar years, so
///    a week that straddles New Year falls in two periods (RFC 5545 leaves this loose; ferry
///    does as dateutil does here).
/// 6. Sub-daily rules whose BYxxx values INTERVAL never reaches: dateutil raises "byxxx
///    generates an empty set"; RFC 5545 leaves DTSTART alone (the generator records these
///    cases with a `note`, and the expectation is DTSTART).
@Suite("RRULE against python-dateutil")
struct RecurrenceDifferentialTests {
  static let casesPath = ProcessInfo.processInfo.environment["FERRY_RRULE_CASES"]

  struct CaseFile: Decodable {
    var seed: Int
    var cases: [Case]
  }

  struct Case: Decodable {
    var id: Int
    var kind: String
    var zone: String?
    var start: String
    var rule: String
    var parts: Parts
    var from: Int
    var until: Int
    var limit: Int
    var expected: [Int]
    var note: String?
  }

  struct Parts: Decodable {
    var FREQ: String
    var INTERVAL: Int?
    var COUNT: Int?
    var UNTIL: String?
    var BYMONTH: [Int]?
    var BYWEEKNO: [Int]?
    var BYYEARDAY: [Int]?
    var BYMONTHDAY: [Int]?
    var BYDAY: [[DayItem]]?
    var BYHOUR: [Int]?
    var BYMINUTE: [Int]?
    var BYSECOND: [Int]?
    var BYSETPOS: [Int]?
    var WKST: String?
  }

  enum DayItem: Decodable {
    case number(Int?)
    case day(String)
    init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if c.decodeNil() {
        self = .number(nil)
      } else if let n = try? c.decode(Int.self) {
        self = .number(n)
      } else {
        self = .day(try c.decode(String.self))
      }
    }
  }

  static func makeRule(_ p: Parts) -> RecurrenceRule {
    var r = RecurrenceRule(
      frequency: RecurrenceRule.Frequency(rawValue: p.FREQ) ?? .daily, interval: p.INTERVAL ?? 1)
    r.count = p.COUNT
    if let u = p.UNTIL {
      if u.count == 8 {
        r.until = LocalDate(iso: u).map { .date($0) }
      } else if u.hasSuffix("Z") {
        r.until = LocalDateTime(iso: u.dropLast()).map { .utc($0) }
      } else {
        r.until = LocalDateTime(iso: u).map { .floating($0) }
      }
    }
    r.byMonth = p.BYMONTH ?? []
    r.byWeekNumber = p.BYWEEKNO ?? []
    r.byYearDay = p.BYYEARDAY ?? []
    r.byMonthDay = p.BYMONTHDAY ?? []
    r.byHour = p.BYHOUR ?? []
    r.byMinute = p.BYMINUTE ?? []
    r.bySecond = p.BYSECOND ?? []
    r.bySetPosition = p.BYSETPOS ?? []
    r.weekStart = p.WKST.flatMap(RecurrenceRule.Weekday.init(rawValue:))
    r.byDay = (p.BYDAY ?? []).compactMap { pair in
      guard pair.count == 2, case .number(let n) = pair[0], case .day(let d) = pair[1],
        let wd = RecurrenceRule.Weekday(rawValue: d)
      else { return nil }
      return RecurrenceRule.WeekdayNum(wd, ordinal: n)
    }
    return r
  }

  static func instants(_ c: Case) -> [Int] {
    guard let startTime = LocalDateTime(iso: c.start) else { return [] }
    var e = Event()
    switch c.kind {
    case "date": e.start = .date(startTime.date)
    case "floating": e.start = .floating(startTime)
    case "utc": e.start = .utc(startTime)
    default: e.start = .zoned(startTime, zone: c.zone ?? "UTC")
    }
    e.recurrence = Recurrence(rule: makeRule(c.parts))
    let expander = RecurrenceExpander(
      event: e, window: ExpansionWindow(from: c.from, until: c.until), limit: c.limit)
    return expander.expand().occurrences.map(\.instant).sorted()
  }

  @Test(
    "occurrences in a two-year window equal dateutil's",
    .enabled(if: casesPath != nil, "set FERRY_RRULE_CASES (make interop-time does)"))
  func differential() throws {
    let path = try #require(Self.casesPath)
    let file = try JSONDecoder().decode(
      CaseFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(file.cases.count >= 5000)
    var failures: [String] = []
    var occurrences = 0
    var slowest: [(Double, String)] = []
    for c in file.cases {
      let t0 = DispatchTime.now().uptimeNanoseconds
      let ours = Self.instants(c)
      let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
      if ms > 20 { slowest.append((ms, "case \(c.id) \(c.kind) \(c.start) \(c.rule)")) }
      occurrences += ours.count
      if ours != c.expected {
        let fmt: ([Int]) -> String = { list in
          list.prefix(6).map { LocalDateTime(secondsSinceEpoch: $0).description }.joined(
            separator: ", ")
            + (list.count > 6 ? ", … (\(list.count))" : "")
        }
        let firstDiff =
          (0..<min(ours.count, c.expected.count)).first { ours[$0] != c.expected[$0] }
          ?? min(ours.count, c.expected.count)
        failures.append(
          "case \(c.id) [\(c.kind) \(c.zone ?? "")] DTSTART \(c.start) \(c.rule): first difference at #\(firstDiff)\n"
            + "  ferry:    \(fmt(Array(ours.dropFirst(max(0, firstDiff - 1)))))\n"
            + "  dateutil: \(fmt(Array(c.expected.dropFirst(max(0, firstDiff - 1)))))")
      }
    }
    #expect(
      failures.isEmpty,
      "\(failures.count) of \(file.cases.count) rules differ (seed \(file.seed)):\n\(failures.prefix(25).joined(separator: "\n"))"
    )
    #expect(occurrences > 10_000)
    if ProcessInfo.processInfo.environment["FERRY_RRULE_TIMING"] != nil {
      for (ms, what) in slowest.sorted(by: { $0.0 > $1.0 }).prefix(15) {
        print(Int(ms), "ms", what)
      }
    }
  }
}

/// Ferry's RFC 5545 answers where dateutil is wrong (see the list above).
@Suite("where dateutil is wrong")
struct DateutilBugTests {
  func days(_ start: EventTime, _ rrule: String, limit: Int = 4) -> [String] {
    RecurrenceExpander(event: series(start, rrule), limit: limit).expand().occurrences.map {
      String($0.start.localDateTime.description.prefix(10))
    }
  }

  @Test("1: WEEKLY BYSETPOS counts in the whole week, DTSTART's included")
  func weeklySetPosition() {
    #expect(
      days(.floating(dt("2019-10-01T01:51:00")), "FREQ=WEEKLY;BYDAY=MO,SU;BYSETPOS=1", limit: 3)
        == [
          "2019-10-01", "2019-10-07", "2019-10-14",
        ])
  }

  @Test("2: BYWEEKNO=52 keeps the January days of the previous year's week 52")
  func weekFiftyTwo() {
    let d = days(.floating(dt("2021-12-27T12:30:00")), "FREQ=YEARLY;BYWEEKNO=52", limit: 7)
    #expect(
      d == [
        "2021-12-27", "2021-12-28", "2021-12-29", "2021-12-30", "2021-12-31", "2022-01-01",
        "2022-01-02",
      ])
  }

  @Test("3: a negative BYWEEKNO can name the week that starts in December")
  func negativeWeekNumber() {
    // 2026 has 53 ISO weeks; its week 1 starts on Monday 2025-12-29, and is its week -53.
    #expect(
      days(.floating(dt("2025-12-01T09:00:00")), "FREQ=YEARLY;BYWEEKNO=-53;BYDAY=MO", limit: 2) == [
        "2025-12-01", "2025-12-29",
      ])
  }

  @Test("4: BYDAY with ordinal and plain days is a union")
  func mixedByDay() {
    // Mondays of September 1997, plus its first Tuesday.
    #expect(
      days(.floating(dt("1997-09-01T09:00:00")), "FREQ=MONTHLY;BYDAY=MO,1TU;COUNT=6", limit: 6) == [
        "1997-09-01", "1997-09-02", "1997-09-08", "1997-09-15", "1997-09-22", "1997-09-29",
      ])
  }

  @Test("6: a sub-daily rule INTERVAL never lets match leaves DTSTART alone")
  func unreachable() {
    let r = RecurrenceExpander(
      event: series(.floating(dt("2024-01-01T00:00:00")), "FREQ=SECONDLY;INTERVAL=10;BYSECOND=5"),
      window: ExpansionWindow(fromUTC: nil, untilUTC: dt("2024-01-01T06:00:00"))
    ).expand()
    #expect(r.occurrences.map(\.start) == [.floating(dt("2024-01-01T00:00:00"))])
  }
}
