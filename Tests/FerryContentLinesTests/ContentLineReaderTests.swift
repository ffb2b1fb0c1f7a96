import FerryContentLines
import FerryModel
import FerryTestSupport
import Testing

private func lines(_ text: String, chunk: Int = 1 << 16, diagnostics: DiagnosticSink = .ignore) throws -> [ContentLine] {
  try lines(Array(text.utf8), chunk: chunk, diagnostics: diagnostics)
}

private func lines(_ bytes: [UInt8], chunk: Int = 1 << 16, diagnostics: DiagnosticSink = .ignore) throws -> [ContentLine] {
  var reader = ContentLineReader(input: ByteInput(bytes: bytes, name: "t.vcf", chunkSize: chunk), diagnostics: diagnostics)
  var out: [ContentLine] = []
  while let line = try reader.next() { out.append(line) }
  return out
}

@Suite("ContentLineReader")
struct ContentLineReaderTests {
  static let sample =
    "\u{FEFF}BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=\r\n=C3=BCrgen;;;\r\n"
    + "TEL;WORK;VOICE:+1 212 555 0100\r\nitem1.EMAIL;type=INTERNET;type=pref:a@b.example\r\n"
    + "item1.X-ABLabel:_$!<Other>!$_\r\nNOTE:line one\\nline two with a long long long long long long long long long lo\r\n"
    + " ng fold\r\n\r\nADR;TYPE=\"work,postal\";LABEL=\"1 Main St^nSuite 2\":;;1 Main St;City;;;\n"
    + "X-EMPTY:\rEND:VCARD"

  @Test("results do not depend on chunk boundaries", arguments: [1, 2, 3, 7, 64, 1 << 16])
  func chunkInvariance(chunk: Int) throws {
    #expect(try lines(Self.sample, chunk: chunk) == (try lines(Self.sample)))
  }

  @Test("reads names, groups, parameters, values and positions")
  func parses() throws {
    let all = try lines(Self.sample)
    #expect(all.map(\.name) == ["BEGIN", "VERSION", "N", "TEL", "EMAIL", "X-ABLABEL", "NOTE", "ADR", "X-EMPTY", "END"])
    #expect(all[2].value == "Müller;Jürgen;;;")
    #expect(all[3].types == ["WORK", "VOICE"])
    #expect(all[3].parameters.allSatisfy { $0.isBare })
    #expect(all[4].group == "item1")
    #expect(all[4].types == ["INTERNET", "PREF"])
    #expect(all[6].value == "line one\\nline two with a long long long long long long long long long long fold")
    #expect(all[7].types == ["WORK", "POSTAL"])
    #expect(all[7].firstParameter("LABEL") == "1 Main St\nSuite 2")
    #expect(all[8].value == "")
    #expect(all[0].location.line == 1)
    #expect(all[3].location.line == 5)
    #expect(all[7].location.line == 11)
    #expect(all[9].location.line == 13)
    #expect(all[3].valueColumn == 16)
  }

  @Test("invalid UTF-8 falls back to Windows-1252 with a positioned warning")
  func fallback() throws {
    let collector = DiagnosticCollector()
    let bytes = Array("BEGIN:VCARD\r\nFN:Andr".utf8) + [0xE9] + Array("\r\nEND:VCARD\r\n".utf8)
    let all = try lines(bytes, diagnostics: collector.sink)
    #expect(all[1].value == "André")
    #expect(collector.diagnostics.count == 1)
    #expect(collector.diagnostics[0].location?.line == 2)
    #expect(collector.diagnostics[0].location?.column == 4)
  }

  @Test("named charsets decode raw bytes")
  func charsets() throws {
    let latin1 = Array("FN;CHARSET=ISO-8859-1:Jos".utf8) + [0xE9] + [0x0D, 0x0A]
    #expect(try lines(latin1)[0].value == "José")
    let sjis = Array("N;CHARSET=SHIFT_JIS:".utf8) + [0x88, 0xC0, 0x93, 0xA1] + [0x0D, 0x0A]
    #expect(try lines(sjis)[0].value == "安藤")
  }

