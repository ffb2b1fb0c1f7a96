import FerryModel

/// Reads logical content lines from a chunked byte stream (RFC 5545 §3.1, RFC 6350 §3.2,
/// vCard 2.1 §2.1.3).
///
/// Handles a BOM; CRLF, LF and lone CR line ends (old Mac files); folding (a line that
/// starts with a space or tab continues the previous one); vCard 2.1 quoted-printable soft
/// line breaks (`=` at the end of a physical line); blank lines; quoted parameter values;
/// RFC 6868 `^` escapes; bare 2.1 parameters; `CHARSET` and quoted-printable decoding.
///
/// Results do not depend on chunk boundaries: the reader only decides about a line once it
/// has seen its end and the first byte of the next line.
public struct ContentLineReader {
  public let input: ByteInput
  /// The input's name, interned once for every line's location.
  private let source: SourceName
  private let diagnostics: DiagnosticSink
  /// What reads a line's bytes into a `ContentLine`, with what it remembers (see
  /// `LineParser`).
  private var parser: LineParser
  private var buffer: [UInt8] = []
  private var position = 0
  private var atEnd = false
  /// Physical line number of the byte at `position`.
  private var lineNumber = 1
  private var startedBOM = false
  private var logical: [UInt8] = []
  private var tooLong = false
  private var warnedBlankInFold = false
  /// The largest logical line accepted, in bytes; longer ones are reported and skipped so
  /// memory stays bounded.
  public var maximumLineLength = 256 * 1024 * 1024
  /// Lines read so far (logical).
  public private(set) var linesRead = 0
  /// The character set of values that name none (`--input-encoding`), instead of UTF-8 with
  /// a Windows-1252 fallback: for files written in a legacy code page (Outlook 2003 writes
  /// the system's, Windows-1250 in Poland).
  public var defaultCharset: String? {
    get { parser.defaultCharset }
    set { parser.defaultCharset = newValue }
  }

  /// - Parameter firstLine: the number of the input's first line (a piece of a bigger
  ///   input, read on its own, starts further down).
  public init(input: ByteInput, diagnostics: DiagnosticSink, firstLine: Int = 1) {
    self.input = input
    self.diagnostics = diagnostics
    source = SourceName(input.name)
    parser = LineParser(diagnostics: diagnostics)
    lineNumber = firstLine
    self.firstLine = firstLine
  }

  private let firstLine: Int

  /// Line ends read so far (LF, CR, and CRLF once).
  public var lineEndsRead: Int { lineNumber - firstLine }

  /// The message of the one diagnostic this reader gives at most once per input.
  public static let blankLineInFoldMessage =
    "blank line inside a folded line; the continuation after it is joined to the line before (reported once)"

  /// The next content line, or nil at the end of the input.
  public mutating func next() throws -> ContentLine? {
    while true {
      if let range = takePlainLine() {
        // Parsed where it lies in the buffer, without a copy into `logical`.
        if let line = parse(range, startLine: lineNumber - 1) {
          linesRead += 1
          return line
        }
        continue
      }
      guard let (startLine, hadNUL) = try readLogicalLine() else { return nil }
      if logical.isEmpty || logical.allSatisfy({ $0 == .space || $0 == .tab }) { continue }
      let location = SourceLocation(source: source, line: startLine, column: 1)
      if hadNUL {
        diagnostics.warning("line contains NUL bytes; they were removed", at: location, code: "encoding")
        logical.removeAll { $0 == 0 }
      }
      if let line = parse(location: location) {
        linesRead += 1
        return line
      }
    }
  }

  // MARK: - Physical and logical lines

  /// Makes sure at least `count` bytes are buffered after `position`, unless the input ends.
  private mutating func fill(_ count: Int) throws -> Bool {
    while buffer.count - position < count {
      if atEnd { return false }
      if position > 0 && position >= buffer.count / 2 {
        buffer.removeSubrange(..<position)
        position = 0
      }
      if let chunk = try input.read() {
        // Taken as it is when nothing is left of the last one: no copy.
        if position == buffer.count {
          buffer = chunk
          position = 0
        } else {
          buffer.append(contentsOf: chunk)
        }
      } else {
        atEnd = true
        return buffer.count - position >= count
      }
    }
    return true
  }

