import FerryContentLines
import Testing

@Suite("ContentLineWriter, piece by piece")
struct ContentLineWriterPieceTests {
  static let texts = [
    "", "plain", "a,b;c", "back\\slash", "crlf\r\nline", "lone\rcr", "lf\nline", "\r\n", "\r\r\n\n", "end\\",
    "Grüße, Köln; \r\n∑", ";;,,",
  ]

  @Test("escaping into bytes writes what the escaped string holds")
  func escapeInto() {
    for text in Self.texts {
      for (comma, semicolon) in [(true, true), (false, true), (true, false), (false, false)] {
        var bytes: [UInt8] = [0x41]
        var source = text
        source.withUTF8 { TextEscaping.escape($0, comma: comma, semicolon: semicolon, into: &bytes) }
        #expect(bytes == [0x41] + Array(TextEscaping.escape(text, comma: comma, semicolon: semicolon).utf8))
      }
    }
  }

  @Test("an ASCII parameter value upper-cased as it is written equals the upper-cased value")
  func upperCasing() {
    for value in ["work", "Work,x", "a b", "q\"t", "^x\ny", "pref", "", "x-custom-1"] {
      var cased = ContentLineWriter()
      cased.appendParameterValue(value, first: false, upperCasingASCII: true)
      var upper = ContentLineWriter()
      upper.appendParameterValue(value.uppercased(), first: false)
      #expect(cased.bytes == upper.bytes)
    }
  }

  @Test("a property written piece by piece equals the one written whole")
  func pieces() {
    let long = String(repeating: "Grüße aus Köln, schön; ", count: 8)
    for text in Self.texts + [long] {
      for group in [nil, "", "item1"] as [String?] {
        var whole = ContentLineWriter()
        whole.write(
          group: group, name: "ADR",
          parameters: [
            ContentParameter(name: "TYPE", values: ["WORK", "a b", "q\"t"]), ContentParameter(name: "PREF", values: ["1"]),
            ContentParameter(name: "TYPE", values: ["HOME"], isBare: true),
          ],
          value: TextEscaping.escape(text) + ";" + TextEscaping.escape(long))
        var pieces = ContentLineWriter()
        let start = pieces.beginProperty(group: group, name: "ADR")
        pieces.beginParameter("TYPE")
        for (i, v) in ["WORK", "a b", "q\"t"].enumerated() { pieces.appendParameterValue(v, first: i == 0) }
        pieces.beginParameter("PREF")
        pieces.appendParameterValue("1", first: true)
        pieces.appendParameter(ContentParameter(name: "TYPE", values: ["HOME"], isBare: true))
        pieces.beginValue()
        pieces.appendEscaped(text)
        pieces.appendValue(";")
        pieces.appendEscaped(long)
        pieces.endProperty(from: start)
        #expect(pieces.bytes == whole.bytes)
      }
    }
  }
}