  @Test("a line with no colon is reported and skipped")
  func noColon() throws {
    let collector = DiagnosticCollector()
    let all = try lines("BEGIN:VCARD\nthis is junk\nEND:VCARD\n", diagnostics: collector.sink)
    #expect(all.map(\.name) == ["BEGIN", "END"])
    #expect(collector.diagnostics.first?.location?.line == 2)
  }

  @Test("NUL bytes are removed with a warning")
  func nul() throws {
    let collector = DiagnosticCollector()
    let all = try lines(Array("FN:A".utf8) + [0] + Array("B\n".utf8), diagnostics: collector.sink)
    #expect(all[0].value == "AB")
    #expect(collector.count(.warning) == 1)
  }

  /// Lines with several parameter values, quoted values with text after the closing quote,
  /// folds inside parameters and values, a NUL, and bytes that are not UTF-8 in a
  /// parameter and in a value.
  static let parameterSample: [UInt8] =
    Array("EMAIL;TYPE=INTERNET,WORK,PREF;X-A=\"q;1\"tail,plain:a@b.example\r\n".utf8)
    + Array("TEL;TYPE=WO\r\n RK,VO\r\n\tICE;pref=1:+1 555\r\n 0100\r\n".utf8)
    + Array("NOTE;X-B=Caf".utf8) + [0xE9] + Array(";X-C=\"x^'y\":tw".utf8) + [0] + Array("o\r\n".utf8)
    + Array("FN:Jos".utf8) + [0xE9] + Array("\r\n".utf8)

  @Test("parameter lists, quoted values and folds read the same at every chunk size", arguments: [1, 2, 3, 5, 7, 11])
  func parameterChunks(chunk: Int) throws {
    let collector = DiagnosticCollector()
    let all = try lines(Self.parameterSample, chunk: chunk, diagnostics: collector.sink)
    #expect(all.map(\.name) == ["EMAIL", "TEL", "NOTE", "FN"])
    #expect(all[0].parameter("TYPE") == ["INTERNET", "WORK", "PREF"])
    #expect(all[0].parameter("X-A") == ["q;1tail", "plain"])
    #expect(all[0].value == "a@b.example")
    #expect(all[1].parameter("TYPE") == ["WORK", "VOICE"])
    #expect(all[1].parameter("PREF") == ["1"])
    #expect(all[1].value == "+1 5550100")
    #expect(all[2].parameter("X-B") == ["Café"])
    #expect(all[2].parameter("X-C") == ["x\"y"])
    #expect(all[2].value == "two")
    #expect(all[3].value == "José")
    #expect(all[3].location.line == 7)
    // The NUL, then the value that is not UTF-8 (positioned at the value, named by property).
    #expect(collector.diagnostics.map(\.code) == ["encoding", "encoding"])
    #expect(collector.diagnostics[1].message.contains("value of FN is not valid UTF-8"))
    #expect(collector.diagnostics[1].location?.line == 7)
    #expect(collector.diagnostics[1].location?.column == 4)
    #expect(collector.diagnostics[1].location?.property == "FN")
    #expect(all == (try lines(Self.parameterSample)))
  }

  /// Every kind of line the reader takes where it lies in its buffer, next to every kind it
  /// must not: a value ending in `=` without quoted-printable, a quoted-printable soft break,
  /// lone CR and LF line ends, blank lines (one inside a fold), a line starting with white
  /// space after a blank line, a NUL, a line without a colon, an empty parameter, a last
  /// line without a line end.
  static let bufferedSample: [UInt8] =
    Array("BEGIN:VCARD\r\nNOTE:ends in =\r\nN;ENCODING=QUOTED-PRINTABLE:a=\r\nb;;;\r\n".utf8)
    + Array("TEL;TYPE=CELL:1\rEMAIL:a@b.example\nitem2.URL:x\r\n\r\n  FN:Indented\r\n".utf8)
    + Array("UID:x\r\n\r\n :y\r\njunk line\r\nTITLE;;X=1:t\r\nROLE:r".utf8) + [0] + Array("s\r\nEND:VCARD".utf8)