  /// Appends the next physical line (without its line end) to `logical`, optionally
  /// dropping its first byte. Returns false at end of input.
  private mutating func appendPhysicalLine(droppingFirst: Bool, hadNUL: inout Bool) throws -> Bool {
    guard try fill(1) else { return false }
    if !startedBOM {
      startedBOM = true
      if try fill(3), buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
        position += 3
      }
    }
    var first = true
    while true {
      // Scan what is buffered for a line end (through a buffer pointer: no bounds checks,
      // no slice of `buffer` to retain).
      let end = buffer.count
      let from = position
      let (i, sawNUL) = buffer.withUnsafeBufferPointer { b -> (Int, Bool) in
        var i = from
        var nul = false
        while i < end {
          let c = b[i]
          if c == .lf || c == .cr { break }
          if c == 0 { nul = true }
          i += 1
        }
        return (i, nul)
      }
      if sawNUL { hadNUL = true }
      let start = (first && droppingFirst && i > position) ? position + 1 : position
      if logical.count + (i - start) > maximumLineLength {
        // Keep scanning without keeping bytes, so memory stays bounded; reported below.
        tooLong = true
      } else if i > start {
        buffer.withUnsafeBufferPointer { b in logical.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i])) }
      }
      first = false
      if i < end {
        // Found a line end; a CR may be followed by an LF in the next chunk.
        if buffer[i] == .cr {
          position = i + 1
          if try fill(1), buffer[position] == .lf { position += 1 }
        } else {
          position = i + 1
        }
        lineNumber += 1
        return true
      }
      position = i
      if !(try fill(1)) { return true }  // last line without a line end
    }
  }

  /// The common line, taken where it lies in `buffer`: one physical line that is neither
  /// folded nor continued (`=` at its end), not blank, without NUL bytes and not starting
  /// with white space, whose line end and the first byte of the line after it are buffered
  /// already. Moves past it and returns its bytes' range; for any other line returns nil
  /// and moves nothing, and `readLogicalLine` reads it.
  private mutating func takePlainLine() -> Range<Int>? {
    guard startedBOM else { return nil }
    let count = buffer.count
    let from = position
    let limit = maximumLineLength
    let found = buffer.withUnsafeBufferPointer { b -> (end: Int, next: Int)? in
      // Eight bytes at a time to the first CR, LF or NUL, found as bytes below 0x0E (one test
      // a word); the loop below tells which, and passes over the other control bytes (a tab).
      var i = ByteSearch.firstIndex(in: b, from: from, below: 0x0E)
      while i < count {
        let c = b[i]
        if c == .lf || c == .cr { break }
        if c == 0 { return nil }
        i = ByteSearch.firstIndex(in: b, from: i + 1, below: 0x0E)
      }
      guard i < count, i > from, i - from <= limit else { return nil }
      if b[from] == .space || b[from] == .tab || b[i - 1] == .equals { return nil }
      var next = i + 1
      if b[i] == .cr {
        guard next < count else { return nil }
        if b[next] == .lf { next += 1 }
      }
      guard next < count else { return nil }
      let c = b[next]
      if c == .space || c == .tab || c == .cr || c == .lf { return nil }
      return (i, next)
    }
    guard let found else { return nil }
    position = found.next
    lineNumber += 1
    return from..<found.end
  }

  private mutating func readLogicalLine() throws -> (Int, Bool)? {
    logical.removeAll(keepingCapacity: true)
    tooLong = false
    var hadNUL = false
    let startLine = lineNumber
    guard try appendPhysicalLine(droppingFirst: false, hadNUL: &hadNUL) else { return nil }
    while try fill(1) {
      let next = buffer[position]
      if logical.last == .equals, isQuotedPrintable() {
        // vCard 2.1 quoted-printable soft line break: "=" CRLF continues the value. Checked
        // before folding: a continuation line may start with a space that is data.
        logical.removeLast()
        _ = try appendPhysicalLine(droppingFirst: false, hadNUL: &hadNUL)
      } else if next == .space || next == .tab {
        // RFC folding: drop the line end and one white-space character.
        _ = try appendPhysicalLine(droppingFirst: true, hadNUL: &hadNUL)
      } else if (next == .cr || next == .lf), try blankLineThenContinuation() {
        // Old Mozilla Calendar writes "UID" CRLF CRLF " :123": a blank line inside a folded
        // line. The continuation still belongs to this line, as python-icalendar reads it.
        if !warnedBlankInFold {
          warnedBlankInFold = true
          diagnostics.warning(
            Self.blankLineInFoldMessage,
            at: SourceLocation(source: source, line: lineNumber, column: 1), code: "syntax")
        }
        if buffer[position] == .cr { position += 1 }
        if position < buffer.count, buffer[position] == .lf { position += 1 }
        lineNumber += 1
      } else {
        break
      }
    }
    if tooLong {
      diagnostics.error(
        "line is longer than \(maximumLineLength) bytes; skipped",
        at: SourceLocation(source: source, line: startLine, column: 1))
      logical.removeAll(keepingCapacity: false)
    }
    return (startLine, hadNUL)
  }

  /// Whether the bytes at `position` are an empty line (CRLF, LF or CR) followed by a line
  /// that starts with a space or tab.
  private mutating func blankLineThenContinuation() throws -> Bool {
    _ = try fill(3)
    var i = position
    guard i < buffer.count else { return false }
    if buffer[i] == .cr {
      i += 1
      if i < buffer.count, buffer[i] == .lf { i += 1 }
    } else if buffer[i] == .lf {
      i += 1
    } else {
      return false
    }
    guard i < buffer.count else { return false }
    return buffer[i] == .space || buffer[i] == .tab
  }

  /// Whether the parameters of the line being read name quoted-printable encoding. Runs
  /// only for lines that end in "=", so it may be slow.
  private func isQuotedPrintable() -> Bool {
    var inQuotes = false
    var end = logical.count
    for (i, c) in logical.enumerated() {
      if c == .quote { inQuotes.toggle() }
      if c == .colon && !inQuotes {
        end = i
        break
      }
    }
    return String(decoding: logical[..<end], as: UTF8.self).uppercased().contains("QUOTED-PRINTABLE")
  }

  // MARK: - Parsing one logical line

  /// Parses the bytes of `buffer` in `range` (see `takePlainLine`), where they lie. The
  /// parser is a property of its own: a method of the reader called here, from `next()`,
  /// was handed a copy of the whole reader for every line.
  private mutating func parse(_ range: Range<Int>, startLine: Int) -> ContentLine? {
    let location = SourceLocation(source: source, line: startLine, column: 1)
    return buffer.withUnsafeBufferPointer { parser.parse(UnsafeBufferPointer(rebasing: $0[range]), location: location) }
  }

  private mutating func parse(location: SourceLocation) -> ContentLine? {
    // Scanned through a buffer pointer: no bounds checks, no slice copies per value.
    logical.withUnsafeBufferPointer { parser.parse($0, location: location) }
  }
}

