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
/// dateutil's own bugs, which the generator steers clear of and this test would report:
/// - BYDAY mixing ordinal and plain days (`BYDAY=MO,1TU`): dateutil intersects the two
///   (python-dateutil/dateutil#??? in `rrule.__init__`, `_byweekday` and `_bynweekday` both
///   filter); RFC 5545 means the union, as ferry does.
/// - A negative BYWEEKNO that names week 1 of the next year: dateutil's `wnomask` has
///   "TODO: Check -numweeks for next year."
/// - BYWEEKNO with INTERVAL > 1 or BYSETPOS: dateutil's YEARLY periods are calendar years,
///   so a week that straddles New Year falls in two periods.
/// - Sub-daily rules whose BYxxx values INTERVAL never reaches: dateutil raises "byxxx
///   generates an empty set"; RFC 5545 leaves DTSTART alone (the generator records these
///   cases with a `note`, and the expectation is DTSTART).
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
    var r = RecurrenceRule(frequency: RecurrenceRule.Frequency(rawValue: p.FREQ) ?? .daily, interval: p.INTERVAL ?? 1)
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
    let expander = RecurrenceExpander(event: e, window: ExpansionWindow(from: c.from, until: c.until), limit: c.limit)
    return expander.expand().occurrences.map(\.instant).sorted()
  }

  @Test(
    "occurrences in a two-year window equal dateutil's",
    .enabled(if: casesPath != nil, "set FERRY_RRULE_CASES (make interop-time does)"))
  func differential() throws {
    let path = try #require(Self.casesPath)
    let file = try JSONDecoder().decode(CaseFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(file.cases.count >= 5000)
    var failures: [String] = []
    var occurrences = 0
    for c in file.cases {
      let ours = Self.instants(c)
      occurrences += ours.count
      if ours != c.expected {
        let fmt: ([Int]) -> String = { list in
          list.prefix(6).map { LocalDateTime(secondsSinceEpoch: $0).description }.joined(separator: ", ")
            + (list.count > 6 ? ", … (\(list.count))" : "")
        }
        let firstDiff = (0..<min(ours.count, c.expected.count)).first { ours[$0] != c.expected[$0] } ?? min(ours.count, c.expected.count)
        failures.append(
          "case \(c.id) [\(c.kind) \(c.zone ?? "")] DTSTART \(c.start) \(c.rule): first difference at #\(firstDiff)\n"
            + "  ferry:    \(fmt(Array(ours.dropFirst(max(0, firstDiff - 1)))))\n"
            + "  dateutil: \(fmt(Array(c.expected.dropFirst(max(0, firstDiff - 1)))))")
      }
    }
    #expect(failures.isEmpty, "\(failures.count) of \(file.cases.count) rules differ (seed \(file.seed)):\n\(failures.prefix(25).joined(separator: "\n"))")
    #expect(occurrences > 10_000)
  }
}
