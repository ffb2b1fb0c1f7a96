import FerryModel

/// A column profile: how one system's CSV columns map to the model, both ways.
///
/// A profile is one file in `Profiles/`. It decodes a header plus a row into a `Record` and
/// encodes a `Record` into a row; the reader and writer around it own bytes, encodings,
/// unknown columns and overflow reports. Contact profiles return `.contact`; an event
/// profile (Salesforce Event, Outlook calendar) is another file with the same shape that
/// returns `.event` and lists `.event` in `kinds`.
public protocol CSVProfile: Sendable {
  /// The variant name: `outlook` in `csv:outlook`.
  var name: String { get }
  var kinds: Set<RecordKind> { get }
  /// Whether the writer puts a UTF-8 BOM first by default (profiles people open in Excel).
  var writesByteOrderMark: Bool { get }
  /// How sure the profile is that a header is its own, from 0 to 1.
  func confidence(header: [String]) -> Double
  func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder
  func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder
  /// Columns that are successive slots of one field (`E-mail Address`, `E-mail 2 Address`, …):
  /// a header that repeats one of them has the repeat read as the next slot it lacks.
  var repeatedColumns: [[String]] { get }
  /// Whether each row is read on its own, with nothing carried from row to row but caches
  /// (no warning given once per input, no row joined to another): then a big input may be
  /// read in pieces on several threads (`CSVReader.pieces`). False unless a profile says so.
  var readsInPieces: Bool { get }
}

extension CSVProfile {
  public var origin: String { "csv:\(name)" }
  public var kinds: Set<RecordKind> { [.contact] }
  public var repeatedColumns: [[String]] { [] }
  public var readsInPieces: Bool { false }
}

/// The raw parameter that marks a value from a repeated header column no slot took: the
/// writer of the same profile writes it back as a column of its own, under the same name.
/// Its value is the column's 1-based position in the input.
public let repeatedColumnParameter = "X-FERRY-REPEATED-COLUMN"

/// Maps rows of one header to records.
public protocol CSVRecordDecoder {
  /// Per header column: whether the decoder maps it. The reader keeps the other non-empty
  /// cells as `RawProperty` values with the profile's origin.
  var mappedColumns: [Bool] { get }
  /// The record for a row, or nil to skip it (after reporting why through `context`). Call
  /// `context.attachRaw(&contact)` before returning, so unknown columns are kept.
  mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record?
}

/// Maps records to rows.
public protocol CSVRecordEncoder {
  /// The profile's own columns, in order.
  var columns: [String] { get }
  /// The model fields (`Contact.filledFieldNames`, `Event.filledFieldNames`) the encoder
  /// writes somewhere (its own column, or Notes with an `overflow` report); the conversion
  /// reports the others as dropped. Tested against the real output in FieldCoverageTests.
  var writtenFields: Set<String> { get }
  /// Indices of columns that hold phone numbers (formula protection leaves phone-shaped
  /// cells there alone; see docs/CSV.md).
  var phoneColumns: Set<Int> { get }
  /// Indices of columns that hold dates a `-` may start (Google's yearless `--03-14`):
  /// protection leaves such digits-and-dashes cells alone there too.
  var dateColumns: Set<Int> { get }
  /// Fills `cells` (one per column, all empty on entry) from the record; returns false when
  /// the record cannot be written in this profile (after reporting why).
  mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool
  /// Called once with the first records (the writer's look-ahead window; empty for an empty
  /// output) before `columns` is read, for profiles whose columns depend on the data
  /// (Salesforce Lead vs Contact, custom e-mail columns).
  mutating func prepare(sample: [Record])
  /// The records to write for one record: nil for the record itself (no array per record),
  /// or a recurring series' instances for a profile without recurrence (Outlook and Google
  /// calendar CSV).
  mutating func rows(for record: Record, context: inout CSVEncodeContext) -> [Record]?
}

extension CSVRecordEncoder {
  public var dateColumns: Set<Int> { [] }
  public mutating func prepare(sample: [Record]) {}
  public mutating func rows(for record: Record, context: inout CSVEncodeContext) -> [Record]? { nil }
}

/// What a decoder needs besides the row: where it is, and a sink.
public struct CSVDecodeContext {
  /// The input's name, interned once: every row's location is made from it.
  public let source: SourceName
  public var file: String { source.name }
  public let origin: String
  public let diagnostics: DiagnosticSink
  public var header: [String]
  public var row = CSVRow(data: [], ends: [], line: 0, number: 0)
  /// The row's unknown columns as raw properties, plus values the decoder could not parse;
  /// a decoder hands them to its record with `attachRaw`.
  public var raw: [RawProperty] = []
  /// `--input-date-format` (nil: month first for slashed dates).
  public var dateFormat: CSVDateFormat?

  public init(file: String, origin: String, diagnostics: DiagnosticSink, header: [String]) {
    source = SourceName(file)
    self.origin = origin
    self.diagnostics = diagnostics
    self.header = header
  }

