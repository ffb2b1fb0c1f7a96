import FerryModel
import FerryTestSupport
import FerryTime
import Foundation
import Testing

@Suite("TimeZoneResolver")
struct TimeZoneResolverTests {
  @Test(
    "every Windows id in CLDR resolves to an IANA zone Foundation knows",
    arguments: WindowsZones.allWindowsIDs)
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
      (
        "(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna", "Europe/Berlin",
        .displayName
      ),
      ("(UTC+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney", .displayName),
      ("(UTC) Coordinated Universal Time", "Etc/UTC", .displayName),
      ("GMT-05:00", "Etc/GMT+5", .fixedOffset),
      ("UTC+5", "Etc/GMT-5", .fixedOffset),
      ("UTC", "UTC", .iana),
      ("America-Chicago", "America/Chicago", .prefixed),
      ("US-Eastern", "US/Eastern", .prefixed),
      ("Canberra, Melbourne, Sydney", "Australia/Sydney", .displayName),
      (
        "/freeassociation.sourceforge.net/Tzfile/America/Argentina/Buenos_Aires",
        "America/Argentina/Buenos_Aires", .prefixed
      ),
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

@Suite("TimeZoneResolver on the corpus")
struct TimeZoneResolverCorpusTests {
  /// `../shared/corpus/ical/` beside the clone (or under `FERRY_SHARED`, for worktrees elsewhere).
  static let corpusDirectory: String? = {
    var candidates = [Fixtures.shared("corpus/ical")]
    if let shared = ProcessInfo.processInfo.environment["FERRY_SHARED"] {
      candidates.insert(shared + "/corpus/ical", at: 0)
    }
    return candidates.first { FileManager.default.fileExists(atPath: $0) }
  }()

  /// Every TZID in the corpus, without the files' VTIMEZONEs.
  static let corpusTZIDs: [String] = {
    var found = Set<String>()
    guard let corpusDirectory else { return [] }
    for path in Fixtures.files(in: corpusDirectory, extensions: ["ics", "vcs"]) {
      guard let data = FileManager.default.contents(atPath: path) else { continue }
      let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
        .replacingOccurrences(of: "\n ", with: "")
      for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
        // TZID:… (in VTIMEZONE) and ;TZID=…: or ;TZID="…": (parameters).
        if line.hasPrefix("TZID:") { found.insert(String(line.dropFirst(5))) }
        guard let r = line.range(of: ";TZID=") else { continue }
        var rest = line[r.upperBound...]
        if rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") {
          found.insert(String(rest[rest.index(after: rest.startIndex)..<close]))
        } else if let end = rest.firstIndex(where: { $0 == ":" || $0 == ";" }) {
          rest = rest[..<end]
          found.insert(String(rest))
        }
      }
    }
    return found.sorted()
  }()

  /// TZIDs that name no zone and mean only their file's VTIMEZONE.
  static let definitionOnly: Set<String> = [
    "US--Fictitious-Eastern", "Екатеринбург", "GMT +0100 (Standard) / GMT +0200 (Daylight)",
    "America-SanJose",
  ]

  @Test(
    "the corpus has TZIDs",
    .enabled(if: corpusDirectory != nil, "../shared/corpus is not beside this checkout"))
  func found() {
    #expect(Self.corpusTZIDs.count >= 20)
  }

  @Test(
    "every corpus TZID resolves by name, except those that only their VTIMEZONE defines",
    arguments: corpusTZIDs)
  func corpus(_ tzid: String) {
    let r = TimeZoneResolver().resolve(tzid)
    if Self.definitionOnly.contains(tzid) {
      #expect(r == nil, "\(tzid) → \(r?.ianaName ?? "?")")
    } else {
      #expect(r != nil, "\(tzid)")
    }
  }

  @Test("Outlook's VTIMEZONE for a Russian name resolves by its own rules")
  func yekaterinburg() throws {
    let d = ZoneDefinition(
      tzid: "Екатеринбург",
      observances: [
        .init(
          kind: .standard, start: dt("1601-10-28T03:00:00"), offsetFrom: 6 * 3600,
          offsetTo: 5 * 3600, rule: rule("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10")),
        .init(
          kind: .daylight, start: dt("1601-03-25T02:00:00"), offsetFrom: 5 * 3600,
          offsetTo: 6 * 3600, rule: rule("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3")),
      ])
    let r = try #require(TimeZoneResolver(definitions: [d]).resolve("Екатеринбург"))
    // Russia dropped DST in 2011, so no tz database zone follows these rules now.
    #expect(r.method == .definition)
    #expect(r.zone.offset(atInstant: dt("2024-07-01T00:00:00").secondsSinceEpoch) == 6 * 3600)
    // Over the years the rules were in force, it is Asia/Yekaterinburg.
    #expect(TimeZoneResolver.matchingIANAName(for: d, years: 2000...2010) == "Asia/Yekaterinburg")
  }
}

@Suite("Windows names of tz database links")
struct WindowsZoneLinkTests {
  @Test("links such as US/Pacific and GB have the Windows id of the zone they point at", arguments: [
    ("US/Pacific", "Pacific Standard Time"), ("US/Eastern", "Eastern Standard Time"), ("GB", "GMT Standard Time"),
    ("Canada/Central", "Central Standard Time"),
  ])
  func links(_ name: String, _ windows: String) {
    #expect(WindowsZones.windows(forIANA: name) == windows)
  }

  @Test("names that are no zone, or try to leave the zoneinfo tree, have none")
  func notZones() {
    #expect(WindowsZones.windows(forIANA: "../../etc/passwd") == nil)
    #expect(WindowsZones.windows(forIANA: "Nowhere/Special") == nil)
    #expect(WindowsZones.windows(forIANA: "/etc/localtime") == nil)
  }
}
