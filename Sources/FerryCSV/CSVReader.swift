import FerryModel

// Coverage (pandoc style): [x] RFC 4180 fields, quotes, CRLF/LF/CR  [x] delimiter sniffing
// [x] BOM, UTF-16LE/BE, Windows-1252 fallback, forced encoding  [x] ragged rows reported
// [x] unterminated quote, NUL bytes, empty input reported  [x] profile detection
// [x] unknown columns kept raw  [ ] event profiles (another file in Profiles/)

/// Reads CSV records through a column profile: bytes → `CSVRowReader` → profile → `Record`.
public struct CSVReader: RecordReader {
  public let profile: any CSVProfile
  public let header: [String]
  public let confidence: Double
  let rows: CSVRowReader
  private var decoder: (any CSVRecordDecoder)?
  /// Whether there is a decoder (asked per record: comparing the existential with nil copies it).
  let hasDecoder: Bool
  private var context: CSVDecodeContext
  private let mapped: [Bool]
  /// How many header columns the decoder does not map (kept raw when filled).
  private let unmappedColumns: Int
  /// Per header column: the parameters of its raw properties (a repeated column no slot took).
  private let rawParameters: [[RawParameter]]
  private let origin: String
  private var raggedReports = 0
  private(set) var reportedEmptyRow = false
  private var lastLine = 0
  private var lastNumber = 0
  /// Reading a piece of a bigger input (`CSVReader.pieces`): how it started, and whether it
  /// could not go on from the header to the piece's bytes.
  let piece: PieceStart?
  private(set) var pieceBroken = false
  /// The line numbers of `lineEndsRead` start here.
  let linesCountedFrom: Int

  /// Opens the input, reads the header and picks the profile: `options.variant` when given,
  /// the generic mapping when `options.csv.mappingFile` is set, otherwise detection.
  public init(input: ByteInput, options: ReadOptions, diagnostics: DiagnosticSink) throws {
    try self.init(input: input, options: options, diagnostics: diagnostics, piece: nil)
  }

