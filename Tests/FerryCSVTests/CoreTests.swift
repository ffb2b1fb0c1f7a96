import FerryCSV
import FerryModel
import FerryTestSupport
import Testing

@Suite("CSV syntax core")
struct CoreTests {
  static let tricky = [
    "a,b,c\r\n1,\"x,y\",\"he said \"\"hi\"\"\"\r\n2,\"multi\nline\r\nfield\",z\r\n",
    "a,b\n1,2\n\n\n3,4",
    "a,b\r1,2\r3,\"4\r5\"\r",
    "a;b;c\n\"1;2\";3;4\n",
    "a\tb\n1\t2\n",
    "\u{FEFF}Id,FirstName\n0035g00000AbCdE,Zoë 🎉\n",
    "a,b\n\"unterminated,1\n2,3",
    "a,b,c\n1,2\n1,2,3,4\n",
    "a,b\nx\"y,\"q\"r\n",
  ]

  @Test("identical rows whatever the chunk size", arguments: [1, 2, 3, 7, 64])
  func chunkInvariance(chunk: Int) throws {
    for text in CoreTests.tricky {
      let whole = read(Array(text.utf8), chunkSize: 1 << 20, variant: "salesforce")
      let chunked = read(Array(text.utf8), chunkSize: chunk, variant: "salesforce")
      #expect(whole == chunked, "chunk \(chunk) on \(text.debugDescription)")
    }
  }

  @Test("fixtures read the same in 1, 2, 3, 64-byte chunks and whole")
  func fixtureChunkInvariance() throws {
    for name in [
      "salesforce-contacts.csv", "outlook-contacts.csv", "outlook-contacts-utf16le.csv", "google-contacts.csv",
      "outlook-de-semicolon-cp1252.csv", "hubspot-contacts.csv", "exchange-contacts.csv", "bad/ragged.csv",
      "bad/unterminated-quote.csv", "bad/invalid-utf8.csv",
    ] {
      let bytes = try fixture(name)
      let whole = read(bytes, chunkSize: bytes.count + 1)
      #expect(!whole.records.isEmpty, "\(name)")
      for chunk in [1, 2, 3, 64] {
        #expect(read(bytes, chunkSize: chunk) == whole, "\(name) in \(chunk)-byte chunks")
      }
    }
  }

  @Test func quotedFieldsAndLineEnds() throws {
    let r = try rows(Array(CoreTests.tricky[0].utf8))
    #expect(r == [["a", "b", "c"], ["1", "x,y", "he said \"hi\""], ["2", "multi\nline\r\nfield", "z"]])
    #expect(try rows(Array(CoreTests.tricky[1].utf8)) == [["a", "b"], ["1", "2"], ["3", "4"]])
    #expect(try rows(Array(CoreTests.tricky[2].utf8)) == [["a", "b"], ["1", "2"], ["3", "4\r5"]])
  }

  @Test func lineNumbersCountPhysicalLines() throws {
    let reader = try CSVRowReader(
      input: ByteInput(string: "h1,h2\r\n\"a\nb\",c\r\nd,e\r\n"), delimiter: nil, encodingName: nil, diagnostics: .ignore)
    #expect(try reader.next()?.line == 1)
    #expect(try reader.next()?.line == 2)
    #expect(try reader.next()?.line == 4)
  }

  @Test func sniffsDelimiters() {
    #expect(Dialect.sniff(Array("a;b;c\n1;2;3\n".utf8)) == UInt8(ascii: ";"))
    #expect(Dialect.sniff(Array("a\tb\tc\n1\t2\t3\n".utf8)) == UInt8(ascii: "\t"))
    #expect(Dialect.sniff(Array("a,b,c\n1,2,3\n".utf8)) == UInt8(ascii: ","))
    // Commas inside quotes do not count.
    #expect(Dialect.sniff(Array("\"x,y,z\";b\n\"1,2,3\";2\n".utf8)) == UInt8(ascii: ";"))
  }

  @Test func semicolonFixture() throws {
    let r = read(try fixture("outlook-de-semicolon-cp1252.csv"))
    #expect(r.error == nil)
    let c = try #require(r.records.first?.contact)
    #expect(c.name.given == "Jörg")
    #expect(c.name.family == "Größer")
    #expect(c.organization == "Bäckerei Größer KG")
    #expect(c.birthday == PartialDate(year: 1971, month: 3, day: 12))
    #expect(c.categories == ["Kunden", "Lieferanten"])
    #expect(r.records[1].contact?.birthday == nil)
  }
}

@Suite("CSV encodings")
struct EncodingTests {
  @Test func utf8BOMIsStripped() throws {
    let r = read(Array("\u{FEFF}Id,FirstName,LastName\n0035g00000AbCdE,Zoë,Ü\n".utf8))
    #expect(r.records.first?.contact?.source?.recordId == "0035g00000AbCdEAAV")
    #expect(r.records.first?.contact?.name.given == "Zoë")
  }