/// Reads the bytes of one logical line into a `ContentLine`: what `ContentLineReader` does
/// with a line once it has found it. Remembers the names, parameters and short values it
/// made lately (`ShortStrings`) and the parameter lists (`ParameterLists`), as classes, so
/// that `parse` does not mutate: the reader lends it the line's bytes without a copy of
/// either.
struct LineParser {
  let diagnostics: DiagnosticSink
  /// Names, parameters and short values made lately (see `ShortStrings`).
  let shortStrings = ShortStrings()
  /// Parameter lists parsed lately (see `ParameterLists`).
  let parameterLists = ParameterLists()
  /// `ContentLineReader.defaultCharset`.
  var defaultCharset: String?

  init(diagnostics: DiagnosticSink) {
    self.diagnostics = diagnostics
  }

  func parse(_ b: UnsafeBufferPointer<UInt8>, location: consuming SourceLocation) -> ContentLine? {
    let count = b.count
    var i = 0
    // A line that starts with white space continues nothing (the first line of a file, or
    // one after a blank line): read without the white space.
    if count > 0, b[0] == .space || b[0] == .tab {
      while i < count, b[i] == .space || b[i] == .tab { i += 1 }
      diagnostics.warning(
        "line starts with white space but continues no line; read without it", at: location, code: "syntax")
    }
    // Name, with an optional group before a dot. The scans of this function go eight bytes
    // at a time (`ByteSearch`) to the next byte that ends what they read.
    var nameStart = i
    var group: String?
    while true {
      i = ByteSearch.firstIndex(in: b, from: i, anyOf: .colon, .semicolon, .dot)
      guard i < count, b[i] == .dot else { break }
      if group == nil {
        group = shortStrings.string(UnsafeBufferPointer(rebasing: b[nameStart..<i]), kind: .plain) {
          String(decoding: $0, as: UTF8.self)
        }
        nameStart = i + 1
      }
      i += 1
    }
    guard i < count else {
      diagnostics.warning(
        "line has no ':' and is not a property: \"\(preview(b))\"; skipped", at: location, code: "syntax")
      return nil
    }
    let name = shortStrings.string(UnsafeBufferPointer(rebasing: b[nameStart..<i]), kind: .upperASCII) {
      Self.upperASCII($0)
    }
    if name.isEmpty {
      diagnostics.warning("property has no name: \"\(preview(b))\"; skipped", at: location, code: "syntax")
      return nil
    }
    var parameters: [ContentParameter] = []
    // ENCODING and CHARSET, noted while the parameters are read (the value decoding needs them).
    var encoding: String?
    var charset: String?
    // Parameters: the list parsed lately from the same bytes, when there is one (see
    // `ParameterLists`); else parsed below, and kept when that gave no diagnostic.
    var parameterBytes: Range<Int>?
    if i < count, b[i] == .semicolon {
      let end = ByteSearch.firstIndex(in: b, from: i, anyOf: .colon, .quote, .quote)
      if end < count, b[end] == .colon {
        if let known = parameterLists.lookup(UnsafeBufferPointer(rebasing: b[i..<end])) {
          parameters = known.parameters
          encoding = known.encoding
          charset = known.charset
          i = end
        } else {
          parameterBytes = i..<end
        }
      }
    }
    while i < count, b[i] == .semicolon {
      i += 1
      let pStart = i
      i = ByteSearch.firstIndex(in: b, from: i, anyOf: .equals, .semicolon, .colon)
      var pLow = pStart
      var pHigh = i
      while pLow < pHigh, b[pLow] == .space || b[pLow] == .tab { pLow += 1 }
      while pHigh > pLow, b[pHigh - 1] == .space || b[pHigh - 1] == .tab { pHigh -= 1 }
      let pName = shortStrings.string(UnsafeBufferPointer(rebasing: b[pLow..<pHigh]), kind: .upperASCII) {
        Self.upperASCII($0)
      }
      if i < count, b[i] == .equals {
        i += 1
        // The first value is kept apart and an array made only for further ones (see
        // `ContentParameter`).
        var firstValue: String?
        var more: [String] = []
        while true {
          let value: String
          if i < count, b[i] == .quote {
            i += 1
            let vStart = i
            i = ByteSearch.firstIndex(in: b, from: i, anyOf: .quote, .quote, .quote)
            var quoted = parameterValue(UnsafeBufferPointer(rebasing: b[vStart..<i]))
            if i < count { i += 1 }
            // Anything between the closing quote and the next separator is kept.
            let tail = i
            while i < count, b[i] != .comma, b[i] != .semicolon, b[i] != .colon { i += 1 }
            if i > tail { quoted += String(decoding: UnsafeBufferPointer(rebasing: b[tail..<i]), as: UTF8.self) }
            value = quoted
          } else {
            let vStart = i
            i = ByteSearch.firstIndex(in: b, from: i, anyOf: .comma, .semicolon, .colon)
            value = parameterValue(UnsafeBufferPointer(rebasing: b[vStart..<i]))
          }
          if firstValue == nil {
            firstValue = value
          } else {
            // Room for a short list (`TYPE=INTERNET,WORK,PREF`) in one allocation.
            if more.isEmpty { more.reserveCapacity(3) }
            more.append(value)
          }
          if i < count, b[i] == .comma {
            i += 1
            continue
          }
          break
        }
        // `firstValue` is always set: the loop above reads a value before it looks for a comma.
        if !pName.isEmpty, let firstValue {
          if parameters.isEmpty { parameters.reserveCapacity(4) }
          // Lengths first: most parameters are TYPE, and this runs for each.
          if pName.utf8.count == 8 && pName == "ENCODING" {
            if encoding == nil { encoding = Self.upperASCII(firstValue) }
          } else if pName.utf8.count == 7 && pName == "CHARSET" {
            if charset == nil { charset = firstValue }
          }
          parameters.append(ContentParameter(name: pName, value: firstValue, more: more))
        }
      } else if !pName.isEmpty {
        // vCard 2.1 bare parameter: a TYPE value, or ENCODING/CHARSET shorthand.
        switch pName {
        case "QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT":
          if encoding == nil { encoding = pName }
          parameters.append(ContentParameter(name: "ENCODING", value: pName, isBare: true))
        default:
          parameters.append(ContentParameter(name: "TYPE", value: pName, isBare: true))
        }
      } else {
        parameterBytes = nil
        diagnostics.warning(
          "property \(name) has an empty parameter (';;'): \"\(preview(b))\"; ignored", at: location,
          code: "syntax")
      }
    }
    if let parameterBytes, i == parameterBytes.upperBound {
      parameterLists.insert(
        UnsafeBufferPointer(rebasing: b[parameterBytes]),
        ParameterLists.Parsed(parameters: parameters, encoding: encoding, charset: charset))
    }
    guard i < count, b[i] == .colon else {
      diagnostics.warning(
        "property \(name) has no ':' before its value: \"\(preview(b))\"; skipped", at: location,
        code: "syntax")
      return nil
    }
    i += 1
    let valueColumn = i + 1
    let rawValue = UnsafeBufferPointer(rebasing: b[i...])
    let value: String
    // Values are not looked up in `shortStrings`: most are a record's own (a phone number, an
    // address, a UID), and the lookups that missed cost more than the hits saved.
    if encoding == nil, charset == nil, defaultCharset == nil, let text = UTF8Check.string(rawValue) {
      // The common case: a plain UTF-8 value, validated once and taken as it is.
      value = text
    } else {
      value = decodeValue(
        rawValue, name: name, location: location, valueColumn: valueColumn, encoding: encoding, charset: charset)
    }
    // Made once, with its value: no copy of the line while the value is decoded.
    return ContentLine(
      group: group, name: name, parameters: parameters, value: value, location: location, valueColumn: valueColumn)
  }

