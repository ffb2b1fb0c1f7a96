import FerryModel

/// Writes records through a column profile: `Record` → profile → cells → RFC 4180 bytes.
///
/// - Quoting: a cell is quoted when it holds the delimiter, a quote, CR or LF, or starts or
///   ends with a space; quotes are doubled. Lines end with CRLF.
/// - BOM: the profile's default (on for profiles people open in Excel), or
///   `options.csv.byteOrderMark`.
/// - Formula protection (OWASP, `options.csv.formulaProtection`, on by default): see
///   `FormulaProtection`.
/// - Extra columns: the header must come before the rows, so the writer holds back the first
///   `lookahead` records (1,000; memory stays bounded) and fixes the header from them: the
///   profile's columns plus, in order of first appearance, the names of those records' raw
///   properties that came from the same profile (`csv:<profile>`). A later record's raw
///   property of that origin whose name is not in the header is reported (`unmapped`) and
///   dropped; raw properties from other origins have no place in this profile and are
///   reported once per name (`unmapped`, a note).
public struct CSVWriter: RecordWriter {
  public private(set) var profile: any CSVProfile
  private let options: WriteOptions
  private let output: ByteOutput
  private var encoder: any CSVRecordEncoder
  private let delimiter: UInt8
  /// Delimiters to copy from, a run at a time.
  private let delimiterRun: [UInt8]
  private let protect: Bool
  private let bom: Bool
  private var context: CSVEncodeContext
  private var header: [String] = []
  private var extraIndex: [String: Int] = [:]
  private var ownIndex: [String: Int] = [:]
  private var ownColumnCount = 0
  public private(set) var skippedRecords = 0
  private var rawPlan: [(name: String, origin: String, target: Int)] = []
  private var phone: [Bool] = []
  private var cells: [String] = []
  /// The cells the last written row filled (`appendRow` notes them as it finds them), so
  /// the next row clears only those instead of testing every one of the ~90 Outlook cells
  /// again; `cellsDirty` says an encoder filled cells that no row took (skipped or threw).
  private var filled: [Int] = []
  private var cellsDirty = false
  private var line: [UInt8] = []
  private var started = false
  /// A kind the profile holds (its first, checked before `profile.kinds`, which builds a set).
  private var profileKind: RecordKind?
  private var reportedForeign: Set<String> = []
  private var reportedUnseen: Set<String> = []

  public init(destination: OutputDestination, options: WriteOptions, diagnostics: DiagnosticSink) throws {
    let chosen = try CSVWriter.profile(options)
    profile = chosen
    self.options = options
    output = try destination.primary()
    encoder = try chosen.makeEncoder(options: options)
    delimiter = options.csv.delimiter
    delimiterRun = [UInt8](repeating: options.csv.delimiter, count: 128)
    protect = options.csv.formulaProtection
    bom = options.csv.byteOrderMark ?? chosen.writesByteOrderMark
    context = CSVEncodeContext(
      file: output.displayName, profile: chosen.name, diagnostics: diagnostics, overflow: options.overflow)
    context.dateFormat = options.csv.dateFormat
  }

  /// The profile `options` choose: `--mapping`, else the variant, else Outlook's.
  static func profile(_ options: WriteOptions) throws -> any CSVProfile {
    if let mapping = options.csv.mappingFile, options.variant == nil || options.variant == "mapping" {
      return try GenericProfile(mappingFile: mapping)
    }
    let name = options.variant ?? "outlook"
    if name == "mapping" { throw FerryError(.usage, "csv:mapping needs --mapping FILE") }
    guard let p = CSVProfiles.named(name) else {
      throw FerryError(.usage, "unknown csv profile \"\(name)\"; known: \(CSVProfiles.names.joined(separator: ", "))")
    }
    return p
  }

  /// The model fields records of `kind` keep when written with `options` (events to a
  /// contact profile go through its calendar sibling), or nil when the profile cannot hold
  /// that kind at all (each such record is reported as skipped instead). Raw properties are
  /// the writer's own business (extra columns, or a note per name).
  public static func writtenFields(kind: RecordKind, options: WriteOptions) throws -> Set<String>? {
    var p = try profile(options)
    if !p.kinds.contains(kind) {
      guard kind == .event, let sibling = CSVProfiles.eventSibling(of: p.name) else { return nil }
      p = sibling
    }
    return try p.makeEncoder(options: options).writtenFields
  }

