import FerryCSV
import FerryModel
import FerryTestSupport
import Testing

/// The writer's and the profiles' fast paths give what the plain byte-by-byte rules give.
@Suite("CSV fast paths")
struct FastPathTests {
  /// The quoting rule as docs/CSV.md states it, one byte at a time.
  static func reference(_ cell: [UInt8], delimiter: UInt8) -> [UInt8] {
    guard !cell.isEmpty else { return [] }
    let special: Set<UInt8> = [delimiter, UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n")]
    let quoted =
      cell.first == UInt8(ascii: " ") || cell.last == UInt8(ascii: " ") || cell.contains { special.contains($0) }
    guard quoted else { return cell }
    var out: [UInt8] = [UInt8(ascii: "\"")]
    for b in cell {
      if b == UInt8(ascii: "\"") { out.append(b) }
      out.append(b)
    }
    out.append(UInt8(ascii: "\""))
    return out
  }

  static func written(_ cell: [UInt8], delimiter: UInt8) -> [UInt8] {
    var out: [UInt8] = []
    cell.withUnsafeBufferPointer {
      CSVCellWriter.append($0, delimiter: delimiter, protect: false, phoneColumn: false, to: &out)
    }
    return out
  }

  @Test("a special byte is found at every position of cells up to 20 bytes, in the 8-byte blocks and the tail")
  func specialBytesAtEveryPosition() {
    for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")] {
      let specials: [UInt8] = [
        delimiter, UInt8(ascii: "\""), UInt8(ascii: "\r"), UInt8(ascii: "\n"),
        // Not special for this delimiter (or never): must not cause quotes.
        UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), 0x2D, 0x8A, 0xFF, 0x0B,
      ]
      for length in 1...20 {
        let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        #expect(FastPathTests.written(plain, delimiter: delimiter) == plain)
        for position in 0..<length {
          for special in specials {
            var cell = plain
            cell[position] = special
            #expect(
              FastPathTests.written(cell, delimiter: delimiter) == FastPathTests.reference(cell, delimiter: delimiter),
              "byte \(special) at \(position) of \(length), delimiter \(delimiter)")
          }
        }
      }
    }
  }

  @Test("non-ASCII text is not mistaken for a delimiter or a quote")
  func nonASCIIText() {
    for text in ["Müller-Lüdenscheidt straße", "東京都千代田区丸の内一丁目", "Ωmega ✓ 𝄞 music", "é,é", "ü\"ü"] {
      let cell = Array(text.utf8)
      #expect(FastPathTests.written(cell, delimiter: UInt8(ascii: ",")) == FastPathTests.reference(cell, delimiter: UInt8(ascii: ",")), "\(text)")
    }
  }

  @Test("long runs of empty columns keep every delimiter (runs longer than the writer copies at once)")
  func longRunsOfEmptyColumns() throws {
    // 200 extra columns of the profile's own origin: 292 columns, so a row with only the
    // last one filled has a run of 291 delimiters before its value.
    var full = Contact()
    full.name = PersonName(given: "Ana", family: "Silva")
    full.raw = (1...200).map { RawProperty(name: "Extra \($0)", value: "v\($0)", origin: "csv:outlook") }
    var sparse = Contact()
    sparse.name = PersonName(family: "Okafor")
    sparse.raw = [RawProperty(name: "Extra 200", value: "last", origin: "csv:outlook")]
    var empty = Contact()
    empty.raw = [RawProperty(name: "Extra 1", value: "first", origin: "csv:outlook")]
    let out = try write([.contact(full), .contact(sparse), .contact(empty)], variant: "outlook")
    let table = try rows(out.bytes)
    #expect(table.count == 4)
    let width = OutlookProfile.header.count + 200
    for row in table { #expect(row.count == width) }
    #expect(table[0].last == "Extra 200")
    #expect(table[1].last == "v200")
    #expect(table[2].last == "last")
    #expect(table[2].filter { !$0.isEmpty } == ["Okafor", "last"])
    #expect(table[3].filter { !$0.isEmpty } == ["first"])
    #expect(table[3][OutlookProfile.header.count] == "first")
  }

  @Test("Salesforce ids are made case-safe as the model does, whether or not they are ids")
  func caseSafeIds() {
    let ids = [
      "0035gRhKAAAAAAA", "003000000000000", "00Qzzzzzzzzzzzz", "003ABCDEFGHIJKL", "001aZ09bY18cX27",
      "0035gRhKAAAAAAAAAA", "0035gRhKAAAAAA", "0035gRhKAAAA-AA", "0035gRhKAAAAAé", "", "not an id at all",
    ]
    let header = "Id,AccountId,LastName,OwnerId\n"
    let body = ids.map { "\($0),\($0),Name,\($0)" }.joined(separator: "\n")
    let result = read(header + body + "\n", variant: "salesforce")
    #expect(result.records.count == ids.count)
    for (record, id) in zip(result.records, ids) {
      let expected = id.isEmpty ? nil : (SalesforceID.caseSafe(id) ?? id)
      #expect(record.source?.recordId == expected, "\(id)")
      #expect(record.contact?.accountId == expected, "\(id)")
      #expect(record.owner?.id == expected, "\(id)")
    }
  }

  @Test("fields read through the profiles' lookups are the row's fields, quoted or not, in any chunking")
  func profileLookupsAcrossChunks() throws {
    let text = """
      Id,FirstName,LastName,Email,Phone,MobilePhone,HomePhone,Fax,MailingStreet,Description,Custom__c
      0035gRhKAAAAAAA,Ana,"Sil""va",ana@example.com,+1 212 555 0100,"+49 151 000",,+1 212 555 9000,"1 Road
      Floor 2",plain note,kept raw
      0035gRhKAAAAAAB,"Bo, Jr.",Okafor,,,,+44 20 7946 0000,,,"note, with comma",

      """
    let bytes = Array(text.utf8)
    let whole = read(bytes, chunkSize: bytes.count + 1, variant: "salesforce")
    #expect(whole.records.count == 2)
    guard whole.records.count == 2, let first = whole.records[0].contact, let second = whole.records[1].contact else { return }
    #expect(first.name.given == "Ana")
    #expect(first.name.family == "Sil\"va")
    #expect(first.emails.map(\.address) == ["ana@example.com"])
    #expect(first.phones.map(\.number) == ["+1 212 555 0100", "+49 151 000", "+1 212 555 9000"])
    #expect(first.phones.map(\.types) == [["work"], ["cell"], ["work", "fax"]])
    #expect(first.addresses.map(\.street) == ["1 Road\nFloor 2"])
    #expect(first.addresses.map(\.types) == [["work"]])
    #expect(first.notes == ["plain note"])
    #expect(first.raw.map(\.value) == ["kept raw"])
    #expect(second.name.given == "Bo, Jr.")
    #expect(second.phones.map(\.number) == ["+44 20 7946 0000"])
    #expect(second.phones.map(\.types) == [["home"]])
    #expect(second.notes == ["note, with comma"])
    #expect(second.raw.isEmpty)
    for chunk in [1, 2, 3, 5, 7, 8, 13] {
      #expect(read(bytes, chunkSize: chunk, variant: "salesforce") == whole, "\(chunk)-byte chunks")
    }
  }

  @Test("Outlook phones, addresses and notes written through the cached lookups match their slots")
  func outlookSlots() throws {
    var c = Contact()
    c.name = PersonName(given: "Ana", family: "Silva")
    c.phones = [
      PhoneNumber("+1 1", types: ["work"]), PhoneNumber("+1 2", types: ["work"]), PhoneNumber("+1 3", types: ["work"]),
      PhoneNumber("+1 4", types: ["cell"]), PhoneNumber("+1 5", types: ["work", "fax"]), PhoneNumber("+1 6", types: []),
    ]
    c.addresses = [
      PostalAddress(street: "1 Work St", types: ["work"]), PostalAddress(street: "2 Any St", types: []),
      PostalAddress(street: "3 Home St", types: ["home"]), PostalAddress(street: "4 More St", types: ["work"]),
    ]
    c.notes = ["only note"]
    var d = c
    d.notes = ["first", "second"]
    let out = try write([.contact(c), .contact(d)], variant: "outlook")
    let table = try rows(out.bytes)
    let h = OutlookProfile.header
    func cell(_ row: Int, _ name: String) -> String? { h.firstIndex(of: name).map { table[row][$0] } }
    for row in [1, 2] {
      #expect(cell(row, "Business Phone") == "+1 1")
      #expect(cell(row, "Business Phone 2") == "+1 2")
      #expect(cell(row, "Mobile Phone") == "+1 4")
      #expect(cell(row, "Business Fax") == "+1 5")
      #expect(cell(row, "Other Phone") == "+1 6")
      #expect(cell(row, "Business Street") == "1 Work St")
      #expect(cell(row, "Other Street") == "2 Any St")
      #expect(cell(row, "Home Street") == "3 Home St")
    }
    #expect(cell(1, "Notes") == "only note\nphone: +1 3 (work)\naddress: 4 More St")
    #expect(cell(2, "Notes") == "first\nsecond\nphone: +1 3 (work)\naddress: 4 More St")
    let overflowed = out.diagnostics.filter { $0.code == "overflow" }.map(\.message)
    #expect(overflowed.contains { $0.contains("\"+1 3 (work)\"") })
    #expect(overflowed.contains { $0.contains("\"4 More St\"") })
    #expect(overflowed.allSatisfy { $0.contains("+1 3") || $0.contains("4 More St") })
  }
}

