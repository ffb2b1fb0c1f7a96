import FerryContentLines
import FerryModel

/// Reading a big calendar in pieces, on two threads (`ParallelReader`).
///
/// An event is read with what the calendar said before it: its properties (X-WR-TIMEZONE,
/// METHOD, …) and its VTIMEZONEs. These nearly always come first, before the first event:
/// that start of the input is the *preamble*, which every piece's reader reads first (the
/// first piece's reader as its own start, the others silently). A piece starts at a line
/// `BEGIN:VEVENT` or `BEGIN:VTODO` right after a line `END:VEVENT` or `END:VTODO`.
///
/// A piece's reader tells whether the next piece's reader, which starts from the preamble
/// alone, reads on as one reader would (`endedAtRecordBoundary`). It does not when, after the
/// preamble, the calendar changed (a property, a VTIMEZONE, END:VCALENDAR or a new calendar),
/// a component was still open at the piece's end, or a component waited for an event to
/// travel with. Overrides find their master among the last 256 events (`holdLimit`): the UIDs
/// of the events at a piece's end and of those at the next one's start are compared
/// (`tailKeys`, `headKeys`), and a shared UID has both read again by one reader. Then
/// `ParallelReader` reads the rest of the input with one reader, told what the pieces before
/// carried (`carried`): the TZIDs they used, for the checks at END:VCALENDAR. The last piece
/// is always read that way.
///
/// A TZID is reported once per calendar (`zoneName`), and each piece's reader reports it on
/// its first use: of those, `onceAmongPieces` keeps the first.
extension ICalendarReader: PieceReader {
  /// What a piece's reader notes for `ParallelReader`.
  struct PieceState {
    /// Keys (`uidKey`) of the events read before the first was released from the window in
    /// which overrides find their master.
    var headKeys: [UInt64] = []
    var collectsHead = true
    /// Keys of the events still in that window when the piece ended.
    var tailKeys: [UInt64] = []
    /// How many events went into the window (overrides that joined their master did not).
    var windowRecords = 0
    /// Whether the reader reads on to the input's end (and reports on it as it ends).
    var readsToEnd: Bool
  }

  /// A reader of one piece of a bigger input, or of its rest (see `PieceStart`).
  public init(input: ByteInput, options: ReadOptions = ReadOptions(), diagnostics: DiagnosticSink, start: PieceStart) {
    if start.preamble.isEmpty {
      self.init(input: input, options: options, diagnostics: diagnostics, firstLine: start.firstLine)
    } else {
      // The preamble is the input's start: its lines are numbered from 1 (and a byte order
      // mark at its start is reported, unless it is read silently). The reader then goes on
      // with the piece.
      let preambleDiagnostics = start.preambleIsSilent ? DiagnosticSink.ignore : diagnostics
      self.init(
        input: ByteInput(bytes: start.preamble, name: input.name, chunkSize: max(1, start.preamble.count)),
        options: options, diagnostics: preambleDiagnostics, firstLine: 1)
      readPreamble(then: input, diagnostics: diagnostics, firstLine: start.preambleIsSilent ? start.firstLine : nil)
    }
    if !start.carried.isEmpty { takeCarried(start.carried) }
    // Head keys are noted by every piece's reader, the last one's too: the piece before is
    // compared with it.
    piece = PieceState(readsToEnd: start.readsToEnd)
  }

  public var endedAtRecordBoundary: Bool { piece?.readsToEnd == false && endedInPreambleState }
  /// Locations of events carry no record number.
  public var recordsNumbered: Int { 0 }
  public var lineEndsRead: Int { contentLineEnds + preambleLineEnds }
  public var carried: [String] { carriedFacts }
  public var headKeys: [UInt64] { piece?.headKeys ?? [] }
  public var tailKeys: [UInt64] { piece?.tailKeys ?? [] }
  public var windowRecords: Int { piece?.windowRecords ?? 0 }

  /// How `ParallelReader` cuts an iCalendar input into pieces and reads each one.
  public static func pieces(options: ReadOptions = ReadOptions()) -> PieceFormat {
    PieceFormat(
      lastCut: { bytes, from in lastCut(in: bytes, from: from) },
      makeReader: { input, start, sink in ICalendarReader(input: input, options: options, diagnostics: sink, start: start) },
      oncePerInput: { $0.message == ContentLineReader.blankLineInFoldMessage },
      onceAmongPieces: { onceAmongPieces($0) },
      preambleLength: { bytes in
        // Every piece's reader reads the preamble again: past `preambleLimit` (thousands of
        // VTIMEZONEs), none is taken, and the input is read by one reader.
        guard let first = firstEventStart(in: UnsafeBufferPointer(rebasing: bytes.prefix(preambleLimit + 1))),
          first <= preambleLimit
        else { return 0 }
        return first
      },
      rereadsLastPiece: true, window: holdLimit)
  }

