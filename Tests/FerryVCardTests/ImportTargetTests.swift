import Foundation
import FerryModel
import Testing

/// What the address books `--for` names read from a vCard (each test failed before its fix).
@Suite("vCard import targets")
struct ImportTargetTests {
  @Test("an address with only its formatted text fills ADR's street for targets that ignore LABEL", arguments: ["outlook", "google", "exchange", "icloud"])
  func labelOnlyAddressFillsADR(target: String) throws {
    var c = Contact()
    c.formattedName = "Ada Byron"
    c.name = PersonName(given: "Ada", family: "Byron")
    c.addresses = [PostalAddress(types: ["home"], label: "12 St James Sq\nLondon SW1Y 4JH\nUK")]
    let (text, _) = try writeCards([c], version: "3.0", target: target)
    // Gmail's own export writes such an address in ADR's street: `ADR;TYPE=HOME:;;123 Home St\nHome City\, HM 12345;;;;`.
    #expect(text.contains("ADR;TYPE=HOME:;;12 St James Sq\\nLondon SW1Y 4JH\\nUK;;;;\r\n"))
    let back = try readCards(text).contacts
    #expect(back.first?.addresses.first?.street == "12 St James Sq\nLondon SW1Y 4JH\nUK")
  }

  @Test("generic output keeps RFC form: an empty ADR beside the LABEL")
  func genericKeepsLabel() throws {
    var c = Contact()
    c.formattedName = "Ada Byron"
    c.addresses = [PostalAddress(types: ["home"], label: "12 St James Sq")]
    let (text, _) = try writeCards([c], version: "3.0")
    #expect(text.contains("ADR;TYPE=HOME:;;;;;;\r\n"))
    #expect(text.contains("LABEL;TYPE=HOME:12 St James Sq\r\n"))
  }

  @Test("vCard 2.1 for Outlook leaves ; and \\ in single values as they are, and still escapes structured ones")
  func outlookSingleValuesUnescaped() throws {
    var c = Contact()
    c.formattedName = "Ann Lee"
    c.name = PersonName(given: "Ann", family: "Lee; Jr")
    c.title = "Sales; EMEA"
    c.notes = ["Prefers e-mail, not calls; speaks German"]
    let (outlook, _) = try writeCards([c], version: "2.1", target: "outlook")
    // As Outlook writes NOTE itself (corpus outlook__ez-vcard__John_Doe_MS_OUTLOOK.vcf:
    // `… SERVICES; LOSS OF USE …`); Outlook 2010 shows `\;` with its backslash.
    #expect(outlook.contains("NOTE:Prefers e-mail, not calls; speaks German\r\n"))
    #expect(outlook.contains("TITLE:Sales; EMEA\r\n"))
    #expect(outlook.contains("N:Lee\\; Jr;Ann;;;\r\n"))
    let back = try readCards(outlook).contacts.first
    #expect(back?.notes == c.notes)
    #expect(back?.title == c.title)
    #expect(back?.name.family == "Lee; Jr")
    // Other 2.1 consumers keep the escapes.
    let (generic, _) = try writeCards([c], version: "2.1")
    #expect(generic.contains("NOTE:Prefers e-mail, not calls\\; speaks German\r\n"))
  }

  @Test("vCard 2.1 text lines are not folded: a 2.1 reader unfolds the RFC 822 way and would put a space into the word")
  func noFoldingIn21() throws {
    let note = String(repeating: "THIS SOFTWARE IS PROVIDED AS IS AND ANY EXPRESS OR IMPLIED WARRANTIES ", count: 3)
    var c = Contact()
    c.formattedName = "John Doe"
    c.name = PersonName(given: "John", family: "Doe")
    c.notes = [note]
    c.related = [RelatedPerson(relation: "manager", value: String(repeating: "Manager Name ", count: 8))]
    for target in ["outlook", "generic"] {
      let (text, _) = try writeCards([c], version: "2.1", target: target == "generic" ? nil : target)
      // As Outlook writes its own NOTE (corpus outlook__ez-vcard__John_Doe_MS_OUTLOOK.vcf, one line).
      #expect(text.contains("\r\nNOTE:" + note + "\r\n"))
      #expect(!text.contains("\r\n "))
      #expect(try readCards(text).contacts.first?.notes == [note])
    }
    // 3.0 still folds at 75 octets.
    let (v30, _) = try writeCards([c], version: "3.0")
    #expect(v30.contains("\r\n "))
  }

  @Test("several cards in one file for Outlook is a warning: Outlook imports the first card only")
  func outlookSeveralCardsWarn() throws {
    var a = Contact()
    a.formattedName = "Ann Lee"
    var b = Contact()
    b.formattedName = "Bob Lee"
    let (_, diagnostics) = try writeCards([a, b], version: "2.1", target: "outlook")
    #expect(diagnostics.contains { $0.severity == .warning && $0.message.hasPrefix("Outlook imports only the first card of a file") })
    let (_, one) = try writeCards([a], version: "2.1", target: "outlook")
    #expect(!one.contains { $0.message.contains("first card") })
  }

