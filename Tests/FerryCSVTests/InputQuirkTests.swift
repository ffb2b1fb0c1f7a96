import FerryCSV
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// Spreadsheet habits in real CSV files: Excel's `sep=` line, repeated header columns,
/// spaces around e-mail addresses; and the mapping writer's account of what it could not place.
@Suite("CSV input quirks")
struct InputQuirkTests {
  @Test("Excel's sep= line names the delimiter and is no header; later lines keep their numbers")
  func excelSeparatorLine() throws {
    let result = read(try fixture("excel-sep-line.csv"))
    #expect(result.error == nil)
    let c = try #require(result.records.first?.contact)
    #expect(c.name.given == "Jörg" && c.name.family == "Weiß")
    #expect(c.emails.map(\.address) == ["jw@example.de"])
    #expect(c.raw.isEmpty)
    // The Windows-1252 row is line 3 of the file, and is reported there.
    let encoding = try #require(result.diagnostics.first { $0.code == "encoding" })
    #expect(encoding.location?.line == 3)
  }

  @Test(
    "sep= lines: quoted, repeated delimiters, any case, chunked",
    arguments: [
      ("sep=;\r\nFirst Name;Last Name;E-mail Address\r\nAna;Lima;a@x.example\r\n", 1),
      ("\"sep=;\"\nFirst Name;Last Name;E-mail Address\nAna;Lima;a@x.example\n", 1),
      ("SEP=\t\nFirst Name\tLast Name\tE-mail Address\nAna\tLima\ta@x.example\n", 1),
      ("sep=;;;\nFirst Name;Last Name;E-mail Address\nAna;Lima;a@x.example\n", 2),
      ("sep=,\nFirst Name,Last Name,E-mail Address\nAna,Lima,a@x.example\n", 3),
    ])
  func separatorLines(_ text: String, chunk: Int) throws {
    let result = read(Array(text.utf8), chunkSize: chunk)
    let c = try #require(result.records.first?.contact)
    #expect(result.records.count == 1)
    #expect(c.name.given == "Ana" && c.emails.map(\.address) == ["a@x.example"])
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
  }

  @Test("a first line that only looks like a hint is the header")
  func notAHint() {
    #expect(Dialect.separatorHint(Array("sep=;x\n".utf8)) == nil)
    #expect(Dialect.separatorHint(Array("separator,Name\n".utf8)) == nil)
    #expect(Dialect.separatorHint(Array("sep=|\n".utf8)) == UInt8(ascii: "|"))
  }

  @Test("a repeated e-mail column is reported and read as the next e-mail slot")
  func repeatedColumnNextSlot() throws {
    let result = read(try fixture("outlook-repeated-email-column.csv"))
    let c = try #require(result.records.first?.contact)
    #expect(c.emails.map(\.address) == ["ben@a.example", "ben@b.example"])
    #expect(c.raw.isEmpty)
    let warning = try #require(result.diagnostics.first { $0.code == "header" })
    #expect(warning.message.contains("\"E-mail Address\" appears twice in the header (fields 3 and 4)"))
    #expect(warning.message.contains("read as \"E-mail 2 Address\""))
    let (bytes, _) = try write(result.records, variant: "outlook")
    let table = try rows(bytes)
    let header = table[0]
    let second = try #require(header.firstIndex(of: "E-mail 2 Address"))
    #expect(table[1][second] == "ben@b.example")
  }

  @Test("a repeated column with no further slot is kept, and written back as a column of its own")
  func repeatedColumnRoundTrip() throws {
    let result = read(try fixture("hubspot-repeated-phone-column.csv"))
    let c = try #require(result.records.first?.contact)
    #expect(c.phones.map(\.number) == ["+1 1"])
    #expect(c.raw.map(\.value) == ["+1 2"])
    #expect(result.diagnostics.contains { $0.code == "header" && $0.message.contains("(fields 5 and 6)") })
    let (bytes, diagnostics) = try write(result.records, variant: "hubspot")
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    let table = try rows(bytes)
    let columns = table[0].enumerated().filter { $0.element == "Phone Number" }.map(\.offset)
    #expect(columns.count == 2)
    // Both values come back, the second unprotected: it is a phone column too.
    #expect(columns.map { table[1][$0] } == ["+1 1", "+1 2"])
    let again = read(bytes)
    #expect(again.records.first?.contact?.phones.map(\.number) == ["+1 1"])
    #expect(again.records.first?.contact?.raw.map(\.value) == ["+1 2"])
  }

