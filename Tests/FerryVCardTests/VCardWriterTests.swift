import FerryContentLines
import FerryModel
import FerryTestSupport
import FerryVCard
import Foundation
import Testing

/// The contact a writer is expected to give back: 3.0/4.0 always carry an FN.
func normalised(_ c: Contact, for version: VCardVersion) -> Contact {
  var c = c
  if version != .v21 && (c.formattedName ?? "").isEmpty { c.formattedName = c.displayName.isEmpty ? nil : c.displayName }
  if version == .v40 {
    for i in c.emails.indices { c.emails[i].types.removeAll { $0 == "internet" || $0 == "x400" } }
  }
  return c
}

@Suite("VCardWriter")
struct VCardWriterTests {
  static let fixtures = Fixtures.files(in: Fixtures.path("vcard"), extensions: ["vcf"])
    .filter { !$0.hasSuffix(".expected.vcf") }

  static func version(of path: String) -> VCardVersion {
    if path.contains("2.1") { return .v21 }
    if path.contains("4.0") { return .v40 }
    return .v30
  }

  @Test("golden: fixture → dump, and model → expected vCard", arguments: fixtures)
  func golden(path: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let (contacts, _) = try readCards(bytes, name: path)
    let base = "vcard/" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    let dump = ModelDump.dump(contacts.map(Record.contact))
    let expectedDump = try Fixtures.golden(base + ".dump", actual: dump)
    #expect(dump == expectedDump)
    let version = Self.version(of: path)
    let (written, _) = try writeCards(contacts, version: version.rawValue)
    let expectedVCard = try Fixtures.golden(base + ".expected.vcf", actual: written)
    #expect(written == expectedVCard)
    // Chunk boundaries do not change the model.
    for chunk in [1, 2, 3, 64] {
      #expect(try readCards(bytes, name: path, chunk: chunk).contacts == contacts)
    }
  }

  static let roundTripInputs = fixtures + VCardReaderTests.corpus.filter { !$0.hasSuffix(".ics") }

  @Test("same-version round trip keeps every property, raw ones included", arguments: roundTripInputs)
  func roundTrip(path: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let collector = DiagnosticCollector()
    var reader = VCardReader(input: ByteInput(bytes: bytes, name: path), diagnostics: collector.sink)
    var contacts: [(Contact, VCardVersion)] = []
    while let r = try reader.next() {
      if let c = r.contact { contacts.append((c, reader.lastVersion ?? .v30)) }
    }
    for (contact, version) in contacts {
      let (text, _) = try writeCards([contact], version: version.rawValue)
      let back = try readCards(Array(text.utf8), defaultVersion: version).contacts
      #expect(back == [normalised(contact, for: version)], "\(path) as \(version.rawValue):\n\(text)")
    }
  }

