import Foundation

/// A reader that can also read a piece of its input on its own, for `ParallelReader`.
public protocol PieceReader: RecordReader {
  /// After `next()` returned nil: whether the input ended right after a whole top-level
  /// record, with nothing open, queued or pending. A new reader started on the bytes that
  /// followed then reads what this one would have read next.
  var endedAtRecordBoundary: Bool { get }
  /// The record number (`SourceLocation.record`) given last, nested records included: the
  /// next piece's numbers follow on from it.
  var recordsNumbered: Int { get }
  /// The line ends read so far (LF, CR, CRLF once): the next piece's line numbers follow on.
  var lineEndsRead: Int { get }
  /// What a reader of the input's rest needs to know of this piece to read on as one reader
  /// would (iCalendar: the TZIDs used, for the checks at END:VCALENDAR); see
  /// `PieceStart.carried`. Empty for most formats.
  var carried: [String] { get }
  /// For formats where a record can join one read up to `PieceFormat.window` records before
  /// (iCalendar: an override joins its master among the last 256 events): keys of the
  /// records near the piece's start that could have joined one of the pieces before (the
  /// UIDs of the events read before the window first moved), keys of the records still in
  /// the window at the piece's end, and how many records the piece put in the window. A
  /// piece is used only when no piece after it, within the window's reach, has a head key
  /// among its tail keys.
  var headKeys: [UInt64] { get }
  var tailKeys: [UInt64] { get }
  var windowRecords: Int { get }
}

extension PieceReader {
  public var carried: [String] { [] }
  public var headKeys: [UInt64] { [] }
  public var tailKeys: [UInt64] { [] }
  public var windowRecords: Int { 0 }
}

/// Where a piece reader starts, and what it knows of the pieces before.
public struct PieceStart: Sendable {
  /// The number of the input line the reader's first byte starts.
  public var firstLine: Int
  /// Bytes from the input's start that the reader reads before its own (a calendar's
  /// properties and time zones, which the events of every piece need); empty for formats
  /// without one (`PieceFormat.preambleLength`).
  public var preamble: [UInt8]
  /// Whether the preamble was read, and reported on, by a reader before (every piece but the
  /// first): its diagnostics are dropped and its lines not counted. The first piece's reader
  /// reads it as the start of its own input.
  public var preambleIsSilent: Bool
  /// What the pieces before gave (`PieceReader.carried`), for a reader of the input's rest.
  public var carried: [String]
  /// Whether the reader reads on to the input's end (the rest of an input that could not be
  /// read in pieces), rather than one piece with more after it.
  public var readsToEnd: Bool

  public init(firstLine: Int, preamble: [UInt8] = [], preambleIsSilent: Bool = false, carried: [String] = [], readsToEnd: Bool = true) {
    self.firstLine = firstLine
    self.preamble = preamble
    self.preambleIsSilent = preambleIsSilent
    self.carried = carried
    self.readsToEnd = readsToEnd
  }
}

