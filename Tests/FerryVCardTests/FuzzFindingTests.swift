import FerryModel
import Testing

@testable import FerryVCard

/// Inputs the fuzzer (`make fuzz FUZZ_TARGET=vcard`) or its slow-input checks found.
@Suite("VCardReader: fuzz findings")
struct VCardFuzzFindingTests {
  @Test("thousands of BEGIN:VCARD lines with no END are read as cards, not nested until the stack runs out")
  func deepNesting() throws {
    let cards = 3000
    let text = String(repeating: "BEGIN:VCARD\r\nFN:x\r\n", count: cards)
    let (contacts, diagnostics) = try readCards(text)
    #expect(contacts.count == cards)
    let deep = diagnostics.filter { $0.message.hasPrefix("BEGIN:VCARD nested more than 8 cards deep") }
    // Cards 1 to 9 nest 0 to 8 deep; the 10th BEGIN (line 19) ends the 9th card, and so on.
    #expect(deep.first?.location?.line == 19)
    #expect(deep.first?.location?.column == 1)
    #expect(deep.count == cards - VCardReader.maximumNesting - 1)
    #expect(contacts.allSatisfy { $0.formattedName == "x" })
  }

  @Test("an AGENT card nested thousands deep stays one raw AGENT value")
  func deepAgent() throws {
    let depth = 3000
    let text =
      "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Boss\r\nAGENT:\r\n" + String(repeating: "BEGIN:VCARD\r\n", count: depth)
      + String(repeating: "END:VCARD\r\n", count: depth) + "TEL:1\r\nEND:VCARD\r\n"
    let (contacts, _) = try readCards(text)
    #expect(contacts.count == 1)
    #expect(contacts.first?.phones.map(\.number) == ["1"])
    #expect(contacts.first?.raw.filter { $0.name == "AGENT" }.count == 1)
  }
}
