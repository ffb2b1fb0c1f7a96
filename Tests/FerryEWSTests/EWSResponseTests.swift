import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryEWS

/// Reads an EWS fixture; returns its records and what the reader reported.
private func read(_ fixture: String, zone: String? = nil) throws -> ([Record], [Diagnostic]) {
  let collected = DiagnosticCollector()
  var options = ReadOptions()
  options.calendar.zone = zone
  var reader = try EWSReader(input: ByteInput(path: Fixtures.path("ews/" + fixture)), options: options, diagnostics: collected.sink)
  return (try reader.collect(), collected.diagnostics)
}

@Suite("EWS response messages and partial exports")
struct EWSResponseTests {
  @Test("ResponseClass Error is an error with its position, ResponseCode and MessageText")
  func errorClass() throws {
    let (records, diagnostics) = try read("finditem-error.xml")
    #expect(records.isEmpty)
    let error = try #require(diagnostics.first)
    #expect(diagnostics.count == 1)
    #expect(error.severity == .error)
    #expect(error.message.contains("ErrorMailboxStoreUnavailable: \"The mailbox is not available.\""))
    #expect(error.location?.file.hasSuffix("finditem-error.xml") == true && error.location?.line == 4)
  }

  @Test("ResponseClass Warning is a warning; the items of the successful message are read")
  func warningClass() throws {
    let (records, diagnostics) = try read("getitem-error-warning.xml")
    #expect(records.compactMap { $0.contact?.name.given } == ["Jane"])
    let errors = diagnostics.filter { $0.severity == .error }
    let warnings = diagnostics.filter { $0.severity == .warning }
    #expect(errors.count == 1 && errors[0].message.contains("ErrorItemNotFound"))
    #expect(warnings.count == 1)
    #expect(warnings.first?.message.contains("ErrorBatchProcessingStopped: \"Partial.\"") == true)
    #expect(warnings.first?.location?.line == 28)
  }

  @Test("the items inside a Warning message are read, after its warning")
  func warningWithItems() throws {
    let xml = """
      <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <m:ResponseMessages>
      <m:GetItemResponseMessage ResponseClass="Warning">
      <m:MessageText>Some properties were not returned.</m:MessageText>
      <m:ResponseCode>ErrorPropertyNotFound</m:ResponseCode>
      <m:Items><t:Contact><t:GivenName>Kim</t:GivenName></t:Contact></m:Items>
      </m:GetItemResponseMessage>
      </m:ResponseMessages>
      </m:GetItemResponse>
      """
    for size in [1, 7, 64, 1 << 16] {
      let collected = DiagnosticCollector()
      let records = try readEWS(Array(xml.utf8), chunkSize: size, sink: collected.sink)
      #expect(records.compactMap { $0.contact?.name.given } == ["Kim"], "chunk size \(size)")
      #expect(collected.diagnostics.map(\.severity) == [.warning], "chunk size \(size)")
      #expect(collected.diagnostics.first?.message.contains("ErrorPropertyNotFound: \"Some properties were not returned.\"") == true)
      #expect(collected.diagnostics.first?.location?.line == 3)
    }
  }

  @Test("a FindItem page that does not include the last item is a partial export")
  func partialPage() throws {
    let (records, diagnostics) = try read("finditem-partial-page.xml", zone: "Europe/Berlin")
    #expect(records.count == 1)
    let warning = try #require(diagnostics.first { $0.code == "partial-export" })
    #expect(warning.severity == .warning && warning.message.contains("TotalItemsInView \"3\""))
    #expect(try read("finditem-allday-no-zone.xml", zone: "Europe/Berlin").1.allSatisfy { $0.code != "partial-export" })
  }

  @Test("an all-day item with no zone takes its date in --zone; without --zone, at the nearest UTC midnight, with one warning")
  func allDayWithoutZone() throws {
    let (berlin, berlinDiagnostics) = try read("finditem-allday-no-zone.xml", zone: "Europe/Berlin")
    #expect(berlin.first?.event?.start == .date(LocalDate(year: 2026, month: 4, day: 3)))
    #expect(berlin.first?.event?.end == .date(LocalDate(year: 2026, month: 4, day: 4)))
    #expect(!berlinDiagnostics.contains { $0.code == "zone" })
    let (windows, _) = try read("finditem-allday-no-zone.xml", zone: "W. Europe Standard Time")
    #expect(windows.first?.event?.start == .date(LocalDate(year: 2026, month: 4, day: 3)))
    // New York's midnight of 3 April is 04:00 UTC: the same item read there is another day.
    let (newYork, _) = try read("finditem-allday-no-zone.xml", zone: "America/New_York")
    #expect(newYork.first?.event?.start == .date(LocalDate(year: 2026, month: 4, day: 2)))
    let (guessed, diagnostics) = try read("finditem-allday-no-zone.xml")
    #expect(guessed.first?.event?.start == .date(LocalDate(year: 2026, month: 4, day: 3)))
    #expect(diagnostics.filter { $0.code == "zone" && $0.severity == .warning }.count == 1)
  }