/// What `ParallelReader` needs to know of a format.
public struct PieceFormat: Sendable {
  /// The last position in `bytes`, at or after `from`, above 0 and below its end, where a
  /// new top-level record seems to start (the start of its first line), or nil. A guess is
  /// enough: each piece's reader tells afterwards whether the piece before it really ended
  /// there.
  public var lastCut: @Sendable (_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int?
  /// A reader of one piece (or of the rest of the input).
  public var makeReader: @Sendable (_ input: ByteInput, _ start: PieceStart, _ diagnostics: DiagnosticSink) -> any PieceReader
  /// Whether the reader gives this diagnostic at most once per input ("reported once"):
  /// only the first piece's is kept.
  public var oncePerInput: @Sendable (Diagnostic) -> Bool
  /// For a diagnostic that one reader gives once (for the first time it sees a zone, say),
  /// a key: of the piece readers' diagnostics with the same key, only the first is kept. A
  /// reader of the input's rest is told what the pieces before saw (`PieceStart.carried`)
  /// and does not give them again.
  public var onceAmongPieces: @Sendable (Diagnostic) -> String?
  /// How many bytes at the start of the first piece every piece's reader reads first
  /// (`PieceStart.preamble`), or nil for formats without a preamble.
  public var preambleLength: (@Sendable (_ bytes: UnsafeBufferPointer<UInt8>) -> Int)?
  /// Whether the last piece is read again, after the pieces before it, by a reader that is
  /// told what they carried (`PieceReader.carried`): for checks made at the input's end.
  /// Such a last piece is cut short (`Shared.lastPieceSize`), as it is read while the other
  /// threads have nothing left to do.
  public var rereadsLastPiece: Bool
  /// How many records back a record can join one read before (see `PieceReader.headKeys`).
  public var window: Int

  public init(
    lastCut: @escaping @Sendable (UnsafeBufferPointer<UInt8>, Int) -> Int?,
    makeReader: @escaping @Sendable (ByteInput, PieceStart, DiagnosticSink) -> any PieceReader,
    oncePerInput: @escaping @Sendable (Diagnostic) -> Bool = { _ in false },
    onceAmongPieces: @escaping @Sendable (Diagnostic) -> String? = { _ in nil },
    preambleLength: (@Sendable (UnsafeBufferPointer<UInt8>) -> Int)? = nil,
    rereadsLastPiece: Bool = false,
    window: Int = 0
  ) {
    self.window = window
    self.lastCut = lastCut
    self.makeReader = makeReader
    self.oncePerInput = oncePerInput
    self.onceAmongPieces = onceAmongPieces
    self.preambleLength = preambleLength
    self.rereadsLastPiece = rereadsLastPiece
  }
}

/// Reads one input on several threads at once: the input is cut into pieces at record
/// boundaries, each piece is read by a reader of its own on a worker thread (or on the
/// consumer's, while it waits), and the consumer gets the records in input order, as if one
/// reader had read them all.
///
/// It gives exactly what the format's sequential reader gives: the same records, the same
/// `lastRecordLocation` for each (line numbers counted across pieces, record numbers
/// carried on), and the same diagnostics in the same place relative to the records,
/// emitted on the consumer's thread. A cut is only a guess (`PieceFormat.lastCut`); each
/// piece is used only when the reader of the piece before it ended at a record boundary
/// (`PieceReader.endedAtRecordBoundary`). When one did not (a cut inside a nested card, a
/// quoted-printable value that runs on), the rest of the input is read again from the start
/// of that piece by one reader, on one thread.
///
/// Formats whose records depend on what came before say so in their `PieceFormat`: a
/// preamble every piece's reader reads first (a calendar's properties and zones), keys that
/// tell when a record near a cut joins one on the other side (an override and its master),
/// facts carried to the reader of the last piece (for checks at the input's end), and
/// diagnostics given once among the pieces.
///
/// Parsing is the larger half of a conversion. The writer is on the consumer's thread; one
/// worker per core but one reads pieces, and whenever the piece the consumer needs next is
/// not read yet, the consumer reads the next one itself instead of waiting. On two cores
/// that is two threads, both busy to the end. (Two workers and the consumer were three
/// threads on two cores: at equal shares the writer fell behind, the workers waited, and
/// the writer ended the run alone on the pieces read ahead. Reading while waiting cut the
/// wall time on 200,000 events from about 0.79 s to 0.68 s, on 200,000 cards from about
/// 0.98 s to 0.90 s.) Memory stays bounded: at most `ahead` pieces are read and not yet
/// consumed.
///
///     var reader = ParallelReader(input: input, format: pieces, diagnostics: sink)
///     while let record = try reader.next() { try writer.write(record) }
public struct ParallelReader: RecordReader {
  private let shared: Shared
  private let lifetime: Lifetime
  private let emitter: Emitter
  /// Index of the piece being consumed, and the piece itself; its records, their positions
  /// and its diagnostics are moved out of it while it is consumed.
  private var index = -1
  private var piece: Piece?
  private var records: [Record] = []
  private var locations: [SourceLocation?] = []
  private var diagnostics: [(index: Int, diagnostic: Diagnostic)] = []
  private var position = 0
  private var replayed = 0
  /// Added to the record and line numbers of the piece being consumed: the records numbered
  /// and the line ends read in the pieces before it.
  private var recordOffset = 0
  private var lineOffset = 0
  /// Set once the last piece was consumed: what `next()` gives from then on.
  private var ended = false
  /// The reader of the rest of the input, once pieces could not be used.
  private var sequential: (any RecordReader)?
  private var sequentialOffset = 0
  /// What the pieces consumed so far carried (`PieceReader.carried`), each once, in order.
  private var carried: [String] = []
  private var carriedSet: Set<String> = []
  private let rereadsLastPiece: Bool
  private let window: Int
  public private(set) var lastRecordLocation: SourceLocation?
  /// Whether a cut proved to be no record boundary, and the rest of the input is read by one
  /// reader (for tests).
  public var readsOnAsOneReader: Bool { sequential != nil }
  /// Pieces whose records were used as their piece's reader read them (for tests).
  public private(set) var piecesUsed = 0
  /// The bytes of the first piece, when it was used (for tests).
  public private(set) var firstPieceBytes = 0
  /// The bytes read again by one reader, from the piece where that began (for tests).
  public var bytesReadAgain: Int { shared.bytesReadAgain }
  /// The pieces the consumer's thread read itself, instead of waiting (for tests).
  public var piecesReadByConsumer: Int { shared.piecesReadByConsumer }