  /// The longest preamble read again for every piece (see `pieces(options:)`).
  static let preambleLimit = 64 * 1024

  /// The key of a diagnostic that a reader gives once per calendar, or nil.
  static func onceAmongPieces(_ d: Diagnostic) -> String? {
    guard d.code == "zone" else { return nil }
    let m = d.message
    if m.hasPrefix("TZID \""),
      m.contains("\" is not a zone name; read as ") || m.contains("\" is neither a known zone nor defined by a VTIMEZONE")
    {
      return m
    }
    if m.hasPrefix("floating time \""), m.contains("\" read in the calendar's X-WR-TIMEZONE ") { return "floating time" }
    return nil
  }

  /// Where the first line `BEGIN:VEVENT` or `BEGIN:VTODO` starts, or nil. Nil too when the
  /// line before it ends in `=`: a vCalendar 1.0 quoted-printable value continues over it,
  /// and the input is better read by one reader.
  public static func firstEventStart(in b: UnsafeBufferPointer<UInt8>) -> Int? {
    var p = 0
    while p < b.count {
      if (p == 0 || isLineEnd(b[p - 1])), let n = eventBegin(in: b, at: p), p + n < b.count, isLineEnd(b[p + n]) {
        let q = endOfLineBefore(p, in: b)
        if q > 0 && q < p && b[q - 1] == UInt8(ascii: "=") { return nil }
        return p
      }
      p += 1
    }
    return nil
  }

  /// Where the last event at or after `from` (and above 0) seems to start at the top level
  /// of a calendar: the start of a line `BEGIN:VEVENT` or `BEGIN:VTODO` whose line before is
  /// `END:VEVENT` or `END:VTODO`, itself after a line that does not end in `=` (a vCalendar
  /// 1.0 quoted-printable value could run on over both). Not before an event with a
  /// RECURRENCE-ID (as far as its lines are in `b`): exporters put overrides right after
  /// their master, and a cut between them would have both pieces read again. Only a guess:
  /// the reader of the piece before tells whether it really ended there.
  public static func lastCut(in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    var p = b.count - 13
    let lowest = max(from, 1)
    while p >= lowest {
      defer { p -= 1 }
      guard b[p] == UInt8(ascii: "B"), isLineEnd(b[p - 1]), let n = eventBegin(in: b, at: p), p + n < b.count,
        isLineEnd(b[p + n])
      else { continue }
      let q = endOfLineBefore(p, in: b)
      var endStart = -1
      for literal in [Self.endEvent, Self.endTodo] {
        let k = literal.count
        if q - k >= 0, matches(literal, in: b, at: q - k) {
          endStart = q - k
          break
        }
      }
      guard endStart >= 0, endStart == 0 || isLineEnd(b[endStart - 1]) else { continue }
      let r = endOfLineBefore(endStart, in: b)
      if r > 0 && r < endStart && b[r - 1] == UInt8(ascii: "=") { continue }
      if isOverride(in: b, at: p + n) { continue }
      return p
    }
    return nil
  }

  /// Whether a line `RECURRENCE-ID` comes before the next line `END:` from `i` on.
  private static func isOverride(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
    var p = i
    while p < b.count {
      if isLineEnd(b[p - 1]) {
        if matches(Self.recurrenceId, in: b, at: p) { return true }
        if matches(Self.end, in: b, at: p) { return false }
      }
      p += 1
    }
    return false
  }

  private static let recurrenceId = Array("RECURRENCE-ID".utf8)
  private static let end = Array("END:".utf8)
  private static let beginEvent = Array("BEGIN:VEVENT".utf8)
  private static let beginTodo = Array("BEGIN:VTODO".utf8)
  private static let endEvent = Array("END:VEVENT".utf8)
  private static let endTodo = Array("END:VTODO".utf8)

  private static func isLineEnd(_ c: UInt8) -> Bool { c == 10 || c == 13 }

  private static func matches(_ literal: [UInt8], in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
    guard i >= 0, i + literal.count <= b.count else { return false }
    for k in 0..<literal.count where b[i + k] != literal[k] { return false }
    return true
  }

  /// The length of `BEGIN:VEVENT` or `BEGIN:VTODO` at `i`, or nil.
  private static func eventBegin(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
    if matches(beginEvent, in: b, at: i) { return beginEvent.count }
    if matches(beginTodo, in: b, at: i) { return beginTodo.count }
    return nil
  }

  /// The end of the text of the line before the one starting at `i` (before its line end).
  private static func endOfLineBefore(_ i: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
    var q = i
    if q > 0 && b[q - 1] == 10 {
      q -= 1
      if q > 0 && b[q - 1] == 13 { q -= 1 }
    } else if q > 0 && b[q - 1] == 13 {
      q -= 1
    }
    return q
  }
}