  /// Moves the collected raw properties into a contact.
  public mutating func attachRaw(_ contact: inout Contact) {
    guard !raw.isEmpty else { return }
    if contact.raw.isEmpty {
      swap(&contact.raw, &raw)
    } else {
      contact.raw.append(contentsOf: raw)
      raw.removeAll(keepingCapacity: true)
    }
  }

  /// Where the row starts, or where the cell of header column `column` starts.
  public func location(column: Int? = nil) -> SourceLocation {
    let property = column.flatMap { $0 >= 0 && $0 < header.count ? header[$0] : nil }
    guard let column else { return SourceLocation(source: source, line: row.line, column: 1, record: row.number) }
    return row.location(ofField: column, source: source, property: property)
  }

  /// Reports a date that could not be read and keeps it raw; a slashed date that only reads
  /// day first gets the flag that says so.
  public mutating func keepUnparsedDate(column: Int, value: String, what: String = "a date") {
    var what = what
    if dateFormat == nil, Values.readsOnlyDayFirst(value) {
      what += " (slashed dates are read month first, as en-US Outlook writes them; for day-first dates give --input-date-format D/M/YYYY)"
    }
    keepUnparsed(column: column, value: value, what: what)
  }

  /// Reports a value that could not be read and keeps it raw.
  public mutating func keepUnparsed(column: Int, value: String, what: String) {
    let name = column < header.count ? header[column] : "column \(column + 1)"
    diagnostics.warning(
      "\(name) value \"\(value)\" is not \(what); kept as a raw property", at: location(column: column),
      code: "unmapped")
    raw.append(RawProperty(name: name, value: value, origin: origin))
  }
}

/// What an encoder needs besides the record: the overflow policy and a sink.
public struct CSVEncodeContext {
  public let file: String
  public let profile: String
  public let diagnostics: DiagnosticSink
  public let overflow: OverflowPolicy
  /// The 1-based number of the record being written.
  public var record = 0
  /// Lines that overflowed into the notes of this record.
  public var overflowLines: [String] = []
  /// Where the record being written came from, when the caller said: diagnostics about the
  /// record point there (where the user can fix it), not at an output row.
  public var inputLocation: SourceLocation?
  /// Whether the layout has a Notes column for overflowed values (a mapping file may have
  /// none: then `--overflow notes` drops them, and says so).
  public var hasNotesColumn = true
  /// How Outlook's profiles write dates (`--date-format`).
  public var dateFormat: CSVDateFormat = .monthDayYear

  /// Where to pin a diagnostic about the record being written.
  public func location(property: String?) -> SourceLocation {
    if var l = inputLocation {
      l.property = property
      return l
    }
    return SourceLocation(file: file, line: record + 1, column: 1, record: record, property: property)
  }

  /// A value that has no slot: moved to notes, dropped or refused, by policy; each one is
  /// reported with code `overflow` and the record number.
  public mutating func overflow(_ what: String, _ value: String) throws {
    let location = location(property: what)
    switch overflow {
    case .notes where hasNotesColumn:
      overflowLines.append("\(what): \(value)")
      diagnostics.warning(
        "\(what) \"\(value)\" has no free slot in csv:\(profile); moved to Notes", at: location, code: "overflow")
    case .notes:
      diagnostics.warning(
        "\(what) \"\(value)\" has no free slot in csv:\(profile), which has no notes column; dropped", at: location,
        code: "overflow")
    case .drop:
      diagnostics.warning(
        "\(what) \"\(value)\" has no free slot in csv:\(profile); dropped", at: location, code: "overflow")
    case .error:
      throw FerryError(
        .unrepresentable, "\(what) \"\(value)\" has no free slot in csv:\(profile) (--overflow error)", at: location)
    }
  }

  /// Puts the first address into its columns (street, city, region, postal code, country)
  /// and sends every other one through the overflow policy, for layouts with one address.
  public mutating func fillSingleAddress(
    _ addresses: [PostalAddress], into cells: inout [String],
    street: Int, city: Int, region: Int, postalCode: Int, country: Int
  ) throws {
    for (n, a) in addresses.enumerated() {
      guard n == 0 else {
        try overflow("address", OutlookProfile.oneLine(a))
        continue
      }
      for (column, value) in [(street, a.streetLines), (city, a.locality), (region, a.region), (postalCode, a.postalCode), (country, a.country)] {
        if let value { cells[column] = value }
      }
    }
  }

  /// Reports what a layout without a place for it leaves out of a contact's name: the
  /// phonetic (yomi) parts, which Outlook's and Exchange's CSV have no column for.
  public mutating func overflowPhoneticName(_ name: PersonName) throws {
    // Nearly every name has no phonetic part: nothing to build then.
    if name.phoneticGiven == nil && name.phoneticMiddle == nil && name.phoneticFamily == nil { return }
    let parts = [name.phoneticGiven, name.phoneticMiddle, name.phoneticFamily].compactMap { $0 }.filter { !$0.isEmpty }
    if !parts.isEmpty { try overflow("phonetic name", parts.joined(separator: " ")) }
  }

