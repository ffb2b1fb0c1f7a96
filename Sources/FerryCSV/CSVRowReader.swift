import FerryModel

/// One CSV record as fields of UTF-8 bytes: no `String` is made until a profile maps a field.
public struct CSVRow: Sendable {
  /// The field bytes, concatenated.
  public var data: [UInt8]
  /// The end offset of each field in `data`.
  public var ends: [Int]
  /// The physical line the record starts on (1-based).
  public var line: Int
  /// The 1-based number of the data record (the header is not counted).
  public var number: Int
  /// The fields that started with a quote, and the starts the core marked (`CSVCore`'s
  /// `quotedFields` and `marks`); empty for a row built from strings. Read with
  /// `start(ofField:)`.
  public var quotedFields: [Int]
  public var marks: [CSVCore.FieldMark]
  /// Every field's start, when it was worked out before `data` changed (a field read again as
  /// Windows-1252 is longer than in the input).
  var fixedStarts: [CSVCore.FieldMark] = []

  public init(
    data: [UInt8], ends: [Int], line: Int, number: Int, quotedFields: [Int] = [], marks: [CSVCore.FieldMark] = []
  ) {
    self.data = data
    self.ends = ends
    self.line = line
    self.number = number
    self.quotedFields = quotedFields
    self.marks = marks
  }

  /// Builds a row from strings (tests, the generic writer).
  public init(fields: [String], line: Int = 1, number: Int = 1) {
    var data: [UInt8] = []
    var ends: [Int] = []
    for f in fields {
      data.append(contentsOf: f.utf8)
      ends.append(data.count)
    }
    self.init(data: data, ends: ends, line: line, number: number)
  }

  public var count: Int { ends.count }

  /// Where field `i` starts: its physical line, and its 1-based column in UTF-8 bytes from
  /// the start of that line (a quoted field starts at its quote). A field the row does not
  /// have is placed at the row's start.
  public func start(ofField i: Int) -> (line: Int, column: Int) {
    guard i >= 0 && i < ends.count else { return (line, 1) }
    if i < fixedStarts.count { return (fixedStarts[i].line, fixedStarts[i].column) }
    // From the last mark at or before `i`, else the record's start, field by field.
    var (startLine, column, field) = (line, 1, 0)
    if let m = marks.last(where: { $0.field <= i }) { (startLine, column, field) = (m.line, m.column, m.field) }
    var q = quotedFields.firstIndex { $0 >= field } ?? quotedFields.count
    while field < i {
      let r = range(field)
      if q < quotedFields.count && quotedFields[q] == field {
        q += 1
        // `"`, the text with each quote doubled and its line breaks (CRLF is one), `"`.
        column += 1
        var afterCR = false
        for k in r {
          switch data[k] {
          case .cr:
            startLine += 1
            column = 1
            afterCR = true
          case .lf:
            if !afterCR { startLine += 1 }
            column = 1
            afterCR = false
          case .quote:
            column += 2
            afterCR = false
          default:
            column += 1
            afterCR = false
          }
        }
        column += 1
      } else {
        column += r.count
      }
      column += 1  // the delimiter
      field += 1
    }
    return (startLine, column)
  }

  /// The physical line field `i` starts on.
  public func line(ofField i: Int) -> Int { start(ofField: i).line }

  /// The 1-based column (UTF-8 bytes) field `i` starts at in its line.
  public func column(ofField i: Int) -> Int { start(ofField: i).column }

  /// Where field `i` starts, as a location in `file`.
  public func location(ofField i: Int, file: String, property: String? = nil) -> SourceLocation {
    location(ofField: i, source: SourceName(file), property: property)
  }

  /// Where field `i` starts, in the input `source`.
  public func location(ofField i: Int, source: SourceName, property: String? = nil) -> SourceLocation {
    SourceLocation(source: source, line: line(ofField: i), column: column(ofField: i), record: number, property: property)
  }

  @inline(__always)
  public func range(_ i: Int) -> Range<Int> {
    (i == 0 ? 0 : ends[i - 1])..<ends[i]
  }

  /// Whether field `i` is missing or empty.
  @inline(__always)
  public func isEmpty(_ i: Int) -> Bool {
    guard i >= 0 && i < ends.count else { return true }
    return range(i).isEmpty
  }

  /// Field `i` as text, or nil when it is missing or empty.
  ///
  /// A leading apostrophe that ferry's formula protection added (`'=`, `'+`, `'-`, `'@`,
  /// apostrophe before tab or CR) is removed, so that ferry's own output reads back unchanged.
  public func string(_ i: Int) -> String? {
    guard let r = textRange(i) else { return nil }
    return data.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
  }