  /// - Parameters:
  ///   - piece: for a reader of one piece of a bigger input (`pieces(options:mapping:)`):
  ///     the header is read from its preamble (silently, but for the first piece), then the
  ///     rows from `input`.
  ///   - mapping: `options.csv.mappingFile` read already (once for all the pieces: the file
  ///     could be a pipe, or change); nil reads it here.
  init(
    input: ByteInput, options: ReadOptions, diagnostics: DiagnosticSink, piece: PieceStart?,
    mapping readMapping: Result<GenericProfile, any Error>? = nil
  ) throws {
    self.piece = piece
    let preamble = piece.map { $0.preamble.isEmpty ? nil : $0.preamble } ?? nil
    let silent = preamble != nil && piece?.preambleIsSilent == true
    // Where the header's diagnostics go: nowhere when another reader gave them already.
    let headerSink = silent ? DiagnosticSink.ignore : diagnostics
    let firstLine = preamble == nil ? (piece?.firstLine ?? 1) : 1
    rows = try CSVRowReader(
      input: preamble.map { ByteInput(bytes: $0, name: input.name, chunkSize: max(1, $0.count)) } ?? input,
      delimiter: options.csv.delimiter, encodingName: options.inputEncoding, diagnostics: headerSink,
      firstLine: firstLine)
    linesCountedFrom = silent ? (piece?.firstLine ?? 1) : firstLine
    var headerRow = try rows.next()
    // Blank rows above the header (a spreadsheet saved with an empty first line, `,,,,`):
    // the header is the first row with text.
    while let row = headerRow, row.data.isEmpty {
      headerSink.note(
        "line \(row.line) is empty; the header is the first row with text", at: SourceLocation(file: input.name, line: row.line, column: 1),
        code: "syntax")
      headerRow = try rows.next()
    }
    header = headerRow?.strings ?? []
    var chosen: any CSVProfile
    var confidence = 1.0
    // `--mapping` reads an input when no profile was named, or when the input's header holds
    // at least half of the mapping's columns (a detected profile then gives way); otherwise
    // the mapping is meant for the output.
    let mapping = try readMapping.map { try $0.get() } ?? options.csv.mappingFile.map { try GenericProfile(mappingFile: $0) }
    if let mapping,
      options.variant == nil || options.variant == "mapping" || mapping.confidence(header: header) >= 0.5
    {
      chosen = mapping
    } else if let variant = options.variant {
      if variant == "mapping" { throw FerryError(.usage, "csv:mapping needs --mapping FILE") }
      guard let p = CSVProfiles.named(variant) else {
        throw FerryError(
          .usage, "unknown csv profile \"\(variant)\"; known: \(CSVProfiles.names.joined(separator: ", "))")
      }
      chosen = p
      confidence = p.confidence(header: header)
      // `csv:salesforce` on an Event export: the event profile beside it reads it.
      if let sibling = CSVProfiles.eventSibling(of: variant), sibling.confidence(header: header) > confidence {
        chosen = sibling
        confidence = sibling.confidence(header: header)
      }
    } else if let (p, c) = CSVProfiles.detect(header: header) {
      chosen = p
      confidence = c
    } else if CommonColumnsProfile().confidence(header: header) > 0 {
      // No export profile recognises the header: columns with common names are read by name.
      chosen = CommonColumnsProfile()
      confidence = CommonColumnsProfile().confidence(header: header)
      headerSink.warning(
        "no csv profile recognises this header; columns with common names (Name, Email, Phone, Company, …) are read by name (csv:common), the others kept as raw properties (name a profile with --from csv:PROFILE or give --mapping)",
        at: SourceLocation(file: input.name, line: headerRow?.line ?? 1, column: 1), code: "unmapped")
    } else {
      // Nothing recognises the header: every column is kept raw.
      chosen = RawOnlyProfile()
      confidence = 0
      if !header.isEmpty {
        headerSink.warning(
          "no csv profile recognises this header; every column is kept as a raw property (name one with --from csv:PROFILE or give --mapping)",
          at: SourceLocation(file: input.name, line: headerRow?.line ?? 1, column: 1), code: "unmapped")
      }
    }
    profile = chosen
    origin = chosen.origin
    self.confidence = confidence
    context = CSVDecodeContext(file: input.name, origin: chosen.origin, diagnostics: diagnostics, header: header)
    context.dateFormat = options.csv.dateFormat
    let (decodeHeader, parameters) = CSVReader.repeatedColumns(
      header, profile: chosen, row: headerRow ?? CSVRow(data: [], ends: [], line: 1, number: 0), file: input.name,
      diagnostics: headerSink)
    rawParameters = parameters
    if headerRow == nil {
      headerSink.warning(
        "input is empty: no header and no records", at: SourceLocation(file: input.name, line: 1, column: 1),
        code: "empty")
      decoder = nil
      hasDecoder = false
      mapped = []
    } else {
      let d = try chosen.makeDecoder(header: decodeHeader, options: options)
      mapped = d.mappedColumns
      decoder = d
      hasDecoder = true
    }
    unmappedColumns = mapped.filter { !$0 }.count
    if preamble != nil {
      // The piece's rows follow the header: numbered on from it (the first piece), or from
      // the piece's first line and record 1 (the others, renumbered by `ParallelReader`).
      pieceBroken =
        headerRow == nil
        || !rows.continueReading(from: input, firstLine: silent ? (piece?.firstLine ?? 1) : nil, diagnostics: diagnostics)
    }
  }

