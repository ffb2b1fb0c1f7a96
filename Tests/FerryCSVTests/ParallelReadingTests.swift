import FerryCSV
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// `ParallelReader` over CSV gives exactly what one `CSVReader` gives: the same records,
/// positions and diagnostics (and the same error), wherever the pieces are cut.
@Suite("Parallel CSV reading")
struct ParallelCSVReadingTests {
  static let files =
    Fixtures.files(in: Fixtures.path("csv"), extensions: ["csv"])
    + Fixtures.files(in: Fixtures.path("fuzz/csv"), extensions: ["csv"])

  static func options(_ variant: String? = nil) -> ReadOptions {
    var o = ReadOptions()
    o.variant = variant
    return o
  }

  static func sequential(_ bytes: [UInt8], options: ReadOptions = options()) throws -> ReadTrace {
    try sequentialWithError(bytes, options: options).0
  }

  /// The trace, and the error the reader ended with, if any.
  static func sequentialWithError(_ bytes: [UInt8], options: ReadOptions = options()) throws -> (ReadTrace, FerryError?) {
    let (trace, reader) = try ReadTrace.read { sink in
      Reading(try CSVReader(input: ByteInput(bytes: bytes, name: "in.csv"), options: options, diagnostics: sink))
    }
    return (trace, reader.failed)
  }

  /// Read in pieces: `chunk` bytes are read at a time and a piece is cut as soon as one has
  /// `pieceSize` bytes, so small values give many pieces, cut at every kind of place. The
  /// delimiter is the one a reader of the whole input sniffs, as `CSVReader.parallel` sets.
  /// `fellBack`: a piece did not end at a record boundary, and the input was read by one
  /// reader from there on; that is, more than its last 32 KB (the last piece, at most 16 KB,
  /// is always read again by one reader; every piece but the first four has `pieceSize`
  /// bytes at least).
  static func parallel(
    _ bytes: [UInt8], chunk: Int, pieceSize: Int = 1, options: ReadOptions = options()
  ) throws -> (ReadTrace, fellBack: Bool, piecesUsed: Int) {
    let (trace, fellBack, used, _) = try parallelWithError(bytes, chunk: chunk, pieceSize: pieceSize, options: options)
    return (trace, fellBack, used)
  }

  static func parallelWithError(
    _ bytes: [UInt8], chunk: Int, pieceSize: Int = 1, options: ReadOptions = options()
  ) throws -> (ReadTrace, fellBack: Bool, piecesUsed: Int, error: FerryError?) {
    var o = options
    o.csv.delimiter = try CSVReader(input: ByteInput(bytes: bytes, name: "in.csv"), options: options, diagnostics: .ignore)
      .delimiter
    let (trace, reader) = try ReadTrace.read {
      Reading(
        ParallelReader(
          input: ByteInput(bytes: bytes, name: "in.csv", chunkSize: chunk), format: CSVReader.pieces(options: o),
          diagnostics: $0, pieceSize: pieceSize, ahead: 3))
    }
    let fellBack = reader.base.readsOnAsOneReader && reader.base.piecesUsed * pieceSize < bytes.count - 32 * 1024
    return (trace, fellBack, reader.base.piecesUsed, reader.failed)
  }

  /// A reader whose error, if it throws one, ends the trace as a last diagnostic: both ways
  /// of reading must fail at the same place, after the same records.
  struct Reading<R: RecordReader>: RecordReader {
    var base: R
    var failed: FerryError?
    init(_ base: R) { self.base = base }
    var lastRecordLocation: FerryModel.SourceLocation? { base.lastRecordLocation }
    mutating func next() throws -> Record? {
      guard failed == nil else { return nil }
      do {
        return try base.next()
      } catch let e as FerryError {
        failed = e
        return nil
      }
    }
  }


