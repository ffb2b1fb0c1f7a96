import FerryCSV
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// Where each field of every record starts, as (line, column) pairs.
private func starts(_ text: String, chunkSize: Int = 1 << 16, delimiter: UInt8? = nil) throws -> [[[Int]]] {
  let reader = try CSVRowReader(
    input: ByteInput(bytes: Array(text.utf8), name: "t.csv", chunkSize: chunkSize), delimiter: delimiter,
    encodingName: nil, diagnostics: .ignore)
  var out: [[[Int]]] = []
  while let row = try reader.next() {
    out.append((0..<row.count).map { [row.line(ofField: $0), row.column(ofField: $0)] })
  }
  return out
}

/// The same, by a plain scan of the whole text: every byte's line and column first (CR, LF and
/// CRLF end a line), then where fields start under RFC 4180 with the core's leniency (text
/// after a closing quote continues the field; blank lines between records are skipped).
private func referenceStarts(_ text: String) -> [[[Int]]] {
  let bytes = Array(text.utf8)
  var position: [[Int]] = []
  var (line, column) = (1, 1)
  for (i, b) in bytes.enumerated() {
    position.append([line, column])
    if b == 0x0D || (b == 0x0A && (i == 0 || bytes[i - 1] != 0x0D)) {
      line += 1
      column = 1
    } else if b == 0x0A {
      column = 1
    } else {
      column += 1
    }
  }
  position.append([line, column])
  enum State { case recordStart, fieldStart, unquoted, quoted, afterQuote }
  var state = State.recordStart
  var out: [[[Int]]] = []
  var record: [[Int]] = []
  var i = 0
  func isBreak(_ b: UInt8) -> Bool { b == 0x0D || b == 0x0A }
  while i < bytes.count {
    let b = bytes[i]
    switch state {
    case .recordStart:
      if isBreak(b) {
        i += 1
      } else {
        record = []
        state = .fieldStart
      }
    case .fieldStart:
      record.append(position[i])
      if b == 0x22 {
        state = .quoted
        i += 1
      } else {
        state = .unquoted
      }
    case .unquoted:
      if b == 0x2C {
        state = .fieldStart
      } else if isBreak(b) {
        out.append(record)
        state = .recordStart
      }
      i += 1
    case .quoted:
      if b == 0x22 { state = .afterQuote }
      i += 1
    case .afterQuote:
      if b == 0x22 {
        state = .quoted
        i += 1
      } else if b == 0x2C {
        state = .fieldStart
        i += 1
      } else if isBreak(b) {
        out.append(record)
        state = .recordStart
        i += 1
      } else {
        state = .unquoted
      }
    }
  }
  switch state {
  case .recordStart: break
  case .fieldStart:
    record.append(position[bytes.count])
    out.append(record)
  case .unquoted, .quoted, .afterQuote: out.append(record)
  }
  return out
}

@Suite("CSV field positions")
struct FieldPositionTests {
  static let text = "h1,h2,h3\r\nab,\"c\nd\",ef\r\n,x,\r\nZoë,y\ny,"

  @Test("each field's line and column (UTF-8 bytes), across quoted line breaks, CRLF and a last line with no end")
  func fieldStarts() throws {
    #expect(
      try starts(Self.text) == [
        [[1, 1], [1, 4], [1, 7]],
        // The quoted field starts at its quote; the field after its line break is on line 3.
        [[2, 1], [2, 4], [3, 4]],
        // Empty fields start where they would have text; the last one before the CRLF too.
        [[4, 1], [4, 2], [4, 4]],
        // `ë` is two bytes.
        [[5, 1], [5, 6]],
        // The input ends just after the delimiter: an empty field at column 3.
        [[6, 1], [6, 3]],
      ])
  }

  @Test("the same positions whatever the chunk size", arguments: [1, 2, 3, 7])
  func chunkInvariance(chunk: Int) throws {
    #expect(try starts(Self.text, chunkSize: chunk) == starts(Self.text))
  }

  @Test("random texts of quotes, doubled quotes, text after a closing quote, CR, LF, CRLF and UTF-8: as a plain scan finds them")
  func randomTexts() throws {
    let pieces = ["a", "é", "€", ",", "\"", "\"\"", "\r", "\n", "\r\n", "b,c", "\"x\"y", "\"p\r\nq\""]
    var seed: UInt64 = 0x5EED_CAFE
    func next(_ n: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(n))
    }
    for _ in 0..<400 {
      let text = (0..<next(24)).map { _ in pieces[next(pieces.count)] }.joined()
      let expected = referenceStarts(text)
      for chunk in [1, 3, 1 << 16] {
        #expect(try starts(text, chunkSize: chunk, delimiter: UInt8(ascii: ",")) == expected, "\(text.debugDescription) in \(chunk)-byte chunks")
      }
    }
  }

  @Test("the plain scan agrees with the hand-counted positions")
  func referenceAgrees() {
    #expect(referenceStarts(Self.text) == [
      [[1, 1], [1, 4], [1, 7]], [[2, 1], [2, 4], [3, 4]], [[4, 1], [4, 2], [4, 4]], [[5, 1], [5, 6]], [[6, 1], [6, 3]],
    ])
  }

  @Test("CR-only line ends and a CRLF between records start the next line at column 1")
  func lineEnds() throws {
    #expect(try starts("a,b\r1,2\r") == [[[1, 1], [1, 3]], [[2, 1], [2, 3]]])
    #expect(try starts("a,b\r\n\r\n1,\"2\"\r\n") == [[[1, 1], [1, 3]], [[3, 1], [3, 3]]])
  }

  @Test("an unterminated quote after a CRLF is placed at its own column")
  func unterminatedQuoteAfterCRLF() throws {
    let r = read(Array("Id,FirstName\r\n0035g00000AbCdE,\"Ann\r\n".utf8), name: "u.csv", variant: "salesforce")
    let e = try #require(r.diagnostics.first { $0.code == "syntax" })
    #expect(e.location == FerryModel.SourceLocation(file: "u.csv", line: 2, column: 17, record: 1))
  }
}