  @Test("Exchange2007 gets MeetingTimeZone (bias and yearly rules), not StartTimeZone, which Exchange2010 brought")
  func exchange2007() throws {
    var e = Event()
    e.summary = "Standup"
    e.start = .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9), zone: "Europe/Berlin")
    e.end = .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9, minute: 15), zone: "Europe/Berlin")
    e.recurrence = Recurrence(rule: RecurrenceRule(frequency: .daily, interval: 1))
    var holiday = Event()
    holiday.summary = "Feiertag"
    holiday.isAllDay = true
    holiday.start = .date(LocalDate(year: 2026, month: 4, day: 3))
    var newYork = e
    newYork.start = .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9), zone: "America/New_York")
    newYork.end = nil
    var options = WriteOptions()
    options.exchange.serverVersion = "Exchange2007_SP1"
    options.calendar.zone = "Europe/Berlin"
    let collected = DiagnosticCollector()
    let docs = try writeEWS([.event(e), .event(holiday), .event(newYork)], options: options, sink: collected.sink)
    let text = try #require(docs.first?.text)
    #expect(!text.contains("StartTimeZone") && !text.contains("EndTimeZone"))
    #expect(text.contains("Version=\"Exchange2007_SP1\""))
    #expect(text.contains("<t:Start>2026-03-02T09:00:00+01:00</t:Start>"))
    let berlin = """
      <t:MeetingTimeZone TimeZoneName="W. Europe Standard Time">
                  <t:BaseOffset>-PT1H</t:BaseOffset>
                  <t:Standard>
                    <t:Offset>PT0M</t:Offset>
                    <t:RelativeYearlyRecurrence>
                      <t:DaysOfWeek>Sunday</t:DaysOfWeek>
                      <t:DayOfWeekIndex>Last</t:DayOfWeekIndex>
                      <t:Month>October</t:Month>
                    </t:RelativeYearlyRecurrence>
                    <t:Time>03:00:00</t:Time>
                  </t:Standard>
                  <t:Daylight>
                    <t:Offset>-PT1H</t:Offset>
                    <t:RelativeYearlyRecurrence>
                      <t:DaysOfWeek>Sunday</t:DaysOfWeek>
                      <t:DayOfWeekIndex>Last</t:DayOfWeekIndex>
                      <t:Month>March</t:Month>
                    </t:RelativeYearlyRecurrence>
                    <t:Time>02:00:00</t:Time>
                  </t:Daylight>
                </t:MeetingTimeZone>
      """
    #expect(text.contains(berlin), "\(text)")
    // The all-day event's days are Berlin's: its midnight goes out with Berlin's offset.
    #expect(text.contains("<t:Start>2026-04-03T00:00:00+02:00</t:Start>"))
    #expect(text.contains("<t:BaseOffset>PT5H</t:BaseOffset>"))
    #expect(text.contains("<t:Month>November</t:Month>") && text.contains("<t:DayOfWeekIndex>Second</t:DayOfWeekIndex>"))
    #expect(!collected.diagnostics.contains { $0.code == "zone" && $0.severity == .warning })
    #expect(try validateWithSchema(docs.map(\.text), tag: "exchange2007") == nil)
    options.exchange.serverVersion = "Exchange2010"
    #expect(try writeEWS([.event(e)], options: options).first?.text.contains("<t:StartTimeZone Id=\"W. Europe Standard Time\"/>") == true)
  }

  @Test("server versions are the schema's, named in any case")
  func serverVersions() {
    #expect(ExchangeWriteOptions.serverVersion(named: "exchange2013") == "Exchange2013")
    #expect(ExchangeWriteOptions.serverVersion(named: "v2016_10_10") == "V2016_10_10")
    #expect(ExchangeWriteOptions.serverVersion(named: "Exchange2099") == nil)
  }
}