  @Test("every version reads back to the same names, e-mails, phones and addresses", arguments: fixtures)
  func crossVersion(path: String) throws {
    let (contacts, _) = try readCards(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    for version in VCardVersion.allCases {
      let (text, _) = try writeCards(contacts, version: version.rawValue)
      let back = try readCards(Array(text.utf8)).contacts
      #expect(back.map(\.name) == contacts.map(\.name))
      #expect(back.map { $0.emails.map(\.address) } == contacts.map { $0.emails.map(\.address) })
      #expect(back.map { $0.phones.map(\.number) } == contacts.map { $0.phones.map(\.number) })
      #expect(back.map { $0.addresses.map(\.street) } == contacts.map { $0.addresses.map(\.street) })
      #expect(back.map(\.birthday) == contacts.map(\.birthday))
      #expect(back.map(\.anniversary) == contacts.map(\.anniversary))
    }
  }

  static var sample: Contact {
    var c = Contact()
    c.name = PersonName(given: "Zoë", family: "Ng")
    c.phones = [PhoneNumber("+1 555 0100")]
    c.emails = [EmailAddress("zoe@example.com")]
    c.addresses = [PostalAddress(street: "1 Main St\nApt 2", locality: "Springfield")]
    c.urls = [LabeledValue("https://example.com")]
    c.birthday = PartialDate(month: 2, day: 29)
    c.anniversary = PartialDate(year: 2010, month: 6, day: 1)
    c.gender = Gender(sex: "F")
    c.notes = ["one, two; three\nfour"]
    return c
  }

  @Test("2.1 for Outlook: bare types, a TYPE on everything, quoted-printable UTF-8")
  func outlook21() throws {
    let (text, diagnostics) = try writeCards([Self.sample], version: "2.1", target: "outlook")
    #expect(text.contains("TEL;VOICE:+1 555 0100\r\n"))
    #expect(text.contains("EMAIL;INTERNET:zoe@example.com\r\n"))
    #expect(text.contains("URL;WORK:https://example.com\r\n"))
    #expect(text.contains("ADR;POSTAL;ENCODING=QUOTED-PRINTABLE:;;1 Main St=0D=0AApt 2;Springfield;;;\r\n"))
    #expect(text.contains("N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Ng;Zo=C3=AB;;;\r\n"))
    #expect(text.contains("BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29\r\n"))
    // Outlook's own name for it (MS-OXVCARD; Outlook's exports in the corpus).
    #expect(text.contains("\r\nX-MS-ANNIVERSARY:2010-06-01\r\n"))
    #expect(diagnostics.contains { $0.severity == .note && $0.message.contains("X-MS-ANNIVERSARY") })
    #expect(diagnostics.contains { $0.severity == .note && $0.message.contains("X-GENDER") })
    // X-GENDER spells the sex out, as its writers do; ferry reads it back as F.
    #expect(text.contains("X-GENDER:Female\r\n"))
    var reader = VCardReader(input: ByteInput(string: text), diagnostics: .ignore)
    let back = try reader.collect()
    #expect(back.first?.contact?.gender == Gender(sex: "F"))
    #expect(try writeCards([Self.sample], version: "4.0").text.contains("GENDER:F\r\n"))
  }

  @Test("2.1 writes a service with two property names under one name, the same in every run")
  func imNames21() throws {
    var c = Contact()
    c.formattedName = "I"
    c.instantMessaging = [
      IMHandle(service: "gtalk", handle: "g@example.com"), IMHandle(service: "skype", handle: "sk"),
      IMHandle(service: "msn", handle: "m@example.com"),
    ]
    let text = try writeCards([c], version: "2.1").text
    // The first name listed for each service; a dictionary's order once made this vary by run.
    #expect(text.contains("\r\nX-GOOGLE-TALK:g@example.com\r\n"))
    #expect(text.contains("\r\nX-SKYPE:sk\r\n"))
    #expect(text.contains("\r\nX-MSN:m@example.com\r\n"))
    #expect(!text.contains("X-GTALK") && !text.contains("X-SKYPE-USERNAME") && !text.contains("X-MS-IMADDRESS"))
  }

  @Test("full birthdays are written zero-padded in 3.0 and 4.0, whatever the year's size")
  func fullDates() throws {
    let cases = [
      (1980, 4, 2, "1980-04-02", "19800402"), (5, 12, 31, "0005-12-31", "00051231"),
      (980, 10, 9, "0980-10-09", "09801009"), (12345, 10, 9, "12345-10-09", "123451009"),
    ]
    for (year, month, day, v30, v40) in cases {
      var c = Contact()
      c.formattedName = "D"
      c.birthday = PartialDate(year: year, month: month, day: day)
      #expect(try writeCards([c], version: "3.0").text.contains("\r\nBDAY:\(v30)\r\n"))
      #expect(try writeCards([c], version: "4.0").text.contains("\r\nBDAY:\(v40)\r\n"))
    }
  }

  @Test("3.0 for Google writes yearless birthdays with dashes; 4.0 writes --MMDD")
  func yearless() throws {
    #expect(try writeCards([Self.sample], version: "3.0", target: "google").text.contains("BDAY:--02-29\r\n"))
    let v4 = try writeCards([Self.sample], version: "4.0").text
    #expect(v4.contains("BDAY:--0229\r\n"))
    #expect(v4.contains("ANNIVERSARY:20100601\r\n"))
    #expect(v4.contains("GENDER:F\r\n"))
    #expect(v4.contains("NOTE:one\\, two\\; three\\nfour\r\n"))
  }

  @Test("3.0 for Outlook states CHARSET=UTF-8 on non-ASCII values")
  func outlook30() throws {
    let text = try writeCards([Self.sample], version: "3.0", target: "outlook").text
    #expect(text.contains("N;CHARSET=UTF-8:Ng;Zoë;;;\r\n"))
  }

  @Test("iCloud: no 2.1, photos over 224 KB left out, CRM fields stripped, FN made up")
  func icloud() throws {
    var c = Self.sample
    c.photo = .data(Array(repeating: 7, count: 300 * 1024), mediaType: "image/jpeg")
    c.source = SourceIdentity(system: "salesforce", objectType: "Contact", recordId: "003000000000001AAA")
    c.raw = [RawProperty(name: "X-SALESFORCE-ID", value: "1", origin: "vcard")]
    let (text, diagnostics) = try writeCards([c], version: "2.1", target: "icloud")
    #expect(text.contains("VERSION:3.0\r\n"))
    #expect(!text.contains("PHOTO"))
    #expect(!text.contains("X-FERRY"))
    #expect(!text.contains("X-SALESFORCE"))
    #expect(!text.contains("QUOTED-PRINTABLE"))
    #expect(text.contains("FN:Zoë Ng\r\n"))
    #expect(diagnostics.contains { $0.severity == .warning && $0.message.contains("224 KB") })
    #expect(diagnostics.contains { $0.message.contains("does not import vCard 2.1") })
  }

  @Test("CRM fields survive a generic round trip")
  func crm() throws {
    var c = Self.sample
    c.formattedName = "Zoë Ng"
    c.source = SourceIdentity(system: "salesforce", objectType: "Contact", recordId: "003000000000001AAA")
    c.owner = Owner(id: "005000000000001AAA", name: "Rita Rep", email: "rita@example.com")
    c.accountId = "001000000000001AAA"
    c.created = Timestamp(text: "2024-01-31T15:00:00Z")
    for version in VCardVersion.allCases {
      let (text, _) = try writeCards([c], version: version.rawValue)
      let back = try readCards(Array(text.utf8)).contacts
      #expect(back.first?.source == c.source)
      #expect(back.first?.owner == c.owner)
      #expect(back.first?.accountId == c.accountId)
      #expect(back.first?.created == c.created)
    }
  }

  @Test("folding keeps physical lines at 75 octets and UTF-8 sequences whole")
  func folding() throws {
    var c = Contact()
    c.formattedName = String(repeating: "é", count: 100)
    c.notes = [String(repeating: "ab€", count: 60)]
    for version in ["3.0", "4.0"] {
      let text = try writeCards([c], version: version).text
      for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
        #expect(line.utf8.count <= 75)
      }
      #expect(try readCards(text).contacts.first?.formattedName == c.formattedName)
      #expect(try readCards(text).contacts.first?.notes == c.notes)
    }
  }

