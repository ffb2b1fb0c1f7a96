import FerryModel
import Testing

@Suite("locations from character positions become UTF-8 byte columns")
struct SourceLocationTextTests {
  typealias Location = FerryModel.SourceLocation

  @Test("a scalar column after non-ASCII text on its line, with LF, CRLF and CR line ends")
  func scalarColumns() {
    for lineEnd in ["\n", "\r\n", "\r"] {
      let text = ["a: 1", "名前: Jürgen, x: 2", "z: 3"].joined(separator: lineEnd)
      // `x` is scalar 13 of line 2; before it, 名前 (6 bytes) and ü (2 bytes).
      let l = Location(file: "f.yaml", text: text, line: 2, scalarColumn: 13)
      #expect(l == Location(file: "f.yaml", line: 2, column: 18), "\(lineEnd.debugDescription)")
      #expect(Location(file: "f.yaml", text: text, line: 3, scalarColumn: 1).column == 1)
    }
  }

  @Test("past the end of a line or the text, the column counts on from what is there")
  func pastTheEnd() {
    // Line 1 is `ab` (2 bytes): scalar column 5 is 3 after its end.
    #expect(Location(file: "f", text: "ab\ncd", line: 1, scalarColumn: 5).column == 5)
    #expect(Location(file: "f", text: "éb\ncd", line: 1, scalarColumn: 5).column == 6)
    #expect(Location(file: "f", text: "ab", line: 4, scalarColumn: 7).column == 7)
  }

  @Test("a character offset: lines and byte columns, a CRLF being one character")
  func characterOffset() {
    let text = "ab\r\nñx\ny"
    // Characters: a b CRLF ñ x LF y → offset 4 is `x`.
    #expect(Location(file: "f", text: text, characterOffset: 4) == Location(file: "f", line: 2, column: 3))
    #expect(Location(file: "f", text: text, characterOffset: 6) == Location(file: "f", line: 3, column: 1))
    #expect(Location(file: "f", text: text, characterOffset: 0) == Location(file: "f", line: 1, column: 1))
  }
}
