import FerryModel
import FerryTestSupport
import FerryTime
import Foundation
import Testing

@Suite("Zone")
struct ZoneTests {
  static func utcText(_ instant: Int) -> String {
    LocalDateTime(secondsSinceEpoch: instant).description + "Z"
  }

  struct FixtureLine: Sendable, CustomStringConvertible {
    var fields: [String]
    var description: String { fields.joined(separator: " | ") }
  }

  static let fixture: [FixtureLine] = {
    guard let text = try? Fixtures.text("time/dst-events.txt") else { return [] }
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map {
      FixtureLine(fields: $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) })
    }
  }()

  @Test("the DST fixture is there")
  func fixtureLoaded() {
    #expect(Self.fixture.count >= 30)
  }

  @Test(
    "wall times across DST in New York, London and Sydney give the right instants",
    arguments: fixture.filter { $0.fields[0] == "at" })
  func wallTimes(_ line: FixtureLine) throws {
    let zone = try #require(Zone.cached(iana: line.fields[1]))
    let instant = zone.instant(forLocal: dt(line.fields[2]))
    #expect(Self.utcText(instant) == line.fields[3], "\(line.fields[4])")
  }

  @Test(
    "series across DST keep their wall clock",
    arguments: fixture.filter { $0.fields[0] == "series" })
  func seriesAcrossDST(_ line: FixtureLine) {
    let e = series(.zoned(dt(line.fields[2]), zone: line.fields[1]), line.fields[3])
    let got = RecurrenceExpander(event: e).expand().occurrences.map { Self.utcText($0.instant) }
    #expect(got == line.fields[4].split(separator: " ").map(String.init))
  }

  @Test("gap and fold are classified, and converting back gives the shifted wall time")
  func gapAndFold() throws {
    let ny = try #require(Zone.cached(iana: "America/New_York"))
    #expect(ny.kind(ofLocal: dt("2024-03-10T02:30:00")) == .gap(3600))
    #expect(ny.kind(ofLocal: dt("2024-03-10T03:30:00")) == .unique)
    guard case .fold(let a, let b) = ny.kind(ofLocal: dt("2024-11-03T01:30:00")) else {
      Issue.record("01:30 on 2024-11-03 should be a fold")
      return
    }
    #expect(b - a == 3600)
    #expect(ny.instant(forLocal: dt("2024-11-03T01:30:00")) == a)
    #expect(
      ny.local(atInstant: ny.instant(forLocal: dt("2024-03-10T02:30:00")))
        == dt("2024-03-10T03:30:00"))
    #expect(ny.local(atInstant: b) == dt("2024-11-03T01:30:00"))
    // Samoa skipped 2011-12-30 entirely: a 24-hour gap.
    let apia = try #require(Zone.cached(iana: "Pacific/Apia"))
    #expect(apia.kind(ofLocal: dt("2011-12-30T12:00:00")) == .gap(86400))
    #expect(
      apia.local(atInstant: apia.instant(forLocal: dt("2011-12-30T12:00:00")))
        == dt("2011-12-31T12:00:00"))
  }

  @Test("an instance in a gap starts at the shifted wall time and keeps it as its recurrence id")
  func seriesInstanceInGap() {
    let e = series(
      .zoned(dt("2024-03-09T02:30:00"), zone: "America/New_York"), "FREQ=DAILY;COUNT=2")
    let second = RecurrenceExpander(event: e).expand().occurrences[1]
    #expect(second.start == .zoned(dt("2024-03-10T03:30:00"), zone: "America/New_York"))
    #expect(second.recurrenceId == second.start)
  }

  @Test("offsets agree with Foundation on every hour of 2024 and beyond the precomputed range")
  func agreesWithFoundation() throws {
    for name in [
      "America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "America/St_Johns",
      "Europe/Moscow",
    ] {
      let zone = try #require(Zone.cached(iana: name))
      let tz = try #require(TimeZone(identifier: name))
      let start = LocalDate(year: 2024, month: 1, day: 1).daysSinceEpoch * 86400
      for h in stride(from: 0, to: 366 * 24, by: 1) {
        let t = start + h * 3600 + 1799
        #expect(
          zone.offset(atInstant: t)
            == tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
      }
      let far = LocalDate(year: 2150, month: 7, day: 1).daysSinceEpoch * 86400
      #expect(
        zone.offset(atInstant: far)
          == tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(far))))
    }
  }

  @Test("a fixed offset zone")
  func fixed() {
    let z = Zone(fixedOffset: -5 * 3600)
    #expect(z.identifier == "-05:00")
    #expect(
      z.instant(forLocal: dt("2024-07-01T12:00:00")) == dt("2024-07-01T17:00:00").secondsSinceEpoch)
    #expect(Zone.offsetLabel(19800) == "+05:30")
  }
}