  public mutating func next() throws -> Record? {
    if pieceBroken {
      // A piece with more after it is read again by one reader (`endedAtRecordBoundary`);
      // a reader of the input's rest must not end early without a word.
      guard piece?.readsToEnd == true else { return nil }
      throw FerryError(
        .malformedInput, "cannot read on after the header of this piece of the input",
        at: SourceLocation(file: rows.input.name, line: rows.line, column: 1))
    }
    guard hasDecoder else { return nil }
    while let row = try rows.next() {
      lastLine = row.line
      lastNumber = row.number
      if row.count == 1 && row.isEmpty(0) { continue }
      if row.data.isEmpty {
        // Only delimiters (`,,,,`): no record, said once.
        if !reportedEmptyRow {
          reportedEmptyRow = true
          context.diagnostics.note(
            "rows with every field empty are skipped (the first at line \(row.line))",
            at: SourceLocation(file: context.file, line: row.line, column: 1), code: "skipped")
        }
        continue
      }
      if row.count != header.count {
        raggedReports += 1
        let what =
          row.count < header.count
          ? "missing fields are read as empty" : "the extra fields are kept as raw properties \"column N\""
        context.diagnostics.warning(
          "record has \(row.count) fields but the header has \(header.count); \(what)", at: lastRecordLocation,
          code: "ragged")
      }
      // Unknown columns first, so a decoder can attach them with `context.attachRaw`.
      context.raw.removeAll(keepingCapacity: true)
      let n = min(row.count, mapped.count)
      for i in 0..<n where !mapped[i] && !row.isEmpty(i) {
        // The array went to the last record (`attachRaw`): one allocation for the row's
        // unknown columns, instead of growing it one by one.
        if context.raw.isEmpty && context.raw.capacity < unmappedColumns { context.raw.reserveCapacity(unmappedColumns) }
        context.raw.append(RawProperty(name: header[i], parameters: rawParameters[i], value: row.text(i), origin: origin))
      }
      if row.count > header.count {
        for i in header.count..<row.count where !row.isEmpty(i) {
          context.raw.append(RawProperty(name: "column \(i + 1)", value: row.text(i), origin: origin))
        }
      }
      context.row = row
      let record = decoder!.decode(row, context: &context)
      // Let go of the row's buffers so the syntax core reuses them without copying.
      context.row = CSVRow(data: [], ends: [], line: 0, number: 0)
      if var record {
        CSVReader.trimAddresses(&record)
        return record
      }
    }
    return nil
  }

  /// A header that names a column twice (two `E-mail Address`, HubSpot's two `Phone Number`):
  /// each repeat is reported, and read as the next slot of that field the header lacks
  /// (`E-mail 2 Address`) when the profile has one; otherwise its values are kept raw, marked
  /// so that the same profile's writer gives them a column of their own again.
  /// Returns the header the decoder sees and each column's raw parameters.
  static func repeatedColumns(
    _ header: [String], profile: any CSVProfile, row: CSVRow, file: String, diagnostics: DiagnosticSink
  ) -> (header: [String], parameters: [[RawParameter]]) {
    var decodeHeader = header
    var parameters = [[RawParameter]](repeating: [], count: header.count)
    var first: [String: Int] = [:]
    var present = Set(header.map(HeaderIndex.key))
    for (i, name) in header.enumerated() {
      let key = HeaderIndex.key(name)
      guard !key.isEmpty else { continue }
      guard let earlier = first[key] else {
        first[key] = i
        continue
      }
      // Pinned on the repeat's header cell.
      var location = row.location(ofField: i, file: file, property: name)
      location.record = nil
      let said = "column \"\(name)\" appears twice in the header (fields \(earlier + 1) and \(i + 1))"
      if let slots = profile.repeatedColumns.first(where: { $0.contains { HeaderIndex.key($0) == key } }),
        let free = slots.first(where: { !present.contains(HeaderIndex.key($0)) })
      {
        decodeHeader[i] = free
        present.insert(HeaderIndex.key(free))
        diagnostics.warning("\(said); field \(i + 1) read as \"\(free)\"", at: location, code: "header")
      } else {
        parameters[i] = [RawParameter(name: repeatedColumnParameter, values: [String(i + 1)])]
        diagnostics.warning(
          "\(said); field \(i + 1) kept as a raw property (written back as a column of its own by csv:\(profile.name))",
          at: location, code: "header")
      }
    }
    return (decodeHeader, parameters)
  }

