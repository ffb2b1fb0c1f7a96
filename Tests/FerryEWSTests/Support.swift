import FerryModel
import FerryTestSupport
import Foundation

@testable import FerryEWS

/// The shared folder (`$FERRY_SHARED`, else `../shared` beside the clone).
func sharedPath(_ relative: String) -> String { Fixtures.shared(relative) }

func readEWS(_ bytes: [UInt8], chunkSize: Int = 1 << 16, sink: DiagnosticSink = .ignore) throws -> [Record] {
  var reader = try EWSReader(input: ByteInput(bytes: bytes, name: "test.xml", chunkSize: chunkSize), diagnostics: sink)
  return try reader.collect()
}

func readEWS(file: String) throws -> [Record] {
  var reader = try EWSReader(input: ByteInput(path: file), diagnostics: .ignore)
  return try reader.collect()
}

/// Writes records with EWSWriter into memory; returns every document written.
func writeEWS(_ records: [Record], options: WriteOptions = WriteOptions(), sink: DiagnosticSink = .ignore) throws -> [(
  name: String, text: String
)] {
  let destination = OutputDestination(memoryNamed: "out.xml")
  var writer = try EWSWriter(destination: destination, options: options, diagnostics: sink)
  for r in records { try writer.write(r) }
  try writer.finish()
  try destination.commitAll()
  return destination.memoryOutputs.map { ($0.name, $0.output.text) }
}

/// The payload inside `soap:Body`, with the namespaces declared on it: what
/// `validate.xsd` checks (ews-xml.md, "Verify").
func soapPayload(_ document: String) -> String? {
  guard let open = document.range(of: "<soap:Body>"), let close = document.range(of: "</soap:Body>") else { return nil }
  var payload = String(document[open.upperBound..<close.lowerBound])
  guard let start = payload.range(of: "<m:") else { return nil }
  let nameEnd = payload[start.upperBound...].firstIndex(where: { $0 == " " || $0 == ">" || $0 == "/" }) ?? payload.endIndex
  payload.insert(
    contentsOf: " xmlns:m=\"\(EWSNamespace.messages)\" xmlns:t=\"\(EWSNamespace.types)\"", at: nameEnd)
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + payload
}

/// Runs `xmllint --schema validate.xsd` on the payloads; returns nil when all validate, else
/// xmllint's complaint. Throws when xmllint is missing (`make test` installs libxml2-utils).
func validateWithSchema(_ documents: [String], tag: String) throws -> String? {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-ews-\(tag)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  var paths: [String] = []
  for (i, d) in documents.enumerated() {
    guard let payload = soapPayload(d) else { return "document \(i) has no SOAP body" }
    let p = dir.appendingPathComponent("payload-\(i).xml").path
    try payload.write(toFile: p, atomically: true, encoding: .utf8)
    paths.append(p)
  }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
  process.arguments = ["--noout", "--schema", sharedPath("formats/ews-schema/validate.xsd")] + paths
  let err = Pipe()
  process.standardError = err
  process.standardOutput = Pipe()
  try process.run()
  let data = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  if process.terminationStatus == 0 { return nil }
  return String(decoding: data, as: UTF8.self)
}

func rule(_ text: String) -> RecurrenceRule {
  var r = RecurrenceRule(frequency: .daily)
  for part in text.split(separator: ";") {
    let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
    let (k, v) = (kv[0], kv[1])
    switch k {
    case "FREQ": r.frequency = RecurrenceRule.Frequency(rawValue: v) ?? .daily
    case "INTERVAL": r.interval = Int(v) ?? 1
    case "COUNT": r.count = Int(v)
    case "UNTIL": r.until = .date(LocalDate(iso: v) ?? LocalDate(year: 2030, month: 1, day: 1))
    case "BYMONTH": r.byMonth = v.split(separator: ",").compactMap { Int($0) }
    case "BYMONTHDAY": r.byMonthDay = v.split(separator: ",").compactMap { Int($0) }
    case "BYSETPOS": r.bySetPosition = v.split(separator: ",").compactMap { Int($0) }
    case "BYHOUR": r.byHour = v.split(separator: ",").compactMap { Int($0) }
    case "WKST": r.weekStart = RecurrenceRule.Weekday(rawValue: v)
    case "BYDAY":
      r.byDay = v.split(separator: ",").map { d in
        let day = RecurrenceRule.Weekday(rawValue: String(d.suffix(2))) ?? .monday
        let ord = d.count > 2 ? Int(d.dropLast(2)) : nil
        return RecurrenceRule.WeekdayNum(day, ordinal: ord)
      }
    default: break
    }
  }
  return r
}