  /// The bytes in `data` that `string(i)` decodes (formula protection's apostrophe left
  /// out), or nil when it gives nil.
  @inline(__always)
  public func textRange(_ i: Int) -> Range<Int>? {
    guard i >= 0 && i < ends.count else { return nil }
    var r = range(i)
    if r.isEmpty { return nil }
    if r.count >= 2 && data[r.lowerBound] == .apostrophe {
      switch data[r.lowerBound + 1] {
      case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), .tab, .cr:
        r = (r.lowerBound + 1)..<r.upperBound
      default: break
      }
    }
    return r
  }

  /// `body` over the bytes of `string(at: i)`, or nil when that is nil: for values read
  /// straight from the bytes (ids, timestamps), with no `String` made for the field.
  @inline(__always)
  public func withText<R>(at i: Int?, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
    guard let i, let r = textRange(i) else { return nil }
    return data.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[r])) }
  }

  /// Field `i` as text, or nil when there is no column `i` or the field is missing or empty.
  ///
  /// The profiles' lookup: unlike `i.flatMap(row.string)`, whose method reference captures
  /// a copy of the row (four arrays retained and released per field), nothing is copied.
  @inline(__always)
  public func string(at i: Int?) -> String? {
    guard let i else { return nil }
    return string(i)
  }

  /// Field `i` as text, or "" (for headers).
  public func text(_ i: Int) -> String { string(i) ?? "" }

  /// Every field as text.
  public var strings: [String] { (0..<count).map(text) }
}

/// The thin wrapper around `CSVCore` that owns the I/O: reads chunks, turns encodings into
/// UTF-8, sniffs the delimiter, checks UTF-8 per record and reports positions.
public final class CSVRowReader {
  /// The input being read (a piece's reader goes on from its header to its piece's bytes:
  /// `continueReading(from:firstLine:diagnostics:)`).
  public private(set) var input: ByteInput
  public let encoding: CSVEncoding
  public let delimiter: UInt8
  /// Whether the encoding was forced or announced by a BOM (no Windows-1252 fallback then).
  private let encodingIsCertain: Bool
  private var diagnostics: DiagnosticSink
  private var core: CSVCore
  private var transcoder: TranscodingStream
  private var chunk: [UInt8] = []
  private var scratch: [UInt8] = []
  private var position = 0
  private var skipBOM: Int
  /// The length of the byte order mark the input started with (skipped).
  private let bomLength: Int
  private var ended = false
  private var finished = false
  /// Whether the input's end was reached: the last record given (if any) was closed by the
  /// end of the input, not by a line end.
  public var reachedEnd: Bool { finished }
  /// Records read, the header and rows with every field empty included: the next record's
  /// number is this (the header's is 0).
  public private(set) var rowsRead = 0
  /// After `next()` gave nil: whether the input ended between two records (after a line end,
  /// with no record begun and no quoted field open).
  public private(set) var endedBetweenRecords = false
  private var pendingReset = false
  /// Whether the first line is Excel's `sep=X` delimiter hint, still to be skipped.
  private var skipSeparatorLine: Bool
  private var fallbackWarnings = 0
  private static let maxFallbackWarnings = 10
  /// Whether a record so far had fields that are not valid UTF-8 (read as Windows-1252).
  public var readFieldsAsWindows1252: Bool { fallbackWarnings > 0 }