  @Test("lines read in the buffer and lines read through the slow path agree", arguments: [1, 2, 3, 5, 8, 13, 1 << 16])
  func bufferedLines(chunk: Int) throws {
    func read(_ chunk: Int) throws -> ([ContentLine], [String]) {
      let collector = DiagnosticCollector()
      let all = try lines(Self.bufferedSample, chunk: chunk, diagnostics: collector.sink)
      return (all, collector.diagnostics.map { "\($0.severity) \($0.location?.description ?? "") \($0.message)" })
    }
    // One byte per chunk never has the next line buffered, so every line takes the slow path.
    let (expected, expectedDiagnostics) = try read(1)
    let (all, diagnostics) = try read(chunk)
    #expect(all == expected)
    #expect(diagnostics == expectedDiagnostics)
    #expect(all.map(\.name) == ["BEGIN", "NOTE", "N", "TEL", "EMAIL", "URL", "UID", "TITLE", "ROLE", "END"])
    #expect(all[1].value == "ends in =")
    #expect(all[2].value == "ab;;;")
    #expect(all[5].group == "item2")
    // A blank line, then white space: the continuation joins the line before the blank one.
    #expect(all[5].value == "x FN:Indented")
    #expect(all[6].value == "x:y")
    #expect(all[8].value == "rs")
    #expect(all.map(\.location.line) == [1, 2, 3, 5, 6, 7, 10, 14, 15, 16])
    #expect(diagnostics.count == 4)
  }

  @Test("a default charset decodes values that name none")
  func defaultCharset() throws {
    let bytes = Array("FN:Jos".utf8) + [0xE9] + Array("\r\nN:plain\r\n".utf8)
    let collector = DiagnosticCollector()
    var reader = ContentLineReader(input: ByteInput(bytes: bytes, name: "t.vcf", chunkSize: 3), diagnostics: collector.sink)
    reader.defaultCharset = "ISO-8859-1"
    #expect(try reader.next()?.value == "José")
    #expect(try reader.next()?.value == "plain")
    #expect(try reader.next() == nil)
    #expect(collector.diagnostics.isEmpty)
  }

  @Test("a parameter made with one value and further ones equals one made from the list")
  func parameterValues() {
    var p = ContentParameter(name: "TYPE", value: "WORK", more: ["VOICE"])
    #expect(p == ContentParameter(name: "TYPE", values: ["WORK", "VOICE"]))
    #expect(p.values == ["WORK", "VOICE"])
    #expect(p.valueCount == 2)
    var seen: [String] = []
    p.forEachValue { seen.append($0) }
    #expect(seen == ["WORK", "VOICE"])
    p.values = ["HOME"]
    #expect(p == ContentParameter(name: "TYPE", value: "HOME"))
    #expect(p.firstValue == "HOME")
    p.values = []
    #expect(p.firstValue == nil && p.values.isEmpty && p.valueCount == 0)
    #expect(p == ContentParameter(name: "TYPE", values: []))
  }

  /// Lines whose parameter lists repeat (`ParameterLists` hands the second one the list
  /// parsed for the first): each reads as it does alone, in a reader that has seen no other.
  @Test("a repeated parameter list reads as it does the first time")
  func repeatedParameterLists() throws {
    let text = [
      "DTSTART;TZID=America/New_York:20250101T090000",
      "DTEND;TZID=America/New_York:20250101T100000",
      "EMAIL;TYPE=INTERNET,WORK,PREF:a@example.com",
      "TEL;TYPE=INTERNET,WORK,PREF:+1 555 0100",
      "EMAIL;type=internet,work,pref:b@example.com",
      "TEL;WORK;VOICE:+1 555 0101",
      "TEL;WORK;VOICE:+1 555 0102",
      "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;;;;",
      "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller",
      "LABEL;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:1 Main St=0D=0ASuite 2",
      "ADR;TYPE=\"work,postal\";LABEL=\"a^nb\":;;1 Main St;;;;",
      "ADR;TYPE=\"work,postal\";LABEL=\"a^nb\":;;2 Main St;;;;",
      "ATTENDEE;CN=Lee Example;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:lee@example.com",
      "ATTENDEE;CN=Lee Example;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:lee@example.com",
      "ATTENDEE;CN=Lee Example;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED:mailto:lee@example.com",
      "X-LONG;\(String(repeating: "P=v;", count: 60))Q=w:long list, not kept",
      "X-LONG;\(String(repeating: "P=v;", count: 60))Q=w:long list, not kept",
    ]
    let together = try lines(text.joined(separator: "\r\n") + "\r\n")
    let alone = try text.map { try lines($0 + "\r\n")[0] }
    #expect(together.count == alone.count)
    for (a, b) in zip(together, alone) {
      #expect(a.name == b.name)
      #expect(a.parameters == b.parameters, "\(a.name)")
      #expect(a.value == b.value, "\(a.name)")
    }
    #expect(together[1].firstParameter("TZID") == "America/New_York")
    #expect(together[3].types == ["INTERNET", "WORK", "PREF"])
    #expect(together[4].types == ["INTERNET", "WORK", "PREF"])
    #expect(together[8].value == "Jürgen Müller")
    #expect(together[14].firstParameter("PARTSTAT") == "DECLINED")
  }