@Suite("CSV cell warnings point at the cell")
struct CellPositionTests {
  func warnings(_ r: ReadResult, code: String = "unmapped") -> [Diagnostic] {
    r.diagnostics.filter { $0.code == code && $0.severity == .warning }
  }

  @Test("Outlook: a birthday and a gender that cannot be read are reported at their own columns")
  func outlookCells() throws {
    let csv = "First Name,Last Name,Birthday,Gender\nAna,\"Lee, Jr\",31.02.,robot\n"
    let r = read(Array(csv.utf8), name: "o.csv", variant: "outlook")
    let w = warnings(r)
    #expect(w.count == 2)
    #expect(w.map(\.location) == [
      FerryModel.SourceLocation(file: "o.csv", line: 2, column: 15, record: 1, property: "Birthday"),
      FerryModel.SourceLocation(file: "o.csv", line: 2, column: 22, record: 1, property: "Gender"),
    ])
    // The message text is unchanged.
    #expect(w.first?.message == "Birthday value \"31.02.\" is not a date; kept as a raw property")
  }

  @Test("a cell after a quoted line break is placed on its own line, the record keeps its first line")
  func afterQuotedLineBreak() throws {
    let csv = "First Name,Last Name,Birthday\n\"Ana\nMaria\",Lee,nope\nBo,Li,never\n"
    let r = read(Array(csv.utf8), name: "o.csv", variant: "outlook")
    #expect(r.records.count == 2)
    #expect(warnings(r).map(\.location) == [
      FerryModel.SourceLocation(file: "o.csv", line: 3, column: 12, record: 1, property: "Birthday"),
      FerryModel.SourceLocation(file: "o.csv", line: 4, column: 7, record: 2, property: "Birthday"),
    ])
  }

  @Test("Salesforce: a bad CreatedDate is placed at its cell, in any chunk size", arguments: [1, 5, 1 << 16])
  func salesforceTimestamp(chunk: Int) throws {
    let csv = "Id,FirstName,LastName,CreatedDate\n0035g00000AbCdE,Ann,Lee,yesterday\n"
    let r = read(Array(csv.utf8), chunkSize: chunk, name: "s.csv", variant: "salesforce")
    #expect(warnings(r).map(\.location) == [
      FerryModel.SourceLocation(file: "s.csv", line: 2, column: 25, record: 1, property: "CreatedDate")
    ])
  }

  @Test("a mapping file's date column: the cell that does not match is placed at its column")
  func mappingDate() throws {
    let yaml = "columns:\n  - column: Name\n    field: formattedName\n  - column: Born\n    field: birthday\n    date: DD.MM.YYYY\n"
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("ferry-pos-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    // `Ana Lee;` is 8 bytes: Born starts at column 9.
    let r = read(Array("Name;Born\nAna Lee;1990-01-02\n".utf8), name: "m.csv") { $0.csv.mappingFile = path }
    #expect(r.records.count == 1)
    #expect(warnings(r).map(\.location) == [
      FerryModel.SourceLocation(file: "m.csv", line: 2, column: 9, record: 1, property: "Born")
    ])
  }

  @Test("a field that is not valid UTF-8 is placed at its column; a repeated header column at its cell")
  func encodingAndHeader() throws {
    let r = read(try fixture("bad/invalid-utf8.csv"), name: "i.csv")
    let w = try #require(r.diagnostics.first { $0.code == "encoding" })
    // `0035g00000AbCdE,` is 16 bytes: field 2 starts at column 17.
    #expect(w.location == FerryModel.SourceLocation(file: "i.csv", line: 2, column: 17, record: 1))
    #expect(w.message == "line 2 is not valid UTF-8; field(s) 2, 3 read as windows-1252")

    let repeated = read(Array("First Name,E-mail Address,E-mail Address\nAna,a@x.example,b@x.example\n".utf8), name: "h.csv")
    let h = try #require(repeated.diagnostics.first { $0.code == "header" })
    #expect(h.location == FerryModel.SourceLocation(file: "h.csv", line: 1, column: 27, property: "E-mail Address"))
  }
}

