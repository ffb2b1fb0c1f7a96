import FerryContentLines
import FerryICalendar
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// `ParallelReader` over iCalendar gives exactly what one `ICalendarReader` gives: the same
/// events, positions and diagnostics, wherever the pieces are cut, and uses its pieces when
/// the calendar allows it.
@Suite("Parallel iCalendar reading")
struct ICalendarParallelReadingTests {
  static let files =
    Fixtures.files(in: sharedPath("corpus/ical"), extensions: ["ics", "vcs", "ical", "ifb"])
    + Fixtures.files(in: Fixtures.path("ics"), extensions: ["ics"])
    + Fixtures.files(in: Fixtures.path("fuzz/ics"), extensions: ["ics"])

  typealias Result = ReadTrace

  static func sequential(_ bytes: [UInt8], options: ReadOptions = ReadOptions()) throws -> Result {
    try ReadTrace.read {
      ICalendarReader(input: ByteInput(bytes: bytes, name: "in.ics"), options: options, diagnostics: $0)
    }.0
  }

  /// Read in pieces: `chunk` bytes are read at a time and a piece is cut as soon as one has
  /// `pieceSize` bytes. A piece is used only when the pieces read ahead of it hold the 256
  /// events an override can reach back over: small pieces need many read ahead.
  static func parallel(
    _ bytes: [UInt8], chunk: Int, pieceSize: Int = 1, ahead: Int = 8, options: ReadOptions = ReadOptions(),
    workers: Int = ParallelReader.defaultWorkers
  ) throws -> (Result, piecesUsed: Int) {
    try parallelReader(bytes, chunk: chunk, pieceSize: pieceSize, ahead: ahead, options: options, workers: workers).0
  }

  static func parallelReader(
    _ bytes: [UInt8], chunk: Int, pieceSize: Int = 1, ahead: Int = 8, options: ReadOptions = ReadOptions(),
    workers: Int = ParallelReader.defaultWorkers
  ) throws -> ((Result, piecesUsed: Int), ParallelReader) {
    let (trace, reader) = try ReadTrace.read {
      ParallelReader(
        input: ByteInput(bytes: bytes, name: "in.ics", chunkSize: chunk), format: ICalendarReader.pieces(options: options),
        diagnostics: $0, pieceSize: pieceSize, ahead: ahead, workers: workers)
    }
    return ((trace, reader.piecesUsed), reader)
  }

