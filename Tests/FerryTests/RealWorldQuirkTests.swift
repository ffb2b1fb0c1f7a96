import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// Shapes found in real files from other projects' test suites (and by fuzzing) that ferry
/// once crashed on, refused, or dropped data from. Each test goes through the registry, as
/// `ferry convert` does.
@Suite("real-world quirks")
struct RealWorldQuirkTests {
  func read(_ spec: String?, _ text: String, options: ReadOptions = ReadOptions()) throws -> ([Record], [Diagnostic]) {
    let bytes = Array(text.utf8)
    let format: Format
    var options = options
    if let spec {
      format = try Formats.resolve(FormatSpec(spec))
      options.variant = options.variant ?? FormatSpec(spec).variant
    } else {
      format = try #require(Formats.detect(head: bytes, fileName: nil)?.format)
    }
    let collector = DiagnosticCollector()
    let make = try #require(format.makeReader)
    var reader = try make(ByteInput(bytes: bytes, name: "in"), options, collector.sink)
    return (try reader.collect(), collector.diagnostics)
  }

  func write(_ spec: String, _ records: [Record]) throws -> (text: String, diagnostics: [Diagnostic], skipped: Int) {
    let format = try Formats.resolve(FormatSpec(spec))
    let make = try #require(format.makeWriter)
    let destination = OutputDestination(memoryNamed: "out")
    let collector = DiagnosticCollector()
    var writer = try make(destination, WriteOptions(variant: FormatSpec(spec).variant), collector.sink)
    for r in records { try writer.write(r) }
    try writer.finish()
    try destination.commitAll()
    let text = destination.memoryOutputs.map(\.output.text).joined()
    return (text, collector.diagnostics, writer.skippedRecords)
  }

  func ics(_ body: String) -> String {
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n"
  }

  static let event = "BEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250110T100000Z\r\nDTEND:20250110T110000Z\r\nSUMMARY:Call\r\n"

  @Test("an absurd DURATION is kept raw, and no writer traps on it")
  func hugeDuration() throws {
    let text = ics(Self.event.replacingOccurrences(of: "DTEND:20250110T110000Z\r\n", with: "DURATION:P999999999999999999W\r\n") + "END:VEVENT\r\n")
    let (records, diagnostics) = try read("ics", text)
    #expect(records.count == 1)
    #expect(records[0].event?.duration == nil)
    #expect(diagnostics.contains { $0.message.contains("is not a duration") })
    for target in ["ews", "graph", "csv:outlook-calendar", "ics"] { _ = try write(target, records) }
    #expect(EventDuration(text: "PT99999999999999H") == nil)
    #expect(EventDuration(weeks: Int.max / 2).totalSeconds == Int.max)
    #expect(EventDuration(text: "PT-2H") == EventDuration(seconds: 7200, isNegative: true))
    #expect(EventDuration(text: "P1DT-2H") == nil)
  }

  @Test("a Salesforce DurationInMinutes past ten years is kept raw, not multiplied into a trap")
  func hugeSalesforceDuration() throws {
    let csv = "Id,Subject,StartDateTime,DurationInMinutes,IsAllDayEvent\r\n00U000000000002AAA,x,2025-04-10T00:00:00.000Z,9223372036854775807,false\r\n"
    let (records, diagnostics) = try read("csv:salesforce-events", csv)
    #expect(records.count == 1)
    #expect(records[0].event?.end == nil)
    #expect(records[0].raw.contains { $0.name == "DurationInMinutes" && $0.value == "9223372036854775807" })
    #expect(diagnostics.contains { $0.message.contains("DurationInMinutes") })
  }

  @Test("vCard with a grouped BEGIN, or with BEGIN:VCARD lost, is detected and read")
  func vcardWithoutPlainBegin() throws {
    let grouped = "TEST.BEGIN:VCARD\r\nTEST.VERSION:3.0\r\nTEST.FN:Ann\r\nTEST.END:VCARD\r\n"
    let (a, _) = try read(nil, grouped)
    #expect(a.first?.contact?.formattedName == "Ann")
    let headless = "VERSION:3.0\r\nN:Doe;John;;;\r\nFN:John Doe\r\nEND:VCARD\r\n"
    let (b, diagnostics) = try read(nil, headless)
    #expect(b.count == 1)
    #expect(b.first?.contact?.name.family == "Doe")
    #expect(diagnostics.contains { $0.message.contains("no BEGIN:VCARD") && $0.location?.line == 1 })
    // A card whose BEGIN was lost ends at the next BEGIN:VCARD.
    let (c, _) = try read("vcard", "FN:Lost\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Found\r\nEND:VCARD\r\n")
    #expect(c.compactMap { $0.contact?.formattedName } == ["Lost", "Found"])
  }