  /// Spreadsheets keep the spaces a user typed around an e-mail address (`" ana@example.com "`);
  /// no address has them, and Exchange's New-MailContact, Graph and vCard consumers refuse
  /// them, so every profile's and mapping's addresses (and attendees') lose them here.
  static func trimAddresses(_ record: inout Record) {
    // Checked before anything is copied: nearly every record has nothing to trim.
    switch record {
    case .contact(let c):
      guard c.emails.contains(where: { Self.hasOuterSpace($0.address) }) else { return }
    case .event(let e):
      guard e.organizer.map({ Self.hasOuterSpace($0.email ?? "") }) == true
        || e.attendees.contains(where: { Self.hasOuterSpace($0.email ?? "") })
      else { return }
    }
    switch record {
    case .contact(let cBox):
      var c = cBox.contact
      for i in c.emails.indices { c.emails[i].address = c.emails[i].address.trimming(Self.outerSpace) }
      c.emails.removeAll { $0.address.isEmpty }
      record = .contact(c)
    case .event(let box):
      var e = box.event
      if var organizer = e.organizer {
        organizer.email = organizer.email?.trimming(Self.outerSpace)
        e.organizer = organizer
      }
      for i in e.attendees.indices { e.attendees[i].email = e.attendees[i].email?.trimming(Self.outerSpace) }
      record = .event(e)
    }
  }

  private static func hasOuterSpace(_ s: String) -> Bool {
    guard let first = s.utf8.first, let last = s.utf8.last else { return false }
    @inline(__always) func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
    // U+00A0 (no-break space, C2 A0), which Excel copies from web pages.
    return space(first) || space(last) || first == 0xC2 || last == 0xA0
  }

  private static let outerSpace = " \t\r\n\u{00A0}"

  /// Where the record last returned started.
  public var lastRecordLocation: SourceLocation? {
    lastLine == 0 ? nil : SourceLocation(source: context.source, line: lastLine, column: 1, record: lastNumber)
  }
}

/// The fallback when nothing recognises a header: no column is mapped.
struct RawOnlyProfile: CSVProfile {
  var name: String { "raw" }
  var readsInPieces: Bool { true }
  var writesByteOrderMark: Bool { false }
  func confidence(header: [String]) -> Double { 0 }
  func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder {
    Decoder(mappedColumns: [Bool](repeating: false, count: header.count))
  }
  func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder {
    throw FerryError(.usage, "csv needs a profile to write: csv:\(CSVProfiles.names.joined(separator: ", csv:")) or --mapping FILE")
  }
  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      context.attachRaw(&c)
      return .contact(c)
    }
  }
}

/// Detection for the registry: a CSV-looking head and a header some profile knows.
public enum CSVDetection {
  public static func detect(head: [UInt8], fileName: String?) -> (confidence: Double, profile: String?)? {
    guard !head.isEmpty else { return nil }
    let ext = fileName.map { $0.lowercased().hasSuffix(".csv") || $0.lowercased().hasSuffix(".tsv") } ?? false
    // JSON and XML have commas too; no header of a CSV starts with `{`, `[` or `<`.
    let first = head.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }.first
    if !ext, let first, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "<") { return nil }
    let input = ByteInput(bytes: head, name: fileName ?? "<head>")
    guard let rows = try? CSVRowReader(input: input, delimiter: nil, encodingName: nil, diagnostics: .ignore),
      var header = try? rows.next()
    else { return nil }
    while header.data.isEmpty {
      guard let next = try? rows.next() else { return nil }
      header = next
    }
    let names = header.strings
    if let (p, c) = CSVProfiles.detect(header: names) {
      return (min(0.99, 0.5 + c / 2), p.name)
    }
    // Common column names (Name, Email, …): still CSV, read by the reader's fallback, which
    // says so.
    if CommonColumnsProfile().confidence(header: names) > 0 { return (ext ? 0.45 : 0.3, nil) }
    // A plain CSV: several columns and no binary bytes.
    if names.count >= 2 { return (ext ? 0.4 : 0.2, nil) }
    return ext ? (0.3, nil) : nil
  }
}