  @Test("--split writes one safe, unique file per contact")
  func split() throws {
    var a = Contact()
    a.formattedName = "../etc/Jane: Doe"
    var b = a
    b.emails = [EmailAddress("b@example.com")]
    var options = WriteOptions(variant: "2.1", target: "outlook")
    options.vcard.splitDirectory = "cards"
    let destination = OutputDestination(memoryNamed: "cards")
    var writer = try VCardWriter(destination: destination, options: options, diagnostics: .ignore)
    try writer.write(.contact(a))
    try writer.write(.contact(b))
    try writer.finish()
    #expect(destination.memoryOutputs.map(\.name) == ["_etc_Jane_ Doe.vcf", "_etc_Jane_ Doe (2).vcf"])
    #expect(destination.memoryOutputs[1].output.text.contains("b@example.com"))
  }

  @Test("Apple's item2.X-ABADR stays in its address's group, in every version and through NDJSON's model")
  func appleAddressGroup() throws {
    let card = """
      BEGIN:VCARD\r
      VERSION:3.0\r
      FN:Jane Doe\r
      item1.TEL:905-222-1234\r
      item1.X-ABLabel:AssistantPhone\r
      item2.ADR;type=HOME:;;Silicon Alley 5;New York;NY;12345;USA\r
      item2.X-ABADR:us\r
      item3.ADR;type=WORK:;;Rue 4;Paris;;75001;France\r
      item3.X-ABADR:fr\r
      ADR;type=OTHER:;;Elm 1;Springfield;;;\r
      END:VCARD\r

      """
    let read = try readCards(card)
    let contact = try #require(read.contacts.first)
    #expect(contact.addresses.map(\.group) == ["item2", "item3", nil])
    for version in ["3.0", "4.0"] {
      let text = try writeCards([contact], version: version).text
      let lines = text.components(separatedBy: "\r\n")
      // Each X-ABADR follows the address it was written with, in the same group.
      for (group, street) in [("item2", "Silicon Alley 5"), ("item3", "Rue 4")] {
        let adr = lines.first { $0.contains(street) } ?? ""
        #expect(adr.hasPrefix("\(group).ADR"), "\(version): \(adr)")
        #expect(lines.contains { $0.hasPrefix("\(group).X-ABADR:") }, "\(version)")
      }
      #expect(lines.contains { $0.hasPrefix("ADR") && $0.contains("Elm 1") }, "\(version): \(text)")
      // The phone's label took a fresh group that collides with neither.
      let tel = lines.first { $0.contains("TEL") } ?? ""
      let telGroup = tel.split(separator: ".").first.map(String.init) ?? ""
      #expect(!["item2", "item3"].contains(telGroup), "\(tel)")
      #expect(lines.contains("\(telGroup).X-ABLabel:AssistantPhone"), "\(text)")
      let again = try #require(try readCards(text).contacts.first)
      #expect(again.addresses.map(\.group) == ["item2", "item3", nil])
    }
  }
}