  @Test("base64 text values are decoded; --input-encoding names a legacy code page")
  func vcardEncodings() throws {
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nNOTE;ENCODING=b:THVkd2lnLUfDtnR6IEdyYcOfbA==\r\nEND:VCARD\r\n"
    let (records, diagnostics) = try read("vcard", card)
    #expect(records.first?.contact?.notes == ["Ludwig-Götz Graßl"])
    #expect(diagnostics.contains { $0.message.contains("base64-encoded text") })
    // Outlook 2003 in Poland: Windows-1250 with no CHARSET ("ł" is 0xB3).
    let polish = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:ma=B3opolskie\r\nEND:VCARD\r\n"
    var options = ReadOptions()
    options.inputEncoding = "windows-1250"
    #expect(try read("vcard", polish, options: options).0.first?.contact?.formattedName == "małopolskie")
    #expect(try read("vcard", polish).0.first?.contact?.formattedName == "ma³opolskie")
    options.inputEncoding = "klingon-1"
    #expect(throws: FerryError.self) { try read("vcard", polish, options: options) }
  }

  @Test("a 2.1 AGENT goes to 4.0 as X-AGENT")
  func removedIn40() throws {
    let card = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nMAILER:Outlook\r\nEND:VCARD\r\n"
    let (records, _) = try read("vcard", card)
    let (text, diagnostics, _) = try write("vcard:4.0", records)
    #expect(text.contains("\r\nX-MAILER:Outlook\r\n"))
    #expect(!text.contains("\r\nMAILER:"))
    #expect(diagnostics.contains { $0.message.contains("does not exist in vCard 4.0") })
  }

  @Test("a VEVENT inside an unknown component is read; a journal after the event travels with it")
  func nestedAndTrailingComponents() throws {
    let wrapped = ics("BEGIN:X-WRAPPER\r\n" + Self.event + "END:VEVENT\r\nEND:X-WRAPPER\r\n")
    let (a, d1) = try read("ics", wrapped)
    #expect(a.count == 1)
    #expect(a.first?.event?.summary == "Call")
    #expect(a.first?.event?.rawComponents.map(\.name) == ["X-WRAPPER"])
    #expect(d1.contains { $0.message.contains("VEVENT inside X-WRAPPER") })
    let journal = ics(Self.event + "END:VEVENT\r\nBEGIN:VJOURNAL\r\nUID:j\r\nSUMMARY:Notes\r\nEND:VJOURNAL\r\n")
    let (b, d2) = try read("ics", journal)
    #expect(b.first?.event?.rawComponents.map(\.name) == ["VJOURNAL"])
    #expect(!d2.contains { $0.severity >= .warning })
    let (text, _, _) = try write("ics", b)
    #expect(text.contains("BEGIN:VJOURNAL"))
  }

  @Test("a bare VEVENT file is not called truncated")
  func bareEvent() throws {
    let (records, diagnostics) = try read("ics", Self.event + "END:VEVENT\r\n")
    #expect(records.count == 1)
    #expect(!diagnostics.contains { $0.message.contains("truncated") })
    #expect(diagnostics.contains { $0.message.contains("outside a VCALENDAR") })
  }

  @Test("a VTIMEZONE with a broken DAYLIGHT is read by its name, not matched to a zone without DST")
  func brokenTimezone() throws {
    let zone = "BEGIN:VTIMEZONE\r\nTZID:US-Eastern\r\nBEGIN:STANDARD\r\nDTSTART:19671029T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTAR:19870405T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    let summer = "BEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;TZID=US-Eastern:20250710T100000\r\nSUMMARY:S\r\nEND:VEVENT\r\n"
    let (records, diagnostics) = try read("ics", ics(zone + summer))
    #expect(diagnostics.contains { $0.message.contains("read by its name") })
    guard case .zoned(_, let zone)? = records.first?.event?.start else {
      Issue.record("start not zoned: \(String(describing: records.first?.event?.start))")
      return
    }
    #expect(zone == "US/Eastern" || zone == "America/New_York")
  }