  @Test("Outlook and Exchange get Outlook's own X-MS- properties for anniversary, related people and IM", arguments: ["2.1", "3.0"])
  func microsoftExtensions(version: String) throws {
    // The names Outlook exports (corpus outlook__ez-vcard__John_Doe_MS_OUTLOOK.vcf,
    // outlook2007__ez-vcard__outlook-2007.vcf) and MS-OXVCARD documents.
    let (cards, _) = try readCards(Array(try Data(contentsOf: URL(fileURLWithPath: sharedPath("corpus/vcard/outlook__ez-vcard__John_Doe_MS_OUTLOOK.vcf")))))
    var c = try #require(cards.first)
    c.related.append(RelatedPerson(relation: "spouse", value: "Jane Doe"))
    c.instantMessaging.append(IMHandle(service: "skype", handle: "john.doe"))
    for target in ["outlook", "exchange"] {
      let (text, diagnostics) = try writeCards([c], version: version, target: target)
      for line in ["X-MS-ANNIVERSARY:2011-01-13", "X-MS-MANAGER:Big Blue", "X-MS-ASSISTANT:Jenny", "X-MS-SPOUSE:Jane Doe",
        "X-MS-IMADDRESS:johny5@aol.com", "X-MS-IMADDRESS:john.doe"]
      {
        #expect(text.contains("\r\n" + line + "\r\n"), "\(target) \(version): \(line)")
      }
      #expect(!text.contains("X-ANNIVERSARY:") && !text.contains("\r\nX-MANAGER:"))
      #expect(diagnostics.contains { $0.message.contains("IM service \"skype\"") })
      let back = try #require(try readCards(text).contacts.first)
      #expect(back.anniversary == c.anniversary)
      #expect(Set(back.related) == Set(c.related))
    }
    // Other targets keep the names Apple and Evolution read.
    let google = try writeCards([c], version: version, target: version == "2.1" ? nil : "google").text
    #expect(google.contains("X-ANNIVERSARY:2011-01-13") && google.contains("X-MANAGER:Big Blue"))
  }

  @Test("Outlook's phone kinds without a vCard TEL type are X-MS-TEL, as MS-OXVCARD and Outlook's exports write them", arguments: ["2.1", "3.0"])
  func microsoftPhones(version: String) throws {
    var c = Contact()
    c.formattedName = "Ann Lee"
    c.phones = [
      PhoneNumber("1", types: ["assistant"]), PhoneNumber("2", types: ["callback"]), PhoneNumber("3", types: ["company"]),
      PhoneNumber("4", types: ["radio"]), PhoneNumber("5", types: ["tty"]), PhoneNumber("6", types: ["car"]),
      PhoneNumber("7", types: ["work"]),
    ]
    let (text, _) = try writeCards([c], version: version, target: "outlook")
    let expected =
      version == "2.1"
      ? ["X-MS-TEL;ASSISTANT:1", "X-MS-TEL;CALLBACK:2", "X-MS-TEL;COMPANY:3", "X-MS-TEL;RADIO:4", "X-MS-TEL;TTYTDD:5", "TEL;CAR:6", "TEL;WORK:7"]
      : ["X-MS-TEL;TYPE=ASSISTANT:1", "X-MS-TEL;TYPE=CALLBACK:2", "X-MS-TEL;TYPE=COMPANY:3", "X-MS-TEL;TYPE=RADIO:4", "X-MS-TEL;TYPE=TTYTDD:5", "TEL;TYPE=CAR:6", "TEL;TYPE=WORK:7"]
    for line in expected { #expect(text.contains("\r\n" + line + "\r\n"), "\(version): \(line)") }
    #expect(try readCards(text).contacts.first?.phones == c.phones)
    // Other targets keep plain TEL.
    #expect(try writeCards([c], version: version).text.contains("TEL;" + (version == "2.1" ? "" : "TYPE=") + "ASSISTANT:1\r\n"))
  }

  @Test("phones Outlook's vCard import drops are warned about (MS-OXVCARD: one number without a kind, two home, two work)")
  func outlookPhoneLint() throws {
    var c = Contact()
    c.formattedName = "Ann Lee"
    c.phones = [PhoneNumber("1"), PhoneNumber("2", types: ["voice"]), PhoneNumber("3", types: ["cell"])]
    let (_, diagnostics) = try writeCards([c], version: "2.1", target: "outlook")
    #expect(diagnostics.contains { $0.code == "overflow" && $0.message.contains("one phone number without a kind (as Other); 1 more") })
    c.phones = (1...3).map { PhoneNumber("\($0)", types: ["work"]) } + [PhoneNumber("4", types: ["work", "fax"])]
    let (_, work) = try writeCards([c], version: "2.1", target: "outlook")
    #expect(work.contains { $0.message.contains("keeps two business phone numbers; 1 more") })
    c.phones = [PhoneNumber("1"), PhoneNumber("2", types: ["work"]), PhoneNumber("3", types: ["home"])]
    let (_, fine) = try writeCards([c], version: "2.1", target: "outlook")
    #expect(!fine.contains { $0.location?.property == "TEL" })
  }
}
