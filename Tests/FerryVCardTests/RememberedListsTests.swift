import FerryContentLines
import FerryModel
import Testing

@testable import FerryVCard

/// What the vCard reader and writer remember from one card to the next, by the identity of
/// a list: the types gathered from a parameter list (`TypeLists.typesAndPreference(of:gather:)`)
/// and the 3.0 heads written for a list of types (`CardEncoder.Heads`). Cards read or written
/// together must give what each gives alone, however the lists repeat, collide in the tables
/// and are replaced.
@Suite("vCard remembered lists")
struct RememberedListsTests {
  /// More parameter lists than `TypeLists` has slots, with PREF=n, bare 2.1 types, repeats
  /// and lists that differ only in case or order.
  static let parameterLists: [String] = {
    var out: [String] = []
    let types = ["WORK", "home", "CELL", "VOICE", "fax", "INTERNET", "x-custom", "Pager", "PREF"]
    for a in types.indices {
      for b in types.indices where b != a {
        out.append(";TYPE=\(types[a]),\(types[b])")
      }
      out.append(";TYPE=\(types[a])")
      out.append(";TYPE=\(types[a]);PREF=\(a + 1)")
      out.append(";PREF=\(a + 1);TYPE=\(types[a])")
    }
    out += [";WORK;VOICE", ";HOME", ";TYPE=work;TYPE=home", ";X-OTHER=1", ""]
    return out
  }()

  /// Card `i`: a few properties whose parameter lists come from `parameterLists` in an order
  /// that revisits some lately and others long after.
  static func card(_ i: Int) -> String {
    let lists = parameterLists
    func list(_ k: Int) -> String { lists[(i &* 7 &+ k &* 13 &+ (i / 5) &* 3) % lists.count] }
    return """
      BEGIN:VCARD\r
      VERSION:3.0\r
      FN:Person \(i)\r
      EMAIL\(list(0)):p\(i)@example.com\r
      TEL\(list(1)):+1 555 \(i)\r
      TEL\(list(0)):+1 556 \(i)\r
      ADR\(list(2)):;;\(i) Main Street;Town;;;\r
      URL\(list(1)):https://example.com/\(i)\r
      END:VCARD\r

      """
  }

  @Test("types read with the lists of other cards are the types each card reads alone, and the plain ones")
  func typesAcrossCards() throws {
    let count = 600
    let text = (0..<count).map(Self.card).joined()
    let (together, diagnostics) = try readCards(text)
    #expect(together.count == count)
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    for i in 0..<count {
      let alone = try #require(try readCards(Self.card(i)).contacts.first)
      let c = together[i]
      #expect(c.emails.map(\.types) == alone.emails.map(\.types), "card \(i)")
      #expect(c.emails.map(\.preference) == alone.emails.map(\.preference), "card \(i)")
      #expect(c.phones.map(\.types) == alone.phones.map(\.types), "card \(i)")
      #expect(c.phones.map(\.preference) == alone.phones.map(\.preference), "card \(i)")
      #expect(c.addresses.map(\.types) == alone.addresses.map(\.types), "card \(i)")
      #expect(c.urls.map(\.types) == alone.urls.map(\.types), "card \(i)")
      #expect(c.urls.map(\.preference) == alone.urls.map(\.preference), "card \(i)")
    }
    // And against the types spelt out plainly from the line itself.
    let lines = Self.parameterLists.map { list in "TEL\(list):1" }
    for line in lines {
      let collector = DiagnosticCollector()
      var lineReader = ContentLineReader(
        input: ByteInput(bytes: Array((line + "\r\n").utf8), name: "t"), diagnostics: collector.sink)
      let parsed = try #require(try lineReader.next())
      let reference = CodecFastPathTests.referenceTypes(parsed)
      let (cards, _) = try readCards("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n\(line)\r\n\(line)\r\nEND:VCARD\r\n")
      let phones = try #require(cards.first?.phones)
      #expect(phones.count == 2)
      for p in phones {
        #expect(p.types == reference.types, "\(line)")
        #expect(p.preference == reference.preference, "\(line)")
      }
    }
  }

  /// Contacts whose type lists are shared arrays (one list for an ADR and a URL, as a reader
  /// gives them) and equal arrays of their own, with and without PREF.
  static func contacts() -> [Contact] {
    let shared: [[String]] = [
      ["work"], ["home"], ["internet", "work"], ["cell"], ["work", "voice"], ["x-custom"], ["home", "fax"],
      ["work", "not a token"], ["", "work"], ["internet", "x400"], ["Wörk"],
    ]
    var out: [Contact] = []
    for i in 0..<500 {
      var c = Contact()
      c.formattedName = "Person \(i)"
      let a = shared[i % shared.count]
      let b = shared[(i / 3) % shared.count]
      // A list of its own, equal to a shared one, now and then.
      let own = i % 4 == 0 ? Array(a) + [] : a
      c.emails = [EmailAddress("p\(i)@example.com", types: a, preference: i % 2 == 0 ? 1 : nil)]
      c.phones = [PhoneNumber("+1 555 \(i)", types: b, preference: i % 3 == 0 ? 1 : nil), PhoneNumber("+1 556", types: own)]
      c.addresses = [PostalAddress(street: "\(i) Main Street", locality: "Town", types: a)]
      c.urls = [LabeledValue("https://example.com/\(i)", types: a, preference: i % 5 == 0 ? 1 : nil)]
      out.append(c)
    }
    return out
  }

  @Test("heads written with other cards are the heads each card gets alone", arguments: ["generic", "google", "icloud", "carddav"])
  func headsAcrossCards(target: String) throws {
    let contacts = Self.contacts()
    let (together, _) = try writeCards(contacts, version: "3.0", target: target)
    let cards = together.components(separatedBy: "BEGIN:VCARD\r\n").dropFirst().map { "BEGIN:VCARD\r\n" + $0 }
    #expect(cards.count == contacts.count)
    for (i, c) in zip(cards.indices, contacts) {
      let alone = try writeCards([c], version: "3.0", target: target).text
      #expect(cards[i] == alone, "card \(i)")
    }
    #expect(together.contains("EMAIL;TYPE=WORK,PREF:p0@example.com"))
    #expect(together.contains("EMAIL;TYPE=INTERNET,WORK,PREF:p2@example.com"))
    #expect(together.contains("ADR;TYPE=WORK:;;0 Main Street;Town;;;"))
    #expect(together.contains("URL;TYPE=WORK,PREF:https://example.com/0"))
  }
}