  /// - Parameters:
  ///   - pieceSize: the bytes a piece has at least (unless the input ends first).
  ///   - ahead: pieces read ahead of the consumer at most.
  ///   - workers: reading threads besides the consumer's (0: the consumer reads every piece
  ///     itself, as it needs it).
  public init(
    input: ByteInput, format: PieceFormat, diagnostics: DiagnosticSink, pieceSize: Int = 512 * 1024, ahead: Int = 4,
    workers: Int = ParallelReader.defaultWorkers
  ) {
    emitter = Emitter(
      target: diagnostics, oncePerInput: format.oncePerInput, onceAmongPieces: format.onceAmongPieces,
      source: SourceName(input.name))
    rereadsLastPiece = format.rereadsLastPiece
    window = format.window
    let workers = max(0, workers)
    let shared = Shared(input: input, format: format, pieceSize: max(1, pieceSize), ahead: max(1, ahead), workers: workers)
    self.shared = shared
    lifetime = Lifetime(shared)
    for n in 0..<workers {
      let thread = Thread { shared.work(worker: n) }
      thread.name = "ferry-reader-\(n + 1)"
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  /// Reading threads besides the consumer's, which reads too while its next piece is not
  /// ready: one less than the cores (at least one, at most three).
  public static let defaultWorkers = max(1, min(3, ProcessInfo.processInfo.activeProcessorCount - 1))

  /// Whether an input is big enough for two readers to pay: a few pieces at least. (Looks
  /// at its start only, which stays to be read.)
  public static func isWorthwhile(for input: ByteInput, pieceSize: Int = 512 * 1024) throws -> Bool {
    try input.peek(4 * pieceSize).count >= 4 * pieceSize
  }

  public mutating func next() throws -> Record? {
    if position < records.count {
      // The piece's arrays are fields of the reader, not read through a copy of the piece
      // (a copy retains and releases each of its arrays, for every record).
      if replayed < diagnostics.count { replay(upTo: position) }
      let record = records[position]
      lastRecordLocation = locations[position].map { emitter.renumbered($0, records: recordOffset, lines: lineOffset) }
      position += 1
      return record
    }
    if sequential != nil { return try nextSequential() }
    while !ended {
      if position < records.count { return try next() }
      if var p = piece {
        replay(upTo: Int.max)
        let (recordsBefore, linesBefore) = (recordOffset, lineOffset)
        recordOffset += p.recordsNumbered
        lineOffset += p.lineEnds
        if p.isLast || p.error != nil {
          ended = true
          // The reader's error (a NUL byte in the last piece, say) is placed as the
          // diagnostics are: in the whole input.
          if let error = p.error { throw emitter.renumbered(error, records: recordsBefore, lines: linesBefore) }
          return nil
        }
        // Its records go back with it, to be freed by the worker that made them (here, when
        // this thread read it).
        swap(&p.records, &records)
        swap(&p.locations, &locations)
        piece = p.worker < 0 ? nil : p
      }
      index += 1
      var next = shared.take(index, returning: &piece)
      position = 0
      replayed = 0
      // A last piece whose reader failed is read again too (unless reading the input
      // failed, and it has no bytes): what its reader said before the error must be what one
      // reader says, message texts included.
      let rereadLast = next.isLast && index > 0 && rereadsLastPiece && (next.error == nil || !next.bytes.isEmpty)
      if rereadLast || (!next.isLast && !isUsable(next, index: index)) {
        // The cut after this piece was no record boundary (or its reader failed, or the next
        // piece's start joins this one's end): everything from this piece's start is read
        // again by one reader, as if there were no pieces. (Or this is the last piece of a
        // format whose checks at the input's end need what the pieces before carried.)
        sequentialOffset = recordOffset
        let start = PieceStart(
          firstLine: 1 + lineOffset, preamble: index == 0 ? [] : shared.preamble, preambleIsSilent: true,
          carried: carried, readsToEnd: true)
        sequential = shared.readRestSequentially(from: &next, emitter: emitter, recordOffset: recordOffset, start: start)
        return try nextSequential()
      }
      for fact in next.carried where carriedSet.insert(fact).inserted { carried.append(fact) }
      piecesUsed += 1
      if index == 0 { firstPieceBytes = next.bytes.count }
      swap(&records, &next.records)
      swap(&locations, &next.locations)
      diagnostics = next.diagnostics
      next.diagnostics = []
      piece = next
    }
    return nil
  }

  /// Whether a piece (not the last) can be used as its reader read it: it ended at a record
  /// boundary, and no piece after it within the window's reach has a head key among its tail
  /// keys. (When the reach goes further than the pieces read ahead, it is not used.)
  private func isUsable(_ piece: Piece, index: Int) -> Bool {
    guard piece.endedAtRecordBoundary else { return false }
    guard !piece.tailKeys.isEmpty, window > 0 else { return true }
    let tail = Set(piece.tailKeys)
    var covered = 0
    var j = index + 1
    while covered < window {
      guard let next = shared.lookAhead(at: j) else { return false }
      if next.headKeys.contains(where: { tail.contains($0) }) { return false }
      if next.isLast { break }
      covered += next.windowRecords
      j += 1
    }
    return true
  }

  private mutating func nextSequential() throws -> Record? {
    guard var reader = sequential else { return nil }
    defer { sequential = reader }
    let record = try reader.next()
    lastRecordLocation = reader.lastRecordLocation.map { emitter.renumbered($0, records: sequentialOffset, lines: 0) }
    return record
  }

  private mutating func replay(upTo index: Int) {
    while replayed < diagnostics.count, diagnostics[replayed].index <= index {
      emitter.emit(diagnostics[replayed].diagnostic, records: recordOffset, lines: lineOffset, fromPiece: true)
      replayed += 1
    }
  }

  /// Emits diagnostics on the consumer's thread: record and line numbers carried on from the
  /// pieces before, diagnostics given once per input kept once.
  final class Emitter: @unchecked Sendable {
    let target: DiagnosticSink
    let oncePerInput: @Sendable (Diagnostic) -> Bool
    let onceAmongPieces: @Sendable (Diagnostic) -> String?
    /// The input's name: only its positions are renumbered.
    let source: SourceName
    private var seen = Set<String>()
    private var seenAmongPieces = Set<String>()

    init(
      target: DiagnosticSink, oncePerInput: @escaping @Sendable (Diagnostic) -> Bool,
      onceAmongPieces: @escaping @Sendable (Diagnostic) -> String?, source: SourceName
    ) {
      self.target = target
      self.oncePerInput = oncePerInput
      self.onceAmongPieces = onceAmongPieces
      self.source = source
    }

    /// - Parameter fromPiece: whether a piece's reader gave it (not the reader of the rest).
    func emit(_ diagnostic: Diagnostic, records: Int, lines: Int, fromPiece: Bool) {
      if oncePerInput(diagnostic) {
        guard seen.insert(diagnostic.message).inserted else { return }
      }
      if fromPiece, let key = onceAmongPieces(diagnostic) {
        guard seenAmongPieces.insert(key).inserted else { return }
      }
      var d = diagnostic
      if let l = d.location { d.location = renumbered(l, records: records, lines: lines) }
      target.emit(d)
    }

    /// A piece reader's error, with its position as a position in the whole input.
    func renumbered(_ error: any Error, records: Int, lines: Int) -> any Error {
      guard var e = error as? FerryError, let l = e.location else { return error }
      e.location = renumbered(l, records: records, lines: lines)
      return e
    }

    /// A piece reader's position as a position in the whole input.
    func renumbered(_ location: SourceLocation, records: Int, lines: Int) -> SourceLocation {
      guard records != 0 || lines != 0 else { return location }
      var l = location
      if let r = l.record { l.record = r + records }
      if l.line > 0 && l.source == source { l.line += lines }
      return l
    }
  }

  /// A piece as read: its bytes (kept until it is consumed, in case the input has to be
  /// read again from its start), records, diagnostics and how it ended.
  struct Piece: @unchecked Sendable {
    var bytes: [UInt8] = []
    /// Line ends in the piece, as its reader counted them (read with line numbers from 1).
    var lineEnds = 0
    var worker = 0
    var records: [Record] = []
    var locations: [SourceLocation?] = []
    /// Each diagnostic with the index of the record being read when it came.
    var diagnostics: [(index: Int, diagnostic: Diagnostic)] = []
    var recordsNumbered = 0
    var carried: [String] = []
    var headKeys: [UInt64] = []
    var tailKeys: [UInt64] = []
    var windowRecords = 0
    var endedAtRecordBoundary = false
    var isLast = false
    var error: (any Error)?
  }

  /// Cancels the workers when the last copy of the reader goes away.
  private final class Lifetime: @unchecked Sendable {
    let shared: Shared
    init(_ shared: Shared) { self.shared = shared }
    deinit { shared.cancel() }
  }

  /// The input, the pieces cut from it and read, and the workers' hand-over.
  final class Shared: @unchecked Sendable {
    private let condition = NSCondition()
    private let input: ByteInput
    private let format: PieceFormat
    private let pieceSize: Int
    private let ahead: Int
    /// Bytes read and not yet in a piece.
    private var carry: [UInt8] = []
    /// Where `lastCut` has not looked yet in `carry`.
    private var searched = 0
    private var inputEnded = false
    /// Pieces handed out so far; the consumer's piece; pieces read, by index.
    private var handedOut = 0
    private var consuming = -1
    private var done: [Int: Piece] = [:]
    /// Consumed pieces, by the worker that made them, which frees them (on its own thread,
    /// whose malloc arena they came from).
    private var spent: [[Piece]]
    private var stopped = false
    private var running = 0
    /// The bytes every piece's reader reads first (`PieceFormat.preambleLength`), cut from the
    /// first piece.
    private var preambleBytes: [UInt8] = []
    /// See `ParallelReader.bytesReadAgain` (set on the consumer's thread).
    private(set) var bytesReadAgain = 0
    /// See `ParallelReader.piecesReadByConsumer` (set on the consumer's thread).
    private(set) var piecesReadByConsumer = 0

    init(input: ByteInput, format: PieceFormat, pieceSize: Int, ahead: Int, workers: Int) {
      self.input = input
      self.format = format
      self.pieceSize = pieceSize
      self.ahead = ahead
      spent = Array(repeating: [], count: workers)
    }

    func cancel() {
      condition.lock()
      stopped = true
      condition.broadcast()
      condition.unlock()
    }

    func work(worker: Int) {
      condition.lock()
      running += 1
      condition.unlock()
      defer {
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
      }
      while true {
        var garbage: [Piece] = []
        condition.lock()
        while !stopped && handedOut - consuming > ahead { condition.wait() }
        if worker < spent.count { swap(&garbage, &spent[worker]) }
        guard !stopped, !(inputEnded && carry.isEmpty) else {
          condition.unlock()
          return
        }
        var (piece, index, preamble) = cutNext(worker: worker)
        condition.unlock()
        garbage.removeAll()
        read(&piece, index: index, preamble: preamble)
        condition.lock()
        done[index] = piece
        condition.broadcast()
        condition.unlock()
      }
    }

    /// Cuts the next piece for `worker` to read (under the lock): the piece, its index, and
    /// the preamble its reader reads first.
    private func cutNext(worker: Int) -> (Piece, index: Int, preamble: [UInt8]) {
      var piece = cut()
      piece.worker = worker
      let index = handedOut
      handedOut += 1
      if index == 0, let length = format.preambleLength {
        preambleBytes = piece.bytes.withUnsafeBufferPointer { b in
          Array(b.prefix(max(0, min(length(b), b.count))))
        }
      }
      return (piece, index, preambleBytes)
    }

    /// The most bytes the last piece keeps of the input's end when it is read again
    /// (`PieceFormat.rereadsLastPiece`); the bytes before them make a piece of their own.
    static let lastPieceSize = 16 * 1024

    /// The next piece's bytes, cut from the input (under the lock).
    private func cut() -> Piece {
      var piece = Piece()
      // The first pieces are smaller (a sixteenth, an eighth, …), so that the consumer has
      // records to write soon after the start, while the readers read on.
      let size = handedOut < 4 ? max(1, pieceSize >> (4 - handedOut)) : pieceSize
      do {
        while true {
          if carry.count >= size || inputEnded {
            let from = max(0, searched - 16)
            var at: Int?
            if !inputEnded && carry.count > 2 * size {
              // Far more than a piece came at once (the input's start, peeked at to detect
              // its format, comes as one chunk): the piece is cut near its size.
              at = carry.withUnsafeBufferPointer { format.lastCut(UnsafeBufferPointer(rebasing: $0[..<size]), from) }
            }
            if !inputEnded && at == nil { at = carry.withUnsafeBufferPointer { format.lastCut($0, from) } }
            if inputEnded && format.rereadsLastPiece && carry.count > Self.lastPieceSize {
              // The last piece is read again once the pieces before it are consumed, while
              // the other threads wait: it is cut short, to the records of its last bytes.
              at = carry.withUnsafeBufferPointer { format.lastCut($0, $0.count - Self.lastPieceSize) }
            }
            // A cut at the end would leave nothing to make the last piece of.
            if let at, at > 0, at < carry.count {
              // The piece takes the buffer; only the bytes after the cut are copied (a few,
              // unless far more than a piece came at once).
              var rest = carry.withUnsafeBufferPointer { Array(UnsafeBufferPointer(rebasing: $0[at...])) }
              carry.removeSubrange(at...)
              swap(&piece.bytes, &carry)
              swap(&carry, &rest)
              // Room for the next piece at once: grown one doubling at a time, the bytes
              // were copied again at each.
              carry.reserveCapacity(pieceSize + 64 * 1024)
              searched = 0
              break
            }
            searched = carry.count
            if inputEnded {
              swap(&piece.bytes, &carry)
              searched = 0
              piece.isLast = true
              break
            }
          }
          if try !input.read(appendingTo: &carry) { inputEnded = true }
        }
      } catch {
        // The input cannot be read further: the piece ends the input with that error.
        inputEnded = true
        carry = []
        piece.bytes = []
        piece.isLast = true
        piece.error = error
        return piece
      }
      return piece
    }

    /// The preamble, once the first piece is cut.
    var preamble: [UInt8] {
      condition.lock()
      defer { condition.unlock() }
      return preambleBytes
    }

    /// The head keys of piece `index`, how many records it put in the window, and whether it
    /// is the last, once it is read; nil when it is further ahead than the workers read, or
    /// they stopped first.
    func lookAhead(at index: Int) -> (headKeys: [UInt64], windowRecords: Int, isLast: Bool)? {
      condition.lock()
      defer { condition.unlock() }
      guard index <= consuming + ahead else { return nil }
      while done[index] == nil && !stopped { readOrWait() }
      guard let piece = done[index], piece.error == nil else { return nil }
      return (piece.headKeys, piece.windowRecords, piece.isLast)
    }

    /// What the consumer does (under the lock) while a piece it needs is still being read:
    /// it reads the next piece itself, when the workers may cut one, rather than wait. (The
    /// piece is freed, once consumed, on this thread too: `worker` -1.)
    private func readOrWait() {
      guard handedOut - consuming <= ahead, !(inputEnded && carry.isEmpty) else {
        condition.wait()
        return
      }
      var (piece, index, preamble) = cutNext(worker: -1)
      condition.unlock()
      read(&piece, index: index, preamble: preamble)
      condition.lock()
      done[index] = piece
      piecesReadByConsumer += 1
      condition.broadcast()
    }

    /// Reads a piece with a reader of its own (outside the lock). The first piece's reader
    /// reads the preamble as the start of its input; the others read it silently first.
    private func read(_ piece: inout Piece, index: Int, preamble: [UInt8]) {
      guard piece.error == nil else { return }
      let log = PieceLog()
      let input: ByteInput
      let start: PieceStart
      if index == 0 && !preamble.isEmpty {
        let rest = Array(piece.bytes[preamble.count...])
        input = ByteInput(bytes: rest, name: self.input.name, chunkSize: max(1, rest.count))
        start = PieceStart(firstLine: 1, preamble: preamble, preambleIsSilent: false, readsToEnd: piece.isLast)
      } else {
        input = ByteInput(bytes: piece.bytes, name: self.input.name, chunkSize: max(1, piece.bytes.count))
        start = PieceStart(
          firstLine: 1, preamble: index == 0 ? [] : preamble, preambleIsSilent: true, readsToEnd: piece.isLast)
      }
      var reader = format.makeReader(input, start, log.sink)
      do {
        while let record = try reader.next() {
          piece.records.append(record)
          piece.locations.append(reader.lastRecordLocation)
          log.produced += 1
        }
        piece.endedAtRecordBoundary = reader.endedAtRecordBoundary
      } catch {
        piece.error = error
      }
      piece.recordsNumbered = reader.recordsNumbered
      piece.lineEnds = reader.lineEndsRead
      piece.carried = reader.carried
      piece.headKeys = reader.headKeys
      piece.tailKeys = reader.tailKeys
      piece.windowRecords = reader.windowRecords
      piece.diagnostics = log.diagnostics
    }

    /// Piece `index`, once read; `old` (the piece consumed before) goes back to its worker
    /// (one the consumer read, `worker` -1, is freed by the caller instead).
    func take(_ index: Int, returning old: inout Piece?) -> Piece {
      condition.lock()
      defer { condition.unlock() }
      if old != nil, old!.worker >= 0, !spent.isEmpty {
        let worker = min(old!.worker, spent.count - 1)
        spent[worker].append(Piece())
        swap(&spent[worker][spent[worker].count - 1], &old!)
        old = nil
      }
      consuming = index
      condition.broadcast()
      while done[index] == nil && !stopped { readOrWait() }
      guard let piece = done.removeValue(forKey: index) else {
        var last = Piece()
        last.isLast = true
        return last
      }
      return piece
    }

    /// Stops the workers and gives a reader of everything from `first` (a piece taken, whose
    /// reader did not end at a record boundary) to the end of the input. It reads on a thread
    /// of its own, and its diagnostics come back through `emitter`, numbered on from
    /// `recordOffset`.
    func readRestSequentially(from first: inout Piece, emitter: Emitter, recordOffset: Int, start: PieceStart) -> any RecordReader {
      condition.lock()
      stopped = true
      condition.broadcast()
      while running > 0 { condition.wait() }
      // This piece's bytes, those of every piece read after it, in order, then what was not
      // cut yet: the input as it was when this piece was cut.
      var rest: [UInt8] = []
      swap(&rest, &first.bytes)
      first = Piece()
      var i = consuming + 1
      while let p = done.removeValue(forKey: i) {
        rest.append(contentsOf: p.bytes)
        i += 1
      }
      rest.append(contentsOf: carry)
      carry = []
      bytesReadAgain = rest.count
      condition.unlock()
      input.pushBack(rest)
      let relay = DiagnosticRelay(DiagnosticSink { emitter.emit($0, records: recordOffset, lines: 0, fromPiece: false) })
      let reader = format.makeReader(input, start, relay.sink)
      return PrefetchingReader(reader, relay: relay)
    }
  }

  /// Collects a piece reader's diagnostics, each with the index of the record being read.
  private final class PieceLog: @unchecked Sendable {
    var produced = 0
    var diagnostics: [(index: Int, diagnostic: Diagnostic)] = []
    var sink: DiagnosticSink { DiagnosticSink { [self] d in diagnostics.append((produced, d)) } }
  }
}
