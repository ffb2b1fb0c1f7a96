import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryEWS

@Suite("EWSReader")
struct EWSReaderTests {
  let samples = sharedPath("formats/samples/ews")

  @Test("reads a CreateItem request's contact and calendar item")
  func createItem() throws {
    let records = try readEWS(file: samples + "/CreateItem-contact-and-calendaritem.xml")
    try #require(records.count == 2)
    let c = try #require(records[0].contact)
    #expect(c.name.given == "Jane")
    #expect(c.name.family == "Doe")
    #expect(c.name.middle == "Q")
    #expect(c.emails.map(\.address) == ["jane.doe@example.com", "jane@home.example"])
    #expect(c.phones.first?.types == ["work", "voice"])
    #expect(c.addresses.first?.locality == "Springfield")
    #expect(c.addresses.first?.country == "USA")
    #expect(c.birthday == PartialDate(year: 1980, month: 7, day: 31))
    #expect(c.department == "Sales")
    #expect(c.categories == ["CRM"])
    #expect(c.source?.recordId == "0035g00000AbCdEAAV")
    let e = try #require(records[1].event)
    #expect(e.summary == "Quarterly review")
    #expect(e.attendees.first?.email == "jane.doe@example.com")
    #expect(e.start?.zone == "Europe/Berlin")
  }

