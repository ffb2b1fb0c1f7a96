import FerryModel
import FerryTime
import Foundation
import Testing

@Suite("TimeZoneResolver")
struct TimeZoneResolverTests {
  @Test("every Windows id in CLDR resolves to an IANA zone Foundation knows", arguments: WindowsZones.allWindowsIDs)
  func windowsIDs(_ id: String) throws {
    let iana = try #require(WindowsZones.iana(forWindows: id))
    #expect(TimeZone(identifier: iana) != nil, "\(id) → \(iana)")
    let resolved = try #require(TimeZoneResolver.shared.resolve(id))
    // `UTC` is both a Windows id and a tz database name.
    #expect(resolved.method == .windows || resolved.method == .iana && resolved.ianaName == id)
    #expect(resolved.ianaName == iana || resolved.method == .iana)
  }

  @Test("the CLDR table covers every Windows id (139)")
  func windowsCount() {
    #expect(WindowsZones.allWindowsIDs.count == 139)
  }

  @Test(
    "real-world TZIDs",
    arguments: [
      ("Europe/Berlin", "Europe/Berlin", ResolvedZone.Method.iana),
      ("\"America/New_York\"", "America/New_York", .iana),
      ("america/new_york", "America/New_York", .iana),
      ("US/Eastern", "US/Eastern", .iana),
      ("W. Europe Standard Time", "Europe/Berlin", .windows),
      ("Eastern Standard Time", "America/New_York", .windows),
      ("eastern standard time", "America/New_York", .windows),
      ("Eastern Standard Time 1", "America/New_York", .windows),
      ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin", .prefixed),
      ("/softwarestudio.org/Olson_20011030_5/America/Chicago", "America/Chicago", .prefixed),
      ("/citadel.org/20190914_1/Australia/Sydney", "Australia/Sydney", .prefixed),
      ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York", .displayName),
      ("(GMT-05.00) Eastern Time (US & Canada)", "America/New_York", .displayName),
      ("(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna", "Europe/Berlin", .displayName),
      ("(UTC+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney", .displayName),
      ("(UTC) Coordinated Universal Time", "Etc/UTC", .displayName),
      ("GMT-05:00", "Etc/GMT+5", .fixedOffset),
      ("UTC+5", "Etc/GMT-5", .fixedOffset),
      ("UTC", "UTC", .iana),
    ])
  func tzids(_ tzid: String, _ iana: String, _ method: ResolvedZone.Method) throws {
    let r = try #require(TimeZoneResolver().resolve(tzid), "\(tzid)")
    #expect(r.method == method, "\(tzid)")
    #expect(r.ianaName == iana, "\(tzid)")
  }

  @Test("fixed offsets that have no Etc zone, and names that are not zones")
  func offsetsAndFailures() throws {
    let r = try #require(TimeZoneResolver().resolve("GMT+0530"))
    #expect(r.ianaName == nil)
    #expect(r.zone.offset(atInstant: 0) == 19800)
    #expect(TimeZoneResolver.fixedOffset("GMT -0500") == -18000)
    #expect(TimeZoneResolver.fixedOffset("UTC+05.30") == 19800)
    #expect(TimeZoneResolver.fixedOffset("Central") == nil)
    #expect(TimeZoneResolver().resolve("Customized Time Zone") == nil)
    #expect(TimeZoneResolver().resolve("") == nil)
    #expect(TimeZoneResolver().resolve("Mars/Olympus_Mons") == nil)
  }
}

extension ResolvedZone: Equatable {
  public static func == (a: ResolvedZone, b: ResolvedZone) -> Bool {
    a.zone === b.zone && a.ianaName == b.ianaName && a.method == b.method
  }
}
