import FerryModel

/// What a reader gave, for tests that compare two ways of reading one input (one reader, or
/// `ParallelReader` in pieces): the records, their positions, the diagnostics, and where
/// each diagnostic stood among the records (and so among a writer's remarks on them).
public struct ReadTrace: Equatable {
  public var records: [Record] = []
  public var locations: [SourceLocation?] = []
  public var diagnostics: [Diagnostic] = []
  /// For each diagnostic, how many records had been handed out when it came.
  public var positions: [Int] = []

  public init() {}

  /// Reads every record of the reader that `make` builds around a diagnostic sink, and
  /// returns what it gave and the reader (to ask it more afterwards).
  public static func read<R: RecordReader>(_ make: (DiagnosticSink) throws -> R) throws -> (ReadTrace, R) {
    let log = Log()
    var reader = try make(log.sink)
    var trace = ReadTrace()
    while let r = try reader.next() {
      trace.records.append(r)
      trace.locations.append(reader.lastRecordLocation)
      log.count += 1
    }
    trace.diagnostics = log.diagnostics
    trace.positions = log.positions
    return (trace, reader)
  }

  private final class Log: @unchecked Sendable {
    var diagnostics: [Diagnostic] = []
    var positions: [Int] = []
    var count = 0
    var sink: DiagnosticSink { DiagnosticSink { [self] in diagnostics.append($0); positions.append(count) } }
  }
}