  /// A list read with a warning is not kept: the next line with it gets the warning too.
  @Test("a parameter list with a warning is warned about on every line")
  func repeatedWarnings() throws {
    let collector = DiagnosticCollector()
    let read = try lines("X-A;;TYPE=WORK:one\r\nX-A;;TYPE=WORK:two\r\nX-A;;TYPE=WORK:three\r\n", diagnostics: collector.sink)
    #expect(read.map(\.value) == ["one", "two", "three"])
    #expect(read.allSatisfy { $0.parameters == [ContentParameter(name: "TYPE", values: ["WORK"])] })
    #expect(collector.diagnostics.map { $0.location?.line } == [1, 2, 3])
  }

  @Test("the same bytes read as a name, a parameter and a value each keep their own spelling")
  func sameBytesInEachPlace() throws {
    let read = try lines("work;work=work:work\r\nWORK;Work=WORK:WORK\r\nwork:work\r\n")
    #expect(read.map(\.name) == ["WORK", "WORK", "WORK"])
    #expect(read.map(\.value) == ["work", "WORK", "work"])
    #expect(read[0].parameters == [ContentParameter(name: "WORK", values: ["work"])])
    #expect(read[1].parameters == [ContentParameter(name: "WORK", values: ["WORK"])])
    #expect(read[2].parameters.isEmpty)
  }
}

@Suite("ContentLineWriter")
struct ContentLineWriterTests {
  @Test("folding never splits UTF-8 and reads back to the same value")
  func foldRoundTrip() throws {
    var rng = SeededGenerator(seed: 42)
    let alphabet = Array("aé😀 ,;:\\b漢")
    for _ in 0..<300 {
      let count = Int.random(in: 0..<400, using: &rng)
      let raw = String((0..<count).map { _ in alphabet.randomElement(using: &rng)! })
      var w = ContentLineWriter()
      w.write(name: "NOTE", parameters: [ContentParameter(name: "X-P", values: ["a:b", "c\"d"])], value: TextEscaping.escape(raw))
      for physical in w.bytes.split(separator: UInt8(ascii: "\n")) {
        #expect(physical.count <= 76)  // 75 + CR
        #expect(String(validating: physical.dropLast(), as: UTF8.self) != nil)
      }
      let back = try lines(w.bytes)
      #expect(back.count == 1)
      #expect(TextEscaping.unescape(back[0].value) == raw)
      #expect(back[0].parameter("X-P") == ["a:b", "c\"d"])
    }
  }

  @Test("quoted-printable values use soft line breaks and read back")
  func quotedPrintable() throws {
    let value = String(repeating: "Grüße aus Köln = schön; ", count: 10)
    var w = ContentLineWriter()
    w.writeQuotedPrintable(
      name: "NOTE",
      parameters: [ContentParameter(name: "ENCODING", values: ["QUOTED-PRINTABLE"]), ContentParameter(name: "CHARSET", values: ["UTF-8"])],
      value: Array(value.utf8))
    for physical in w.bytes.split(separator: UInt8(ascii: "\n")) { #expect(physical.count <= 77) }
    #expect(try lines(w.bytes)[0].value == value)
  }

  @Test("escape and unescape are inverses")
  func escaping() {
    for text in ["a,b;c\\d\ne", "", "plain", "\\n literal", "trailing\\"] {
      #expect(TextEscaping.unescape(TextEscaping.escape(text)) == text)
    }
    #expect(TextEscaping.structured("Doe;John\\;Jr;;") == ["Doe", "John;Jr", "", ""])
    #expect(TextEscaping.list("a\\,b,c") == ["a,b", "c"])
  }
}