  /// How many records the writer holds back to fix the header.
  public static let lookahead = 1000
  private var held: [Record] = []
  private var heldLocations: [SourceLocation?] = []
  /// Records of the kind the profile does not hold, and where the first one was.
  private var otherKind: (count: Int, first: SourceLocation?) = (0, nil)
  public var skippedKinds: Set<RecordKind> {
    otherKind.count == 0 ? [] : [profile.kinds.contains(.contact) ? .event : .contact]
  }

  private mutating func start(with sample: [Record]) throws {
    started = true
    // Events to a contact profile (`--to csv:outlook`): the calendar profile beside it.
    if !sample.isEmpty, sample.allSatisfy({ $0.kind == .event }), !profile.kinds.contains(.event),
      let sibling = CSVProfiles.eventSibling(of: profile.name)
    {
      profile = sibling
      encoder = try sibling.makeEncoder(options: options)
      context = CSVEncodeContext(
        file: output.displayName, profile: sibling.name, diagnostics: context.diagnostics, overflow: options.overflow)
      context.dateFormat = options.csv.dateFormat
    }
    encoder.prepare(sample: sample)
    profileKind = profile.kinds.contains(.contact) ? .contact : profile.kinds.first
    header = encoder.columns
    for (i, name) in header.enumerated() where ownIndex[HeaderIndex.key(name)] == nil {
      ownIndex[HeaderIndex.key(name)] = i
    }
    ownColumnCount = header.count
    let known = Set(header.map(HeaderIndex.key))
    for record in sample {
      for raw in record.raw where raw.origin == profile.origin {
        // A repeated input column (CSVReader.repeatedColumns) gets its own column again, even
        // under the name of one of the profile's.
        let key = CSVWriter.extraKey(raw)
        guard key != raw.name || !known.contains(HeaderIndex.key(raw.name)) else { continue }
        if extraIndex[key] == nil {
          extraIndex[key] = header.count
          header.append(raw.name)
        }
      }
    }
    phone = [Bool](repeating: false, count: header.count)
    // Phone and date columns: cells made of digits, spaces and `+ - ( ) . /` stay as they are.
    for i in encoder.phoneColumns.union(encoder.dateColumns) where i < phone.count { phone[i] = true }
    // A repeated column takes the kind of the profile's column of that name.
    for i in ownColumnCount..<header.count {
      if let own = ownIndex[HeaderIndex.key(header[i])], own < phone.count, phone[own] { phone[i] = true }
    }
    if bom { line.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
    appendRow(header, protectCells: false, noteFilled: false)
    try output.write(line)
    line.removeAll(keepingCapacity: true)
  }

  public mutating func write(_ record: Record) throws { try write(record, from: nil) }

  public mutating func write(_ record: Record, from location: SourceLocation?) throws {
    if !started {
      held.append(record)
      heldLocations.append(location)
      if held.count < CSVWriter.lookahead { return }
      try flushHeld()
      return
    }
    context.inputLocation = location
    try writeRow(record)
  }

  private mutating func flushHeld() throws {
    try start(with: held)
    let records = held
    let locations = heldLocations
    held = []
    heldLocations = []
    for (r, l) in zip(records, locations) {
      context.inputLocation = l
      try writeRow(r)
    }
  }

  private mutating func writeRow(_ record: Record) throws {
    if record.kind != profileKind && !profile.kinds.contains(record.kind) {
      // Events beside contacts to a contacts profile (or the reverse): one CSV holds one
      // kind; said once, with the count, when the file is finished.
      skippedRecords += 1
      otherKind.count += 1
      if otherKind.count == 1 { otherKind.first = context.location(property: record.kind.rawValue) }
      return
    }
    var wrote = false
    if let rows = encoder.rows(for: record, context: &context) {
      for r in rows where try writeOneRow(r) { wrote = true }
    } else {
      wrote = try writeOneRow(record)
    }
    if !wrote { skippedRecords += 1 }
  }

  /// Writes the row of one record (or series instance); false when the encoder skipped it.
  @discardableResult
  private mutating func writeOneRow(_ record: Record) throws -> Bool {
    context.record += 1
    context.overflowLines.removeAll(keepingCapacity: true)
    if cells.count != header.count {
      cells = [String](repeating: "", count: header.count)
      cellsDirty = false
      filled.removeAll(keepingCapacity: true)
    }
    clearCells()
    // Set until `appendRow` has noted every filled cell: an encoder that skips the record or
    // throws may leave cells behind, and the next row then clears them all.
    cellsDirty = true
    guard try encoder.encode(record, into: &cells, context: &context) else { return false }
    let raws = record.raw
    for k in raws.indices {
      // Records of one input mostly carry the same raw names in the same order: the resolved
      // column is cached by position, so the hot path compares strings instead of hashing.
      // Fields are read in place (a copy of the property would retain each of them).
      if k < rawPlan.count, rawPlan[k].name == raws[k].name, rawPlan[k].origin == raws[k].origin,
        raws[k].parameters.isEmpty
      {
        let target = rawPlan[k].target
        // A name with no column was reported when its plan was made (below): nothing to
        // look up again.
        if target < 0 { continue }
        if target >= ownColumnCount || cells[target].isEmpty { cells[target] = raws[k].value }
        continue
      }
      let raw = raws[k]
      let target = resolve(raw)
      if k < rawPlan.count { rawPlan[k] = (raw.name, raw.origin, target) } else { rawPlan.append((raw.name, raw.origin, target)) }
      if target >= 0 {
        // An own column the mapping does not use (Outlook's Priority) is only filled when empty.
        if target >= ownColumnCount || cells[target].isEmpty { cells[target] = raw.value }
      } else if target == -1 {
        if !reportedUnseen.contains(raw.name) {
          reportedUnseen.insert(raw.name)
          context.diagnostics.warning(
            "column \"\(raw.name)\" first appears after the header was written; its values are dropped",
            at: location(property: raw.name), code: "unmapped")
        }
      } else if !reportedForeign.contains(raw.name) {
        reportedForeign.insert(raw.name)
        context.diagnostics.note(
          "\"\(raw.name)\" from \(raw.origin) has no column in csv:\(profile.name); dropped (reported once)",
          at: location(property: raw.name), code: "unmapped")
      }
    }
    appendRow(cells, protectCells: protect, noteFilled: true)
    cellsDirty = false
    if line.count >= 1 << 16 {
      try output.write(line)
      line.removeAll(keepingCapacity: true)
    }
    return true
  }

  /// Where a raw property goes: a column number, -1 (same profile, not in the header) or
  /// -2 (another origin).
  private func resolve(_ raw: RawProperty) -> Int {
    guard raw.origin == profile.origin else { return -2 }
    let key = CSVWriter.extraKey(raw)
    if key != raw.name { return extraIndex[key] ?? -1 }
    if let i = ownIndex[HeaderIndex.key(raw.name)] { return i }
    if let i = extraIndex[raw.name] { return i }
    return -1
  }

  private func location(property: String) -> SourceLocation { context.location(property: property) }

  /// The extra-column key of a raw property: its name, or for a repeated input column its
  /// name and position (two repeats stay two columns).
  static func extraKey(_ raw: RawProperty) -> String {
    guard !raw.parameters.isEmpty, let p = raw.parameters.first(where: { $0.name == repeatedColumnParameter }) else {
      return raw.name
    }
    return raw.name + "\u{1}" + (p.values.first ?? "")
  }

  public mutating func finish() throws {
    if !started { try flushHeld() }
    if otherKind.count > 0 {
      let kind = profile.kinds.contains(.contact) ? "event" : "contact"
      let sibling = kind == "event" ? CSVProfiles.eventSibling(of: profile.name).map { " (write them with --to csv:\($0.name))" } ?? "" : ""
      context.diagnostics.warning(
        "\(otherKind.count) \(kind)\(otherKind.count == 1 ? "" : "s") skipped: csv:\(profile.name) holds \(kind == "event" ? "contacts" : "events") only\(sibling)",
        at: otherKind.first, code: "skipped")
    }
    if !line.isEmpty { try output.write(line) }
    line.removeAll()
    try output.flush()
  }

  /// Empties the cells the last row filled (all of them when `cellsDirty`).
  private mutating func clearCells() {
    if cellsDirty {
      cells.withUnsafeMutableBufferPointer { b in
        for i in b.indices where !b[i].isEmpty { b[i] = "" }
      }
      cellsDirty = false
    } else if !filled.isEmpty {
      let filled = self.filled
      cells.withUnsafeMutableBufferPointer { b in
        for i in filled { b[i] = "" }
      }
    }
    filled.removeAll(keepingCapacity: true)
  }

  private mutating func appendRow(_ cells: [String], protectCells: Bool, noteFilled: Bool) {
    let delimiter = self.delimiter
    // Most cells are empty: they are skipped by a tight scan over the buffer (the loop that
    // tested each cell beside the writing code kept its state on the stack, about 30
    // instructions per empty cell), and the delimiters before the next filled cell are
    // appended as one run.
    cells.withUnsafeBufferPointer { b in
      let n = b.count
      var previous = 0
      var i = CSVWriter.nextFilled(b, from: 0)
      while i < n {
        appendDelimiters(i - previous)
        previous = i
        if noteFilled { filled.append(i) }
        let isPhone = i < phone.count && phone[i]
        // Read in place: no copy of the cell, no retain.
        let done: Void? = b[i].utf8.withContiguousStorageIfAvailable { bytes in
          CSVCellWriter.append(bytes, delimiter: delimiter, protect: protectCells, phoneColumn: isPhone, to: &line)
        }
        if done == nil {
          var cell = b[i]
          cell.withUTF8 { bytes in
            CSVCellWriter.append(bytes, delimiter: delimiter, protect: protectCells, phoneColumn: isPhone, to: &line)
          }
        }
        i = CSVWriter.nextFilled(b, from: i + 1)
      }
      appendDelimiters(n - 1 - previous)
    }
    line.append(.cr)
    line.append(.lf)
  }

  /// The first non-empty cell from `start` on, or the count.
  @inline(__always)
  private static func nextFilled(_ b: UnsafeBufferPointer<String>, from start: Int) -> Int {
    var i = start
    while i < b.count && b[i].isEmpty { i += 1 }
    return i
  }

  /// Appends `count` delimiters.
  @inline(__always)
  private mutating func appendDelimiters(_ count: Int) {
    if count == 1 {
      line.append(delimiter)
      return
    }
    var left = count
    while left > 0 {
      let n = min(left, delimiterRun.count)
      // From the run's own storage: a slice of it would retain and release the array.
      delimiterRun.withUnsafeBufferPointer { run in line.append(contentsOf: UnsafeBufferPointer(rebasing: run[0..<n])) }
      left -= n
    }
  }
}

/// Quoting and formula protection for one cell.
public enum CSVCellWriter {
  /// Appends `bytes` as one CSV cell.
  public static func append(
    _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, protect: Bool, phoneColumn: Bool, to out: inout [UInt8]
  ) {
    guard !bytes.isEmpty else { return }
    let neutralise = protect && FormulaProtection.needsPrefix(bytes, phoneColumn: phoneColumn)
    let needsQuotes =
      bytes[0] == .space || bytes[bytes.count - 1] == .space || holdsSpecialByte(bytes, delimiter: delimiter)
    if !needsQuotes {
      if neutralise { out.append(.apostrophe) }
      out.append(contentsOf: bytes)
      return
    }
    out.append(.quote)
    if neutralise { out.append(.apostrophe) }
    for b in bytes {
      if b == .quote { out.append(.quote) }
      out.append(b)
    }
    out.append(.quote)
  }

