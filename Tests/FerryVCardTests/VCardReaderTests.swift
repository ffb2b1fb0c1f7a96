import FerryContentLines
import FerryModel
import FerryTestSupport
import FerryVCard
import Foundation
import Testing

@Suite("VCardReader")
struct VCardReaderTests {
  static let corpus = Fixtures.files(
    in: sharedPath("corpus/vcard"), extensions: ["vcf", "vcard", "ics", "txt"])

  @Test("the shared corpus is there")
  func corpusPresent() {
    #expect(Self.corpus.count >= 40)
  }

  @Test("every corpus file reads without a fatal error", arguments: corpus)
  func corpusFile(path: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let (contacts, diagnostics) = try readCards(bytes, name: path)
    let isQuirk = path.contains("/quirks/")
    if !isQuirk {
      #expect(!contacts.isEmpty, "no card in \(path)")
      #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
    }
    for d in diagnostics {
      #expect(d.location.map { $0.line >= 1 && $0.column >= 1 } ?? false, "unpositioned: \(d)")
    }
    // Every card read at every chunk size gives the same contacts.
    for chunk in [1, 3, 64] {
      #expect(try readCards(bytes, name: path, chunk: chunk).contacts == contacts)
    }
  }

  @Test(
    "quirks warn instead of failing",
    arguments: [
      ("vcard-validator__l0b0-vcard__missing_version.vcf", "no VERSION"),
      ("vcard-validator__l0b0-vcard__missing_fn.vcf", "no FN"),
      ("android__aosp-vcard__v21_nest.vcf", "BEGIN:VCARD inside a card"),
    ])
  func quirkWarns(file: String, message: String) throws {
    let path = sharedPath("corpus/vcard/quirks/" + file)
    let (_, diagnostics) = try readCards(Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
    #expect(diagnostics.contains { $0.severity == .warning && $0.message.contains(message) }, "\(diagnostics)")
  }

  @Test("a 2.1 card nested without AGENT becomes a card of its own")
  func nested() throws {
    let path = sharedPath("corpus/vcard/quirks/android__aosp-vcard__v21_nest.vcf")
    let (contacts, _) = try readCards(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(contacts.map(\.name.family) == ["parent", "nest1", "nest2"])
    #expect(contacts[0].phones.map(\.number) == ["1"])
  }

  @Test("an AGENT card is kept raw")
  func agent() throws {
    let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Boss\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN:Helper\r\nEND:VCARD\r\nTEL:1\r\nEND:VCARD\r\n"
    let (contacts, _) = try readCards(text)
    #expect(contacts.count == 1)
    let agent = try #require(contacts.first?.raw.first { $0.name == "AGENT" })
    #expect(agent.value.contains("N:Helper"))
    #expect(contacts[0].phones.count == 1)
  }

  @Test("maps groups, labels, types, preferences and Apple dates")
  func apple() throws {
    let (contacts, diagnostics) = try readCards(try Fixtures.bytes("vcard/apple-icloud-contact-3.0.vcf"))
    #expect(diagnostics.isEmpty)
    let c = try #require(contacts.first)
    #expect(c.emails[0].label == "Other")
    #expect(c.emails[0].preference == 1)
    #expect(c.emails[1].types == ["internet", "home"])
    #expect(c.phones[1].label == "Lake house")
    #expect(c.urls[0].label == "HomePage")
    #expect(c.birthday == PartialDate(month: 5, day: 17))
    #expect(c.anniversary == PartialDate(year: 2010, month: 7, day: 4))
    #expect(c.related == [RelatedPerson(relation: "spouse", value: "Jane Appleseed")])
    #expect(c.organization == "Example Orchards, Inc.")
    #expect(c.department == "Sales")
    #expect(c.addresses[0].street == "1 Infinite Loop\nBuilding 3")
    #expect(c.instantMessaging.map(\.service) == ["skype", "aim"])
    #expect(c.raw.map(\.name) == ["PRODID", "X-ABADR", "X-CUSTOM-FIELD"])
    #expect(c.raw[1].group == "item3")
    #expect(c.raw[2].parameter("X-PARAM") == ["a,b"])
  }

  @Test("2.1 quoted-printable, bare types, base64 photo and Outlook extensions")
  func outlook() throws {
    let (contacts, diagnostics) = try readCards(try Fixtures.bytes("vcard/outlook-2016-contact-2.1.vcf"))
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    let c = try #require(contacts.first)
    #expect(c.formattedName == "Dr. Jürgen Müller")
    #expect(c.phones[0].types == ["work", "voice"])
    #expect(c.phones[1].preference == 1)
    #expect(c.addresses[0].street == "Hauptstraße 1\nHinterhaus")
    #expect(c.addresses[0].label == "Hauptstraße 1\nHinterhaus\n10115 Berlin")
    #expect(c.related.first?.relation == "spouse")
    #expect(c.anniversary == PartialDate(year: 2001, month: 6, day: 15))
    guard case .data(let bytes, let type)? = c.photo else {
      Issue.record("no photo")
      return
    }
    #expect(bytes.count == 91)
    #expect(type == "image/jpeg")
  }

  @Test("a value that fails to decode is kept raw with a positioned warning")
  func badValue() throws {
    let (contacts, diagnostics) = try readCards("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nBDAY:not a date\r\nEND:VCARD\r\n")
    #expect(contacts[0].birthday == nil)
    #expect(contacts[0].raw == [RawProperty(name: "BDAY", value: "not a date", origin: "vcard")])
    #expect(diagnostics.count == 1)
    #expect(diagnostics[0].location?.line == 4)
    #expect(diagnostics[0].location?.column == 6)
    #expect(diagnostics[0].message.contains("\"not a date\""))
  }

  // MARK: - Hostile input

  @Test("a line with no colon, NUL bytes and a missing END:VCARD get positioned diagnostics")
  func hostileSmall() throws {
    let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\u{0}B\r\nTHIS LINE HAS NO COLON\r\nEMAIL:a@b.example\r\n"
    let (contacts, diagnostics) = try readCards(text)
    #expect(contacts.count == 1)
    #expect(contacts[0].formattedName == "AB")
    #expect(contacts[0].emails.count == 1)
    let lines = diagnostics.compactMap { $0.location?.line }
    #expect(diagnostics.contains { $0.message.contains("NUL") && $0.location?.line == 3 })
    #expect(diagnostics.contains { $0.message.contains("no ':'") && $0.location?.line == 4 })
    #expect(diagnostics.contains { $0.message.contains("no END:VCARD") && $0.location?.line == 1 })
    #expect(lines.count == 3)
  }

  @Test("100,000 properties in one card")
  func manyProperties() throws {
    var bytes = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many\r\n".utf8)
    for i in 0..<100_000 { bytes += Array("X-P\(i % 10);TYPE=A:value \(i)\r\n".utf8) }
    bytes += Array("END:VCARD\r\n".utf8)
    let (contacts, diagnostics) = try readCards(bytes)
    #expect(diagnostics.isEmpty)
    #expect(contacts[0].raw.count == 100_000)
    #expect(contacts[0].raw.last?.value == "value 99999")
  }

  @Test("a 50 MB base64 photo")
  func hugePhoto() throws {
    let line = Array(repeating: UInt8(ascii: "A"), count: 76)
    var bytes = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nPHOTO;ENCODING=b;TYPE=JPEG:\r\n".utf8)
    bytes.reserveCapacity(52_000_000 + 100)
    let lines = 50 * 1024 * 1024 / 76
    for _ in 0..<lines {
      bytes.append(UInt8(ascii: " "))
      bytes += line
      bytes += [13, 10]
    }
    bytes += Array("EMAIL:big@example.com\r\nEND:VCARD\r\n".utf8)
    let (contacts, diagnostics) = try readCards(bytes)
    #expect(diagnostics.isEmpty)
    guard case .data(let photo, _)? = contacts.first?.photo else {
      Issue.record("photo not read")
      return
    }
    #expect(photo.count == lines * 76 / 4 * 3)
    #expect(contacts[0].emails.count == 1)
  }
}

@Suite("VCardReader structure")
struct VCardStructureTests {
  @Test("lines outside a card are reported and skipped")
  func outside() throws {
    let (contacts, diagnostics) = try readCards("X-STRAY:1\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n")
    #expect(contacts.count == 1)
    #expect(diagnostics.count == 1)
    #expect(diagnostics[0].message.contains("outside BEGIN:VCARD"))
    #expect(diagnostics[0].location?.line == 1)
  }

  @Test("labels find their groups in a card with many groups (past the short scan, through the index)")
  func manyGroups() throws {
    var text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many\r\n"
    for n in 1...40 { text += "item\(n).EMAIL:p\(n)@example.com\r\n" }
    // Labels after all the values, one in lower case, and a group named again by a phone.
    for n in 1...40 { text += (n == 7 ? "ITEM7" : "item\(n)") + ".X-ABLabel:label \(n)\r\n" }
    text += "item3.TEL:+1 555 0100\r\nEND:VCARD\r\n"
    let (contacts, _) = try readCards(text)
    let c = try #require(contacts.first)
    #expect(c.emails.count == 40)
    for n in 1...40 where n != 3 { #expect(c.emails[n - 1].label == "label \(n)") }
    // item3 now points at the phone, as it did when groups were a dictionary.
    #expect(c.emails[2].label == nil)
    #expect(c.phones.first?.label == "label 3")
  }
}