  /// Rows of a Salesforce export: every fifth with a street over two lines, quotes in titles,
  /// non-ASCII names.
  static func salesforce(rows: Int, lineEnd: String = "\r\n", header: String? = nil) -> String {
    var text =
      (header
        ?? "Id,LastName,FirstName,MailingStreet,MailingCity,Phone,Email,Title,Description,OwnerId,Owner.Name,Owner.Email")
      + lineEnd
    for n in 0..<rows {
      let street = n % 5 == 0 ? "\"\(n) Harbour Road\(lineEnd)Building \(n % 9)\"" : "\(n) Harbour Road"
      let title = n % 7 == 0 ? "\"Head of \"\"Special\"\" Projects, EMEA\"" : "Buyer"
      text += "003000000000\(String(format: "%03d", n % 1000)),Müller\(n),Zoë,\(street),Zürich,+41 44 000 \(n),"
      text += "z\(n)@example.com,\(title),\(n % 11 == 0 ? "\"Note\(lineEnd)over lines\"" : ""),005000000000001,Dana,dana@example.com"
      text += lineEnd
    }
    return text
  }

  @Test("every CSV fixture read in pieces gives what one reader gives", arguments: files)
  func fixture(path: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let expected: ReadTrace
    do {
      expected = try Self.sequential(bytes)
    } catch {
      return  // refused before any record (a mapping file's own input, an encoding); not read in pieces either
    }
    for chunk in [7, 300] {
      let (got, _, _) = try Self.parallel(bytes, chunk: chunk)
      #expect(got == expected, "\(path), chunks of \(chunk)")
    }
  }

  @Test("line and record numbers carry on across pieces, with CRLF, LF and CR line ends", arguments: ["\r\n", "\n", "\r"])
  func numbering(lineEnd: String) throws {
    var text = Self.salesforce(rows: 600, lineEnd: lineEnd)
    // Ragged rows now and then: warnings with their line numbers.
    text = text.replacingOccurrences(of: ",Müller17,", with: ",Müller17,extra,")
    text = text.replacingOccurrences(of: ",Müller230,", with: ",Müller230,extra,")
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count == 600)
    #expect(expected.diagnostics.filter { $0.code == "ragged" }.count == 2)
    for chunk in [61, 4096] {
      let (got, fellBack, used) = try Self.parallel(bytes, chunk: chunk, pieceSize: 700)
      #expect(!fellBack)
      #expect(used > 10)
      #expect(got == expected)
      #expect(got.locations.last??.record == 600)
    }
  }

  @Test("a byte order mark, an Excel sep= line and blank rows above the header")
  func preamble() throws {
    let text = "\u{FEFF}sep=;\r\n;;;\r\n" + Self.salesforce(rows: 600).replacingOccurrences(of: ",", with: ";")
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count == 600)
    #expect(!expected.diagnostics.isEmpty)
    let (got, fellBack, _) = try Self.parallel(bytes, chunk: 100, pieceSize: 4000)
    #expect(!fellBack)
    #expect(got == expected)
    // A first piece that ends before the header does (a sixteenth of 600 bytes): no preamble
    // for the pieces, so the input is read by one reader, and still the same.
    let (short, shortFellBack, _) = try Self.parallel(bytes, chunk: 100, pieceSize: 600)
    #expect(shortFellBack)
    #expect(short == expected)
  }

  @Test("a quote used irregularly misleads the cutter: the rest is read again by one reader")
  func irregularQuote() throws {
    var text = Self.salesforce(rows: 600)
    // `ab"c`: a quote inside an unquoted field is text, but the cutter counts it as opening one.
    text = text.replacingOccurrences(of: ",Müller40,", with: ",Mül\"ler40,")
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count == 600)
    let (got, fellBack, _) = try Self.parallel(bytes, chunk: 97, pieceSize: 800)
    #expect(fellBack)
    #expect(got == expected)
  }

  @Test("what is reported once per input (empty rows, Windows-1252 fields) is reported as one reader does")
  func oncePerInput() throws {
    var bytes = Array(Self.salesforce(rows: 200).utf8)
    let expected0 = try Self.sequential(bytes)
    // Rows of delimiters only, far apart, and a Latin-1 byte in two rows.
    var text = Self.salesforce(rows: 200)
    text = text.replacingOccurrences(of: "Müller50,", with: "Müller50,\r\n,,,,,,,,,,,\r\nX,")
    text = text.replacingOccurrences(of: "Müller150,", with: "Müller150,\r\n,,,,,,,,,,,\r\nY,")
    bytes = Array(text.utf8)
    for name in ["Müller90", "Müller170"] {
      let target = Array(name.utf8)
      if let at = (0..<(bytes.count - target.count)).first(where: { Array(bytes[$0..<$0 + target.count]) == target }) {
        bytes.replaceSubrange(at + 1..<at + 3, with: [0xFC])  // ü in Windows-1252
      }
    }
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count > expected0.records.count)
    #expect(expected.diagnostics.filter { $0.code == "skipped" }.count == 1)
    #expect(expected.diagnostics.filter { $0.code == "encoding" }.count == 2)
    for chunk in [50, 1000] {
      let (got, _, _) = try Self.parallel(bytes, chunk: chunk, pieceSize: 500)
      #expect(got == expected)
    }
  }

  @Test("a NUL byte in a middle or the last piece fails where one reader fails", arguments: [false, true])
  func binary(inLastRow: Bool) throws {
    var bytes = Array(Self.salesforce(rows: 200).utf8)
    let z = UInt8(ascii: "Z")
    let at = inLastRow ? bytes.lastIndex(of: z)! : bytes[(bytes.count * 2 / 5)...].firstIndex(of: z)!
    bytes[at] = 0
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count < 200)
    let (got, _, _) = try Self.parallel(bytes, chunk: 128, pieceSize: 900)
    #expect(got == expected)
    // The error itself: same message, same line and column.
    func failure(_ read: () throws -> Void) -> String? {
      do { try read() } catch { return "\(error)" }
      return nil
    }
    let one = failure {
      var r = try CSVReader(input: ByteInput(bytes: bytes, name: "in.csv"), options: Self.options(), diagnostics: .ignore)
      while try r.next() != nil {}
    }
    var o = Self.options()
    o.csv.delimiter = UInt8(ascii: ",")
    let pieces = failure {
      var r = ParallelReader(
        input: ByteInput(bytes: bytes, name: "in.csv", chunkSize: 128), format: CSVReader.pieces(options: o),
        diagnostics: .ignore, pieceSize: 900, ahead: 3)
      while try r.next() != nil {}
    }
    #expect(one != nil)
    #expect(pieces == one)
  }

  @Test("an unterminated quote at the end is reported where one reader reports it")
  func unterminatedQuote() throws {
    let bytes = Array((Self.salesforce(rows: 150) + "0030000000009ZZ,Last,\"First,open").utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.diagnostics.contains { $0.severity == .error })
    let (got, _, _) = try Self.parallel(bytes, chunk: 64, pieceSize: 700)
    #expect(got == expected)
  }

  @Test("the cutter cuts after the last line end outside quotes, never between CR and LF or at the end")
  func cutter() {
    func cut(_ text: String, from: Int = 0) -> Int? {
      Array(text.utf8).withUnsafeBufferPointer { CSVReader.lastCut(in: $0, from: from) }
    }
    #expect(cut("a,b\nc,d\ne,f") == 8)
    #expect(cut("a,b\r\nc,d\r\ne") == 10)
    // A line end inside quotes is no cut; one after the closing quote is.
    #expect(cut("a,b\n\"c\nd\",e\nf") == 12)
    #expect(cut("a,b\n\"c\nd") == 4)
    #expect(cut("a,\"x\"\"\ny\"\nz") == 10)
    // Not at the buffer's end, not between CR and LF, a lone CR once the next byte is known.
    #expect(cut("a,b\nc,d\n") == 4)
    #expect(cut("a,b\r\nc,d\r") == 5)
    #expect(cut("a,b\rc,d\re") == 8)
    #expect(cut("a,b\nc,d\ne", from: 9) == nil)
    #expect(cut("a,b,c,d") == nil)
    // Long runs without a stop byte, read eight bytes at a time.
    let long = String(repeating: "abcdefgh", count: 20)
    #expect(cut("\(long)\n\"\(long)\n\(long)\"\n\(long)") == 3 * 160 + 5)
    // A quote that opens nothing (`ab"c`) makes every later line end look quoted: under
    // 1 MB the last cut is before it; from 1 MB on, the last line end is taken all the same.
    let row = "a,b\"c,d\n"
    let rows = String(repeating: "x,y,z\n", count: 3) + row + String(repeating: "x,y,z\n", count: 1000) + "x"
    #expect(cut(rows) == 18)
    let many = row + String(repeating: "x,y,z\n", count: (1 << 20) / 6 + 10) + "x"
    #expect(cut(many) == many.utf8.count - 1)
  }

  @Test("the cutter, sixteen bytes at a time, agrees with a byte-by-byte reading on random text")
  func cutterAgainstReference() {
    /// The rule, byte by byte.
    func reference(_ b: [UInt8], from: Int) -> Int? {
      var inQuotes = false
      var cut: Int?
      var any: Int?
      for i in b.indices {
        let c = b[i]
        if c == UInt8(ascii: "\"") {
          inQuotes.toggle()
        } else if c == 0x0A || c == 0x0D {
          let next = i + 1
          guard next >= max(from, 1), next < b.count, c == 0x0A || b[next] != 0x0A else { continue }
          if inQuotes { any = next } else { cut = next }
        }
      }
      return cut == nil && b.count >= 1 << 20 ? any : cut
    }
    var rng = SplitMix(seed: 42)
    let alphabet: [UInt8] = Array("\"\"\r\n\n,abc".utf8)
    for round in 0..<3000 {
      let count = Int(rng.next() % 90)
      let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
      let from = round % 3 == 0 ? Int(rng.next() % UInt64(count + 1)) : 0
      let got = bytes.withUnsafeBufferPointer { CSVReader.lastCut(in: $0, from: from) }
      #expect(got == reference(bytes, from: from), "\(bytes) from \(from)")
    }
  }

  @Test("random CSV-like text, cut into tiny pieces, reads as one reader reads it")
  func randomInputs() throws {
    var rng = SplitMix(seed: 7)
    func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    let cells = [
      "a", "Zoë", "", "\"q,uo\"\"te\"", "\"multi\r\nline\"", "\"lf\nonly\"", "x\"y", "\"open", "+1 555",
      "=SUM(A1)", "2025-01-02", "0035000000ABCDE", "z@example.com",
    ]
    let ends = ["\r\n", "\n", "\r", "\r\n\r\n", "\n\n"]
    let header = "Id,LastName,FirstName,Email,Phone,Title,MailingStreet"
    for round in 0..<150 {
      var text = pick(["", "\u{FEFF}", "sep=,\r\n", ",,,\n"]) + header + pick(ends)
      for _ in 0..<(20 + Int(rng.next() % 60)) {
        let n = 5 + Int(rng.next() % 4)
        text += (0..<n).map { _ in pick(cells) }.joined(separator: ",") + pick(ends)
        if rng.next() % 40 == 0 { text += ",,,,,,\r\n" }
      }
      var bytes = Array(text.utf8)
      if rng.next() % 8 == 0 { bytes.insert(0xE9, at: Int(rng.next() % UInt64(bytes.count))) }  // Latin-1 é
      if rng.next() % 12 == 0 { bytes.insert(0, at: Int(rng.next() % UInt64(bytes.count))) }  // NUL
      let (expected, expectedError) = try Self.sequentialWithError(bytes)
      for pieceSize in [1, 200] {
        let (got, _, _, error) = try Self.parallelWithError(bytes, chunk: 1 + Int(rng.next() % 90), pieceSize: pieceSize)
        #expect(got == expected, "round \(round), pieces of \(pieceSize): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        #expect(error == expectedError, "round \(round), pieces of \(pieceSize)")
      }
    }
  }

  /// What `CSVReader.open` gives (in pieces when the input is big) and the error it ends
  /// with, opening included.
  static func opened(_ bytes: [UInt8], options: ReadOptions = options()) -> (ReadTrace, String?) {
    traced { try CSVReader.open(input: ByteInput(bytes: bytes, name: "in.csv"), options: options, diagnostics: $0) }
  }

  /// The same through one `CSVReader`.
  static func oneReader(_ bytes: [UInt8], options: ReadOptions = options()) -> (ReadTrace, String?) {
    traced { try CSVReader(input: ByteInput(bytes: bytes, name: "in.csv"), options: options, diagnostics: $0) }
  }

  /// The records, positions and diagnostics of the reader `open` makes, and its error.
  static func traced(_ open: (DiagnosticSink) throws -> any RecordReader) -> (ReadTrace, String?) {
    let log = DiagnosticLog()
    var trace = ReadTrace()
    var failure: String?
    do {
      var reader = try open(log.sink)
      while let r = try reader.next() {
        trace.records.append(r)
        trace.locations.append(reader.lastRecordLocation)
      }
    } catch {
      failure = "\(error)"
    }
    trace.diagnostics = log.diagnostics
    return (trace, failure)
  }

  final class DiagnosticLog: @unchecked Sendable {
    var diagnostics: [Diagnostic] = []
    var sink: DiagnosticSink { DiagnosticSink { [self] in diagnostics.append($0) } }
  }

  /// Rows of 100-odd bytes up to `bytes` in all.
  static func filler(_ line: (Int) -> String, bytes: Int) -> String {
    var text = ""
    var n = 0
    while text.utf8.count < bytes {
      text += line(n)
      n += 1
    }
    return text
  }

  @Test("a header whose quoted field runs past the first piece: the input is read by one reader")
  func headerPastFirstPiece() {
    // `x"y` holds a quote that opens nothing, so the cutter's count is off by one; the real
    // header closes some 42 KB on, past the first piece (32 KB).
    var text = "x\"y,\"z\n" + String(repeating: "aaaaaaaaaaaaaaaaaaaa\n", count: 2000) + "w\"\n"
    text += Self.filler({ "N\($0),\(String(repeating: "2", count: 100))\n" }, bytes: 2_300_000)
    let bytes = Array(text.utf8)
    let (got, error) = Self.opened(bytes)
    let (expected, expectedError) = Self.oneReader(bytes)
    #expect(expected.records.count > 20_000)
    #expect(error == expectedError)
    #expect(got == expected)
    // And cut small, in the tests' own pieces.
    let small = Array(("x\"y,\"z\n" + String(repeating: "aaaa\n", count: 300) + "w\"\n" + String(repeating: "N,2\n", count: 3000)).utf8)
    let (pieces, _, _) = try! Self.parallel(small, chunk: 100, pieceSize: 4000)
    #expect(pieces == (try! Self.sequential(small)))
  }

  @Test("a last piece that fails after a note or warning that names its line: the same text as one reader's")
  func lastPieceFails() {
    let head = "FirstName,LastName,Email,Phone\n"
    let rows = Self.filler({ "Ann\($0),Lee,a\($0)@example.com,\($0)\n" }, bytes: 2_300_000)
    for tail in [
      "Mül\"ler,X,m@example.com,1\n,,,\nBob,Z\u{0},b@example.com,1\n",
      "Mül\"ler,X,m@example.com,1\nB\u{E9}b,Z,b@example.com,1\nBob,Z\u{0},b@example.com,1\n",
    ] {
      // "Mül" stays UTF-8; U+00E9 becomes the one Latin-1 byte E9 (not valid UTF-8).
      let bytes = Array((head + rows).utf8) + Array(tail.replacingOccurrences(of: "\u{E9}", with: "\u{1}").utf8).map { $0 == 1 ? 0xE9 : $0 }
      let (got, error) = Self.opened(bytes)
      let (expected, expectedError) = Self.oneReader(bytes)
      #expect(expectedError != nil)
      #expect(error == expectedError)
      #expect(got.diagnostics == expected.diagnostics)
      #expect(got == expected)
    }
  }

  @Test("options refused on a big input: the notes on the header come first, as one reader gives them")
  func refusedOptions() {
    let text = ",,,\nFirst Name,Last Name,Email,Phone\n"
      + Self.filler({ "Ann\($0),Lee,a\($0)@example.com,\($0)\n" }, bytes: 2_300_000)
    let bytes = Array(text.utf8)
    for variant in ["bogus", "mapping"] {
      let (got, error) = Self.opened(bytes, options: Self.options(variant))
      let (expected, expectedError) = Self.oneReader(bytes, options: Self.options(variant))
      #expect(expectedError != nil)
      #expect(!expected.diagnostics.isEmpty)
      #expect(error == expectedError)
      #expect(got == expected)
    }
  }

  @Test("a mapping file is read once, for every piece: it can be gone before the rows are read")
  func mappingReadOnce() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-mapping-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let mapping = dir.appendingPathComponent("m.yaml").path
    try "columns:\n  - column: Given\n    field: formattedName\n  - column: Mail\n    field: email\n"
      .write(toFile: mapping, atomically: true, encoding: .utf8)
    let text = "Given,Mail,Extra\n" + Self.filler({ "Ann\($0),a\($0)@example.com,x\($0)\n" }, bytes: 2_300_000)
    var options = Self.options("mapping")
    options.csv.mappingFile = mapping
    let expected = Self.oneReader(Array(text.utf8), options: options)
    #expect(expected.1 == nil)
    var reader = try CSVReader.open(input: ByteInput(bytes: Array(text.utf8), name: "in.csv"), options: options, diagnostics: .ignore)
    #expect(reader is ParallelReader)
    try FileManager.default.removeItem(atPath: mapping)
    var records: [Record] = []
    while let r = try reader.next() { records.append(r) }
    #expect(records == expected.0.records)
  }

  @Test("no line end among the bytes not looked at yet: no cut, whatever the quotes before")
  func noLineEnd() {
    let text = "a,b\nc,\"d\ne\"\n" + String(repeating: "x", count: 5000)
    let bytes = Array(text.utf8)
    let cut = bytes.withUnsafeBufferPointer { CSVReader.lastCut(in: $0, from: 20) }
    #expect(cut == nil)
    let earlier = bytes.withUnsafeBufferPointer { CSVReader.lastCut(in: $0, from: 0) }
    #expect(earlier == 12)
  }

  struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  @Test("a big UTF-8 input of a contact profile is read in pieces (CSVReader.parallel, open); others are not")
  func choice() throws {
    let big = Array(Self.salesforce(rows: 15_000).utf8)
    #expect(big.count > 2 * 1024 * 1024)
    let reader = try CSVReader.parallel(input: ByteInput(bytes: big, name: "big.csv"), options: Self.options(), diagnostics: .ignore)
    #expect(reader != nil)
    // It reads what one reader reads.
    let expected = try Self.sequential(big)
    let (got, _) = try ReadTrace.read { sink in
      try CSVReader.parallel(input: ByteInput(bytes: big, name: "in.csv"), options: Self.options(), diagnostics: sink)!
    }
    #expect(got == expected)
    // Small input; UTF-16; an event profile; an unknown profile refused at once.
    let small = Array(Self.salesforce(rows: 100).utf8)
    #expect(try CSVReader.parallel(input: ByteInput(bytes: small, name: "s.csv"), options: Self.options(), diagnostics: .ignore) == nil)
    var utf16: [UInt8] = [0xFF, 0xFE]
    for u in Self.salesforce(rows: 15_000).utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
    #expect(try CSVReader.parallel(input: ByteInput(bytes: utf16, name: "u.csv"), options: Self.options(), diagnostics: .ignore) == nil)
    var events = "Subject,StartDateTime,EndDateTime,IsAllDayEvent,OwnerId\r\n"
    while events.utf8.count < 2_200_000 { events += "Call,2025-01-02T10:00:00.000Z,2025-01-02T11:00:00.000Z,false,005000000000001\r\n" }
    #expect(
      try CSVReader.parallel(
        input: ByteInput(bytes: Array(events.utf8), name: "e.csv"), options: Self.options("salesforce-events"),
        diagnostics: .ignore) == nil)
    // Options it cannot read with are left to one reader, which reports them (`open` throws).
    #expect(
      try CSVReader.parallel(input: ByteInput(bytes: big, name: "big.csv"), options: Self.options("nonesuch"), diagnostics: .ignore)
        == nil)
    #expect(throws: FerryError.self) {
      _ = try CSVReader.open(input: ByteInput(bytes: big, name: "big.csv"), options: Self.options("nonesuch"), diagnostics: .ignore)
    }
  }
}
