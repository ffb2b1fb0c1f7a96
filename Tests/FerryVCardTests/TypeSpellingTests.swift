import FerryModel
import Testing

/// The vCard 3.0 writer lays a typed property's head (`group.NAME;TYPE=…:`) out in one piece
/// when every type is a token, and piece by piece otherwise: both must spell the same line.
@Suite("vCard 3.0 TYPE spelling")
struct TypeSpellingTests {
  static let input = [
    "BEGIN:VCARD", "VERSION:3.0", "N:Doe;Jane;;;", "FN:Jane Doe",
    "TEL;TYPE=WORK,\"X-MY TYPE\",VOICE;TYPE=PREF:+1 555 0100", "TEL;TYPE=x-über,cell:+1 555 0101",
    "TEL;TYPE=X-A^^B:+1 555 0102", "item1.EMAIL;TYPE=INTERNET,X400,HOME,PREF:jane@example.com",
    "item1.X-ABLabel:_$!<Assistant>!$_", "item2.EMAIL;TYPE=INTERNET:j2@example.com",
    "item2.X-ABLabel:Custom\\, label", "ADR;TYPE=HOME,\"X Y\":;;1 Main\\; St;Town;;;", "URL:https://example.com",
    "EMAIL:plain@example.com", "END:VCARD",
  ].joined(separator: "\r\n") + "\r\n"

  @Test("tokens, quoted and caret-escaped types, PREF, groups and labels")
  func spelling() throws {
    let (contacts, _) = try readCards(Self.input)
    let (text, diagnostics) = try writeCards(contacts, version: "3.0")
    let expected = [
      "BEGIN:VCARD", "VERSION:3.0", "N:Doe;Jane;;;", "FN:Jane Doe", "ADR;TYPE=HOME,\"X Y\":;;1 Main\\; St;Town;;;",
      "TEL;TYPE=WORK,\"X-MY TYPE\",VOICE,PREF:+1 555 0100", "TEL;TYPE=\"X-ÜBER\",CELL:+1 555 0101",
      "TEL;TYPE=\"X-A^^B\":+1 555 0102", "item1.EMAIL;TYPE=INTERNET,X400,HOME,PREF:jane@example.com",
      "item1.X-ABLabel:_$!<Assistant>!$_", "item2.EMAIL;TYPE=INTERNET:j2@example.com",
      "item2.X-ABLabel:Custom\\, label", "EMAIL:plain@example.com", "URL:https://example.com", "END:VCARD",
    ].joined(separator: "\r\n") + "\r\n"
    #expect(text == expected)
    #expect(diagnostics.isEmpty)
  }

  @Test("4.0 drops INTERNET and X400 from EMAIL and spells types lower-case")
  func version40() throws {
    let (contacts, _) = try readCards(Self.input)
    let (text, _) = try writeCards(contacts, version: "4.0")
    #expect(text.contains("item1.EMAIL;TYPE=home;PREF=1:jane@example.com\r\n"))
    #expect(text.contains("item2.EMAIL:j2@example.com\r\n"))
  }
}