@Suite("mapping file errors carry the file, line and column")
struct MappingFilePositionTests {
  func error(_ yaml: String) -> FerryError? {
    do {
      _ = try GenericProfile(yaml: yaml, name: "map.yaml")
      return nil
    } catch let e as FerryError {
      return e
    } catch {
      return FerryError(.io, "\(error)")
    }
  }

  @Test("an unknown field is placed at its value, also inside a list")
  func unknownField() throws {
    let e = try #require(error("columns:\n  - column: A\n    field: nonsense.x\n"))
    #expect(e.kind == .usage)
    #expect(e.message == "mapping file \"map.yaml\": unknown field \"nonsense.x\" (see docs/CSV.md for the list)")
    #expect(e.location == FerryModel.SourceLocation(file: "map.yaml", line: 3, column: 12))
    let list = try #require(error("columns:\n  - column: A\n    field: [name.given, bogus]\n"))
    #expect(list.location == FerryModel.SourceLocation(file: "map.yaml", line: 3, column: 25))
  }

  @Test("columns count UTF-8 bytes (Yams counts characters)")
  func byteColumns() throws {
    let prefix = "  - {column: Straße, field: "
    let e = try #require(error("columns:\n" + prefix + "bad}\n"))
    #expect(e.location?.line == 2)
    #expect(e.location?.column == prefix.utf8.count + 1)
    #expect(prefix.utf8.count == prefix.unicodeScalars.count + 1)
  }

  @Test("an entry that is no mapping, or lacks a field, is placed at the entry")
  func entries() throws {
    let notMapping = try #require(error("columns:\n  - column: A\n    field: id\n  - just text\n"))
    #expect(notMapping.message == "mapping file \"map.yaml\": entry 2 of `columns` is not a mapping")
    #expect(notMapping.location == FerryModel.SourceLocation(file: "map.yaml", line: 4, column: 5))
    let noField = try #require(error("bom: true\ncolumns:\n  - column: A\n    split: \";\"\n"))
    #expect(noField.message == "mapping file \"map.yaml\": entry 1 needs `field` or `constant`")
    #expect(noField.location == FerryModel.SourceLocation(file: "map.yaml", line: 3, column: 5))
    let noColumn = try #require(error("columns:\n  - column: A\n    field: id\n  - field: notes\n"))
    #expect(noColumn.message == "mapping file \"map.yaml\": entry 2 needs `column`, or `field` with `constant`")
    #expect(noColumn.location == FerryModel.SourceLocation(file: "map.yaml", line: 4, column: 5))
  }

  @Test("a missing or wrong `columns:` is placed at the document or at its value")
  func columnsList() throws {
    let missing = try #require(error("# a comment\nbom: true\n"))
    #expect(missing.message == "mapping file \"map.yaml\" needs a `columns:` list")
    #expect(missing.location == FerryModel.SourceLocation(file: "map.yaml", line: 2, column: 1))
    let scalar = try #require(error("bom: true\ncolumns: 3\n"))
    #expect(scalar.location == FerryModel.SourceLocation(file: "map.yaml", line: 2, column: 10))
    let empty = try #require(error(""))
    #expect(empty.location == FerryModel.SourceLocation(file: "map.yaml", line: 1, column: 1))
  }

  @Test("a YAML syntax error is placed where Yams found it")
  func syntax() throws {
    let e = try #require(error("columns:\n  - column: A\n    field: id\n   bad indent: x\n"))
    #expect(e.message.hasPrefix("mapping file \"map.yaml\" is not YAML: "))
    #expect(e.location?.file == "map.yaml")
    #expect(e.location?.line == 4)
    #expect(e.location?.column == 4)
  }

  @Test("values read as before: a non-string constant is its text, `bom` a boolean")
  func values() throws {
    let p = try GenericProfile(yaml: "bom: yes\ncolumns:\n  - column: Year\n    constant: 2024\n  - column: N\n    field: notes\n")
    #expect(p.mapping.bom)
    #expect(p.mapping.rules.first?.constant == "2024")
    #expect(p.mapping.rules.map(\.column) == ["Year", "N"])
  }

