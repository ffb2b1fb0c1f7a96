import Foundation

/// Where a token, property or record came from.
///
/// Lines and columns are 1-based; the column counts UTF-8 bytes from the start of the line.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The input, by its interned name (see `SourceName`).
  public var source: SourceName
  public var line: Int
  public var column: Int
  /// The 1-based number of the record in its input, when known.
  public var record: Int?
  /// The property or column that the location names, when known.
  public var property: String?

  /// The path of the input, or `<stdin>`.
  public var file: String {
    get { source.name }
    set { source = SourceName(newValue) }
  }

  public init(file: String, line: Int, column: Int, record: Int? = nil, property: String? = nil) {
    self.init(source: SourceName(file), line: line, column: column, record: record, property: property)
  }

  /// A location in an input whose name is interned already: what readers use for every
  /// line or record, without a lookup in the table of names.
  public init(source: SourceName, line: Int, column: Int, record: Int? = nil, property: String? = nil) {
    self.source = source
    self.line = line
    self.column = column
    self.record = record
    self.property = property
  }

  /// `file:line:col`, as compilers print it.
  public var description: String { "\(file):\(line):\(column)" }

  private enum CodingKeys: String, CodingKey { case file, line, column, record, property }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      file: try c.decode(String.self, forKey: .file), line: try c.decode(Int.self, forKey: .line),
      column: try c.decode(Int.self, forKey: .column), record: try c.decodeIfPresent(Int.self, forKey: .record),
      property: try c.decodeIfPresent(String.self, forKey: .property))
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(file, forKey: .file)
    try c.encode(line, forKey: .line)
    try c.encode(column, forKey: .column)
    try c.encodeIfPresent(record, forKey: .record)
    try c.encodeIfPresent(property, forKey: .property)
  }
}

/// The name of an input (a path, `<stdin>`), interned: a number into a process-wide table.
///
/// Every content line, CSV row and record carries a `SourceLocation`, and locations are
/// copied as records move through readers, hold-back queues and threads. With the name as a
/// `String`, each copy retained and released the same heap string (an atomic operation on
/// one memory word that the reading and writing threads both touch); a number is copied
/// for free. Interning costs one locked dictionary lookup per name made, so readers make
/// their input's `SourceName` once and build each location with `init(source:…)`.
///
/// The table holds every distinct name used in the process, for its lifetime: a few per
/// conversion.
public struct SourceName: Sendable, Hashable, CustomStringConvertible {
  private let id: UInt32

  /// The name `name`, interned (the empty name is not looked up).
  public init(_ name: String) {
    id = name.isEmpty ? 0 : SourceNames.shared.intern(name)
  }

  public var name: String { id == 0 ? "" : SourceNames.shared.name(id) }
  public var description: String { name }
}

/// The table behind `SourceName`.
private final class SourceNames: @unchecked Sendable {
  static let shared = SourceNames()
  private let lock = NSLock()
  private var names: [String] = [""]
  private var ids: [String: UInt32] = ["": 0]

  func intern(_ name: String) -> UInt32 {
    lock.lock()
    defer { lock.unlock() }
    if let id = ids[name] { return id }
    let id = UInt32(names.count)
    names.append(name)
    ids[name] = id
    return id
  }

  func name(_ id: UInt32) -> String {
    lock.lock()
    defer { lock.unlock() }
    return names[Int(id)]
  }
}

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable {
  case note, warning, error

  private var rank: Int {
    switch self {
    case .note: 0
    case .warning: 1
    case .error: 2
    }
  }
  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A message about the input or the output, with the place it concerns.
///
/// Messages are lower-case with no final full stop; they name the thing, quote the input
/// and say what ferry did: `BDAY value "--0230" is not a date; kept as text`.
public struct Diagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
  public var severity: Severity
  public var location: SourceLocation?
  public var message: String
  public var notes: [String]
  /// A short machine-readable category (`overflow`, `unmapped`, `encoding`, …) for reports.
  public var code: String?

  public init(
    _ severity: Severity, _ message: String, at location: SourceLocation? = nil, notes: [String] = [],
    code: String? = nil
  ) {
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
    self.code = code
  }

  /// Compiler style: `file:line:col: warning: message`.
  public var description: String {
    var text = ""
    if let location { text += "\(location): " }
    text += "\(severity.rawValue): \(message)"
    for note in notes { text += "\n  note: \(note)" }
    return text
  }
}

/// Receives the recoverable problems found while reading or writing.
///
/// The library never prints; the CLI hands in a sink that prints compiler-style lines and
/// counts them for the report. Sinks are called from one thread at a time.
public struct DiagnosticSink: @unchecked Sendable {
  private let consume: (Diagnostic) -> Void

  public init(_ consume: @escaping (Diagnostic) -> Void) { self.consume = consume }

  public func emit(_ diagnostic: Diagnostic) { consume(diagnostic) }

  public func error(_ message: String, at location: SourceLocation? = nil, code: String? = nil) {
    consume(Diagnostic(.error, message, at: location, code: code))
  }
  public func warning(_ message: String, at location: SourceLocation? = nil, code: String? = nil) {
    consume(Diagnostic(.warning, message, at: location, code: code))
  }
  public func note(_ message: String, at location: SourceLocation? = nil, code: String? = nil) {
    consume(Diagnostic(.note, message, at: location, code: code))
  }

  /// A sink that drops everything.
  public static let ignore = DiagnosticSink { _ in }
}

/// Collects diagnostics in memory; for tests and for building reports.
public final class DiagnosticCollector: @unchecked Sendable {
  public private(set) var diagnostics: [Diagnostic] = []
  public init() {}
  public var sink: DiagnosticSink { DiagnosticSink { [self] in diagnostics.append($0) } }
  public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }
}

/// A problem that stops a whole input or output: unreadable file, broken structure that cannot
/// be recovered, a usage mistake in options.
public struct FerryError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable, Codable {
    /// The input could not be read as the format (broken structure, binary data).
    case malformedInput
    /// A file or stream could not be opened, read or written.
    case io
    /// Options that do not fit together, an unknown format name.
    case usage
    /// A record cannot be represented in the target and the policy says to fail.
    case unrepresentable
    /// Anything else the library refuses to do.
    case unsupported
  }

  public var kind: Kind
  public var message: String
  public var location: SourceLocation?

  public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil) {
    self.kind = kind
    self.message = message
    self.location = location
  }

  public var description: String {
    if let location { return "\(location): error: \(message)" }
    return "error: \(message)"
  }
}
