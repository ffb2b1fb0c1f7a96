/// Reads records one at a time from a byte stream.
///
/// Memory is bounded by the largest record, not the file. Recoverable problems go to the
/// reader's `DiagnosticSink`; a thrown `FerryError` ends the input.
public protocol RecordReader {
  /// The next record, or `nil` at the end of the input.
  mutating func next() throws -> Record?
  /// Where the record last returned by `next()` started, for diagnostics and reports.
  var lastRecordLocation: SourceLocation? { get }
}

extension RecordReader {
  public var lastRecordLocation: SourceLocation? { nil }

  /// Reads everything that is left. For tests and small inputs only.
  public mutating func collect() throws -> [Record] {
    var all: [Record] = []
    while let record = try next() { all.append(record) }
    return all
  }
}

/// Writes records one at a time.
public protocol RecordWriter {
  mutating func write(_ record: Record) throws
  /// `write`, told where the record came from: a writer that reports on records after it
  /// took them (CSV holds its first thousand to fix the header) points its diagnostics there.
  mutating func write(_ record: Record, from location: SourceLocation?) throws
  /// An update of an item the target holds as `previous` (the mailbox export's copy): a
  /// writer of field-level updates (EWS UpdateItem, Graph PATCH) clears the fields
  /// `previous` has and `record` lacks, instead of leaving them as they were. Writers of
  /// whole records ignore `previous`.
  mutating func write(_ record: Record, replacing previous: Record?) throws
  /// An update of a series the target holds as `previous`, together with changes to its
  /// single occurrences (`OccurrenceChanges`). Only writers of field-level updates (EWS,
  /// Graph) can address an occurrence; the others throw `FerryError(.unsupported)`.
  mutating func write(_ record: Record, replacing previous: Record?, occurrences: OccurrenceChanges) throws
  /// Records handed to `write` that produced no output (no start, no item id, `--series
  /// skip`, a kind the format cannot hold); each was reported with a diagnostic.
  var skippedRecords: Int { get }
  /// Kinds the writer left out whole (events given to a contacts CSV profile beside
  /// contacts), reported once as skipped: their fields are not also reported one by one.
  var skippedKinds: Set<RecordKind> { get }
  /// Writes trailers and flushes. Does not commit files: the caller commits the
  /// `OutputDestination` once everything succeeded.
  mutating func finish() throws
}

extension RecordWriter {
  public var skippedRecords: Int { 0 }
  public var skippedKinds: Set<RecordKind> { [] }
  public mutating func write(_ record: Record, from location: SourceLocation?) throws { try write(record) }
  public mutating func write(_ record: Record, replacing previous: Record?) throws { try write(record) }
  public mutating func write(_ record: Record, replacing previous: Record?, occurrences: OccurrenceChanges) throws {
    guard occurrences.isEmpty else {
      throw FerryError(.unsupported, "this format cannot address single occurrences of a series")
    }
    try write(record, replacing: previous)
  }
}

/// A reader over an array, for tests and for pipelines that already hold records.
public struct ArrayRecordReader: RecordReader {
  private var records: [Record]
  private var index = 0
  public init(_ records: [Record]) { self.records = records }
  public mutating func next() throws -> Record? {
    guard index < records.count else { return nil }
    defer { index += 1 }
    return records[index]
  }
}