  @Test("reads the same records whatever the chunk size", arguments: [1, 2, 3, 64, 1 << 16])
  func chunkInvariance(chunk: Int) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: samples + "/SOAP-envelope-CreateItem-allday-yearly.xml")))
    #expect(try readEWS(bytes, chunkSize: chunk) == (try readEWS(bytes)))
  }

  @Test("reads recurrence patterns from a SOAP envelope")
  func recurrence() throws {
    let records = try readEWS(file: samples + "/SOAP-envelope-CreateItem-allday-yearly.xml")
    try #require(records.count == 2)
    let allDay = try #require(records[0].event)
    #expect(allDay.isAllDay)
    #expect(allDay.start == .date(LocalDate(year: 2024, month: 3, day: 26)))
    #expect(allDay.recurrence?.rule?.description == "FREQ=YEARLY;COUNT=5;BYMONTHDAY=26;BYMONTH=3")
    #expect(allDay.privacy == .private)
    let board = try #require(records[1].event)
    #expect(board.recurrence?.rule?.description == "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1TH")
    #expect(board.start == .zoned(LocalDateTime(year: 2024, month: 1, day: 25, hour: 12), zone: "America/New_York"))
  }

  @Test("reads GetItem and FindItem responses; ids kept raw")
  func responses() throws {
    let get = try readEWS(file: samples + "/GetItem-response.xml")
    let c = try #require(get.first?.contact)
    #expect(c.raw.contains { $0.name == "ItemId" && $0.value == "AAMkAGExampleContactId=" && $0.parameter("ChangeKey") == ["EQAAABYAAAExampleCK"] })
    #expect(c.created == Timestamp(utc: LocalDateTime(year: 2024, month: 1, day: 31, hour: 15, minute: 0, second: 5)))
    #expect(c.raw.contains { $0.name == "Contact/ContactSource" && $0.value == "Store" && $0.origin == "ews" })
    let find = try readEWS(file: samples + "/FindItem-response.xml")
    #expect(find.count == 1)
    #expect(find.first?.event?.summary == "Quarterly review")
  }

  @Test("an error response message is an error with its position")
  func errorResponse() throws {
    let collector = DiagnosticCollector()
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: samples + "/CreateItem-error-response.xml")))
    let records = try readEWS(bytes, sink: collector.sink)
    #expect(records.isEmpty)
    let d = try #require(collector.diagnostics.first)
    #expect(d.severity == .error)
    #expect(d.message.contains("ErrorSchemaValidation"))
    #expect(d.location?.line == 4)
  }

  @Test("every recurrence pattern and range reads back as the rule it was written from", arguments: [
    "FREQ=DAILY;INTERVAL=2;COUNT=10", "FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=SU", "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=2024-12-31",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=26",
    "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY;BYMONTH=5;BYDAY=SA,SU;BYSETPOS=1",
  ])
  func recurrenceRoundTrip(text: String) throws {
    let docs = try writeEWS([.event(sampleEvent(text))])
    let back = try readEWS(Array(docs[0].text.utf8))
    let written = rule(text)
    #expect(back.first?.event?.recurrence?.rule == written)
  }

  @Test("HTML bodies become text notes; the HTML is kept raw")
  func htmlBody() throws {
    let xml = """
      <t:Contact xmlns:t="\(EWSNamespace.types)"><t:Body BodyType="HTML">&lt;html&gt;&lt;body&gt;&lt;p&gt;Hello &amp;amp; welcome&lt;/p&gt;&lt;p&gt;Line two&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</t:Body><t:GivenName>A</t:GivenName><t:OfficeLocation>B2</t:OfficeLocation></t:Contact>
      """
    let c = try #require(try readEWS(Array(xml.utf8)).first?.contact)
    #expect(c.notes == ["Hello & welcome\nLine two"])
    #expect(c.raw.contains { $0.name == "Contact/Body" && $0.value.hasPrefix("<html>") })
    #expect(c.raw.contains { $0.name == "Contact/OfficeLocation" && $0.value == "B2" })
  }

  @Test("modified and deleted occurrences become overrides and exception dates")
  func occurrences() throws {
    let xml = """
      <t:Items xmlns:t="\(EWSNamespace.types)"><t:CalendarItem><t:Subject>S</t:Subject>
      <t:Start>2024-01-01T09:00:00Z</t:Start><t:End>2024-01-01T10:00:00Z</t:End>
      <t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NoEndRecurrence><t:StartDate>2024-01-01</t:StartDate></t:NoEndRecurrence></t:Recurrence>
      <t:ModifiedOccurrences><t:Occurrence><t:ItemId Id="occ1"/><t:Start>2024-01-03T11:00:00Z</t:Start><t:End>2024-01-03T12:00:00Z</t:End><t:OriginalStart>2024-01-03T09:00:00Z</t:OriginalStart></t:Occurrence></t:ModifiedOccurrences>
      <t:DeletedOccurrences><t:DeletedOccurrence><t:Start>2024-01-05T09:00:00Z</t:Start></t:DeletedOccurrence></t:DeletedOccurrences>
      </t:CalendarItem></t:Items>
      """
    let e = try #require(try readEWS(Array(xml.utf8)).first?.event)
    #expect(e.recurrence?.exceptionDates == [.utc(LocalDateTime(year: 2024, month: 1, day: 5, hour: 9))])
    #expect(e.recurrence?.overrides.first?.recurrenceId == .utc(LocalDateTime(year: 2024, month: 1, day: 3, hour: 9)))
    #expect(e.recurrence?.overrides.first?.start == .utc(LocalDateTime(year: 2024, month: 1, day: 3, hour: 11)))
  }

  @Test("forbidden character references are replaced the same way whatever the chunk size", arguments: [1, 2, 3, 5, 7, 64])
  func forbiddenReferencesAcrossChunks(chunk: Int) throws {
    let xml = "  \n<?xml version=\"1.0\"?><t:Items xmlns:t=\"https://schemas.microsoft.com/exchange/services/2006/types\">"
      + "<t:Contact><t:GivenName>A&#x1A;B&#26;C&amp;&#65;&#x1F600;</t:GivenName></t:Contact></t:Items>"
    let collector = DiagnosticCollector()
    let records = try readEWS(Array(xml.utf8), chunkSize: chunk, sink: collector.sink)
    #expect(records.first?.contact?.name.given == "A\u{FFFD}B\u{FFFD}C&A\u{1F600}")
    #expect(collector.diagnostics.filter { $0.message.contains("&#x1A;") }.count == 1)
  }
}