/// The syntax core's eight-bytes-at-a-time scan of unquoted fields stops where the byte-by-byte
/// rules stop, wherever the chunks end.
@Suite("CSV unquoted fields, word by word")
struct UnquotedScanTests {
  /// Rows whose fields are 0 to 24 bytes long, so each stop byte falls at every position of
  /// an eight-byte word and in the tail.
  static func table() -> [[String]] {
    (0...24).map { n in
      let long = String(repeating: "x", count: n)
      return [long, "é" + long, long + "ü", "a b \(n)", String(repeating: "y", count: 24 - n)]
    }
  }

  @Test("fields of every length, with LF and CRLF line ends, in any chunking")
  func everyLength() throws {
    let table = UnquotedScanTests.table()
    for lineEnd in ["\n", "\r\n", "\r"] {
      let text = table.map { $0.joined(separator: ",") }.joined(separator: lineEnd) + lineEnd
      let bytes = Array(text.utf8)
      for chunk in [1, 3, 7, 8, 9, 16, bytes.count + 1] {
        let reader = try CSVRowReader(
          input: ByteInput(bytes: bytes, name: "t", chunkSize: chunk), delimiter: UInt8(ascii: ","), encodingName: nil,
          diagnostics: .ignore)
        var got: [[String]] = []
        var lines: [Int] = []
        while let row = try reader.next() {
          got.append(row.strings)
          lines.append(row.line)
        }
        #expect(got == table, "chunks of \(chunk)")
        #expect(lines == Array(1...table.count), "chunks of \(chunk)")
      }
    }
  }