  /// Reports a gender a layout's Male/Female column (or none) cannot hold: a sex other
  /// than M or F, and any gender identity.
  public mutating func overflowGender(_ gender: Gender?, keepsMaleFemale: Bool) throws {
    guard let gender else { return }
    if let sex = gender.sex, !sex.isEmpty {
      let binary = ["m", "f"].contains(sex.lowercased())
      if !(binary && keepsMaleFemale) { try overflow("gender", sex) }
    }
    if let identity = gender.identity, !identity.isEmpty { try overflow("gender identity", identity) }
  }

  /// The notes cell: the contact's notes, then the overflowed values.
  public func notes(_ contact: Contact) -> String {
    // One note and nothing overflowed (the common case): the note itself, not a copy.
    if overflowLines.isEmpty && contact.notes.count == 1 { return contact.notes[0] }
    var parts = contact.notes
    if !overflowLines.isEmpty { parts.append(overflowLines.joined(separator: "\n")) }
    return parts.joined(separator: "\n")
  }
}

extension PostalAddress {
  /// The street as a layout with a single street cell writes it: the PO box before it and the
  /// extended address (suite, apartment) after it, each a line of its own (as the Salesforce
  /// writer does), so neither is lost; an address with nothing but a formatted label
  /// (Google's `Address n - Formatted` alone, a vCard LABEL without ADR) gives its label, so
  /// the address is not written empty.
  var streetLines: String? {
    // The common case (a street, nothing else around it) copies nothing: a hot path.
    if (poBox ?? "").isEmpty, (extended ?? "").isEmpty, let street, !street.isEmpty { return street }
    if isEmpty { return label.flatMap { $0.isEmpty ? nil : $0 } }
    let lines = [poBox, street, extended].compactMap { $0 }.filter { !$0.isEmpty }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }

  /// The street lines of a layout with its own PO box column (Outlook): the street, then the
  /// extended address; the label when the address has nothing else.
  var streetAndExtended: String? {
    if (extended ?? "").isEmpty, let street, !street.isEmpty { return street }
    if isEmpty { return label.flatMap { $0.isEmpty ? nil : $0 } }
    let lines = [street, extended].compactMap { $0 }.filter { !$0.isEmpty }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }
}

/// Header lookup by name, case-insensitive and ignoring surrounding spaces and quotes.
public struct HeaderIndex {
  public let header: [String]
  private var index: [String: Int] = [:]
  public private(set) var used: [Bool]

  public init(_ header: [String]) {
    self.header = header
    used = [Bool](repeating: false, count: header.count)
    for (i, name) in header.enumerated() {
      let key = HeaderIndex.key(name)
      if index[key] == nil { index[key] = i }
    }
  }

  public static func key(_ name: String) -> String {
    name.trimming(" \"\u{FEFF}").lowercased()
  }

  /// The column named `name` (or any of the aliases), marking it as mapped.
  public mutating func take(_ names: String...) -> Int? { take(names) }

  public mutating func take(_ names: [String]) -> Int? {
    for name in names {
      if let i = index[HeaderIndex.key(name)] {
        used[i] = true
        return i
      }
    }
    return nil
  }

  /// Marks a column as not mapped (kept raw).
  public mutating func unmark(_ i: Int) { used[i] = false }

  public func has(_ name: String) -> Bool { index[HeaderIndex.key(name)] != nil }

  /// The share of `names` present in the header (for detection).
  public func share(of names: [String]) -> Double {
    guard !names.isEmpty else { return 0 }
    return Double(names.filter(has).count) / Double(names.count)
  }
}

extension String {
  func trimming(_ set: String) -> String {
    let chars = Set(set.unicodeScalars)
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !chars.contains($0) }) else { return "" }
    let end = scalars.lastIndex(where: { !chars.contains($0) }) ?? start
    return String(scalars[start...end])
  }

  var trimmed: String { trimming(" \t\r\n") }
}

/// The profiles ferry knows, in detection order.
public enum CSVProfiles {
  public static let all: [any CSVProfile] = [
    SalesforceProfile(), OutlookProfile(), GoogleProfile(), HubSpotProfile(), ExchangeProfile(), ThunderbirdProfile(),
    SalesforceEventProfile(), OutlookCalendarProfile(), GoogleCalendarProfile(), CommonColumnsProfile(),
  ]

  /// The event profile beside a contact profile (`salesforce` → `salesforce-events`,
  /// `outlook` → `outlook-calendar`), so `csv:salesforce` reads an Event export and
  /// `--to csv:outlook` writes events as the calendar layout.
  public static func eventSibling(of name: String) -> (any CSVProfile)? {
    all.first { $0.kinds.contains(.event) && ($0.name == name + "-events" || $0.name == name + "-calendar") }
  }

  public static var names: [String] { all.map(\.name) }

  public static func named(_ name: String) -> (any CSVProfile)? { all.first { $0.name == name } }

  /// The most confident profile for a header.
  public static func detect(header: [String]) -> (profile: any CSVProfile, confidence: Double)? {
    var best: (any CSVProfile, Double)?
    for p in all {
      let c = p.confidence(header: header)
      if c > 0.2 && (best == nil || c > best!.1) { best = (p, c) }
    }
    return best
  }
}
