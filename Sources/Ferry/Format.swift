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

  public var name: String
  /// Variants accepted after the colon; the first is the default for writing.
  public var variants: [String]
  public var extensions: [String]
  public var kinds: Set<RecordKind>
  public var summary: String
  public var detect: Detect?
  public var makeReader: MakeReader?
  public var makeWriter: MakeWriter?

  public init(
    name: String, variants: [String] = [], extensions: [String], kinds: Set<RecordKind>, summary: String,
    detect: Detect? = nil, makeReader: MakeReader? = nil, makeWriter: MakeWriter? = nil
  ) {
    self.name = name
    self.variants = variants
    self.extensions = extensions
    self.kinds = kinds
    self.summary = summary
    self.detect = detect
    self.makeReader = makeReader
    self.makeWriter = makeWriter
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