  @Test("the first delimiter in a word is the one found, next to bytes the word test can mark wrongly")
  func firstStopInAWord() throws {
    // Eight bytes are tested at once; above a byte that matches, one that differs from it in
    // the last bit only (`-`, 0x2D, after `,`, 0x2C) can be marked too. The field must end
    // at the first delimiter, wherever it falls in the word.
    for before in 0..<20 {
      for after in ["-", "-,-", "--", "+", "x", "\u{0B}"] {
        let row = [String(repeating: "a", count: before), after + String(repeating: "b", count: before % 7), "z"]
        let text = row.joined(separator: ",") + "\n"
        for chunk in [8, 64] {
          let reader = try CSVRowReader(
            input: ByteInput(bytes: Array(text.utf8), name: "t", chunkSize: chunk), delimiter: UInt8(ascii: ","),
            encodingName: nil, diagnostics: .ignore)
          let naive = text.dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
          #expect(try reader.next()?.strings == naive, "\(text.debugDescription) in chunks of \(chunk)")
        }
      }
    }
  }

  @Test("semicolon and tab delimiters: a comma is text")
  func otherDelimiters() throws {
    for delimiter in [";", "\t"] {
      let text = "abcdefghij,klm\(delimiter)nopqrstuvwxyz,0123\(delimiter)x\nAAAAAAAAAAAAAAAAA\(delimiter),,,,,,,,,,\(delimiter)\n"
      let reader = try CSVRowReader(
        input: ByteInput(bytes: Array(text.utf8), name: "t", chunkSize: 5), delimiter: UInt8(ascii: Unicode.Scalar(delimiter)!),
        encodingName: nil, diagnostics: .ignore)
      #expect(try reader.next()?.strings == ["abcdefghij,klm", "nopqrstuvwxyz,0123", "x"])
      #expect(try reader.next()?.strings == ["AAAAAAAAAAAAAAAAA", ",,,,,,,,,,", ""])
      #expect(try reader.next() == nil)
    }
  }

  @Test("a quote or a NUL deep in an unquoted field is found")
  func quoteAndNulInLongFields() throws {
    let quoted = Array("id,name\n1,abcdefghijk\"lmnop\n".utf8)
    let reader = try CSVRowReader(
      input: ByteInput(bytes: quoted, name: "t", chunkSize: 4), delimiter: nil, encodingName: nil, diagnostics: .ignore)
    #expect(try reader.next()?.strings == ["id", "name"])
    #expect(try reader.next()?.strings == ["1", "abcdefghijk\"lmnop"])
    for chunk in [3, 8, 64] {
      let binary = Array("id,name\n1,abcdefghijkl".utf8) + [0] + Array("mn\n".utf8)
      let r = try CSVRowReader(
        input: ByteInput(bytes: binary, name: "t", chunkSize: chunk), delimiter: nil, encodingName: nil, diagnostics: .ignore)
      _ = try r.next()
      #expect(throws: FerryError.self) { _ = try r.next() }
      do {
        _ = try CSVRowReader(
          input: ByteInput(bytes: binary, name: "t", chunkSize: chunk), delimiter: nil, encodingName: nil,
          diagnostics: .ignore
        ).readAllRows()
      } catch let e as FerryError {
        #expect(e.location?.line == 2, "chunks of \(chunk)")
        #expect(e.location?.column == 15, "chunks of \(chunk)")
      }
    }
  }
}

extension CSVRowReader {
  fileprivate func readAllRows() throws -> [CSVRow] {
    var rows: [CSVRow] = []
    while let r = try next() { rows.append(r) }
    return rows
  }
}