  /// Whether `bytes` holds the delimiter, a quote, CR or LF: eight bytes at a time
  /// (`CSVCore.firstWord`), then the rest one by one.
  @inline(__always)
  static func holdsSpecialByte(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Bool {
    var i = CSVCore.firstWord(bytes, from: 0, delimiter: delimiter, orNUL: false)
    while i < bytes.count {
      let b = bytes[i]
      if b == delimiter || b == .quote || b == .cr || b == .lf { return true }
      i += 1
    }
    return false
  }
}

/// OWASP CSV-injection protection.
///
/// A cell that starts with `=`, `+`, `-`, `@`, tab or CR gets a single quote in front, so a
/// spreadsheet shows it as text instead of running it. The one exception: in a column that
/// holds phone numbers, a cell that starts with `+` or `-` and otherwise has only digits,
/// spaces and `( ) . / -` (at least one digit) is left alone: such a cell cannot call a
/// function or reach DDE (no letters, no `|`, `!`, `=`, `@`), and `+1 212 555 0100` stays
/// a phone number. The same cell outside a phone column is neutralised. ferry's CSV reader
/// removes the added quote again (see `CSVRow.string`).
public enum FormulaProtection {
  public static func needsPrefix(_ bytes: UnsafeBufferPointer<UInt8>, phoneColumn: Bool) -> Bool {
    guard let first = bytes.first else { return false }
    switch first {
    case UInt8(ascii: "="), UInt8(ascii: "@"), .tab, .cr: return true
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      return !(phoneColumn && isPhoneShaped(bytes))
    default: return false
    }
  }

