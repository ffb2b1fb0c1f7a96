import FerryContentLines
import FerryModel
import FerryTestSupport
import FerryVCard
import Foundation
import Testing

/// `ParallelReader` over vCard gives exactly what one `VCardReader` gives: the same records,
/// positions and diagnostics, wherever the pieces are cut.
@Suite("Parallel vCard reading")
struct ParallelReadingTests {
  static let files =
    Fixtures.files(in: sharedPath("corpus/vcard"), extensions: ["vcf", "vcard"])
    + Fixtures.files(in: Fixtures.path("vcard"), extensions: ["vcf", "vcard"])
    + Fixtures.files(in: Fixtures.path("fuzz/vcard"), extensions: ["vcf", "vcard"])

  typealias Result = ReadTrace

  static func sequential(_ bytes: [UInt8], version: VCardVersion = .v30) throws -> Result {
    try ReadTrace.read {
      VCardReader(input: ByteInput(bytes: bytes, name: "in.vcf"), diagnostics: $0, defaultVersion: version)
    }.0
  }

  /// Read in pieces: `chunk` bytes are read at a time and a piece is cut as soon as one has
  /// `pieceSize` bytes, so small values give many pieces, cut at every kind of place.
  static func parallel(
    _ bytes: [UInt8], chunk: Int, pieceSize: Int = 1, version: VCardVersion = .v30
  ) throws -> (Result, fellBack: Bool) {
    let (trace, reader) = try ReadTrace.read {
      ParallelReader(
        input: ByteInput(bytes: bytes, name: "in.vcf", chunkSize: chunk),
        format: VCardReader.pieces(defaultVersion: version), diagnostics: $0, pieceSize: pieceSize, ahead: 3)
    }
    return (trace, reader.readsOnAsOneReader)
  }

  static func card(_ n: Int, lineEnd: String = "\r\n") -> String {
    [
      "BEGIN:VCARD", "VERSION:3.0", "N:Name\(n);Given;;;", "FN:Given Name\(n)",
      "EMAIL;TYPE=INTERNET,WORK:g\(n)@example.com", "NOTE:note \(n)\\, folded over",
      " two lines", "END:VCARD",
    ].joined(separator: lineEnd) + lineEnd
  }

  @Test("every corpus and fixture file, cut into small pieces", arguments: files)
  func file(path: String) throws {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    let expected = try Self.sequential(bytes)
    for chunk in [7, 300] {
      let (got, _) = try Self.parallel(bytes, chunk: chunk)
      #expect(got == expected, "\(path), chunks of \(chunk)")
    }
  }