  @Test("tasks and events without a start are skipped by EWS and Graph, and counted")
  func exchangeSkips() throws {
    let todo = ics("BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20250101T000000Z\r\nDUE;VALUE=DATE:20250301\r\nSUMMARY:Pay\r\nEND:VTODO\r\n")
    let (records, _) = try read("ics", todo)
    for target in ["ews", "graph", "csv:outlook-calendar"] {
      let (_, diagnostics, skipped) = try write(target, records)
      #expect(skipped == 1, "\(target)")
      #expect(diagnostics.contains { $0.message.contains("has no start; skipped") }, "\(target)")
    }
    let startedTask = ics("BEGIN:VTODO\r\nUID:t2\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250301T090000Z\r\nDUE:20250301T100000Z\r\nSUMMARY:Call back\r\nEND:VTODO\r\n")
    let (tasks, _) = try read("ics", startedTask)
    let (xml, diagnostics, skipped) = try write("ews", tasks)
    #expect(skipped == 0)
    #expect(xml.contains("<t:Subject>Call back</t:Subject>"))
    #expect(diagnostics.contains { $0.message.contains("written as a calendar item; its due date") })
  }

  @Test("Outlook's every-weekday DAILY rule is an EWS weekly pattern; Graph keeps a yearly interval")
  func exchangePatterns() throws {
    let weekdays = ics(Self.event + "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=20\r\nEND:VEVENT\r\n")
    let (records, _) = try read("ics", weekdays)
    let (xml, diagnostics, _) = try write("ews", records)
    #expect(xml.contains("<t:WeeklyRecurrence>"))
    #expect(xml.contains("<t:DaysOfWeek>Monday Tuesday Wednesday Thursday Friday</t:DaysOfWeek>"))
    #expect(!diagnostics.contains { $0.message.contains("single items") })
    let biennial = ics(Self.event + "RRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=1;BYMONTHDAY=10\r\nEND:VEVENT\r\n")
    let (series, _) = try read("ics", biennial)
    let (json, graphDiagnostics, _) = try write("graph", series)
    #expect(json.contains("\"absoluteYearly\""))
    #expect(json.contains("\"interval\" : 2") || json.contains("\"interval\": 2"))
    #expect(!graphDiagnostics.contains { $0.severity >= .warning && $0.message.contains("every few years") })
    let (_, ewsDiagnostics, _) = try write("ews", series)
    #expect(ewsDiagnostics.contains { $0.message.contains("every few years, which EWS cannot") })
  }

  @Test("a blank line inside a folded line (old Mozilla Calendar) does not break the property")
  func blankLineInFold() throws {
    let text = ics("BEGIN:VEVENT\r\nUID\r\n\r\n :956630271\r\nSUMMARY\r\n\r\n :Christmas Day\r\nDTSTART\r\n\r\n ;VALUE=DATE:20031225\r\nEND:VEVENT\r\n")
    let (records, diagnostics) = try read("ics", text)
    #expect(records.first?.event?.uid == "956630271")
    #expect(records.first?.event?.summary == "Christmas Day")
    #expect(records.first?.event?.start == .date(LocalDate(year: 2003, month: 12, day: 25)))
    #expect(diagnostics.filter { $0.message.contains("blank line inside a folded line") }.count == 1)
  }

