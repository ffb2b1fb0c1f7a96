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
/// is always read that way, and so is cut short: the input's last 16 kB at most.
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
      if p == 0 || LineCuts.isLineEnd(b[p - 1]), let n = eventBegin(in: b, at: p), p + n < b.count,
        LineCuts.isLineEnd(b[p + n])
      {
        if LineCuts.endsInSoftBreak(LineCuts.endOfLineBefore(p, in: b), lineStart: p, in: b) { return nil }
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
      guard b[p] == UInt8(ascii: "B"), LineCuts.isLineEnd(b[p - 1]), let n = eventBegin(in: b, at: p), p + n < b.count,
        LineCuts.isLineEnd(b[p + n])
      else { continue }
      let q = LineCuts.endOfLineBefore(p, in: b)
      let endStart: Int
      if LineCuts.matches("END:VEVENT", in: b, at: q - 10) {
        endStart = q - 10
      } else if LineCuts.matches("END:VTODO", in: b, at: q - 9) {
        endStart = q - 9
      } else {
        continue
      }
      guard endStart == 0 || LineCuts.isLineEnd(b[endStart - 1]) else { continue }
      if LineCuts.endsInSoftBreak(LineCuts.endOfLineBefore(endStart, in: b), lineStart: endStart, in: b) { continue }
      if isOverride(in: b, at: p + n) { continue }
      return p
    }
    return nil
  }

  /// Whether a line `RECURRENCE-ID` comes before the next line `END:` from `i` on.
  private static func isOverride(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
    var p = i
    while p < b.count {
      if LineCuts.isLineEnd(b[p - 1]) {
        if LineCuts.matches("RECURRENCE-ID", in: b, at: p) { return true }
        if LineCuts.matches("END:", in: b, at: p) { return false }
      }
      p += 1
    }
    return false
  }

  /// The length of `BEGIN:VEVENT` or `BEGIN:VTODO` at `i`, or nil.
  private static func eventBegin(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
    if LineCuts.matches("BEGIN:VEVENT", in: b, at: i) { return 12 }
    if LineCuts.matches("BEGIN:VTODO", in: b, at: i) { return 11 }
    return nil
  }
}