  @Test("spaces around e-mail addresses are trimmed, silently")
  func emailTrimmed() throws {
    let result = read(try fixture("outlook-email-spaces.csv"))
    #expect(result.records.first?.contact?.emails.map(\.address) == ["ana@example.com"])
    #expect(result.diagnostics.isEmpty)
    let mapped = read(Array("Name,Mail\nAna, ana@example.com\u{00A0}\n".utf8)) { $0.csv.mappingFile = nil }
    #expect(mapped.records.first?.contact?.emails.map(\.address) == ["ana@example.com"])
  }

  @Test("the mapping writer reports what has no column: to its notes column when it has one, else dropped")
  func mappingOverflow() throws {
    let card = try String(contentsOfFile: Fixtures.path("csv/many-slots.vcf"), encoding: .utf8)
    var c = Contact()
    c.formattedName = "Pat Fax"
    for line in card.split(separator: "\n") where line.hasPrefix("EMAIL:") { c.emails.append(EmailAddress(String(line.dropFirst(6)))) }
    c.phones = [PhoneNumber("+1 212 555 0001", types: ["work"]), PhoneNumber("+1 212 555 0002", types: ["home", "fax"])]
    c.addresses = [
      PostalAddress(street: "1 A St", locality: "NYC", types: ["work"]), PostalAddress(street: "2 B St", locality: "NYC", types: ["work"]),
    ]
    // No notes column: every value left over is dropped, and the message says so.
    let (bytes, diagnostics) = try write([.contact(c)], variant: nil) { $0.csv.mappingFile = Fixtures.path("csv/small-mapping.yaml") }
    #expect(try rows(bytes)[1] == ["", "Pat Fax", "a@x.example", "+1 212 555 0001"])
    let overflow = diagnostics.filter { $0.code == "overflow" }.map(\.message)
    #expect(overflow.count == 4)  // three e-mails and the fax; addresses have no column at all
    #expect(overflow.allSatisfy { $0.hasSuffix("which has no notes column; dropped") })
    #expect(!overflow.contains { $0.contains("moved to Notes") })
    // With a notes column: they go there, each said.
    let withNotes = try write([.contact(c)], variant: nil) { $0.csv.mappingFile = Fixtures.path("coverage/eu-mapping.yaml") }
    let table = try rows(withNotes.bytes)
    let notes = try #require(table[0].firstIndex(of: "Notiz"))
    #expect(table[1][notes].contains("e-mail: a@x.example"))
    #expect(table[1][notes].contains("address: 2 B St, NYC"))
    #expect(withNotes.diagnostics.contains { $0.message == "address \"2 B St, NYC\" has no free slot in csv:mapping; moved to Notes" })
  }
}

@Suite("Outlook CSV: Profession and Language")
struct OutlookProfessionTests {
  @Test("vCard ROLE is Outlook's Profession, languages its Language, both ways")
  func professionAndLanguage() throws {
    var c = Contact()
    c.name = PersonName(given: "Ada", family: "Lovelace")
    c.role = "Programmer"
    c.languages = ["en", "fr"]
    let (bytes, diagnostics) = try write([.contact(c)], variant: "outlook")
    #expect(diagnostics.isEmpty)
    let table = try rows(bytes)
    let profession = try #require(table[0].firstIndex(of: "Profession"))
    let language = try #require(table[0].firstIndex(of: "Language"))
    #expect(table[1][profession] == "Programmer")
    #expect(table[1][language] == "en;fr")
    let back = try #require(read(bytes).records.first?.contact)
    #expect(back.role == "Programmer" && back.languages == ["en", "fr"])
  }
}