  @Test("revisions of one series: the highest SEQUENCE wins, its EXDATE removes a stale override, an old series copy is no extra instance")
  func revisions() throws {
    let v1 = "BEGIN:VEVENT\r\nUID:111\r\nDTSTAMP:20240707T000000Z\r\nDTSTART;VALUE=DATE:20240701\r\nSUMMARY:v1\r\nRRULE:FREQ=WEEKLY;UNTIL=20240801;INTERVAL=2;BYDAY=MO\r\nSEQUENCE:1\r\nEND:VEVENT\r\n"
    let moved = "BEGIN:VEVENT\r\nUID:111\r\nDTSTAMP:20240707T000000Z\r\nRECURRENCE-ID;VALUE=DATE:20240715\r\nDTSTART;VALUE=DATE:20240702\r\nSUMMARY:moved\r\nSEQUENCE:2\r\nEND:VEVENT\r\n"
    let v3 = "BEGIN:VEVENT\r\nUID:111\r\nDTSTAMP:20240707T000000Z\r\nDTSTART;VALUE=DATE:20240701\r\nSUMMARY:v3\r\nRRULE:FREQ=WEEKLY;UNTIL=20240801;INTERVAL=2;BYDAY=MO\r\nEXDATE;VALUE=DATE:20240715\r\nSEQUENCE:3\r\nEND:VEVENT\r\n"
    let (records, diagnostics) = try read("ics", ics(v1 + moved + v3))
    #expect(records.count == 1)
    #expect(records.first?.event?.summary == "v3")
    #expect(diagnostics.contains { $0.message.contains("replaces the older revision") })
    // The changed occurrence stays in the data (other readers see the component), but its
    // instance is excluded, so no expansion shows it.
    #expect(records.first?.event?.recurrence?.overrides.count == 1)
    #expect(try expanded(records) == ["20240701", "20240729"])
    // The older revision after the newer one is left out too.
    let (reversed, d2) = try read("ics", ics(v3 + v1))
    #expect(reversed.map { $0.event?.summary } == ["v3"])
    #expect(d2.contains { $0.message.contains("is an older revision") })
    // A journal waiting for the next event stays in the file when that event is the older revision.
    let journal = "BEGIN:VJOURNAL\r\nUID:j\r\nSUMMARY:Notes\r\nEND:VJOURNAL\r\n"
    let (withJournal, _) = try read("ics", ics(v3 + journal + v1))
    #expect(withJournal.first?.event?.rawComponents.map(\.name) == ["VJOURNAL"])
    // Same SEQUENCE: both kept, as before.
    let (same, _) = try read("ics", ics(v1 + v1.replacingOccurrences(of: "SUMMARY:v1", with: "SUMMARY:v1b")))
    #expect(same.count == 2)
  }

  /// The DTSTART dates of the instances an `--series expand` ICS output has in 2024.
  func expanded(_ records: [Record]) throws -> [String] {
    var options = WriteOptions()
    options.calendar.series = .expand
    options.calendar.expandFrom = LocalDate(year: 2024, month: 1, day: 1)
    options.calendar.expandUntil = LocalDate(year: 2024, month: 12, day: 31)
    let format = try Formats.resolve(FormatSpec("ics"))
    let destination = OutputDestination(memoryNamed: "out")
    let make = try #require(format.makeWriter)
    var writer = try make(destination, options, .ignore)
    for r in records { try writer.write(r) }
    try writer.finish()
    let text = destination.memoryOutputs.map(\.output.text).joined()
    return text.components(separatedBy: "\r\n").filter { $0.hasPrefix("DTSTART") }.map { String($0.suffix(8)) }.sorted()
  }

  @Test("an override carrying its own RRULE replaces an instance but is no extra one")
  func overrideWithRule() throws {
    let old = "BEGIN:VEVENT\r\nUID:111\r\nDTSTAMP:20240707T000000Z\r\nRECURRENCE-ID;VALUE=DATE:20240729\r\nDTSTART;VALUE=DATE:20240729\r\nSUMMARY:old copy\r\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO\r\nSEQUENCE:1\r\nEND:VEVENT\r\n"
    let master = "BEGIN:VEVENT\r\nUID:111\r\nDTSTAMP:20240707T000000Z\r\nDTSTART;VALUE=DATE:20240701\r\nSUMMARY:series\r\nRRULE:FREQ=WEEKLY;UNTIL=20240720;INTERVAL=2;BYDAY=MO\r\nSEQUENCE:2\r\nEND:VEVENT\r\n"
    let (records, _) = try read("ics", ics(old + master))
    // 07-01 and 07-15 only: the old copy's 07-29 is no instance of the current series.
    #expect(try expanded(records) == ["20240701", "20240715"])
  }

  @Test("an alarm with an unreadable TRIGGER and an RRULE typo do not make the output unreadable")
  func invalidAlarmAndRulePart() throws {
    let text = ics(Self.event + "RRULE:FREQ=WEEKLY;BYDAY=TH;UNTL=20191023\r\nBEGIN:VALARM\r\nTRIGGER:a20021028120000\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\n")
    let (records, _) = try read("ics", text)
    let (out, diagnostics, _) = try write("ics", records)
    #expect(out.contains("BEGIN:X-FERRY-INVALID-VALARM"))
    #expect(out.contains("X-FERRY-INVALID-TRIGGER:a20021028120000"))
    #expect(!out.contains("\r\nTRIGGER:a2002"))
    #expect(out.contains("RRULE:FREQ=WEEKLY;BYDAY=TH\r\n"))
    #expect(diagnostics.contains { $0.message.contains("UNTL=20191023 is not RFC 5545") })
  }

