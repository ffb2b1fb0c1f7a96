import FerryModel

// Reading a big CSV input in pieces, on several threads (`ParallelReader`).
//
// Every piece's reader reads the input's header first (the preamble: a byte order mark, an
// Excel `sep=` line, blank rows and the header record), silently but for the first piece's,
// then its own rows. Pieces are cut after a line end outside quotes, counted from the
// piece's start, which is itself a record boundary; a quote used irregularly (`ab"c`) can
// make that count wrong, and then the reader of the piece tells: it did not end between two
// records, and the rest of the input is read again by one reader.
//
// A piece is used only when nothing in it depends on the pieces before: its reader says it
// did not end at a record boundary when it gave the note that is given once per input (rows
// with every field empty) or read fields as Windows-1252 (those warnings are counted per
// input and name their line in the text). The last piece is read again by one reader told
// the line and record it starts at, for the same reason (`rereadsLastPiece`). Only profiles
// that read each row on its own take part (`CSVProfile.readsInPieces`), and only UTF-8
// input.

extension CSVReader: PieceReader {
  public var endedAtRecordBoundary: Bool {
    guard let piece, !piece.readsToEnd, !piece.preamble.isEmpty, !pieceBroken else { return false }
    return rows.endedBetweenRecords && !reportedEmptyRow && !rows.readFieldsAsWindows1252
  }

  public var recordsNumbered: Int { max(0, rows.rowsRead - 1) }

  public var lineEndsRead: Int { rows.line - linesCountedFrom }

  /// The delimiter read with (given or sniffed).
  public var delimiter: UInt8 { rows.delimiter }

  /// Opens `input`: in pieces on several threads when that pays (`parallel`), otherwise
  /// with one reader. A mapping file (`--mapping`) is read once, here, for all the readers.
  public static func open(input: ByteInput, options: ReadOptions, diagnostics: DiagnosticSink) throws -> any RecordReader {
    let mapping = readMapping(options)
    if let reader = try parallel(input: input, options: options, diagnostics: diagnostics, mapping: mapping) {
      return reader
    }
    return try CSVReader(input: input, options: options, diagnostics: diagnostics, piece: nil, mapping: mapping)
  }

  /// A reader that reads `input` in pieces on several threads (one per core), when it is
  /// big enough, UTF-8, and its profile reads each row on its own; otherwise nil (read it
  /// with `init`, which also reports what is wrong with the options or the header).
  public static func parallel(input: ByteInput, options: ReadOptions, diagnostics: DiagnosticSink) throws -> ParallelReader? {
    try parallel(input: input, options: options, diagnostics: diagnostics, mapping: readMapping(options))
  }

  private static func readMapping(_ options: ReadOptions) -> Result<GenericProfile, any Error>? {
    options.csv.mappingFile.map { file in Result { try GenericProfile(mappingFile: file) } }
  }

  static func parallel(
    input: ByteInput, options: ReadOptions, diagnostics: DiagnosticSink, mapping: Result<GenericProfile, any Error>?
  ) throws -> ParallelReader? {
    guard try ParallelReader.isWorthwhile(for: input) else { return nil }
    if let name = options.inputEncoding, CSVEncoding(name: name) != .utf8 { return nil }
    if case .failure = mapping { return nil }
    let head = try input.peek(4 * 512 * 1024)
    if let (encoding, _) = CSVEncoding.fromBOM(head), encoding != .utf8 { return nil }
    // The head read as the input would be: the profile, and the delimiter every piece reads
    // with. Whatever it refuses, one reader reads and reports (the notes on the header
    // before the error too).
    guard
      let probe = try? CSVReader(
        input: ByteInput(bytes: head, name: input.name), options: options, diagnostics: .ignore, piece: nil,
        mapping: mapping),
      probe.hasDecoder, probe.profile.readsInPieces, !probe.rows.reachedEnd,
      probe.rows.bytesConsumed < min(head.count, preambleLimit)
    else { return nil }
    var pieceOptions = options
    pieceOptions.csv.delimiter = probe.delimiter
    return ParallelReader(
      input: input, format: pieces(options: pieceOptions, mapping: mapping), diagnostics: diagnostics)
  }

  /// The longest preamble every piece's reader reads again (a header of thousands of
  /// columns would cost more to read per piece than the pieces gain).
  static let preambleLimit = 64 * 1024

  /// How `ParallelReader` cuts a CSV input into pieces and reads each one. `options` must
  /// name the delimiter (`parallel(input:options:diagnostics:)` sets the one sniffed from
  /// the input's head): a piece's preamble is too short to sniff it from.
  public static func pieces(options: ReadOptions) -> PieceFormat {
    pieces(options: options, mapping: readMapping(options))
  }

  static func pieces(options: ReadOptions, mapping: Result<GenericProfile, any Error>?) -> PieceFormat {
    let delimiter = options.csv.delimiter
    return PieceFormat(
      lastCut: { bytes, from in lastCut(in: bytes, from: from) },
      makeReader: { input, start, sink in
        do {
          return try CSVReader(input: input, options: options, diagnostics: sink, piece: start, mapping: mapping)
        } catch {
          return FailedPiece(error: error)
        }
      },
      preambleLength: { bytes in preambleLength(in: bytes, delimiter: delimiter) },
      rereadsLastPiece: true)
  }