  @Test("through a file: the error names the file's path")
  func throughFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-map-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("bad.yaml").path
    try "columns:\n  - column: A\n    field: emial\n".write(toFile: path, atomically: true, encoding: .utf8)
    let r = read(Array("A\nx\n".utf8)) { $0.csv.mappingFile = path }
    #expect(r.error?.location == FerryModel.SourceLocation(file: path, line: 3, column: 12))
  }
}

@Suite("calendar CSV writers place zone warnings on the record")
struct CalendarZonePositionTests {
  static func event(_ zone: String) -> Record {
    var e = Event()
    e.summary = "Review"
    let start = LocalDateTime(date: LocalDate(year: 2025, month: 3, day: 3), time: LocalTime(hour: 9, minute: 0, second: 0))
    e.start = .zoned(start, zone: zone)
    e.end = .zoned(start.adding(seconds: 1800), zone: zone)
    return .event(e)
  }

  func warnings(variant: String, zone: String?, records: [(Record, FerryModel.SourceLocation?)]) throws -> [Diagnostic] {
    let collector = DiagnosticCollector()
    var options = WriteOptions(variant: variant)
    options.calendar.zone = zone
    let destination = OutputDestination(memoryNamed: "out.csv")
    var writer = try CSVWriter(destination: destination, options: options, diagnostics: collector.sink)
    for (r, l) in records { try writer.write(r, from: l) }
    try writer.finish()
    return collector.diagnostics.filter { $0.code == "zone" }
  }

  @Test("no --zone: the warning points at the first record with a zone", arguments: ["outlook-calendar", "google-calendar"])
  func noZone(variant: String) throws {
    let at = FerryModel.SourceLocation(file: "in.ics", line: 7, column: 1, record: 2)
    let w = try warnings(variant: variant, zone: nil, records: [(Self.event("Europe/Berlin"), at)])
    #expect(w.count == 1)
    #expect(w.first?.location == FerryModel.SourceLocation(file: "in.ics", line: 7, column: 1, record: 2, property: "start"))
    #expect(w.first?.message.hasPrefix("csv:\(variant) has no time zone and no --zone was given") == true)
  }

  @Test("an unknown --zone and an unresolvable TZID point at their records; without one, at the output row")
  func unknownZones() throws {
    let at = FerryModel.SourceLocation(file: "in.csv", line: 4, column: 1, record: 3)
    let unknown = try warnings(variant: "outlook-calendar", zone: "Mars/Olympus", records: [(Self.event("Europe/Berlin"), at)])
    #expect(unknown.map(\.location) == [FerryModel.SourceLocation(file: "in.csv", line: 4, column: 1, record: 3, property: "start")])
    let tzid = try warnings(
      variant: "outlook-calendar", zone: "Europe/Berlin",
      records: [(Self.event("Europe/Berlin"), nil), (Self.event("Nowhere Standard Time"), at)])
    #expect(tzid.map(\.location) == [FerryModel.SourceLocation(file: "in.csv", line: 4, column: 1, record: 3, property: "start")])
    #expect(tzid.first?.message.hasPrefix("TZID \"Nowhere Standard Time\" names no zone ferry can resolve") == true)
    // A record handed over with no input place: its output row (header is line 1).
    let bare = try warnings(variant: "google-calendar", zone: nil, records: [(Self.event("Europe/Berlin"), nil)])
    #expect(bare.map(\.location) == [FerryModel.SourceLocation(file: "<memory>", line: 2, column: 1, record: 1, property: "start")])
  }
}

@Suite("mapping file reader errors")
struct MappingReaderErrorTests {
  @Test("a control character Yams refuses is placed at it")
  func controlCharacter() throws {
    do {
      _ = try GenericProfile(yaml: "columns:\n  - column: Né\u{01}\n    field: id\n", name: "c.yaml")
      Issue.record("accepted a control character")
    } catch let e as FerryError {
      #expect(e.message.hasPrefix("mapping file \"c.yaml\" is not YAML: "))
      // `  - column: Né` is 15 bytes: the control character is byte 16.
      #expect(e.location == FerryModel.SourceLocation(file: "c.yaml", line: 2, column: 16))
    }
  }
}

@Suite("header diagnostics point at the header's line")
struct HeaderLinePositionTests {
  @Test("a header no profile knows, below blank rows, is reported at its own line")
  func unknownHeaderBelowBlankRows() throws {
    let r = read(Array(",,\n\nfoo,bar,baz\n1,2,3\n".utf8), name: "x.csv")
    let w = try #require(r.diagnostics.first { $0.code == "unmapped" })
    #expect(w.message.hasPrefix("no csv profile recognises this header; every column is kept as a raw property"))
    #expect(w.location == FerryModel.SourceLocation(file: "x.csv", line: 3, column: 1))
  }
}
