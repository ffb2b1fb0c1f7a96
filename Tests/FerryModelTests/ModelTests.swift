import FerryModel
import Testing

@Suite("SalesforceID")
struct SalesforceIDTests {
  @Test("upgrades 15-character ids to the case-safe 18-character form", arguments: [
    ("001D000000IqhSL", "001D000000IqhSLIAZ"),
    ("003a000001XyZab", "003a000001XyZabAAF"),
    ("001D000000IqhSLIAZ", "001D000000IqhSLIAZ"),
  ])
  func caseSafe(input: String, expected: String) {
    #expect(SalesforceID.caseSafe(input) == expected)
  }

  @Test("refuses what is not an id")
  func rejects() {
    #expect(SalesforceID.caseSafe("hello") == nil)
    #expect(SalesforceID.caseSafe("001D000000IqhS!") == nil)
  }

  @Test("source identity and owner store the 18-character form")
  func identity() {
    #expect(SourceIdentity(system: "salesforce", recordId: "001D000000IqhSL").recordId == "001D000000IqhSLIAZ")
    #expect(Owner(id: "005D000000IqhSL").id == "005D000000IqhSLIAZ")
  }
}

@Suite("dates and times")
struct DateTimeTests {
  @Test("days since the epoch round-trip over four centuries")
  func civil() {
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let days = Int.random(in: -200_000...200_000, using: &rng)
      let d = LocalDate(daysSinceEpoch: days)
      #expect(d.isValid)
      #expect(d.daysSinceEpoch == days)
    }
    #expect(LocalDate(year: 1970, month: 1, day: 1).isoWeekday == 4)
    #expect(LocalDate(year: 2024, month: 2, day: 29).isoWeekday == 4)
    #expect(LocalDate(year: 2000, month: 1, day: 1).isoWeekday == 6)
  }

  @Test("event times print and parse", arguments: [
    "2024-03-09", "2024-03-09T10:00:00", "2024-03-09T10:00:00Z", "2024-03-09T10:00:00[Europe/Berlin]",
  ])
  func eventTime(text: String) {
    #expect(EventTime(text: text)?.description == text)
  }

  @Test("partial dates", arguments: [
    ("1980-04-12", "1980-04-12"), ("--0412", "--04-12"), ("--04-12", "--04-12"), ("19800412", "1980-04-12"),
    ("1980", "1980"), ("1980-04", "1980-04"), ("---12", "---12"),
  ])
  func partial(input: String, expected: String) {
    #expect(PartialDate(text: input)?.description == expected)
  }

  @Test("invalid partial dates are refused", arguments: ["1980-13-01", "1981-02-29", "abc", "--1301"])
  func partialInvalid(input: String) {
    #expect(PartialDate(text: input) == nil)
  }

  @Test("timestamps with offsets and milliseconds")
  func timestamps() {
    #expect(Timestamp(text: "2024-01-31T15:00:00.000Z")?.description == "2024-01-31T15:00:00Z")
    #expect(Timestamp(text: "2024-01-31T15:00:00.250Z")?.description == "2024-01-31T15:00:00.250Z")
    #expect(Timestamp(text: "2024-01-31T16:00:00.000+0100")?.description == "2024-01-31T15:00:00Z")
    #expect(Timestamp(text: "20240131T150000Z")?.description == "2024-01-31T15:00:00Z")
  }

  @Test("durations", arguments: ["PT15M", "-PT15M", "P1W", "P1DT2H", "PT0S", "P2D"])
  func durations(text: String) {
    #expect(EventDuration(text: text)?.description == text)
  }
}

@Suite("ModelDump")
struct ModelDumpTests {
  @Test("prints filled fields in declaration order and skips empty ones")
  func dump() {
    var c = Contact()
    c.formattedName = "Ana \"Q\" Núñez"
    c.name = PersonName(given: "Ana", family: "Núñez")
    c.emails = [EmailAddress("ana@example.com", types: ["work"])]
    c.birthday = PartialDate(month: 4, day: 12)
    let text = ModelDump.dump([.contact(c)])
    #expect(text == """
      contact
        formattedName: "Ana \\"Q\\" Núñez"
        name:
          given: "Ana"
          family: "Núñez"
        emails:
          address: "ana@example.com"
          types: "work"
        birthday: --04-12

      """)
  }

  @Test("recurrence rules print RFC 5545 text")
  func rule() {
    var r = RecurrenceRule(frequency: .monthly, interval: 2)
    r.byDay = [.init(.friday, ordinal: -1)]
    r.until = .utc(LocalDateTime(year: 2025, month: 1, day: 1, hour: 23, minute: 59, second: 59))
    #expect(r.description == "FREQ=MONTHLY;UNTIL=20250101T235959Z;INTERVAL=2;BYDAY=-1FR")
  }
}

@Suite("FileSystem")
struct FileSystemTests {
  @Test("file names from data are made safe", arguments: [
    ("../../etc/passwd", "_.._etc_passwd"), ("Ana Núñez", "Ana Núñez"), ("", "record"), ("a\u{0}b\nc", "abc"),
    ("CON", "record_CON"), ("...", "record"),
  ])
  func safe(input: String, expected: String) {
    #expect(FileSystem.safeFileName(input) == expected)
  }
}