/// A contact with every field the EWS mapping covers.
func sampleContact(_ n: Int = 1) -> Contact {
  var c = Contact()
  c.formattedName = "Ada Example \(n)"
  c.name = PersonName(given: "Ada", middle: "M", family: "Example\(n)", suffix: "Jr.")
  c.nicknames = ["Addie"]
  c.emails = [EmailAddress("ada\(n)@example.com", types: ["work"]), EmailAddress("ada\(n)@home.example", types: ["home"])]
  c.phones = [
    PhoneNumber("+1 555 0100", types: ["work", "voice"]), PhoneNumber("+1 555 0101", types: ["cell"]),
    PhoneNumber("+1 555 0102", types: ["home", "voice"]), PhoneNumber("+1 555 0103", types: ["work", "fax"]),
  ]
  c.addresses = [
    PostalAddress(street: "1 Main St\nSuite 5", locality: "Springfield", region: "IL", postalCode: "62701", country: "USA", types: ["work"]),
    PostalAddress(street: "2 Elm Rd", locality: "Shelbyville", postalCode: "62565", country: "USA", types: ["home"]),
  ]
  c.organization = "Example Corp"
  c.department = "Sales"
  c.title = "Account Manager"
  c.birthday = PartialDate(year: 1980, month: 7, day: 31)
  c.anniversary = PartialDate(year: 2005, month: 6, day: 11)
  c.notes = ["Met at the fair & liked <XML>"]
  c.categories = ["CRM", "VIP"]
  c.urls = [LabeledValue("https://example.com/ada", types: ["work"])]
  c.related = [RelatedPerson(relation: "assistant", value: "Bob"), RelatedPerson(relation: "spouse", value: "Carl")]
  c.instantMessaging = [IMHandle(handle: "ada@im.example")]
  c.source = SourceIdentity(system: "salesforce", objectType: "Contact", recordId: "0035g00000AbCdEAAV")
  return c
}

func sampleEvent(_ rrule: String? = nil, allDay: Bool = false) -> Event {
  var e = Event()
  e.summary = "Review"
  e.description = "Agenda"
  e.location = "Room 1"
  e.privacy = .private
  e.busyStatus = .busy
  e.uid = "uid-1@example.com"
  if allDay {
    e.isAllDay = true
    e.start = .date(LocalDate(year: 2024, month: 3, day: 26))
    e.end = .date(LocalDate(year: 2024, month: 3, day: 27))
  } else {
    e.start = .zoned(LocalDateTime(year: 2024, month: 1, day: 25, hour: 12), zone: "America/New_York")
    e.end = .zoned(LocalDateTime(year: 2024, month: 1, day: 25, hour: 13, minute: 30), zone: "America/New_York")
  }
  e.attendees = [
    Attendee(email: "jane@example.com", name: "Jane", role: .required),
    Attendee(email: "joe@example.com", name: "Joe", role: .optional),
    Attendee(email: "room1@example.com", name: "Room 1", kind: .room),
  ]
  e.reminders = [Reminder(offset: EventDuration(seconds: 900, isNegative: true))]
  e.categories = ["Board"]
  e.source = SourceIdentity(system: "salesforce", objectType: "Event", recordId: "00U5g00000XyZaBEAV")
  if let rrule { e.recurrence = Recurrence(rule: rule(rrule)) }
  return e
}