  @Test("UTF-16 with BOM, both byte orders, surrogates split across chunks", arguments: [1, 3, 64])
  func utf16(chunk: Int) throws {
    let text = "Id,FirstName,LastName\r\n0035g00000AbCdE,Zoë 🎉,Łukasz\r\n"
    var le: [UInt8] = [0xFF, 0xFE]
    var be: [UInt8] = [0xFE, 0xFF]
    for unit in text.utf16 {
      le += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
      be += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
    }
    for bytes in [le, be] {
      let r = read(bytes, chunkSize: chunk)
      #expect(r.diagnostics.isEmpty)
      #expect(r.records.first?.contact?.name.given == "Zoë 🎉")
      #expect(r.records.first?.contact?.name.family == "Łukasz")
    }
  }

  @Test func utf16Fixture() throws {
    let utf8 = read(try fixture("outlook-contacts.csv"))
    let utf16 = read(try fixture("outlook-contacts-utf16le.csv"))
    #expect(utf8.records.count == 5)
    #expect(utf8.records == utf16.records)
  }

  @Test func windows1252FallbackWarnsWithLine() throws {
    let r = read(try fixture("bad/invalid-utf8.csv"))
    let c = try #require(r.records.first?.contact)
    #expect(c.name.given == "René")
    #expect(c.name.family == "Dürr")
    let w = try #require(r.diagnostics.first { $0.code == "encoding" })
    #expect(w.severity == .warning)
    #expect(w.location?.line == 2)
    #expect(w.message.contains("line 2"))
  }

  @Test func forcedEncoding() throws {
    let bytes: [UInt8] = Array("Id,FirstName\n0035g00000AbCdE,".utf8) + [0x80, 0x41] + [0x0A]
    let r = read(bytes, variant: "salesforce") { $0.inputEncoding = "windows-1252" }
    #expect(r.records.first?.contact?.name.given == "€A")
    #expect(r.diagnostics.isEmpty)
    let latin = read(Array("Id,FirstName\n0035g00000AbCdE,".utf8) + [0xE9, 0x0A], variant: "salesforce") {
      $0.inputEncoding = "iso-8859-1"
    }
    #expect(latin.records.first?.contact?.name.given == "é")
    let bad = read(Array("a\n".utf8)) { $0.inputEncoding = "ebcdic" }
    #expect(bad.error?.kind == .usage)
  }
}

@Suite("CSV bad input")
struct BadInputTests {
  @Test func unterminatedQuoteIsPositioned() throws {
    let r = read(try fixture("bad/unterminated-quote.csv"), name: "uq.csv")
    #expect(r.error == nil)
    let e = try #require(r.diagnostics.first { $0.severity == .error })
    #expect(e.location?.file == "uq.csv")
    #expect(e.location?.line == 2)
    #expect(e.location?.column == 21)
    #expect(e.message.contains("not closed"))
    #expect(r.records.count == 1)
  }

  @Test func raggedRowsReportTheirLines() throws {
    let r = read(try fixture("bad/ragged.csv"))
    let ragged = r.diagnostics.filter { $0.code == "ragged" }
    #expect(ragged.map { $0.location?.line } == [2, 3])
    #expect(r.records.count == 3)
    // The extra field is kept, not dropped.
    #expect(r.records[1].raw.contains { $0.name == "column 5" && $0.value == "extra" })
  }

  @Test func binaryInputIsAPositionedError() throws {
    let r = read(try fixture("bad/binary.csv"), name: "bin.csv")
    let e = try #require(r.error)
    #expect(e.kind == .malformedInput)
    #expect(e.location?.line == 2)
    #expect(e.location?.column == 1)
  }

  @Test func emptyInputIsReported() throws {
    let r = read([], name: "empty.csv")
    #expect(r.records.isEmpty)
    #expect(r.error == nil)
    let w = try #require(r.diagnostics.first)
    #expect(w.code == "empty")
    #expect(w.location?.line == 1)
  }

  @Test func tenMegabyteField() throws {
    var bytes = Array("Id,FirstName,LastName,Description\n0035g00000AbCdE,A,B,\"".utf8)
    let size = 10 * 1024 * 1024
    bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: size))
    bytes.append(contentsOf: Array("\"\n0035g00000AbCdF,C,D,short\n".utf8))
    let r = read(bytes, chunkSize: 1 << 16)
    #expect(r.error == nil)
    #expect(r.records.count == 2)
    #expect(r.records.first?.contact?.notes.first?.utf8.count == size)
    #expect(r.records.last?.contact?.notes == ["short"])
  }

  @Test func unknownProfileIsAUsageError() {
    #expect(read("a,b\n1,2\n", variant: "nonesuch").error?.kind == .usage)
  }
}
