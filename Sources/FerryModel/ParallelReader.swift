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
}

/// What `ParallelReader` needs to know of a format.
public struct PieceFormat: Sendable {
  /// The last position in `bytes`, at or after `from` and above 0, where a new top-level
  /// record seems to start (the start of its first line), or nil. A guess is enough: each
  /// piece's reader tells afterwards whether the piece before it really ended there.
  public var lastCut: @Sendable (_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int?
  /// A reader of one piece (or of the rest of the input), whose first byte starts line
  /// `firstLine` of the input.
  public var makeReader: @Sendable (_ input: ByteInput, _ firstLine: Int, _ diagnostics: DiagnosticSink) -> any PieceReader
  /// Whether the reader gives this diagnostic at most once per input ("reported once"):
  /// only the first piece's is kept.
  public var oncePerInput: @Sendable (Diagnostic) -> Bool

  public init(
    lastCut: @escaping @Sendable (UnsafeBufferPointer<UInt8>, Int) -> Int?,
    makeReader: @escaping @Sendable (ByteInput, Int, DiagnosticSink) -> any PieceReader,
    oncePerInput: @escaping @Sendable (Diagnostic) -> Bool = { _ in false }
  ) {
    self.lastCut = lastCut
    self.makeReader = makeReader
    self.oncePerInput = oncePerInput
  }
}

/// Reads one input on two threads at once: the input is cut into pieces at record
/// boundaries, each piece is read by a reader of its own on one of two worker threads, and
/// the consumer gets the records in input order, as if one reader had read them all.
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
/// Parsing is the larger half of a conversion: with the writer on the consumer's thread,
/// two readers keep both cores of a small machine busy where one reader left the writer
/// waiting. Memory stays bounded: at most `ahead` pieces are read and not yet consumed.
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
  public private(set) var lastRecordLocation: SourceLocation?
  /// Whether a cut proved to be no record boundary, and the rest of the input is read by one
  /// reader (for tests).
  public var readsOnAsOneReader: Bool { sequential != nil }

  /// - Parameters:
  ///   - pieceSize: the bytes a piece has at least (unless the input ends first).
  ///   - ahead: pieces read ahead of the consumer at most.
  ///   - workers: reading threads.
  public init(
    input: ByteInput, format: PieceFormat, diagnostics: DiagnosticSink, pieceSize: Int = 512 * 1024, ahead: Int = 4,
    workers: Int = 2
  ) {
    emitter = Emitter(target: diagnostics, oncePerInput: format.oncePerInput, source: SourceName(input.name))
    let workers = max(1, workers)
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
        recordOffset += p.recordsNumbered
        lineOffset += p.lineEnds
        if p.isLast || p.error != nil {
          ended = true
          if let error = p.error { throw error }
          return nil
        }
        // Its records go back with it, to be freed by the worker that made them.
        swap(&p.records, &records)
        swap(&p.locations, &locations)
        piece = p
      }
      index += 1
      var next = shared.take(index, returning: &piece)
      position = 0
      replayed = 0
      if !next.isLast && !next.endedAtRecordBoundary {
        // The cut after this piece was no record boundary (or its reader failed): everything
        // from this piece's start is read again by one reader, as if there were no pieces.
        sequentialOffset = recordOffset
        sequential = shared.readRestSequentially(
          from: &next, emitter: emitter, recordOffset: recordOffset, firstLine: 1 + lineOffset)
        return try nextSequential()
      }
      swap(&records, &next.records)
      swap(&locations, &next.locations)
      diagnostics = next.diagnostics
      next.diagnostics = []
      piece = next
    }
    return nil
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
      emitter.emit(diagnostics[replayed].diagnostic, records: recordOffset, lines: lineOffset)
      replayed += 1
    }
  }

  /// Emits diagnostics on the consumer's thread: record and line numbers carried on from the
  /// pieces before, diagnostics given once per input kept once.
  final class Emitter: @unchecked Sendable {
    let target: DiagnosticSink
    let oncePerInput: @Sendable (Diagnostic) -> Bool
    /// The input's name: only its positions are renumbered.
    let source: SourceName
    private var seen = Set<String>()

    init(target: DiagnosticSink, oncePerInput: @escaping @Sendable (Diagnostic) -> Bool, source: SourceName) {
      self.target = target
      self.oncePerInput = oncePerInput
      self.source = source
    }

    func emit(_ diagnostic: Diagnostic, records: Int, lines: Int) {
      if oncePerInput(diagnostic) {
        guard seen.insert(diagnostic.message).inserted else { return }
      }
      var d = diagnostic
      if let l = d.location { d.location = renumbered(l, records: records, lines: lines) }
      target.emit(d)
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
        var piece = cut()
        piece.worker = worker
        let index = handedOut
        handedOut += 1
        condition.unlock()
        garbage.removeAll()
        read(&piece)
        condition.lock()
        done[index] = piece
        condition.broadcast()
        condition.unlock()
      }
    }

    /// The next piece's bytes, cut from the input (under the lock).
    private func cut() -> Piece {
      var piece = Piece()
      do {
        while true {
          if carry.count >= pieceSize || inputEnded {
            let from = max(0, searched - 16)
            let at = inputEnded ? nil : carry.withUnsafeBufferPointer { format.lastCut($0, from) }
            if let at, at > 0 {
              // The piece takes the buffer; only the few bytes after the cut are copied.
              var rest = carry.withUnsafeBufferPointer { Array(UnsafeBufferPointer(rebasing: $0[at...])) }
              carry.removeSubrange(at...)
              swap(&piece.bytes, &carry)
              swap(&carry, &rest)
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
          if let chunk = try input.read() {
            carry.append(contentsOf: chunk)
          } else {
            inputEnded = true
          }
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

    /// Reads a piece with a reader of its own (outside the lock).
    private func read(_ piece: inout Piece) {
      guard piece.error == nil else { return }
      let log = PieceLog()
      var reader = format.makeReader(
        ByteInput(bytes: piece.bytes, name: input.name, chunkSize: max(1, piece.bytes.count)), 1, log.sink)
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
      piece.diagnostics = log.diagnostics
    }

    /// Piece `index`, once read; `old` (the piece consumed before) goes back to its worker.
    func take(_ index: Int, returning old: inout Piece?) -> Piece {
      condition.lock()
      defer { condition.unlock() }
      if old != nil {
        let worker = min(old!.worker, spent.count - 1)
        spent[worker].append(Piece())
        swap(&spent[worker][spent[worker].count - 1], &old!)
        old = nil
      }
      consuming = index
      condition.broadcast()
      while done[index] == nil && !stopped { condition.wait() }
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
    func readRestSequentially(from first: inout Piece, emitter: Emitter, recordOffset: Int, firstLine: Int) -> any RecordReader {
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
      condition.unlock()
      input.pushBack(rest)
      let relay = DiagnosticRelay(DiagnosticSink { emitter.emit($0, records: recordOffset, lines: 0) })
      let reader = format.makeReader(input, firstLine, relay.sink)
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