  @Test("EWS with https namespace URIs, a leading blank, forbidden character references and other item kinds")
  func ewsFromTheDocs() throws {
    let t = "https://schemas.microsoft.com/exchange/services/2006/types"
    let m = "https://schemas.microsoft.com/exchange/services/2006/messages"
    let xml = """
       <?xml version="1.0" encoding="utf-8"?>
      <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
      <m:FindItemResponse xmlns:m="\(m)" xmlns:t="\(t)"><m:ResponseMessages>
      <m:FindItemResponseMessage ResponseClass="Success"><m:RootFolder><t:Items>
      <t:CalendarItem><t:Subject>Review&#x1A;</t:Subject><t:Start>2025-03-04T15:00:00Z</t:Start><t:End>2025-03-04T16:00:00Z</t:End></t:CalendarItem>
      <t:Message><t:Subject>mail</t:Subject></t:Message>
      </t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>
      </s:Body></s:Envelope>
      """
    let (records, diagnostics) = try read(nil, xml)
    #expect(records.count == 1)
    #expect(records.first?.event?.summary == "Review\u{FFFD}")
    #expect(diagnostics.contains { $0.message.contains("&#x1A;") })
    #expect(diagnostics.contains { $0.message.contains("t:Message items are neither contacts nor calendar items") })
  }

  @Test("Graph pages without @odata.context, single resources, tombstones, Outlook REST v2.0 and directory contacts")
  func graphShapes() throws {
    let events = ##"{"value":[{"id":"AAMk1","subject":"Sync","start":{"dateTime":"2025-03-04T15:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2025-03-04T16:00:00.0000000","timeZone":"UTC"}},{"@odata.type":"#microsoft.graph.event","id":"AAMk2","@removed":{"reason":"deleted"}},{"id":"AAMk3","iCalUId":"0400","responseStatus":{"response":"none"}}]}"##
    let (a, d1) = try read(nil, events)
    #expect(a.map(\.kind) == [.event, .event])
    #expect(d1.contains { $0.message.contains("@removed") })
    let single = ##"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('x')/contacts/$entity","id":"AAMk4","givenName":"Pavel","emailAddresses":[{"address":"pavel@example.com"}],"birthday":"datetime-value"}"##
    let (b, _) = try read(nil, single)
    #expect(b.first?.contact?.emails.map(\.address) == ["pavel@example.com"])
    #expect(b.first?.contact?.raw.contains { $0.name == "birthday" && $0.value == "datetime-value" } == true)
    let rest = ##"{"@odata.context":"https://outlook.office.com/api/v2.0/$metadata#Me/Contacts","value":[{"Id":"A1","GivenName":"First","Surname":"Contact","EmailAddresses":[{"Address":"first@example.com"}]}]}"##
    let (c, _) = try read(nil, rest)
    #expect(c.first?.contact?.name.given == "First")
    #expect(c.first?.contact?.emails.map(\.address) == ["first@example.com"])
    let org = ##"{"value":[{"@odata.type":"#microsoft.graph.orgContact","id":"o1","displayName":"Eric S","mail":"erics@contoso.com","phones":[{"number":"111-1111","type":"businessFax"}],"addresses":[{"city":"MyCity","street":"Contoso Way"}]}]}"##
    let (d, _) = try read(nil, org)
    #expect(d.first?.contact?.emails.map(\.address) == ["erics@contoso.com"])
    #expect(d.first?.contact?.phones.first?.types == ["work", "fax"])
    #expect(d.first?.contact?.addresses.first?.locality == "MyCity")
  }

  @Test("Graph: typed and labelled e-mail addresses (beta), and bodyPreview when a $select left out the body")
  func graphEmailTypesAndPreview() throws {
    let contacts = ##"{"value":[{"id":"c1","givenName":"Ines","emailAddresses":[{"address":"ines@work.example","type":"work"},{"address":"ines@home.example","type":"personal"},{"address":"ines@club.example","type":"other","otherLabel":"Volunteer work"}]}]}"##
    let (a, _) = try read(nil, contacts)
    let emails = try #require(a.first?.contact?.emails)
    #expect(emails.map(\.types) == [["work"], ["home"], ["other"]])
    #expect(emails.last?.label == "Volunteer work")
    let events = ##"{"value":[{"id":"e1","subject":"Review","bodyPreview":"Quarterly project review","start":{"dateTime":"2025-03-04T15:00:00","timeZone":"UTC"},"end":{"dateTime":"2025-03-04T16:00:00","timeZone":"UTC"}},{"id":"e2","subject":"Both","bodyPreview":"short","body":{"contentType":"text","content":"the whole body"},"start":{"dateTime":"2025-03-05T15:00:00","timeZone":"UTC"},"end":{"dateTime":"2025-03-05T16:00:00","timeZone":"UTC"}}]}"##
    let (b, _) = try read(nil, events)
    #expect(b.map { $0.event?.description } == ["Quarterly project review", "the whole body"])
  }

