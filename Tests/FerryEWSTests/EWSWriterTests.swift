import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryEWS

@Suite("EWSWriter")
struct EWSWriterTests {
  static let patterns = [
    "FREQ=DAILY;INTERVAL=2;COUNT=10", "FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=SU", "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=2024-12-31", "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=3", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=1",
    "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=26", "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY",
  ]

  @Test("contacts and calendar items with every recurrence pattern validate against the EWS schema")
  func schemaCreate() throws {
    var records: [Record] = [.contact(sampleContact(1)), .contact(sampleContact(2))]
    for p in Self.patterns { records.append(.event(sampleEvent(p))) }
    records.append(.event(sampleEvent("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=26;COUNT=5", allDay: true)))
    var minimal = Contact()
    minimal.emails = [EmailAddress("only@example.com")]
    records.append(.contact(minimal))
    var folder = WriteOptions()
    folder.exchange.contactsFolder = "AAMkADk0ZGQ5ExampleFolderId="
    folder.exchange.batchSize = 5
    let docs = try writeEWS(records) + (try writeEWS(records, options: folder))
    #expect(docs.count == 2 + 4)
    #expect(try validateWithSchema(docs.map(\.text), tag: "create") == nil)
    // The check can fail: Surname before DisplayName breaks the sequence.
    let broken = docs[0].text.replacingOccurrences(of: "<t:DisplayName>", with: "<t:Surname>X</t:Surname><t:DisplayName>")
    #expect(try validateWithSchema([broken], tag: "broken")?.contains("not expected") == true)
  }

  @Test("updates and deletes validate against the EWS schema")
  func schemaUpdateDelete() throws {
    let docs = EWSDocuments(options: WriteOptions(), diagnostics: .ignore)
    var old = sampleContact()
    old.phones.append(PhoneNumber("+1 555 0199", types: ["pager"]))
    var new = sampleContact()
    new.title = "Sales Director"
    new.emails[0].address = "ada@example.org"
    new.addresses[0].locality = "Chicago"
    new.source = SourceIdentity(system: "salesforce", objectType: "Contact", recordId: "0035g00000ZzZzZAAV")
    let change = try docs.update(itemId: "AAMkContact=", changeKey: "CK1", old: .contact(old), new: .contact(new))
    let oldEvent = sampleEvent("FREQ=WEEKLY;BYDAY=MO")
    var newEvent = oldEvent
    newEvent.start = .utc(LocalDateTime(year: 2024, month: 2, day: 1, hour: 15))
    newEvent.location = nil
    newEvent.recurrence = Recurrence(rule: rule("FREQ=MONTHLY;BYDAY=1MO"))
    let eventChange = try docs.update(itemId: "AAMkEvent=", changeKey: nil, old: .event(oldEvent), new: .event(newEvent))
    let update = String(decoding: try docs.updateItem([change, eventChange]), as: UTF8.self)
    let delete = String(decoding: try docs.deleteItem([("AAMkContact=", "CK1"), ("AAMkEvent=", nil)]), as: UTF8.self)
    #expect(try validateWithSchema([update, delete], tag: "update") == nil)
  }

  @Test("an update sets what changed, clears what went, and leaves the rest")
  func updateDiff() throws {
    let docs = EWSDocuments(options: WriteOptions(), diagnostics: .ignore)
    var old = sampleContact()
    old.phones.append(PhoneNumber("+1 555 0199", types: ["pager"]))
    var new = sampleContact()
    new.title = "Sales Director"
    new.addresses[0].locality = "Chicago"
    new.department = nil
    let change = try docs.update(itemId: "id", changeKey: "ck", old: .contact(old), new: .contact(new))
    #expect(change.fieldsToSet.map(\.key).sorted() == ["contacts:JobTitle#", "contacts:PhysicalAddress:City#Business"])
    #expect(change.fieldsToDelete.map(\.key).sorted() == ["contacts:Department#", "contacts:PhoneNumber#Pager"])
    let same = try docs.update(itemId: "id", changeKey: nil, old: .contact(old), new: .contact(old))
    #expect(same.isEmpty)
    let text = String(decoding: try docs.updateItem([change]), as: UTF8.self)
    #expect(text.contains("<t:DeleteItemField>"))
    #expect(text.contains("FieldIndex=\"Pager\""))
    #expect(text.contains("ConflictResolution=\"AutoResolve\""))
  }

