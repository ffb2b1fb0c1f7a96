/// Options for reading, one value per run (pandoc's `ReaderOptions`). Each format family

/// keeps its own nested struct in `Options+<Family>.swift`.
public struct ReadOptions: Sendable {
  /// The variant after the colon in `--from csv:outlook`, when one was named.
  public var variant: String?
  /// `--input-encoding`: `utf-8`, `utf-16le`, `utf-16be`, `windows-1252`, `iso-8859-1`.
  public var inputEncoding: String?
  public var csv = CSVReadOptions()
  public var calendar = CalendarOptions()

  public init(variant: String? = nil) { self.variant = variant }
}

/// Options for writing, one value per run (pandoc's `WriterOptions`).
public struct WriteOptions: Sendable {
  /// The variant after the colon in `--to vcard:3.0`.
  public var variant: String?
  /// `--for`: the target whose quirks the writer follows (`outlook`, `google`, `icloud`,
  /// `exchange`, `carddav`, `generic`).
  public var target: String?
  /// What to do with values that have no slot in the target.
  public var overflow: OverflowPolicy = .notes
  public var csv = CSVWriteOptions()
  public var vcard = VCardWriteOptions()
  public var calendar = CalendarOptions()
  public var exchange = ExchangeWriteOptions()

  public init(variant: String? = nil, target: String? = nil) {
    self.variant = variant
    self.target = target
  }
}

/// `--overflow notes|drop|error`: a value that has no slot in the target (a fourth e-mail

/// for Outlook's three) goes to the notes, is dropped (and counted), or fails the record.
public enum OverflowPolicy: String, Sendable, CaseIterable {
  case notes, drop, error
}