  /// Where the last record at or after `from` (and above 0, below the end of `bytes`)
  /// starts: after the last line end outside quotes, quotes counted from the start of
  /// `bytes` (a record boundary). A CR counts only when the byte after it is not LF.
  ///
  /// Only a guess when quotes are used irregularly (`ab"c` holds a quote that opens
  /// nothing); the reader of the piece before tells. Such a quote makes every line end after
  /// it look quoted: when `bytes` has none outside quotes in `lastResortSize` bytes or more,
  /// the last line end is taken all the same, so that pieces are still cut (and memory stays
  /// bounded) and quotes are counted afresh from the next piece's start.
  public static func lastCut(in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    guard let base = b.baseAddress else { return nil }
    let n = b.count
    let lowest = max(from, 1)
    // Quotes are counted from the start every time this is asked, as a piece's buffer grows:
    // first make sure there is a line end to cut after among the bytes not looked at yet,
    // so that a long stretch without one is not counted over and over (with a 64 KB chunk
    // added between two calls, that was quadratic).
    guard hasLineEnd(base, from: lowest - 1, to: n - 1) else { return nil }
    var inQuotes = false
    var cut: Int?
    var anyLineEnd: Int?
    // One quote or line end at `i`.
    @inline(__always) func stop(_ i: Int) {
      let c = base[i]
      let next = i + 1
      if c == .quote {
        inQuotes.toggle()
      } else if next >= lowest && next < n && (c == .lf || base[next] != .lf) {
        if inQuotes { anyLineEnd = next } else { cut = next }
      }
    }
    // Sixteen bytes at a time: a row has two or three stops in some 300 bytes, so nearly
    // every block is passed over at one comparison (this runs under the lock that hands out
    // pieces, while the other thread may wait for it).
    let quote = SIMD16<UInt8>(repeating: .quote)
    let lf = SIMD16<UInt8>(repeating: .lf)
    let cr = SIMD16<UInt8>(repeating: .cr)
    var i = 0
    while i + 16 <= n {
      let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
      let hits = (v .== quote) .| (v .== lf) .| (v .== cr)
      if any(hits) {
        // 0xFF in each byte that stops, as two words, low bytes first.
        let words = unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 0xFF, where: hits), to: SIMD2<UInt64>.self)
        for half in 0..<2 {
          var w = UInt64(littleEndian: words[half])
          while w != 0 {
            let k = w.trailingZeroBitCount >> 3
            stop(i + half * 8 + k)
            w &= ~(0xFF << UInt64(k * 8))
          }
        }
      }
      i += 16
    }
    while i < n {
      let c = base[i]
      if c == .quote || c == .lf || c == .cr { stop(i) }
      i += 1
    }
    if cut == nil && n >= lastResortSize { return anyLineEnd }
    return cut
  }

  /// Whether `base[from..<to]` holds a CR or LF.
  static func hasLineEnd(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Bool {
    let lf = SIMD16<UInt8>(repeating: .lf)
    let cr = SIMD16<UInt8>(repeating: .cr)
    var i = max(0, from)
    while i + 16 <= to {
      let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
      if any((v .== lf) .| (v .== cr)) { return true }
      i += 16
    }
    while i < to {
      if base[i] == .lf || base[i] == .cr { return true }
      i += 1
    }
    return false
  }

  /// See `lastCut(in:from:)`: twice the pieces `ParallelReader` cuts.
  static let lastResortSize = 1 << 20

  /// The length of the preamble at the start of `bytes`: up to the end of the header record
  /// (the first with text), its line end included; 0 when it does not end at a line end in
  /// `bytes`, or is longer than `preambleLimit` (the input is then read by one reader).
  static func preambleLength(in bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8?) -> Int {
    // A header longer than the limit is not taken anyway: no more is copied.
    let all = Array(bytes.prefix(preambleLimit + 1))
    guard
      let rows = try? CSVRowReader(
        input: ByteInput(bytes: all, name: "<preamble>"), delimiter: delimiter, encodingName: nil, diagnostics: .ignore)
    else { return 0 }
    while let row = try? rows.next() {
      guard row.data.isEmpty else {
        // Closed by the end of `bytes` (a quote left open), not by a line end: no header.
        guard !rows.reachedEnd else { return 0 }
        var end = rows.bytesConsumed
        // The header's CR consumed, its LF not yet.
        if end > 0 && end < all.count && all[end - 1] == .cr && all[end] == .lf { end += 1 }
        return end <= min(all.count, preambleLimit) && rows.line > row.line ? end : 0
      }
    }
    return 0
  }
}

/// A piece whose reader could not start (the options were checked on the input's head, so
/// this is not expected): it gives nothing and throws its error, so that the input is read
/// again by one reader, which reports it.
private struct FailedPiece: PieceReader {
  let error: any Error
  var lastRecordLocation: SourceLocation? { nil }
  var endedAtRecordBoundary: Bool { false }
  var recordsNumbered: Int { 0 }
  var lineEndsRead: Int { 0 }
  mutating func next() throws -> Record? { throw error }
}
