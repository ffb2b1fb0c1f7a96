import FerryModel

/// A format ferry can read or write: a value in the plain list `Formats.all`.
///
/// On the command line a format is `name[:variant]` (`vcard:3.0`, `csv:outlook`).
public struct Format: Sendable {
  /// What a reader factory gets.
  public typealias MakeReader = @Sendable (ByteInput, ReadOptions, DiagnosticSink) throws -> any RecordReader
  /// What a writer factory gets.
  public typealias MakeWriter = @Sendable (OutputDestination, WriteOptions, DiagnosticSink) throws -> any RecordWriter
  /// Looks at the first bytes (and the file name) and says how sure it is that they are this
  /// format, from 0 (no) to 1 (certain), with the variant it recognised.
  public typealias Detect = @Sendable (_ head: [UInt8], _ fileName: String?) -> Detection?
  /// What the writer keeps of records of one kind, with these options; nil when it keeps
  /// every field (vCard, iCalendar and NDJSON carry what they have no property for as X-
  /// properties or as is).
  public typealias Coverage = @Sendable (RecordKind, WriteOptions) throws -> FieldCoverage?

  public var name: String
  /// Variants accepted after the colon; the first is the default for writing.
  public var variants: [String]
  public var extensions: [String]
  public var kinds: Set<RecordKind>
  public var summary: String
  public var detect: Detect?
  public var makeReader: MakeReader?
  public var makeWriter: MakeWriter?
  /// The fields the writer keeps; `Conversion` reports every other filled field (`unmapped`),
  /// so nothing is dropped silently. Nil: the writer keeps everything.
  public var coverage: Coverage?

  public init(
    name: String, variants: [String] = [], extensions: [String], kinds: Set<RecordKind>, summary: String,
    detect: Detect? = nil, makeReader: MakeReader? = nil, makeWriter: MakeWriter? = nil, coverage: Coverage? = nil
  ) {
    self.name = name
    self.variants = variants
    self.extensions = extensions
    self.kinds = kinds
    self.summary = summary
    self.detect = detect
    self.makeReader = makeReader
    self.makeWriter = makeWriter
    self.coverage = coverage
  }
}

/// The model fields a writer keeps, by their names in `Contact.filledFieldNames` and
/// `Event.filledFieldNames`.
///
/// A field counts as kept when the writer puts it in its own place or somewhere the user
/// still finds it with a diagnostic of its own (a value moved to Notes reports `overflow`).
/// Partial loss inside a kept field (a fourth e-mail) is the writer's to report.
public struct FieldCoverage: Sendable, Equatable {
  public var fields: Set<String>
  /// The origins of raw properties the writer writes back (`ews`: an item id); raw
  /// properties from any other origin are dropped and reported. Nil when the writer writes or
  /// reports raw properties itself (CSV's extra columns).
  public var rawOrigins: Set<String>?

  public init(fields: Set<String>, rawOrigins: Set<String>? = nil) {
    self.fields = fields
    self.rawOrigins = rawOrigins
  }

  /// Fields about where a record came from rather than what it says (ids, stamps, the CRM
  /// owner and links, the calendar) and the shape of its times: no writer is asked to keep
  /// them, and their loss is not reported. Raw properties are handled on their own.
  public static func bookkeeping(_ kind: RecordKind) -> Set<String> {
    switch kind {
    case .contact: ["kind", "uid", "source", "owner", "accountId", "created", "lastModified", "raw"]
    case .event:
      [
        "kind", "uid", "source", "owner", "related", "created", "lastModified", "stamp", "sequence", "calendar",
        "isAllDay", "duration", "recurrenceIdThisAndFuture", "raw", "rawComponents",
      ]
    }
  }
}

/// What detection found: a confidence and, when it could tell, the variant.
public struct Detection: Sendable, Equatable {
  public var confidence: Double
  public var variant: String?
  public init(confidence: Double, variant: String? = nil) {
    self.confidence = confidence
    self.variant = variant
  }
}

/// `name[:variant]` as the user wrote it.
public struct FormatSpec: Sendable, Equatable, CustomStringConvertible {
  public var name: String
  public var variant: String?

  public init(name: String, variant: String? = nil) {
    self.name = name
    self.variant = variant
  }

  public init(_ text: String) {
    if let colon = text.firstIndex(of: ":") {
      name = text[..<colon].lowercased()
      let v = text[text.index(after: colon)...]
      variant = v.isEmpty ? nil : v.lowercased()
    } else {
      name = text.lowercased()
      variant = nil
    }
  }

  public var description: String { variant.map { "\(name):\($0)" } ?? name }
}