  /// - Parameters:
  ///   - delimiter: a forced delimiter; nil sniffs comma, semicolon and tab from the head.
  ///   - encodingName: `ReadOptions.inputEncoding`.
  ///   - firstLine: the number of the input's first line.
  public init(
    input: ByteInput, delimiter: UInt8?, encodingName: String?, diagnostics: DiagnosticSink, firstLine: Int = 1
  ) throws {
    self.input = input
    self.diagnostics = diagnostics
    let head = try input.peek(64 * 1024)
    var encoding = CSVEncoding.utf8
    var certain = false
    var bomLength = 0
    if let (e, n) = CSVEncoding.fromBOM(head) {
      encoding = e
      bomLength = n
      certain = true
    }
    if let encodingName {
      guard let forced = CSVEncoding(name: encodingName) else {
        throw FerryError(
          .usage,
          "unknown input encoding \"\(encodingName)\"; known: \(CSVEncoding.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      // A BOM that agrees with the forced encoding is still skipped.
      if forced != encoding { bomLength = 0 }
      encoding = forced
      certain = true
    }
    self.encoding = encoding
    encodingIsCertain = certain
    skipBOM = bomLength
    self.bomLength = bomLength
    transcoder = TranscodingStream(encoding: encoding)
    var probe = TranscodingStream(encoding: encoding)
    var utf8Head: [UInt8] = []
    probe.transcode(Array(head.dropFirst(bomLength)), into: &utf8Head)
    let hint = Dialect.separatorHint(utf8Head)
    skipSeparatorLine = hint != nil
    if let delimiter {
      self.delimiter = delimiter
    } else {
      self.delimiter = hint ?? Dialect.sniff(utf8Head)
    }
    core = CSVCore(delimiter: self.delimiter)
    if firstLine != 1 { core.restartLines(at: firstLine) }
  }

  /// The line the reader is on (for "empty input" and end-of-input messages).
  public var line: Int { core.line }

  /// The input's bytes read into records so far, its byte order mark included (UTF-8 input
  /// only: other encodings are counted in UTF-8 bytes after the mark).
  public var bytesConsumed: Int { bomLength + core.offset }

  /// Goes on reading from `next`, a UTF-8 input that follows the one read so far, once that
  /// one was read up to the end of a record (the header of a piece's reader, in
  /// `CSVReader.pieces`): what is left of it must be line ends only. Lines are numbered from
  /// `firstLine` on, when given, and the records from 1; otherwise both carry on.
  ///
  /// - Returns: false when the input read so far held more than line ends after its last
  ///   record, or the encoding is not UTF-8 (nothing is read from `next` then).
  public func continueReading(from next: ByteInput, firstLine: Int?, diagnostics: DiagnosticSink) -> Bool {
    // A record closed by the input's end (a quote left open) is no header to go on from.
    guard encoding == .utf8, !skipSeparatorLine, !finished else { return false }
    if pendingReset {
      core.startRecord()
      pendingReset = false
    }
    // The rest of the current chunk (the LF of the header's CRLF, say), then anything the
    // input still holds: line ends at most.
    while true {
      if position < chunk.count {
        let (consumed, step) = chunk.withUnsafeBufferPointer { buffer in
          core.feed(UnsafeBufferPointer(rebasing: buffer[position...]))
        }
        position += consumed
        guard step == .needInput else { return false }
        continue
      }
      guard !ended, let more = try? input.read() else { break }
      chunk = more
      position = 0
    }
    guard core.isBetweenRecords else { return false }
    input = next
    self.diagnostics = diagnostics
    chunk = []
    position = 0
    skipBOM = 0
    ended = false
    finished = false
    endedBetweenRecords = false
    if let firstLine {
      core.restartLines(at: firstLine)
      rowsRead = 1
    }
    return true
  }

  /// The next record, or nil at the end of the input.
  ///
  /// - Throws: `FerryError(.malformedInput)` at a NUL byte (binary input), with its position.
  public func next() throws -> CSVRow? {
    if pendingReset {
      // Reset here, not when handing the row out, so the buffers are not copied.
      core.startRecord()
      pendingReset = false
    }
    while true {
      if position >= chunk.count {
        if ended {
          guard !finished else { return nil }
          finished = true
          if core.finish() { return try complete(unterminated: core.inQuotedField) }
          endedBetweenRecords = true
          return nil
        }
        try refill()
        continue
      }
      let (consumed, step) = chunk.withUnsafeBufferPointer { buffer in
        core.feed(UnsafeBufferPointer(rebasing: buffer[position...]))
      }
      position += consumed
      switch step {
      case .needInput: continue
      case .record:
        if skipSeparatorLine {
          // Excel's `sep=;` line is no record; later lines keep their own line numbers.
          skipSeparatorLine = false
          core.startRecord()
          continue
        }
        return try complete(unterminated: false)
      case .binary:
        throw FerryError(
          .malformedInput, "input holds a NUL byte, so it is binary data, not CSV text; nothing more read",
          at: SourceLocation(file: input.name, line: core.nulLine, column: core.nulColumn))
      }
    }
  }

  private func refill() throws {
    guard let raw = try input.read() else {
      ended = true
      transcoder.finish(into: &chunk)
      position = 0
      return
    }
    var bytes = raw
    if skipBOM > 0 {
      let n = min(skipBOM, bytes.count)
      bytes.removeFirst(n)
      skipBOM -= n
    }
    if encoding == .utf8 {
      chunk = bytes
    } else {
      transcoder.transcode(bytes, into: &scratch)
      swap(&chunk, &scratch)
    }
    position = 0
  }

  private func complete(unterminated: Bool) throws -> CSVRow {
    rowsRead += 1
    var row = CSVRow(
      data: core.data, ends: core.ends, line: core.recordLine, number: rowsRead - 1, quotedFields: core.quotedFields,
      marks: core.marks)
    pendingReset = true
    if unterminated {
      diagnostics.error(
        "quoted field is not closed before the end of the input; read everything after the quote as one field",
        at: SourceLocation(file: input.name, line: core.quoteLine, column: core.quoteColumn, record: row.number),
        code: "syntax")
    }
    let valid = row.data.withUnsafeBufferPointer { UTF8Check.isValid($0) }
    if !valid { repairEncoding(&row) }
    return row
  }

  /// Re-reads the fields that are not valid UTF-8 as Windows-1252.
  private func repairEncoding(_ row: inout CSVRow) {
    // Positions are worked out from the field lengths as read: keep them before they change.
    row.fixedStarts = (0..<row.count).map { i in
      let (line, column) = row.start(ofField: i)
      return CSVCore.FieldMark(field: i, line: line, column: column)
    }
    var data: [UInt8] = []
    var ends: [Int] = []
    var columns: [Int] = []
    for i in 0..<row.count {
      let r = row.range(i)
      let ok = row.data.withUnsafeBufferPointer { UTF8Check.isValid(UnsafeBufferPointer(rebasing: $0[r])) }
      if ok {
        data.append(contentsOf: row.data[r])
      } else {
        data.append(contentsOf: Windows1252.decode(row.data[r]))
        columns.append(i + 1)
      }
      ends.append(data.count)
    }
    row.data = data
    row.ends = ends
    fallbackWarnings += 1
    // Pinned on the first field that is not valid UTF-8.
    let location = row.location(ofField: (columns.first ?? 1) - 1, file: input.name)
    if encodingIsCertain {
      diagnostics.warning(
        "line \(row.line) is not valid \(encoding.rawValue); field(s) \(columns.map(String.init).joined(separator: ", ")) read as windows-1252",
        at: location, code: "encoding")
    } else if fallbackWarnings <= CSVRowReader.maxFallbackWarnings {
      diagnostics.warning(
        "line \(row.line) is not valid UTF-8; field(s) \(columns.map(String.init).joined(separator: ", ")) read as windows-1252"
          + (fallbackWarnings == CSVRowReader.maxFallbackWarnings ? " (further lines like this are not reported)" : ""),
        at: location, code: "encoding")
    }
  }
}

/// Guesses the delimiter from the first lines.
public enum Dialect {
  /// The delimiter Excel's first line `sep=;` names (quoted or not; a spreadsheet that saved
  /// it again may have added delimiters after it), or nil when the first line is no such hint.
  public static func separatorHint(_ head: [UInt8]) -> UInt8? {
    var line = head.prefix { $0 != .cr && $0 != .lf }[...]
    if line.count >= 2, line.first == .quote, let close = line.dropFirst().firstIndex(of: .quote) {
      line = line[line.index(after: line.startIndex)..<close]
    }
    let name = Array(line.prefix(4)).map { $0 | 0x20 }
    guard name == Array("sep=".utf8), line.count >= 5 else { return nil }
    let separator = line[line.startIndex + 4]
    guard separator != .quote, separator != .cr, separator != .lf,
      line.dropFirst(5).allSatisfy({ $0 == separator || $0 == .comma || $0 == .semicolon || $0 == .tab })
    else { return nil }
    return separator
  }

  /// Comma, semicolon or tab: the one that splits the first line most and the next lines
  /// the same way; comma when nothing tells.
  public static func sniff(_ head: [UInt8]) -> UInt8 {
    let candidates: [UInt8] = [.comma, .semicolon, .tab]
    var counts: [[Int]] = []  // per line, per candidate
    var current = [0, 0, 0]
    var inQuotes = false
    for b in head {
      if b == .quote {
        inQuotes.toggle()
        continue
      }
      if inQuotes { continue }
      if b == .lf || b == .cr {
        if current != [0, 0, 0] || !counts.isEmpty {
          counts.append(current)
          current = [0, 0, 0]
          if counts.count >= 10 { break }
        }
        continue
      }
      if let k = candidates.firstIndex(of: b) { current[k] += 1 }
    }
    if counts.isEmpty { counts.append(current) }
    guard let first = counts.first else { return .comma }
    var best = 0
    var bestScore = -1
    for k in 0..<3 where first[k] > 0 {
      // Lines that agree with the header's count make the choice sturdier.
      let agreeing = counts.dropFirst().filter { $0[k] == first[k] }.count
      let score = first[k] * 4 + agreeing * 2
      if score > bestScore {
        bestScore = score
        best = k
      }
    }
    return candidates[best]
  }
}
