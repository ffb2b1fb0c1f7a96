import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryGraph

func writeGraph(_ records: [Record], options: WriteOptions = WriteOptions(), sink: DiagnosticSink = .ignore) throws -> [(
  name: String, json: [String: Any]
)] {
  let destination = OutputDestination(memoryNamed: "out.json")
  var writer = GraphWriter(destination: destination, options: options, diagnostics: sink)
  for r in records { try writer.write(r) }
  try writer.finish()
  try destination.commitAll()
  return try destination.memoryOutputs.map { name, out in
    (name, try #require(try JSONSerialization.jsonObject(with: Data(out.memory)) as? [String: Any]))
  }
}

func contact(_ n: Int, owner: String? = nil) -> Contact {
  var c = Contact()
  c.name = PersonName(prefix: "Dr.", given: "Ada", family: "Example\(n)")
  c.formattedName = "Dr. Ada Example\(n)"
  c.emails = (1...4).map { EmailAddress("ada\(n).\($0)@example.com") }
  c.phones = [PhoneNumber("+1 555 0100", types: ["work", "voice"]), PhoneNumber("+1 555 0101", types: ["cell"]), PhoneNumber("+1 555 0102", types: ["home"])]
  c.addresses = [PostalAddress(street: "1 Main St", locality: "Springfield", region: "IL", postalCode: "62701", country: "USA", types: ["work"])]
  c.organization = "Example \"Corp\"\n"
  c.title = "Manager"
  c.birthday = PartialDate(month: 7, day: 31)
  c.notes = ["Line 1\nLine 2\t\\"]
  c.categories = ["CRM"]
  c.source = SourceIdentity(system: "salesforce", objectType: "Contact", recordId: "0035g00000AbCdEAAV")
  if let owner { c.owner = Owner(email: owner) }
  return c
}

func meeting(_ rrule: RecurrenceRule? = nil) -> Event {
  var e = Event()
  e.summary = "Review"
  e.description = "Agenda"
  e.start = .zoned(LocalDateTime(year: 2024, month: 1, day: 25, hour: 12), zone: "America/New_York")
  e.end = .zoned(LocalDateTime(year: 2024, month: 1, day: 25, hour: 13), zone: "America/New_York")
  e.attendees = [Attendee(email: "jane@example.com", name: "Jane", role: .required), Attendee(email: "joe@example.com", role: .optional)]
  e.busyStatus = .busy
  e.privacy = .private
  e.reminders = [Reminder(offset: EventDuration(seconds: 900, isNegative: true))]
  e.source = SourceIdentity(system: "salesforce", objectType: "Event", recordId: "00U5g00000XyZaBEAV")
  if let rrule { e.recurrence = Recurrence(rule: rrule) }
  return e
}

/// The documented shape of a JSON batch request (learn.microsoft.com, "Combine multiple
/// requests in one HTTP call using JSON batching") and of the contact and event resources.
enum GraphSchema {
  static let requestKeys: Set<String> = ["id", "method", "url", "headers", "body", "dependsOn"]
  static let methods: Set<String> = ["GET", "POST", "PATCH", "PUT", "DELETE"]
  static let contactKeys: Set<String> = [
    "assistantName", "birthday", "businessAddress", "businessHomePage", "businessPhones", "categories", "children",
    "companyName", "department", "displayName", "emailAddresses", "fileAs", "generation", "givenName", "homeAddress",
    "homePhones", "imAddresses", "initials", "jobTitle", "manager", "middleName", "mobilePhone", "nickName", "officeLocation",
    "otherAddress", "parentFolderId", "personalNotes", "profession", "spouseName", "surname", "title", "yomiCompanyName",
    "yomiGivenName", "yomiSurname", "singleValueExtendedProperties",
  ]
  static let eventKeys: Set<String> = [
    "allowNewTimeProposals", "attendees", "body", "categories", "end", "hideAttendees", "importance", "isAllDay",
    "isOnlineMeeting", "isReminderOn", "location", "locations", "recurrence", "reminderMinutesBeforeStart",
    "responseRequested", "sensitivity", "showAs", "start", "subject", "transactionId", "singleValueExtendedProperties",
  ]

  /// Problems with one batch file; empty when it fits the schema.
  static func problems(_ batch: [String: Any]) -> [String] {
    var out: [String] = []
    guard Set(batch.keys) == ["requests"], let requests = batch["requests"] as? [[String: Any]] else { return ["top level must be {requests: [...]}"] }
    if requests.isEmpty || requests.count > 20 { out.append("\(requests.count) requests in a batch") }
    // Graph answers 400 "Batch should be either fully sequential or fully parallel" to a batch
    // that mixes requests with and without dependsOn (microsoft-graph-docs issue 16280).
    let dependents = requests.dropFirst().filter { $0["dependsOn"] != nil }.count
    if dependents != 0 && (dependents != requests.count - 1 || requests.first?["dependsOn"] != nil) {
      out.append("batch should be either fully sequential or fully parallel")
    }
    var seen = Set<String>()
    for r in requests {
      let extra = Set(r.keys).subtracting(requestKeys)
      if !extra.isEmpty { out.append("unknown request keys \(extra)") }
      guard let id = r["id"] as? String, let method = r["method"] as? String, let url = r["url"] as? String else {
        out.append("request without id, method or url")
        continue
      }
      if seen.contains(id) { out.append("duplicate id \(id)") }
      if !methods.contains(method) { out.append("method \(method)") }
      if !url.hasPrefix("/") { out.append("url \(url) is not relative") }
      for d in (r["dependsOn"] as? [String]) ?? [] where !seen.contains(d) { out.append("\(id) depends on unknown \(d)") }
      if let d = r["dependsOn"] as? [String], d.count != 1 { out.append("\(id) depends on \(d.count) requests") }
      seen.insert(id)
      if let body = r["body"] as? [String: Any] {
        if (r["headers"] as? [String: String])?["Content-Type"] != "application/json" { out.append("\(id): body without Content-Type") }
        let allowed = url.hasSuffix("/contacts") || url.contains("/contacts/") ? contactKeys : eventKeys
        let unknown = Set(body.keys).subtracting(allowed)
        if !unknown.isEmpty { out.append("\(id): unknown body keys \(unknown)") }
        for p in (body["singleValueExtendedProperties"] as? [[String: Any]]) ?? [] where !((p["id"] as? String) ?? "").hasPrefix("String {") {
          out.append("\(id): extended property id \(p["id"] ?? "")")
        }
      } else if method == "POST" || method == "PATCH" {
        out.append("\(id): \(method) without body")
      }
    }
    return out
  }
}

@Suite("GraphWriter")
struct GraphWriterTests {
  @Test("batches hold at most 20 requests, in numbered files, each valid JSON of the documented shape")
  func batches() throws {
    let records = (1...45).map { Record.contact(contact($0)) } + [.event(meeting())]
    let files = try writeGraph(records)
    #expect(files.map(\.name) == ["out-0001.json", "out-0002.json", "out-0003.json"])
    for f in files { #expect(GraphSchema.problems(f.json) == [], "\(f.name)") }
    let counts = files.map { ($0.json["requests"] as? [Any])?.count ?? 0 }
    #expect(counts == [20, 20, 6])
    var small = WriteOptions()
    small.exchange.batchSize = 5
    #expect(try writeGraph(Array(records.prefix(12)), options: small).count == 3)
  }

  @Test("a batch runs fully sequentially: each request depends on the one before, whatever its mailbox")
  func dependsOn() throws {
    let records: [Record] = [
      .contact(contact(1, owner: "a@example.com")), .contact(contact(2, owner: "b@example.com")), .contact(contact(3, owner: "a@example.com")),
    ]
    let file = try writeGraph(records)[0].json
    #expect(GraphSchema.problems(file) == [])
    let requests = try #require(file["requests"] as? [[String: Any]])
    #expect(requests.map { $0["url"] as? String } == ["/users/a@example.com/contacts", "/users/b@example.com/contacts", "/users/a@example.com/contacts"])
    #expect(requests[0]["dependsOn"] == nil)
    #expect(requests[1]["dependsOn"] as? [String] == ["1"])
    #expect(requests[2]["dependsOn"] as? [String] == ["2"])
    // The second batch starts its own chain.
    var small = WriteOptions()
    small.exchange.batchSize = 2
    let second = try #require(try writeGraph(records, options: small)[1].json["requests"] as? [[String: Any]])
    #expect(second.count == 1 && second[0]["dependsOn"] == nil)
  }

  @Test("the batch shape check refuses a batch that mixes requests with and without dependsOn")
  func mixedBatchIsRefused() {
    let mixed: [String: Any] = [
      "requests": [
        ["id": "1", "method": "DELETE", "url": "/me/contacts/a"], ["id": "2", "method": "DELETE", "url": "/me/contacts/b"],
        ["id": "3", "method": "DELETE", "url": "/me/contacts/c", "dependsOn": ["1"]],
      ]
    ]
    #expect(GraphSchema.problems(mixed).contains { $0.contains("fully sequential or fully parallel") })
  }

  @Test("contacts: slots, overflow into personalNotes, the CRM id as an extended property")
  func contactBody() throws {
    let collector = DiagnosticCollector()
    let body = try #require(((try writeGraph([.contact(contact(1))], sink: collector.sink)[0].json["requests"] as? [[String: Any]])?[0])?["body"] as? [String: Any])
    #expect((body["emailAddresses"] as? [Any])?.count == 3)
    #expect(body["mobilePhone"] as? String == "+1 555 0101")
    #expect(body["homePhones"] as? [String] == ["+1 555 0102"])
    #expect(body["title"] as? String == "Dr.")
    #expect(body["birthday"] as? String == "1604-07-31T11:59:00Z")
    #expect(body["companyName"] as? String == "Example \"Corp\"\n")
    #expect((body["personalNotes"] as? String)?.contains("ada1.4@example.com") == true)
    #expect(collector.diagnostics.contains { $0.code == "overflow" })
    let props = try #require(body["singleValueExtendedProperties"] as? [[String: String]])
    #expect(props[0]["id"] == "String {\(FerryCrmProperty.propertySetId)} Name FerryCrmId")
    #expect(props[0]["value"] == "0035g00000AbCdEAAV")
  }

  @Test("events carry no attendees unless --invite-attendees; then they are listed in the body")
  func attendees() throws {
    let plain = try #require(((try writeGraph([.event(meeting())])[0].json["requests"] as? [[String: Any]])?[0])?["body"] as? [String: Any])
    #expect(plain["attendees"] == nil)
    #expect(((plain["body"] as? [String: Any])?["content"] as? String)?.contains("Jane <jane@example.com>") == true)
    #expect((plain["start"] as? [String: String]) == ["dateTime": "2024-01-25T12:00:00", "timeZone": "Eastern Standard Time"])
    var options = WriteOptions()
    options.calendar.inviteAttendees = true
    let invited = try #require(((try writeGraph([.event(meeting())], options: options)[0].json["requests"] as? [[String: Any]])?[0])?["body"] as? [String: Any])
    #expect((invited["attendees"] as? [[String: Any]])?.count == 2)
    #expect(((invited["body"] as? [String: Any])?["content"] as? String) == "Agenda")
  }

  @Test("recurrence patterns map to Graph's patternedRecurrence")
  func recurrence() throws {
    var rule = RecurrenceRule(frequency: .monthly)
    rule.byDay = [.init(.thursday, ordinal: -1)]
    rule.count = 6
    let body = try #require(((try writeGraph([.event(meeting(rule))])[0].json["requests"] as? [[String: Any]])?[0])?["body"] as? [String: Any])
    let r = try #require(body["recurrence"] as? [String: Any])
    let pattern = try #require(r["pattern"] as? [String: Any])
    #expect(pattern["type"] as? String == "relativeMonthly")
    #expect(pattern["daysOfWeek"] as? [String] == ["thursday"])
    #expect(pattern["index"] as? String == "last")
    let range = try #require(r["range"] as? [String: Any])
    #expect(range["type"] as? String == "numbered")
    #expect(range["numberOfOccurrences"] as? Int == 6)
    #expect(range["startDate"] as? String == "2024-01-25")
  }

  @Test("updates PATCH and deletes DELETE the item by its Graph id")
  func updateDelete() throws {
    var c = contact(1)
    c.raw = [RawProperty(name: "id", value: "AAMk/abc=", origin: "graph")]
    var options = WriteOptions()
    options.exchange.operation = .update
    options.exchange.mailbox = "rep@example.com"
    let update = try #require((try writeGraph([.contact(c)], options: options)[0].json["requests"] as? [[String: Any]])?[0])
    #expect(update["method"] as? String == "PATCH")
    #expect(update["url"] as? String == "/users/rep@example.com/contacts/AAMk%2Fabc%3D")
    options.exchange.operation = .delete
    let delete = try #require((try writeGraph([.contact(c)], options: options)[0].json["requests"] as? [[String: Any]])?[0])
    #expect(delete["method"] as? String == "DELETE")
    #expect(delete["body"] == nil)
    #expect(GraphSchema.problems(["requests": [update, delete].enumerated().map { i, r in r.merging(["id": "\(i + 1)"]) { $1 } }]) == [])
  }

  @Test("a written contact and event read back from a GET page with the same fields")
  func roundTrip() throws {
    var c = contact(1)
    c.emails = Array(c.emails.prefix(3))
    c.name.prefix = nil
    c.formattedName = "Ada Example1"
    var e = meeting()
    e.attendees = []
    var rule = RecurrenceRule(frequency: .weekly)
    rule.byDay = [.init(.monday), .init(.wednesday)]
    rule.until = .date(LocalDate(year: 2024, month: 6, day: 30))
    e.recurrence = Recurrence(rule: rule)
    let files = try writeGraph([.contact(c), .event(e)])
    let requests = try #require(files[0].json["requests"] as? [[String: Any]])
    func page(_ body: Any?, _ kind: String) throws -> Data {
      try JSONSerialization.data(withJSONObject: ["@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/\(kind)", "value": [body]])
    }
    var contacts = try GraphReader(input: ByteInput(bytes: Array(try page(requests[0]["body"], "contacts"))), diagnostics: .ignore)
    var events = try GraphReader(input: ByteInput(bytes: Array(try page(requests[1]["body"], "events"))), diagnostics: .ignore)
    let backContact = try #require(try contacts.next()?.contact)
    let backEvent = try #require(try events.next()?.event)
    #expect(backContact.emails.map(\.address) == c.emails.map(\.address))
    #expect(backContact.phones.map(\.number).sorted() == c.phones.map(\.number).sorted())
    #expect(backContact.addresses == c.addresses)
    #expect(backContact.birthday == c.birthday)
    #expect(backContact.source == c.source)
    #expect(backContact.notes == c.notes)
    #expect(backEvent.start == e.start)
    #expect(backEvent.end == e.end)
    #expect(backEvent.recurrence?.rule == rule)
    #expect(backEvent.source == e.source)
    #expect(backEvent.reminders == e.reminders)
  }

  @Test("JSON strings escape quotes, backslashes and control characters")
  func escaping() throws {
    let text = String(decoding: JSONValue.object([("k", .string("a\"b\\c\n\u{01}é"))]).bytes(), as: UTF8.self)
    #expect(text == "{\"k\":\"a\\\"b\\\\c\\n\\u0001é\"}")
  }
}

@Suite("Graph: dates only a list holds")
struct GraphDateListTests {
  @Test("RDATEs without an RRULE become single events, warned; with an RRULE, the extra dates are warned")
  func rdates() throws {
    var e = Event()
    e.uid = "r1"
    e.summary = "RDATE series"
    e.start = .utc(LocalDateTime(iso: "2027-08-01T10:00:00")!)
    e.end = .utc(LocalDateTime(iso: "2027-08-01T11:00:00")!)
    e.recurrence = Recurrence(dates: [.utc(LocalDateTime(iso: "2027-08-15T10:00:00")!), .utc(LocalDateTime(iso: "2027-09-01T10:00:00")!)])
    var options = WriteOptions()
    options.calendar.expandFrom = LocalDate(year: 2027, month: 1, day: 1)
    let collected = DiagnosticCollector()
    let files = try writeGraph([.event(e)], options: options, sink: collected.sink)
    let requests = files.flatMap { ($0.json["requests"] as? [[String: Any]]) ?? [] }
    let starts = requests.compactMap { (($0["body"] as? [String: Any])?["start"] as? [String: Any])?["dateTime"] as? String }
    #expect(starts == ["2027-08-01T10:00:00", "2027-08-15T10:00:00", "2027-09-01T10:00:00"])
    #expect(collected.diagnostics.contains { $0.message.hasPrefix("RDATE without an RRULE has no Graph pattern; written as 3 single events") })
    var weekly = e
    weekly.recurrence = Recurrence(rule: RecurrenceRule.parse("FREQ=WEEKLY;COUNT=3"), dates: e.recurrence!.dates)
    let noted = DiagnosticCollector()
    _ = try writeGraph([.event(weekly)], options: options, sink: noted.sink)
    #expect(noted.diagnostics.contains { $0.message == "extra RRULEs and RDATEs have no Graph form; written as the main rule alone" })
  }
}
