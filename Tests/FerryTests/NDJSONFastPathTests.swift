import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// The NDJSON fast path (`JSONScanner`, `JSONEmitter` and the generated `scan`/`emit`) against
/// Foundation's `JSONDecoder`/`JSONEncoder`, the reference: the emitter writes the encoder's
/// bytes, and a line the scanner reads gives the record the decoder gives, on every record of
/// the corpus and the fixtures and on thousands of mutated lines.
@Suite("NDJSON fast path")
struct NDJSONFastPathTests {
  static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return e
  }()

  /// Every record ferry reads from the shared corpus and the fixtures, plus records that fill
  /// the fields those leave empty.
  static func records() -> [Record] {
    var files: [String] = []
    let roots = [Fixtures.shared("corpus/vcard"), Fixtures.shared("corpus/ical"), Fixtures.path("")]
    let extensions: Set<String> = ["vcf", "ics", "csv", "xml", "json", "ndjson"]
    for root in roots {
      guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
      while let name = walker.nextObject() as? String {
        guard let ext = name.split(separator: ".").last, extensions.contains(String(ext)), !name.hasPrefix("fuzz/") else { continue }
        files.append(root + "/" + name)
      }
    }
    var out: [Record] = []
    for file in files.sorted() {
      guard var (reader, _, _, _) = try? InputOpener.open(path: file, from: nil, options: ReadOptions(), diagnostics: .ignore)
      else { continue }
      var n = 0
      while n < 200, let record = try? reader.next() {
        out.append(record)
        n += 1
      }
    }
    return out + synthetic()
  }

  static func synthetic() -> [Record] {
    var c = Contact()
    c.kind = "individual"
    c.name = PersonName(given: "Zoë \"Z\" \\ O'Brien", family: "Tab\there\nnew line\u{1}\u{1F}\u{7F}\u{2028}😀/")
    c.photo = .data([0, 1, 2, 250, 251, 255], mediaType: "image/jpeg")
    c.logo = .uri("https://example.com/logo.png")
    c.geo = Geo(latitude: 48.8566, longitude: -0.0)
    c.gender = Gender(sex: "F", identity: nil)
    c.birthday = PartialDate(month: 2, day: 29)
    c.related = [RelatedPerson(relation: "spouse", value: "urn:uuid:1", isURI: true)]
    c.emails = [EmailAddress("a@example.com", types: ["work"], preference: 1)]
    c.instantMessaging = [IMHandle(service: "xmpp", handle: "a@example.com")]
    c.created = Timestamp(utc: LocalDateTime(year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5))
    var geoWide = Contact()
    geoWide.geo = Geo(latitude: 1e20, longitude: 1e-7)
    var e = Event()
    e.kind = .task
    e.summary = "Sprint review"
    e.start = .zoned(LocalDateTime(year: 2024, month: 3, day: 10, hour: 9), zone: "Europe/Berlin")
    e.due = .date(LocalDate(year: 2024, month: 3, day: 11))
    e.duration = EventDuration(totalSeconds: 5400)
    e.isAllDay = true
    e.recurrenceIdThisAndFuture = true
    e.privacy = .confidential
    e.busyStatus = .workingElsewhere
    e.status = .inProcess
    e.priority = 1
    e.sequence = 3
    e.geo = Geo(latitude: 0.1, longitude: 123456789.123)
    e.calendar = CalendarInfo(name: "Team", timeZone: "Europe/Berlin", method: "PUBLISH", raw: [RawProperty(name: "X-WR-CALDESC", value: "d", origin: "ics")])
    var organizer = Attendee(role: .chair)
    organizer.email = "o@example.com"
    organizer.parameters = []
    e.organizer = organizer
    var a = Attendee(role: .nonParticipant)
    a.kind = .room
    a.status = .tentative
    a.rsvp = false
    a.parameters = [RawParameter(name: "X-P", values: ["1", "2"])]
    e.attendees = [a]
    e.reminders = [Reminder(offset: EventDuration(totalSeconds: -900)), Reminder()]
    e.reminders[1].action = .email
    e.reminders[1].relativeToEnd = true
    e.related = [RelatedRecord(role: .what, id: "006000000000001AAA", type: "Opportunity", name: "Deal")]
    var rule = RecurrenceRule(frequency: .monthly)
    rule.interval = 2
    rule.byDay = [.init(.friday, ordinal: -1), .init(.monday)]
    rule.bySetPosition = [1, -1]
    rule.weekStart = .sunday
    rule.until = .utc(LocalDateTime(year: 2025, month: 1, day: 1))
    rule.extraParts = [RawParameter(name: "RSCALE", values: ["GREGORIAN"])]
    var override = Event()
    override.recurrenceId = .zoned(LocalDateTime(year: 2024, month: 4, day: 26, hour: 9), zone: "Europe/Berlin")
    override.summary = "moved"
    e.recurrence = Recurrence(rule: rule, extraRules: [RecurrenceRule(frequency: .yearly)], dates: [.floating(LocalDateTime(year: 2024, month: 5, day: 1, hour: 8))], exceptionDates: [.date(LocalDate(year: 2024, month: 6, day: 28))], overrides: [override])
    e.rawComponents = [RawComponent(name: "VALARM", properties: [RawProperty(name: "ACTION", group: "g", parameters: [RawParameter(name: "A", values: [])], value: "X", origin: "ics")], components: [RawComponent(name: "X-NESTED", origin: "ics")], origin: "ics")]
    return [.contact(c), .contact(geoWide), .contact(Contact()), .event(e), .event(Event())]
  }

  @Test("the emitter writes JSONEncoder's bytes, and the scanner reads back JSONDecoder's record, for every record")
  func agreesWithFoundation() throws {
    let records = Self.records()
    #expect(records.count > 500)
    var kinds = Set<RecordKind>()
    for record in records {
      kinds.insert(record.kind)
      let reference = try Self.encoder.encode(record)
      var emitter = JSONEmitter()
      try record.emit(&emitter)
      #expect(emitter.bytes == Array(reference), "\(String(decoding: reference, as: UTF8.self))")
      let decoded = try JSONDecoder().decode(Record.self, from: reference)
      let scanned = try Array(reference).withUnsafeBufferPointer { try JSONScanner.decode(Record.self, from: $0) }
      #expect(scanned == decoded)
    }
    #expect(kinds == [.contact, .event])
  }

  @Test("a mutated line the scanner reads gives exactly what JSONDecoder gives, with no unknown key")
  func mutatedLines() throws {
    let lines = try Self.records().prefix(400).map { Array(try Self.encoder.encode($0)) }
    var rng = SeededGenerator(seed: 0x5EED_2026)
    let inserts = Array("\",:}]{[ 0-1.e\\nulxtr".utf8)
    let replacements = ["null", "1", "1.0", "-0", "true", "[]", "{}", "\"\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "1e2", "01"].map { Array($0.utf8) }
    var read = 0, tried = 0
    for line in lines {
      for _ in 0..<12 {
        var m = line
        switch rng.next() % 5 {
        case 0: m.remove(at: Int(rng.next() % UInt64(m.count)))
        case 1: m.insert(inserts[Int(rng.next() % UInt64(inserts.count))], at: Int(rng.next() % UInt64(m.count + 1)))
        case 2:
          let from = Int(rng.next() % UInt64(m.count))
          let to = min(m.count, from + 1 + Int(rng.next() % 24))
          m.insert(contentsOf: m[from..<to], at: to)
        case 3:
          // A value after a colon replaced by another JSON value.
          let colons = m.indices.filter { m[$0] == UInt8(ascii: ":") }
          guard let colon = colons.randomElement(using: &rng) else { continue }
          var end = colon + 1
          var depth = 0
          var inString = false
          while end < m.count {
            let c = m[end]
            if inString {
              if c == UInt8(ascii: "\\") { end += 1 } else if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
              inString = true
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
              depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
              if depth == 0 { break }
              depth -= 1
            } else if c == UInt8(ascii: ","), depth == 0 {
              break
            }
            end += 1
          }
          m.replaceSubrange((colon + 1)..<end, with: replacements[Int(rng.next() % UInt64(replacements.count))])
        default:
          // A key given twice, or an unknown one.
          guard let brace = m.indices.dropFirst().first(where: { m[$0] == UInt8(ascii: "{") }) else { continue }
          m.insert(contentsOf: Array((rng.next() % 2 == 0 ? "\"uid\":\"x\"," : "\"zz\":1,").utf8), at: brace + 1)
        }
        tried += 1
        guard let fast = m.withUnsafeBufferPointer({ try? JSONScanner.decode(Record.self, from: $0) }) else { continue }
        read += 1
        let unknown = UnknownKeys()
        let decoder = JSONDecoder()
        decoder.userInfo[UnknownKeys.userInfoKey] = unknown
        let reference = try? decoder.decode(Record.self, from: Data(m))
        #expect(reference == fast, "\(String(decoding: m, as: UTF8.self))")
        #expect(unknown.paths.isEmpty, "\(String(decoding: m, as: UTF8.self))")
      }
    }
    // Both outcomes occur: the property is not vacuous.
    #expect(read > 200 && read < tried)
  }

  @Test("lines the scanner leaves to JSONDecoder still read, and still warn")
  func fallback() throws {
    let text = """
      {"contact":{"emails":[{"address":"a@example.com","preference":1.0}]}}
      {"contact":{"formattedName":"B","zz":1}}
      {"contact":{"formattedName":"C","formattedName":"D"}}
      {"event":{"summary":"caf\\u00e9 \\ud83d\\ude00 \\/"}}

      """
    for line in text.split(separator: "\n").prefix(3) {
      let bytes = Array(line.utf8)
      #expect(throws: JSONScanner.GiveUp.self) { try bytes.withUnsafeBufferPointer { try JSONScanner.decode(Record.self, from: $0) } }
    }
    let escaped = Array(text.split(separator: "\n")[3].utf8)
    let fast = try escaped.withUnsafeBufferPointer { try JSONScanner.decode(Record.self, from: $0) }
    #expect(fast.event?.summary == "café 😀 /")

    let collector = DiagnosticCollector()
    var reader = NDJSONReader(input: ByteInput(string: text, name: "in.ndjson"), diagnostics: collector.sink)
    let records = try reader.collect()
    #expect(records.count == 4)
    #expect(records[0].contact?.emails.first?.preference == 1)
    #expect(records[1].contact?.formattedName == "B")
    #expect(collector.diagnostics.map(\.message).contains { $0.contains("\"contact.zz\"") })
  }

  @Test("nesting deeper than the scanner's limit is left to JSONDecoder")
  func deepNesting() throws {
    let deep = "{\"contact\":{\"zz\":" + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}}"
    let bytes = Array(deep.utf8)
    #expect(throws: JSONScanner.GiveUp.self) { try bytes.withUnsafeBufferPointer { try JSONScanner.decode(Record.self, from: $0) } }
  }
}