  @Test("a RecurringMaster without Start starts at its FirstOccurrence; HubSpot's US display times are read")
  func exchangeMasterAndHubSpotTimes() throws {
    let xml = """
      <t:Items xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:CalendarItem>
      <t:Subject>Weekly</t:Subject><t:CalendarItemType>RecurringMaster</t:CalendarItemType>
      <t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Saturday</t:DaysOfWeek></t:WeeklyRecurrence>
      <t:NumberedRecurrence><t:StartDate>2014-03-08Z</t:StartDate><t:NumberOfOccurrences>10</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>
      <t:FirstOccurrence><t:Start>2014-03-08T21:21:00Z</t:Start><t:End>2014-03-08T22:21:00Z</t:End></t:FirstOccurrence>
      </t:CalendarItem></t:Items>
      """
    let (records, diagnostics) = try read("ews", xml)
    #expect(records.first?.event?.start == .utc(LocalDateTime(date: LocalDate(year: 2014, month: 3, day: 8), time: LocalTime(hour: 21, minute: 21, second: 0))))
    #expect(records.first?.event?.recurrence?.rule?.count == 10)
    #expect(diagnostics.contains { $0.message.contains("FirstOccurrence") })
    let csv = "Record ID,First Name,Last Name,Email,Contact owner,Create Date\r\n1,A,B,a@b.example,Dana,3/15/2024 2:30 PM\r\n"
    let (h, _) = try read("csv:hubspot", csv)
    #expect(h.first?.contact?.created == Timestamp(text: "2024-03-15T14:30:00Z"))
  }

  @Test("truncated base64 travels as text under a private name, and comes back")
  func invalidBase64() throws {
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nKEY;TYPE=X509;ENCODING=b:/9j/4AAQ...\r\nEND:VCARD\r\n"
    let (records, _) = try read("vcard", card)
    let (text, diagnostics, _) = try write("vcard:3.0", records)
    #expect(text.contains("X-FERRY-INVALID-KEY;TYPE=X509;X-FERRY-ENCODING=b:/9j/4AAQ...") || text.contains("X-FERRY-INVALID-KEY;X-FERRY-ENCODING=b;TYPE=X509:/9j/4AAQ..."))
    #expect(!text.contains("ENCODING=b:/9j") || text.contains("X-FERRY-ENCODING=b:/9j"))
    #expect(diagnostics.contains { $0.message.contains("is not valid") })
    let (back, _) = try read("vcard", text)
    #expect(back.first?.contact?.raw == records.first?.contact?.raw)
  }

  @Test("VALUE=DATE on a date-time value keeps the time, as other readers do")
  func valueDateWithTime() throws {
    let text = ics("BEGIN:VEVENT\r\nUID:d\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20090117T200000\r\nDTEND;VALUE=DATE:20090117T213000\r\nSUMMARY:x\r\nEND:VEVENT\r\n")
    let (records, diagnostics) = try read("ics", text)
    #expect(records.first?.event?.start == .floating(LocalDateTime(date: LocalDate(year: 2009, month: 1, day: 17), time: LocalTime(hour: 20, minute: 0, second: 0))))
    #expect(records.first?.event?.isAllDay == false)
    #expect(diagnostics.contains { $0.message.contains("read as a date-time") })
  }

  @Test("an AGENT card written unescaped after AGENT:BEGIN:VCARD stays the agent's")
  func inlineAgent() throws {
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Doe\r\nTEL:+1 234\r\nAGENT:BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nTEL:+1 987\r\nEND:VCARD\r\nEMAIL:john@x.example\r\nEND:VCARD\r\n"
    let (records, _) = try read("vcard", card)
    #expect(records.count == 1)
    let c = try #require(records.first?.contact)
    #expect(c.formattedName == "John Doe")
    #expect(c.phones.map(\.number) == ["+1 234"])
    #expect(c.emails.map(\.address) == ["john@x.example"])
    #expect(c.raw.first { $0.name == "AGENT" }?.value.contains("Jane Doe") == true)
  }
}