  /// `s` with ASCII letters upper-cased; itself when it has none in lower case.
  static func upperASCII(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { return s }
    return String(decoding: s.utf8.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }, as: UTF8.self)
  }

  /// The bytes as a string with ASCII letters upper-cased; no second string when they
  /// already are (names almost always are).
  static func upperASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    guard bytes.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
      return String(decoding: bytes, as: UTF8.self)
    }
    return String(decoding: bytes.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }, as: UTF8.self)
  }

  private func parameterValue(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    shortStrings.string(bytes, kind: .parameterValue) { decodeParameterValue($0) }
  }

  private func decodeParameterValue(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var out: [UInt8] = []
    var i = bytes.startIndex
    guard bytes.contains(.caret) else {
      if let text = UTF8Check.string(bytes) { return text }
      return Charset.decode(bytes, charset: nil).text
    }
    while i < bytes.endIndex {
      // RFC 6868: ^n newline, ^^ caret, ^' double quote.
      if bytes[i] == .caret, i + 1 < bytes.endIndex {
        switch bytes[i + 1] {
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
          out.append(.lf)
          i += 2
          continue
        case .caret:
          out.append(.caret)
          i += 2
          continue
        case UInt8(ascii: "'"):
          out.append(.quote)
          i += 2
          continue
        default: break
        }
      }
      out.append(bytes[i])
      i += 1
    }
    return Charset.decode(out, charset: nil).text
  }

  private func decodeValue(
    _ bytes: UnsafeBufferPointer<UInt8>, name: String, location: SourceLocation, valueColumn: Int, encoding: String?,
    charset: String?
  ) -> String {
    let charset = charset ?? defaultCharset
    if encoding == "BASE64" || encoding == "B" {
      return String(decoding: bytes.filter { $0 != .space && $0 != .tab }, as: UTF8.self)
    }
    if encoding == "QUOTED-PRINTABLE" {
      let decoded = Charset.decode(QuotedPrintable.decode(bytes), charset: charset)
      if decoded.usedFallback {
        reportFallback(name: name, location: location, valueColumn: valueColumn, charset: charset)
      }
      return decoded.text
    }
    let decoded = Charset.decode(bytes, charset: charset)
    if decoded.usedFallback {
      reportFallback(name: name, location: location, valueColumn: valueColumn, charset: charset)
    }
    return decoded.text
  }

  private func reportFallback(name: String, location: SourceLocation, valueColumn: Int, charset: String?) {
    let what = charset.map { "is not valid \($0)" } ?? "is not valid UTF-8"
    var at = location
    at.column = valueColumn
    at.property = name
    diagnostics.warning("value of \(name) \(what); read as Windows-1252", at: at, code: "encoding")
  }

  private func preview(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let text = Charset.decode(bytes.prefix(60), charset: nil).text
    return bytes.count > 60 ? text + "…" : text
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s = s.dropFirst() }
    while s.last == " " || s.last == "\t" { s = s.dropLast() }
    return String(s)
  }
}

extension ByteSearch {
  /// The index of the first byte at or after `from` that is below `bound` (at most 0x80),
  /// or `bytes.count` when there is none: one test a word finds any of several control
  /// bytes (a line end, NUL), where `firstIndex(in:from:anyOf:)` takes one test per byte
  /// looked for.
  @inline(__always)
  static func firstIndex(in bytes: UnsafeBufferPointer<UInt8>, from: Int = 0, below bound: UInt8) -> Int {
    let count = bytes.count
    var i = from
    if let base = bytes.baseAddress {
      while i + 8 <= count {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        // The high bit of each byte below `bound`, and possibly of bytes after the first one
        // (the borrow runs on): the lowest flagged byte is always one.
        let found = (word &- spread(bound)) & ~word & 0x8080_8080_8080_8080
        if found != 0 { return i + found.trailingZeroBitCount / 8 }
        i += 8
      }
    }
    while i < count {
      if bytes[i] < bound { return i }
      i += 1
    }
    return count
  }
}