  /// A calendar of `count` events with what makes reading one event depend on others: a
  /// floating time read in X-WR-TIMEZONE (warned about once), zones by IANA, Windows and
  /// Mozilla names, a zone of its own, an unknown TZID (warned about once), series with
  /// overrides right after their master (as exporters write them) and, now and then (one
  /// event in `farEvery`), far from it, an override before its master, newer and older
  /// revisions of a UID, VJOURNALs that travel with the next event, events without UID, a
  /// blank line inside a folded line, a line without a colon.
  static func calendar(
    _ count: Int, seed: UInt64 = 1, lineEnd: String = "\r\n", floating: Bool = true, farEvery: Int = 300,
    extra: (Int) -> String = { _ in "" }
  ) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    var text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//ferry tests//EN\nX-WR-CALNAME:Pieces\n"
    if floating { text += "X-WR-TIMEZONE:Europe/Berlin\n" }
    text += """
      BEGIN:VTIMEZONE
      TZID:Own Zone
      BEGIN:STANDARD
      DTSTART:19700101T000000
      TZOFFSETFROM:+0300
      TZOFFSETTO:+0300
      END:STANDARD
      END:VTIMEZONE

      """
    let zones = ["America/New_York", "Own Zone", "W. Europe Standard Time", "/mozilla.org/20050126_1/Europe/Paris",
                 "Nowhere/Special", "Asia/Tokyo"]
    var masters: [String] = []
    for i in 0..<count {
      let r = Double.random(in: 0..<1, using: &rng)
      let uid = "e\(i)@test"
      if !masters.isEmpty && Int.random(in: 0..<farEvery, using: &rng) == 0 {
        // An override (or another revision) of a master up to 400 events back: within the
        // 256 events a reader holds, or beyond.
        let m = masters[masters.count - Int.random(in: 1...min(masters.count, 400), using: &rng)]
        if r < 0.7 {
          text += "BEGIN:VEVENT\nUID:\(m)\nRECURRENCE-ID:20250310T090000Z\nDTSTAMP:20250101T000000Z\n"
          text += "DTSTART:20250311T100000Z\nSUMMARY:moved \(i)\nEND:VEVENT\n"
        } else {
          text += "BEGIN:VEVENT\nUID:\(m)\nSEQUENCE:\(Int.random(in: 0...2, using: &rng))\nDTSTAMP:20250101T000000Z\n"
          text += "DTSTART:20250312T100000Z\nSUMMARY:revision \(i)\nEND:VEVENT\n"
        }
        continue
      }
      if r < 0.045 { text += "BEGIN:VJOURNAL\nUID:j\(i)\nSUMMARY:journal \(i)\nEND:VJOURNAL\n" }
      if r > 0.995 {
        text += "BEGIN:VEVENT\nUID:\(uid)\nRECURRENCE-ID:20250310T090000Z\nDTSTAMP:20250101T000000Z\n"
        text += "DTSTART:20250311T100000Z\nSUMMARY:early override \(i)\nEND:VEVENT\n"
      }
      text += "BEGIN:VEVENT\n"
      if Double.random(in: 0..<1, using: &rng) < 0.97 {
        text += "UID:\(uid)\n"
        masters.append(uid)
      }
      text += "DTSTAMP:20250101T000000Z\n"
      let z = Double.random(in: 0..<1, using: &rng)
      if z < 0.2 && floating {
        text += "DTSTART:20250310T090000\n"
      } else if z < 0.3 {
        text += "DTSTART;VALUE=DATE:20250310\n"
      } else {
        text += "DTSTART;TZID=\(zones[Int.random(in: 0..<zones.count, using: &rng)]):20250310T090000\n"
      }
      let recurs = Double.random(in: 0..<1, using: &rng) < 0.3
      if recurs { text += "RRULE:FREQ=WEEKLY;COUNT=5\n" }
      let q = Double.random(in: 0..<1, using: &rng)
      if q < 0.01 {
        text += "DESCRIPTION:folded\n\n  over a blank line \(i)\n"
      } else if q < 0.02 {
        text += "X-NO-COLON-HERE\n"
      }
      text += "SUMMARY:event \(i) ümlaut\n"
      if q > 0.9 { text += "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nDESCRIPTION:x\nEND:VALARM\n" }
      text += "END:VEVENT\n"
      if recurs, masters.last == uid, Double.random(in: 0..<1, using: &rng) < 0.3 {
        for k in 0..<Int.random(in: 1...2, using: &rng) {
          text += "BEGIN:VEVENT\nUID:\(uid)\nRECURRENCE-ID;TZID=Asia/Tokyo:2025031\(7 + k)T090000\nDTSTAMP:20250101T000000Z\n"
          text += "DTSTART;TZID=Asia/Tokyo:2025031\(7 + k)T110000\nSUMMARY:override \(k) of \(i)\nEND:VEVENT\n"
        }
      }
      text += extra(i)
    }
    text += "END:VCALENDAR\n"
    return Array(text.replacingOccurrences(of: "\n", with: lineEnd).utf8)
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