  @Test("children follow the schema sequence: Surname after SpouseName, ExtendedProperty before FileAs")
  func order() throws {
    let text = try writeEWS([.contact(sampleContact())])[0].text
    func at(_ s: String) -> Int { text.range(of: s).map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? -1 }
    #expect(at("<t:Body") < at("<t:Categories") && at("<t:Categories") < at("<t:ExtendedProperty"))
    #expect(at("<t:ExtendedProperty") < at("<t:DisplayName") && at("<t:GivenName") < at("<t:CompanyName"))
    #expect(at("<t:SpouseName") < at("<t:Surname") && at("<t:Surname") < at("<t:WeddingAnniversary"))
    #expect(at("<t:CountryOrRegion") < at("<t:PostalCode"))
    #expect(text.contains("PropertySetId=\"\(FerryCrmProperty.propertySetId)\" PropertyName=\"FerryCrmId\""))
    #expect(text.contains("<t:DistinguishedFolderId Id=\"contacts\"/>"))
  }

  @Test("calendar items are created with SendToNone and Windows zone ids")
  func calendar() throws {
    let text = try writeEWS([.event(sampleEvent())])[0].text
    #expect(text.contains("<m:CreateItem SendMeetingInvitations=\"SendToNone\">"))
    #expect(text.contains("<t:Start>2024-01-25T12:00:00-05:00</t:Start>"))
    #expect(text.contains("<t:StartTimeZone Id=\"Eastern Standard Time\"/>"))
    #expect(text.contains("<t:RequestServerVersion Version=\"Exchange2013_SP1\"/>"))
    var options = WriteOptions()
    options.exchange.serverVersion = "Exchange2016"
    #expect(try writeEWS([.event(sampleEvent())], options: options)[0].text.contains("Version=\"Exchange2016\""))
  }

  @Test("more than one batch goes to numbered files")
  func batches() throws {
    var options = WriteOptions()
    options.exchange.batchSize = 2
    let docs = try writeEWS((1...5).map { .contact(sampleContact($0)) }, options: options)
    #expect(docs.map(\.name) == ["out-0001.xml", "out-0002.xml", "out-0003.xml"])
    #expect(docs.map { $0.text.components(separatedBy: "<t:Contact>").count - 1 } == [2, 2, 1])
    options.exchange.batchSize = 100
    #expect(try writeEWS((1...5).map { .contact(sampleContact($0)) }, options: options).map(\.name) == ["out.xml"])
  }

  @Test("a fourth e-mail follows the overflow policy", arguments: [OverflowPolicy.notes, .drop, .error])
  func overflow(policy: OverflowPolicy) throws {
    var c = sampleContact()
    c.emails += [EmailAddress("third@example.com"), EmailAddress("fourth@example.com")]
    var options = WriteOptions()
    options.overflow = policy
    let collector = DiagnosticCollector()
    if policy == .error {
      #expect(throws: FerryError.self) { try writeEWS([.contact(c)], options: options, sink: collector.sink) }
      return
    }
    let text = try writeEWS([.contact(c)], options: options, sink: collector.sink)[0].text
    #expect(text.contains("EmailAddress3"))
    #expect(!text.contains("EmailAddress4"))
    #expect(text.contains("fourth@example.com") == (policy == .notes))
    #expect(collector.diagnostics.contains { $0.code == "overflow" && $0.message.contains("fourth@example.com") })
  }

  @Test("--series keep expands a rule EWS cannot express into single items, with a warning")
  func unfitRule() throws {
    let collector = DiagnosticCollector()
    var options = WriteOptions()
    options.calendar.expandFrom = LocalDate(year: 2024, month: 1, day: 25)
    options.calendar.expandUntil = LocalDate(year: 2024, month: 1, day: 26)
    let docs = try writeEWS([.event(sampleEvent("FREQ=HOURLY;INTERVAL=4"))], options: options, sink: collector.sink)
    let text = docs.map(\.text).joined()
    #expect(!text.contains("<t:Recurrence>"))
    // The window is in UTC (Jan 25 00:00Z to Jan 27 00:00Z): New York 12:00 on the 25th
    // through 16:00 on the 26th; 20:00 on the 26th is 01:00Z on the 27th, outside.
    #expect(text.components(separatedBy: "<t:CalendarItem>").count - 1 == 8)
    #expect(text.contains("<t:Start>2024-01-26T04:00:00-05:00</t:Start>"))
    #expect(text.contains("<t:UID>uid-1@example.com-20240126T040000</t:UID>"))
    #expect(collector.diagnostics.contains { $0.code == "unmapped" && $0.message.contains("HOURLY") })
    #expect(try validateWithSchema(docs.map(\.text), tag: "expanded") == nil)
  }