  @Test("all corpus files as one input: many pieces, quirks in between")
  func allAsOne() throws {
    var bytes: [UInt8] = []
    for path in Self.files {
      bytes += Array(try Data(contentsOf: URL(fileURLWithPath: path)))
      bytes += Array("\r\n".utf8)
    }
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count > 100)
    #expect(!expected.diagnostics.isEmpty)
    for chunk in [50, 4096] {
      let (got, _) = try Self.parallel(bytes, chunk: chunk)
      #expect(got.records.count == expected.records.count)
      #expect(got.locations == expected.locations)
      #expect(got.diagnostics == expected.diagnostics)
      #expect(got == expected)
    }
  }

  @Test("line and record numbers carry on across pieces, with LF, CRLF and CR line ends", arguments: ["\n", "\r\n", "\r"])
  func numbering(lineEnd: String) throws {
    var text = ""
    for n in 0..<200 {
      text += Self.card(n, lineEnd: lineEnd)
      // A line without a colon now and then: a warning with its line number.
      if n % 37 == 5 { text = text.replacingOccurrences(of: "FN:Given Name\(n)", with: "FN Given Name\(n)") }
    }
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count == 200)
    #expect(expected.diagnostics.count >= 5)
    let (got, fellBack) = try Self.parallel(bytes, chunk: 97)
    #expect(!fellBack)
    #expect(got == expected)
    #expect(got.locations.last??.record == 200)
  }

  @Test("cards with blank lines between them are cut there, and numbered as one reader numbers them")
  func blankLinesBetweenCards() throws {
    var text = ""
    for n in 0..<150 { text += Self.card(n) + (n % 3 == 0 ? "\r\n\r\n" : "\r\n") }
    text = text.replacingOccurrences(of: "FN:Given Name77", with: "FN Given Name77")
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count == 150)
    #expect(!expected.diagnostics.isEmpty)
    let (got, fellBack) = try Self.parallel(bytes, chunk: 80)
    #expect(!fellBack)
    #expect(got == expected)
  }

  @Test("a cut inside a card that holds cards: the rest is read again by one reader")
  func nestedCards() throws {
    var text = ""
    for n in 0..<40 { text += Self.card(n) }
    // Cards inside a card (read as cards of their own): "END:VCARD" then "BEGIN:VCARD" inside
    // the outer card looks like a record boundary to the cutter, and is none.
    text += "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Outer\r\n"
    for n in 0..<6 { text += Self.card(100 + n) }
    text += "NOTE:after the inner cards\r\nEND:VCARD\r\n"
    for n in 40..<80 { text += Self.card(n) }
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count == 87)
    let (got, fellBack) = try Self.parallel(bytes, chunk: 61)
    #expect(fellBack)
    #expect(got == expected)
  }

  @Test("a quoted-printable value that runs on over END:VCARD is no cut")
  func quotedPrintableRunOn() throws {
    var text = ""
    for n in 0..<30 { text += Self.card(n) }
    text += "BEGIN:VCARD\r\nVERSION:2.1\r\nN:QP\r\nNOTE;ENCODING=QUOTED-PRINTABLE:first=\r\n"
    text += "END:VCARD\r\nBEGIN:VCARD\r\nmore=0D=0Aof the note\r\nEND:VCARD\r\n"
    for n in 30..<60 { text += Self.card(n) }
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes, version: .v21)
    for chunk in [13, 200] {
      let (got, _) = try Self.parallel(bytes, chunk: chunk, version: .v21)
      #expect(got == expected)
    }
  }

  @Test("a warning given once per input is given once, whichever piece meets it again")
  func oncePerInput() throws {
    var text = ""
    for n in 0..<60 {
      text += Self.card(n)
      // Old Mozilla's blank line inside a folded line, in several cards.
      if n % 20 == 3 { text += "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fold \(n)\r\nNOTE:a\r\n\r\n b\r\nEND:VCARD\r\n" }
    }
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.diagnostics.filter { $0.message == ContentLineReader.blankLineInFoldMessage }.count == 1)
    let (got, _) = try Self.parallel(bytes, chunk: 100)
    #expect(got == expected)
  }

  @Test("the cutter finds the last card start, and none inside a line or after a continued line")
  func cutter() {
    func cut(_ text: String, from: Int = 0) -> Int? {
      Array(text.utf8).withUnsafeBufferPointer { VCardReader.lastCut(in: $0, from: from) }
    }
    let two = "BEGIN:VCARD\nFN:a\nEND:VCARD\nBEGIN:VCARD\nFN:b\nEND:VCARD\n"
    #expect(cut(two) == 27)
    #expect(cut(two, from: 28) == nil)
    #expect(cut("BEGIN:VCARD\r\nFN:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\n") == 30)
    // Blank lines between cards, as some phones and libical write them.
    #expect(cut("BEGIN:VCARD\r\nFN:a\r\nEND:VCARD\r\n\r\n\r\nBEGIN:VCARD\r\n") == 34)
    #expect(cut("FN:a\nEND:VCARD\n\nBEGIN:VCARD\n") == 16)
    // The BEGIN line must be whole: its line end is needed.
    #expect(cut("BEGIN:VCARD\nFN:a\nEND:VCARD\nBEGIN:VCARD") == nil)
    #expect(cut("FN:a\nNOTE:x=\nEND:VCARD\nBEGIN:VCARD\n") == nil)
    #expect(cut("FN:a\nX-END:VCARD\nBEGIN:VCARD\n") == nil)
    #expect(cut("FN:a\nEND:VCARD\nbegin:vcard\n") == nil)
  }

  /// The threads that made piece readers.
  final class ThreadLog: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [pthread_t] = []
    func add() { lock.withLock { seen.append(pthread_self()) } }
    var threads: [pthread_t] { lock.withLock { seen } }
  }

  @Test("the consumer reads pieces itself while it waits (all of them with no worker)", arguments: [0, 1, 2])
  func consumerReads(workers: Int) throws {
    let log = ThreadLog()
    var format = VCardReader.pieces()
    let make = format.makeReader
    format.makeReader = { input, start, sink in
      log.add()
      return make(input, start, sink)
    }
    var bytes: [UInt8] = []
    for path in Self.files {
      bytes += Array(try Data(contentsOf: URL(fileURLWithPath: path)))
      bytes += Array("\r\n".utf8)
    }
    let expected = try Self.sequential(bytes)
    let (got, reader) = try ReadTrace.read {
      ParallelReader(
        input: ByteInput(bytes: bytes, name: "in.vcf", chunkSize: 4096), format: format, diagnostics: $0,
        pieceSize: 2048, ahead: 3, workers: workers)
    }
    #expect(got == expected)
    let consumer = pthread_self()
    let byConsumer = log.threads.filter { pthread_equal($0, consumer) != 0 }.count
    // (The reader of the rest of the input, when a cut proved to be no record boundary, is
    // made on the consumer's thread too.)
    #expect(reader.piecesReadByConsumer + (reader.readsOnAsOneReader ? 1 : 0) == byConsumer)
    if workers == 0 {
      // Every piece reader ran here (the pieces used, and the reader of the rest, if any).
      #expect(byConsumer == log.threads.count)
      #expect(reader.piecesUsed > 10)
    }
  }
}
