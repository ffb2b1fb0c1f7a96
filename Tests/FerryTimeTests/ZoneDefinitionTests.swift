import FerryModel
import FerryTime
import Foundation
import Testing

@Suite("ZoneDefinition")
struct ZoneDefinitionTests {
  /// US Eastern as Outlook writes it: DTSTART 1601, RRULEs, no UNTIL.
  static let outlookEastern = ZoneDefinition(
    tzid: "Eastern Standard Time",
    observances: [
      .init(
        kind: .standard, start: dt("1601-11-04T02:00:00"), offsetFrom: -4 * 3600,
        offsetTo: -5 * 3600,
        rule: rule("FREQ=YEARLY;BYDAY=1SU;BYMONTH=11")),
      .init(
        kind: .daylight, start: dt("1601-03-11T02:00:00"), offsetFrom: -5 * 3600,
        offsetTo: -4 * 3600,
        rule: rule("FREQ=YEARLY;BYDAY=2SU;BYMONTH=3")),
    ])

  /// Central Europe as a custom TZID with rules (Thunderbird/Lightning style).
  static let customBerlin = ZoneDefinition(
    tzid: "Customized Time Zone",
    observances: [
      .init(
        kind: .daylight, start: dt("1981-03-29T02:00:00"), offsetFrom: 3600, offsetTo: 7200,
        rule: rule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"), names: ["CEST"]),
      .init(
        kind: .standard, start: dt("1996-10-27T03:00:00"), offsetFrom: 7200, offsetTo: 3600,
        rule: rule("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"), names: ["CET"]),
    ])

  /// RDATE-style observances (the form Outlook ignores), for 2024 only, Sydney.
  static let rdateSydney = ZoneDefinition(
    tzid: "Sydney RDATE",
    observances: [
      .init(
        kind: .standard, start: dt("2024-04-07T03:00:00"), offsetFrom: 11 * 3600,
        offsetTo: 10 * 3600),
      .init(
        kind: .daylight, start: dt("2024-10-06T02:00:00"), offsetFrom: 10 * 3600,
        offsetTo: 11 * 3600,
        dates: [dt("2025-10-05T02:00:00")]),
      .init(
        kind: .standard, start: dt("2025-04-06T03:00:00"), offsetFrom: 11 * 3600,
        offsetTo: 10 * 3600),
    ])

  @Test("a VTIMEZONE computes its own offsets, gap and fold included")
  func ownOffsets() {
    let zone = Self.outlookEastern.makeZone()
    #expect(
      zone.instant(forLocal: dt("2024-03-10T02:30:00"))
        == dt("2024-03-10T07:30:00").secondsSinceEpoch)
    #expect(
      zone.instant(forLocal: dt("2024-11-03T01:30:00"))
        == dt("2024-11-03T05:30:00").secondsSinceEpoch)
    #expect(
      zone.instant(forLocal: dt("2024-07-01T12:00:00"))
        == dt("2024-07-01T16:00:00").secondsSinceEpoch)
    #expect(
      zone.instant(forLocal: dt("2024-01-15T12:00:00"))
        == dt("2024-01-15T17:00:00").secondsSinceEpoch)
    let sydney = Self.rdateSydney.makeZone()
    #expect(
      sydney.instant(forLocal: dt("2024-10-06T02:30:00"))
        == dt("2024-10-05T16:30:00").secondsSinceEpoch)
    #expect(sydney.offset(atInstant: dt("2025-12-01T00:00:00").secondsSinceEpoch) == 11 * 3600)
  }

  @Test("VTIMEZONEs are matched to the tz database zone whose rules agree")
  func matching() {
    #expect(
      TimeZoneResolver.matchingIANAName(for: Self.outlookEastern, hint: "America/New_York")
        == "America/New_York")
    // No hint: the first CLDR golden zone that agrees (US Eastern is "Eastern Standard Time").
    let unhinted = TimeZoneResolver.matchingIANAName(for: Self.outlookEastern)
    #expect(unhinted == "America/New_York")
    #expect(TimeZoneResolver.matchingIANAName(for: Self.customBerlin) != nil)
    let berlinLike = TimeZoneResolver.matchingIANAName(
      for: Self.customBerlin, hint: "Europe/Berlin")
    #expect(berlinLike == "Europe/Berlin")
    // Rules that no zone follows: US rules at a +03:00 offset.
    var odd = Self.outlookEastern
    odd.observances[0].offsetFrom = 4 * 3600
    odd.observances[0].offsetTo = 3 * 3600
    odd.observances[1].offsetFrom = 3 * 3600
    odd.observances[1].offsetTo = 4 * 3600
    #expect(TimeZoneResolver.matchingIANAName(for: odd) == nil)
  }

  @Test("a resolver uses the file's VTIMEZONE for custom TZIDs")
  func resolverWithDefinitions() throws {
    var odd = Self.customBerlin
    odd.tzid = "Odd Zone"
    odd.observances[0].offsetTo = 7200 + 1800
    odd.observances[1].offsetFrom = 7200 + 1800
    let resolver = TimeZoneResolver(definitions: [Self.customBerlin, Self.outlookEastern, odd])
    let custom = try #require(resolver.resolve("Customized Time Zone"))
    #expect(custom.method == .definitionMatched)
    #expect(custom.zone.offset(atInstant: dt("2024-07-01T00:00:00").secondsSinceEpoch) == 7200)
    let eastern = try #require(resolver.resolve("Eastern Standard Time"))
    #expect(eastern.method == .definitionMatched)
    #expect(eastern.ianaName == "America/New_York")
    let own = try #require(resolver.resolve("Odd Zone"))
    #expect(own.method == .definition)
    #expect(own.ianaName == nil)
    #expect(own.zone.offset(atInstant: dt("2024-07-01T00:00:00").secondsSinceEpoch) == 9000)
  }

  @Test(
    "observances generated for a tz database zone reproduce its offsets, with yearly RRULEs",
    arguments: [
      "America/New_York", "Europe/London", "Australia/Sydney", "Europe/Berlin", "America/Sao_Paulo",
      "Asia/Kolkata",
      "Pacific/Auckland", "America/St_Johns", "Asia/Tehran", "Africa/Casablanca",
    ])
  func generated(_ name: String) throws {
    let years = 2018...2030
    let definition = try #require(ZoneDefinition(iana: name, years: years))
    let ours = definition.makeZone()
    let theirs = try #require(Zone.cached(iana: name))
    let from = LocalDate(year: years.lowerBound, month: 1, day: 1).daysSinceEpoch * 86400
    let to = LocalDate(year: years.upperBound + 1, month: 1, day: 1).daysSinceEpoch * 86400
    for t in stride(from: from, to: to, by: 6 * 3600) {
      #expect(
        ours.offset(atInstant: t) == theirs.offset(atInstant: t),
        "\(name) at \(LocalDateTime(secondsSinceEpoch: t))")
    }
    // A zone on a steady rule gets one rule per kind and no UNTIL on the rule in force.
    if ["America/New_York", "Europe/London", "Australia/Sydney", "Europe/Berlin"].contains(name) {
      #expect(definition.observances.count == 2)
      #expect(
        definition.observances.allSatisfy { $0.rule?.until == nil && $0.rule?.byDay.count == 1 })
    }
    if name == "Asia/Kolkata" {
      #expect(definition.observances.count == 1)
      #expect(definition.observances[0].offsetFrom == 19800)
    }
  }

  @Test("US Eastern for 2024 is the Outlook shape")
  func outlookShape() throws {
    let d = try #require(ZoneDefinition(iana: "America/New_York", years: 2024...2024))
    let standard = try #require(d.observances.first { $0.kind == .standard })
    let daylight = try #require(d.observances.first { $0.kind == .daylight })
    #expect(standard.rule?.description == "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11")
    #expect(daylight.rule?.description == "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3")
    #expect(standard.start == dt("2024-11-03T02:00:00"))
    #expect(daylight.start == dt("2024-03-10T02:00:00"))
    #expect(standard.offsetFrom == -4 * 3600 && standard.offsetTo == -5 * 3600)
    // TZNAME comes from Foundation, which on Linux may only know `GMT-4`: then none is given.
    #expect(daylight.names == ["EDT"] || daylight.names.isEmpty)
  }

  @Test("a zone that abolished DST gets an UNTIL on its last rule")
  func abolished() throws {
    // Brazil stopped DST in 2019.
    let d = try #require(ZoneDefinition(iana: "America/Sao_Paulo", years: 2015...2025))
    #expect(d.observances.contains { $0.rule?.until != nil })
  }
}

@Suite("UTC-OFFSET text")
struct OffsetTextTests {
  @Test func parse() {
    #expect(ZoneDefinition.parseOffset("+0530") == 19800)
    #expect(ZoneDefinition.parseOffset("-0500") == -18000)
    #expect(ZoneDefinition.parseOffset("+001915") == 1155)
    #expect(ZoneDefinition.parseOffset("+05:30") == 19800)
    #expect(ZoneDefinition.parseOffset("0530") == nil)
    #expect(ZoneDefinition.parseOffset("+0560") == nil)
  }

  @Test func format() {
    #expect(ZoneDefinition.formatOffset(19800) == "+0530")
    #expect(ZoneDefinition.formatOffset(-18000) == "-0500")
    #expect(ZoneDefinition.formatOffset(0) == "+0000")
    #expect(ZoneDefinition.formatOffset(1155) == "+001915")
  }
}