  @Test("--series expand writes instances; --series skip drops the series with a note")
  func seriesPolicy() throws {
    var options = WriteOptions()
    options.calendar.series = .expand
    options.calendar.expandFrom = LocalDate(year: 2024, month: 1, day: 1)
    options.calendar.expandUntil = LocalDate(year: 2024, month: 2, day: 29)
    let text = try writeEWS([.event(sampleEvent("FREQ=WEEKLY;BYDAY=TH;COUNT=3"))], options: options)[0].text
    #expect(text.components(separatedBy: "<t:CalendarItem>").count - 1 == 3)
    #expect(!text.contains("<t:Recurrence>"))
    options.calendar.series = .skip
    let collector = DiagnosticCollector()
    let docs = try writeEWS([.event(sampleEvent("FREQ=WEEKLY;BYDAY=TH")), .event(sampleEvent())], options: options, sink: collector.sink)
    #expect(docs.count == 1)
    #expect(docs[0].text.components(separatedBy: "<t:CalendarItem>").count - 1 == 1)
    #expect(collector.diagnostics.contains { $0.message.contains("--series skip") })
  }

  @Test("EWS → model → EWS keeps every mapped field", arguments: [
    "CreateItem-contact-and-calendaritem.xml", "SOAP-envelope-CreateItem-allday-yearly.xml", "GetItem-response.xml",
    "CreateItem-generated-by-exchangelib.xml",
  ])
  func roundTrip(sample: String) throws {
    let first = try readEWS(file: sharedPath("formats/samples/ews/" + sample))
    let docs = try writeEWS(first)
    var again: [Record] = []
    for d in docs { again += try readEWS(Array(d.text.utf8)) }
    #expect(again.count == first.count)
    // Raw and server-set elements (ids, creation times) are not written back; ferry's CRM id is.
    func mapped(_ r: Record) -> Record {
      switch r {
      case .contact(let cBox):
        var c = cBox.contact
        c.raw = []
        c.created = nil
        c.lastModified = nil
        if c.source?.system == "exchange" { c.source = nil }
        return .contact(c)
      case .event(let eBox):
        var e = eBox.event
        e.raw = []
        e.created = nil
        e.lastModified = nil
        if e.source?.system == "exchange" { e.source = nil }
        return .event(e)
      }
    }
    let byKind = { (rs: [Record]) in rs.filter { $0.kind == .contact } + rs.filter { $0.kind == .event } }
    #expect(byKind(again).map(mapped) == byKind(first).map(mapped))
  }

  @Test("model → EWS → model keeps every field of a full contact and event")
  func modelRoundTrip() throws {
    let records: [Record] = [.contact(sampleContact()), .event(sampleEvent("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8"))]
    var back: [Record] = []
    for d in try writeEWS(records) { back += try readEWS(Array(d.text.utf8)) }
    var c = sampleContact()
    // Exchange has one slot per type; the reader names them from the slot.
    c.emails = c.emails.map { EmailAddress($0.address) }
    c.phones = [
      PhoneNumber("+1 555 0100", types: ["work", "voice"]), PhoneNumber("+1 555 0101", types: ["cell"]),
      PhoneNumber("+1 555 0102", types: ["home", "voice"]), PhoneNumber("+1 555 0103", types: ["work", "fax"]),
    ]
    c.instantMessaging = c.instantMessaging.map { IMHandle(handle: $0.handle) }
    #expect(back.first?.contact == c)
    var e = sampleEvent("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8")
    e.attendees[2].role = .nonParticipant
    e.attendees[2].kind = .resource
    #expect(back.last?.event == e)
  }
}