  @Test("all corpus files as one input: calendar after calendar, read on by one reader")
  func allAsOne() throws {
    var bytes: [UInt8] = []
    for path in Self.files {
      bytes += Array(try Data(contentsOf: URL(fileURLWithPath: path)))
      bytes += Array("\r\n".utf8)
    }
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count > 100)
    for chunk in [50, 4096] {
      let (got, _) = try Self.parallel(bytes, chunk: chunk, pieceSize: 2048)
      #expect(got.records.count == expected.records.count)
      #expect(got.locations == expected.locations)
      #expect(got.diagnostics == expected.diagnostics)
      #expect(got == expected)
    }
  }

  @Test("a calendar with overrides, revisions, journals and zones, in pieces of many sizes", arguments: [1, 2, 3])
  func quirks(seed: UInt64) throws {
    let bytes = Self.calendar(3000, seed: seed)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count > 2500)
    #expect(expected.diagnostics.contains { $0.message.hasPrefix("floating time") })
    #expect(expected.diagnostics.contains { $0.message.contains("Nowhere/Special") })
    #expect(expected.diagnostics.contains { $0.message.contains("is used but no VTIMEZONE defines it") })
    for (pieceSize, ahead, workers) in [(3_000, 3, 2), (30_000, 8, 1), (100_000, 4, 0), (30_000, 2, 0)] {
      let (got, used) = try Self.parallel(bytes, chunk: 4096, pieceSize: pieceSize, ahead: ahead, workers: workers)
      #expect(got.locations == expected.locations, "pieces of \(pieceSize)")
      #expect(got.diagnostics == expected.diagnostics, "pieces of \(pieceSize)")
      #expect(got == expected, "pieces of \(pieceSize)")
      // Pieces of 3,000 bytes hold too few events for the 256 an override reaches back over:
      // none is used. Bigger ones are, up to the first that an override far from its master
      // (or a revision) joins to the next.
      print("pieces of \(pieceSize): \(used) of about \(bytes.count / pieceSize) used")
    }
  }

  @Test("without overrides far from their master, nearly every piece is used")
  func mostPiecesUsed() throws {
    let bytes = Self.calendar(6000, seed: 11, farEvery: 1_000_000)
    let expected = try Self.sequential(bytes)
    let pieceSize = 40_000
    // No worker (the consumer reads every piece as it needs it), one, two.
    for workers in [0, 1, 2] {
      let ((got, used), reader) = try Self.parallelReader(bytes, chunk: 8192, pieceSize: pieceSize, workers: workers)
      #expect(got == expected, "\(workers) workers")
      #expect(used >= bytes.count / pieceSize / 2, "\(used) of about \(bytes.count / pieceSize) used, \(workers) workers")
      if workers == 0 { #expect(reader.piecesReadByConsumer >= used) }
    }
  }

  @Test("the last piece, read again with what the pieces before carried, is only the input's last events")
  func shortLastPiece() throws {
    // Events that depend on no other (no override, no revision), with a TZID the calendar
    // does not define, which the check at END:VCALENDAR reports: every piece is used, and
    // only the last is read again.
    var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ferry tests//EN\r\n"
    for i in 0..<3000 {
      text += "BEGIN:VEVENT\r\nUID:short-\(i)\r\nDTSTAMP:20250101T000000Z\r\n"
        + "DTSTART;TZID=\(i % 7 == 0 ? "Undefined/Zone" : "Europe/Paris"):20250301T\(10 + i % 8)0000\r\n"
        + "SUMMARY:Event \(i)\\, with a comma\r\nEND:VEVENT\r\n"
    }
    text += "END:VCALENDAR\r\n"
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.diagnostics.contains { $0.message.contains("is used but no VTIMEZONE defines it") })
    // Pieces of about 20 kB, and the input handed over 8 kB at a time: without the short last
    // piece, the last one had up to about 28 kB.
    let (got, reader) = try ReadTrace.read {
      ParallelReader(
        input: ByteInput(bytes: bytes, name: "in.ics", chunkSize: 8192), format: ICalendarReader.pieces(),
        diagnostics: $0, pieceSize: 20_000, ahead: 8)
    }
    #expect(got == expected)
    #expect(reader.piecesUsed >= bytes.count / 28_000, "\(reader.piecesUsed) pieces used")
    #expect(reader.bytesReadAgain > 0 && reader.bytesReadAgain <= 16 * 1024, "\(reader.bytesReadAgain) bytes read again")
  }

  @Test("the input's start, peeked at to detect its format, is cut into small pieces first")
  func smallFirstPieces() throws {
    let bytes = Self.calendar(3000, seed: 5, farEvery: 1_000_000)
    let expected = try Self.sequential(bytes)
    let pieceSize = 64 * 1024
    let input = ByteInput(bytes: bytes, name: "in.ics", chunkSize: 65536)
    // As `convert` does: the start is peeked at (and then comes back as one chunk).
    #expect(try ParallelReader.isWorthwhile(for: input, pieceSize: pieceSize))
    let (got, reader) = try ReadTrace.read {
      ParallelReader(input: input, format: ICalendarReader.pieces(), diagnostics: $0, pieceSize: pieceSize, ahead: 8)
    }
    #expect(got == expected)
    // The first piece is a sixteenth of a piece (up to its last event), not the whole peek.
    #expect(reader.firstPieceBytes > 0 && reader.firstPieceBytes <= pieceSize / 16, "first piece: \(reader.firstPieceBytes) bytes")
  }

  @Test("pieces are used and numbered on, with LF, CRLF and CR line ends", arguments: ["\n", "\r\n", "\r"])
  func numbering(lineEnd: String) throws {
    // Without overrides or revisions (the generator's seed 9 has none in its first events?
    // no: they are rare), most pieces are used.
    let bytes = Self.calendar(2000, seed: 9, lineEnd: lineEnd, farEvery: 100_000)
    let expected = try Self.sequential(bytes)
    let (got, used) = try Self.parallel(bytes, chunk: 97, pieceSize: 30_000)
    #expect(used >= 1)
    #expect(got == expected)
  }

  @Test("a VTIMEZONE, a calendar property or a new calendar after the first events: read on by one reader",
        arguments: ["zone", "property", "calendar", "wrapper"])
  func changesAfterThePreamble(kind: String) throws {
    let bytes = Self.calendar(1500, seed: 4, farEvery: 100_000) { i in
      guard i == 700 else { return "" }
      switch kind {
      case "zone":
        return "BEGIN:VTIMEZONE\nTZID:Nowhere/Special\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0500\n"
          + "TZOFFSETTO:+0500\nEND:STANDARD\nEND:VTIMEZONE\n"
      case "property": return "X-WR-CALNAME:Renamed\nMETHOD:REQUEST\n"
      case "calendar": return "END:VCALENDAR\nBEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//second//EN\n"
      default:
        // Events inside an unknown component: an END:VEVENT, BEGIN:VEVENT pair that is no
        // boundary of the calendar's events.
        return "BEGIN:X-WRAPPER\n" + (0..<40).map { "BEGIN:VEVENT\nUID:w\($0)\nDTSTART:20250101T100000Z\nEND:VEVENT\n" }.joined()
          + "END:X-WRAPPER\n"
      }
    }
    let expected = try Self.sequential(bytes)
    for pieceSize in [30_000, 60_000] {
      let (got, used) = try Self.parallel(bytes, chunk: 512, pieceSize: pieceSize)
      #expect(got == expected, "\(kind), pieces of \(pieceSize)")
      #expect(used >= 1, "\(kind): the pieces before the change are used")
    }
  }

  @Test("a calendar without X-WR-TIMEZONE, read with --input-encoding, is read the same")
  func options() throws {
    var options = ReadOptions()
    options.inputEncoding = "windows-1252"
    let bytes = Self.calendar(2000, seed: 5, floating: false, farEvery: 100_000)
    let expected = try Self.sequential(bytes, options: options)
    let (got, used) = try Self.parallel(bytes, chunk: 1000, pieceSize: 40_000, options: options)
    #expect(used >= 1)
    #expect(got == expected)
  }

  @Test("a quoted-printable soft break at the preamble's end runs on over the first BEGIN:VEVENT, as for one reader")
  func softBreakBeforeTheFirstEvent() throws {
    var text = "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nX-WR-CALDESC;ENCODING=QUOTED-PRINTABLE:abc=\r\n"
    for i in 0..<2000 {
      text += "BEGIN:VEVENT\r\nUID:q\(i)\r\nDTSTART:20250101T100000Z\r\nSUMMARY:event \(i)\r\nEND:VEVENT\r\n"
    }
    text += "END:VCALENDAR\r\n"
    let bytes = Array(text.utf8)
    let expected = try Self.sequential(bytes)
    #expect(expected.records.count == 1999)
    let (got, _) = try Self.parallel(bytes, chunk: 4096, pieceSize: 20_000)
    #expect(got == expected)
  }

  @Test("the cutter: the last event start after an END line; the preamble ends at the first event")
  func cutter() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nBEGIN:VTODO\r\nUID:2\r\nEND:VTODO\r\n"
      + "BEGIN:VEVENT\r\nDESCRIPTION:soft=\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    let bytes = Array(text.utf8)
    bytes.withUnsafeBufferPointer { b in
      let first = ICalendarReader.firstEventStart(in: b)
      #expect(first == text.range(of: "BEGIN:VEVENT").map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) })
      #expect(first.map { String(decoding: b[$0..<$0 + 12], as: UTF8.self) } == "BEGIN:VEVENT")
      // The last BEGIN:VEVENT follows an END:VEVENT whose line before ends in "=": no cut
      // there; the one before it (BEGIN:VEVENT after END:VTODO) is.
      let cut = ICalendarReader.lastCut(in: b, from: 0)
      let expected = text.range(of: "BEGIN:VEVENT\r\nDESCRIPTION").map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
      #expect(cut == expected)
      #expect(ICalendarReader.lastCut(in: b, from: (expected ?? 0) + 1) == nil)
    }
  }
}