  /// `^[+-][0-9 ()./-]*$` with at least one digit, optionally with an extension after the
  /// digits (`x12`, `ext. 5`, `#12`: a marker, then digits only); Google's several values in one cell
  /// (`+1 212 555 0100 ::: +1 212 555 0101`) when every one of them is.
  public static func isPhoneShaped(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var digits = 0
    var i = 1
    while i < bytes.count {
      let b = bytes[i]
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
      case .space, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"): break
      case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "#"):
        // An extension after the number (`x12`, `ext. 5`, `extn 5`, `#12`): digits only
        // follow, so it calls nothing (CRM phone fields carry them, and a quote in front
        // would reach Outlook, Google and Exchange as part of the number).
        guard digits > 0, let end = extensionEnd(bytes, from: i) else { return false }
        i = end
        continue
      case UInt8(ascii: ":"):
        // " ::: " then the next value, which must start with + or - or a digit.
        guard i + 3 < bytes.count, bytes[i + 1] == UInt8(ascii: ":"), bytes[i + 2] == UInt8(ascii: ":"),
          bytes[i - 1] == .space, bytes[i + 3] == .space
        else { return false }
        i += 4
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") { i += 1 }
        continue
      default: return false
      }
      i += 1
    }
    return digits > 0
  }

  /// The index after an extension that starts at `start`: a marker (`x`, `ext`, `ext.`,
  /// `extn`, `extn.`, `extension`, `#`, any case), optional spaces, then one or more digits;
  /// nil when the bytes there are anything else.
  static func extensionEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    var i = start
    func lower(_ k: Int) -> UInt8 { bytes[k] | 0x20 }
    if bytes[i] == UInt8(ascii: "#") || lower(i) == UInt8(ascii: "x") {
      i += 1
    } else {
      var matched = 0
      for marker in ["extension", "extn.", "extn", "ext.", "ext"] {
        let m = Array(marker.utf8)
        if i + m.count <= bytes.count, (0..<m.count).allSatisfy({ m[$0] == UInt8(ascii: ".") ? bytes[i + $0] == m[$0] : lower(i + $0) == m[$0] }) {
          matched = m.count
          break
        }
      }
      guard matched > 0 else { return nil }
      i += matched
    }
    while i < bytes.count, bytes[i] == .space { i += 1 }
    let digitsStart = i
    while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
    return i > digitsStart ? i : nil
  }

  /// String convenience for tests and docs.
  public static func needsPrefix(_ text: String, phoneColumn: Bool) -> Bool {
    var text = text
    return text.withUTF8 { needsPrefix($0, phoneColumn: phoneColumn) }
  }
}
