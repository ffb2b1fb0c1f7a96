/// Writes content lines: parameters quoted where needed, RFC 6868 escapes, folding at 75
/// octets without splitting a UTF-8 sequence, CRLF line ends.
public struct ContentLineWriter {
  /// The bytes written so far; the owner moves them to a `ByteOutput` when it likes.
  public var bytes: [UInt8] = []
  /// Octets per physical line before folding (RFC 5545 §3.1: 75, not counting CRLF).
  public var lineLimit = 75
  /// Whether to fold at all (vCard 2.1 quoted-printable values fold with `=` instead).
  public var folds = true

  public init() {}

  /// Writes one property. `value` must already be escaped for its type.
  public mutating func write(
    group: String? = nil, name: String, parameters: [ContentParameter] = [], value: String
  ) {
    let lineStart = beginProperty(group: group, name: name)
    for p in parameters { appendParameter(p) }
    beginValue()
    appendValue(value)
    endProperty(from: lineStart)
  }

  // MARK: - A property piece by piece
  //
  // For values made of parts (a structured value, a TEXT value to escape) and parameters
  // made on the fly, which then need no string or array of their own:
  //
  //     let start = writer.beginProperty(group: nil, name: "N")
  //     writer.beginParameter("TYPE"); writer.appendParameterValue("WORK", first: true)
  //     writer.beginValue()
  //     writer.appendEscaped(family); writer.appendValue(";"); writer.appendEscaped(given)
  //     writer.endProperty(from: start)

  /// Starts a property with its group and name; returns where its line starts, for
  /// `endProperty(from:)`.
  public mutating func beginProperty(group: String?, name: String) -> Int {
    let lineStart = bytes.count
    if let group, !group.isEmpty {
      // `group.name` in one append: each `append(contentsOf:)` costs a hundred instructions
      // of its own, more than the bytes it copies (`item1.TEL`).
      let joined: Void? = group.utf8.withContiguousStorageIfAvailable { g in
        name.utf8.withContiguousStorageIfAvailable { n in
          withUnsafeTemporaryAllocation(of: UInt8.self, capacity: g.count + 1 + n.count) { t in
            guard let base = t.baseAddress else { return }
            if let gb = g.baseAddress { base.initialize(from: gb, count: g.count) }
            base[g.count] = .dot
            if let nb = n.baseAddress { (base + g.count + 1).initialize(from: nb, count: n.count) }
            bytes.append(contentsOf: UnsafeBufferPointer(t))
          }
        }
      } ?? nil
      if joined == nil {
        append(group)
        bytes.append(.dot)
        append(name)
      }
      return lineStart
    }
    append(name)
    return lineStart
  }

  /// Appends a parameter (`;NAME=v1,v2`, or a bare 2.1 `;v1;v2`).
  public mutating func appendParameter(_ p: ContentParameter) {
    bytes.append(.semicolon)
    // Value by value, without making the parameter's list of values.
    var first = true
    if p.isBare {
      p.forEachValue { v in
        if !first { bytes.append(.semicolon) }
        first = false
        append(v)
      }
      return
    }
    beginParameter(p.name, separator: false)
    p.forEachValue { v in
      appendParameterValue(v, first: first)
      first = false
    }
  }

  /// Appends `;NAME=`, for values given one by one with `appendParameterValue`.
  public mutating func beginParameter(_ name: String) { beginParameter(name, separator: true) }

  private mutating func beginParameter(_ name: String, separator: Bool) {
    if separator { bytes.append(.semicolon) }
    append(name)
    bytes.append(.equals)
  }

  /// Appends one parameter value, after a comma unless it is the first; quoted and `^`
  /// escaped where needed (RFC 6868). With `upperCasingASCII`, ASCII letters are written
  /// upper-cased (vCard 3.0 types), with no upper-cased string made first.
  public mutating func appendParameterValue(_ value: String, first: Bool, upperCasingASCII: Bool = false) {
    if !first { bytes.append(.comma) }
    appendParameterValue(value, upperCasingASCII: upperCasingASCII)
  }

  /// Ends the parameters: the value follows.
  public mutating func beginValue() { bytes.append(.colon) }

  /// Appends value text as it is (already escaped for its type).
  public mutating func appendValue(_ text: String) { append(text) }

  /// Appends TEXT escaped as `TextEscaping.escape(_:comma:semicolon:)` escapes it, without
  /// making the escaped string.
  public mutating func appendEscaped(_ text: String, comma: Bool = true, semicolon: Bool = true) {
    // Read in place (no `var` copy to retain and release) unless the string is not UTF-8
    // in memory already. Text with nothing to escape (nearly all: a name, an e-mail
    // address, a city) is appended as it is; else one reservation for the whole value (an
    // escape at most doubles a byte), rather than an append for each run between escapes
    // and for each escape.
    let done: Void? = text.utf8.withContiguousStorageIfAvailable { source in
      appendEscaped(bytes: source, comma: comma, semicolon: semicolon)
    }
    if done == nil {
      var text = text
      text.withUTF8 { appendEscaped(bytes: $0, comma: comma, semicolon: semicolon) }
    }
  }

  private mutating func appendEscaped(bytes source: UnsafeBufferPointer<UInt8>, comma: Bool, semicolon: Bool) {
    let first = TextEscaping.firstToEscape(
      in: source, from: 0, semicolon ? .semicolon : .backslash, comma ? .comma : .backslash)
    guard first < source.count else {
      bytes.append(contentsOf: source)
      return
    }
    bytes.append(addingCapacity: 2 * source.count) { $0.appendEscaped(bytes: source, comma: comma, semicolon: semicolon) }
  }

  /// Ends the property that `beginProperty` started at `lineStart`: folds it and ends the line.
  public mutating func endProperty(from lineStart: Int) {
    if folds { fold(from: lineStart) }
    bytes.append(.cr)
    bytes.append(.lf)
  }

  // MARK: - A line at once

  /// Writes a whole line (property, parameters and value), which `body` appends to room for
  /// `maxCount` bytes reserved at once; then folds it, as `endProperty` does, and ends it.
  ///
  /// For the writers' busiest lines: each `bytes.append` costs about a hundred instructions
  /// of its own (uniqueness, capacity, the generic copy), more than the few bytes most pieces
  /// of a line have, and a line written here is one reservation. `maxCount` must cover all
  /// that `body` appends (more traps): count a value given to `appendEscaped` or
  /// `appendParameterValue` at twice its UTF-8 bytes, plus two quotes for a parameter value.
  public mutating func writeLine(maxCount: Int, _ body: (inout OutputSpan<UInt8>) -> Void) {
    let lineStart = bytes.count
    let folds = folds
    let lineLimit = lineLimit
    var folded = true
    // Room for the folds of a line up to about four physical lines, too: such a line is
    // folded where it was written (a description, an attendee), with no second reservation.
    bytes.append(addingCapacity: maxCount + 2 + 3 * Self.foldsInRoom) { span in
      body(&span)
      if folds && span.count > lineLimit {
        folded = span.withUnsafeMutableBufferPointer { room, count in Self.fold(room, count: &count, lineLimit: lineLimit) }
      }
      span.append(.cr)
      span.append(.lf)
    }
    if !folded { fold(from: lineStart, keeping: 2) }
  }

  /// Folds `writeLine` makes where the line was written, at most.
  static let foldsInRoom = 4

  /// Folds the line in `room[0..<count]` as `fold(from:keeping:)` folds it, in the room after
  /// it, when it needs at most `foldsInRoom` folds and the room has their bytes and the CRLF
  /// that follows; else leaves it as it is and returns false.
  static func fold(_ room: UnsafeMutableBufferPointer<UInt8>, count: inout Int, lineLimit: Int) -> Bool {
    // Where each physical line after the first starts.
    var starts: (Int, Int, Int, Int) = (0, 0, 0, 0)
    var n = 0
    var i = 0
    var limit = lineLimit
    while count - i > limit {
      var next = i + limit
      // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
      while next > i + 1 && room[next] & 0xC0 == 0x80 { next -= 1 }
      switch n {
      case 0: starts.0 = next
      case 1: starts.1 = next
      case 2: starts.2 = next
      case 3: starts.3 = next
      default: return false
      }
      n += 1
      i = next
      limit = lineLimit - 1
    }
    guard room.count - count >= 3 * n + 2, let base = room.baseAddress else { return n == 0 }
    // Each piece from the last moves up by three bytes for each fold before it; the fold's
    // CRLF and space go in the gap left below it.
    var pieceEnd = count
    var k = n
    while k > 0 {
      k -= 1
      let pieceStart: Int
      switch k {
      case 0: pieceStart = starts.0
      case 1: pieceStart = starts.1
      case 2: pieceStart = starts.2
      default: pieceStart = starts.3
      }
      // Overlapping: a memmove.
      UnsafeMutableRawPointer(base + pieceStart + 3 * (k + 1)).copyMemory(from: base + pieceStart, byteCount: pieceEnd - pieceStart)
      room[pieceStart + 3 * k] = .cr
      room[pieceStart + 3 * k + 1] = .lf
      room[pieceStart + 3 * k + 2] = .space
      pieceEnd = pieceStart
    }
    count += 3 * n
    return true
  }

  /// Writes `BEGIN:NAME` or `END:NAME`.
  public mutating func begin(_ component: String) { write(name: "BEGIN", value: component) }
  public mutating func end(_ component: String) { write(name: "END", value: component) }

  /// Writes a vCard 2.1 quoted-printable property: soft line breaks `=` CRLF keep physical
  /// lines at most 76 octets, as RFC 2045 requires.
  public mutating func writeQuotedPrintable(
    group: String? = nil, name: String, parameters: [ContentParameter], value: [UInt8]
  ) {
    let saveFolds = folds
    folds = false
    let encoded = QuotedPrintable.encode(value)
    let headStart = bytes.count
    write(group: group, name: name, parameters: parameters, value: "")
    bytes.removeLast(2)  // CRLF
    var column = bytes.count - headStart
    let enc = Array(encoded.utf8)
    var i = 0
    while i < enc.count {
      let unit = enc[i] == .equals ? 3 : 1
      if column + unit > 75 {
        bytes.append(.equals)
        bytes.append(.cr)
        bytes.append(.lf)
        column = 0
      }
      if column == 0 && (enc[i] == .space || enc[i] == .tab) {
        // A continuation line that starts with white space reads as folding to many
        // readers (ez-vcard among them), which then drop it: encode it.
        bytes.append(contentsOf: enc[i] == .space ? Array("=20".utf8) : Array("=09".utf8))
        column += 3
        i += 1
        continue
      }
      bytes.append(contentsOf: enc[i..<min(enc.count, i + unit)])
      column += unit
      i += unit
    }
    bytes.append(.cr)
    bytes.append(.lf)
    folds = saveFolds
  }

  /// Appends the UTF-8 of `text` in one copy.
  @inline(__always)
  private mutating func append(_ text: String) {
    // In place, as `appendEscaped` reads it.
    let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
    guard done == nil else { return }
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }

  private mutating func appendParameterValue(_ value: String, upperCasingASCII upper: Bool = false) {
    // One reservation: quotes, and at most two bytes for each (`^'`, `^n`, `^^`).
    bytes.append(addingCapacity: 2 * value.utf8.count + 2) { $0.appendParameterValue(value, upperCasingASCII: upper) }
  }

  /// Folds the line that starts at `start` (and ends `kept` bytes before the end: its CRLF,
  /// when written already) so no physical line exceeds `lineLimit` octets, never inside a
  /// UTF-8 sequence (RFC 5545 §3.1, RFC 6350 §3.2).
  ///
  /// In place: the bytes grow by the CRLF and space of each fold, and the pieces after the
  /// first move up, from the last one down (a folded line made apart and copied back was an
  /// allocation and four copies, for one line of most events).
  private mutating func fold(from start: Int, keeping kept: Int = 0) {
    let end = bytes.count - kept
    guard end - start > lineLimit else { return }
    let lineLimit = lineLimit
    /// Calls `body` with where each physical line after the first starts, in order.
    func forEachFold(_ b: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
      var i = start
      var limit = lineLimit
      while end - i > limit {
        var next = i + limit
        // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
        while next > i + 1 && b[next] & 0xC0 == 0x80 { next -= 1 }
        body(next)
        i = next
        limit = lineLimit - 1
      }
    }
    var folds = 0
    bytes.withUnsafeBufferPointer { b in forEachFold(b) { _ in folds += 1 } }
    bytes.append(addingCapacity: 3 * folds) { $0.append(repeating: 0, count: 3 * folds) }
    withUnsafeTemporaryAllocation(of: Int.self, capacity: folds) { starts in
      var n = 0
      bytes.withUnsafeBufferPointer { b in
        forEachFold(b) { i in
          starts[n] = i
          n += 1
        }
      }
      bytes.withUnsafeMutableBufferPointer { b in
        guard let base = b.baseAddress else { return }
        // The kept bytes, then each piece from the last, move up by three bytes for each fold
        // before them; the fold's CRLF and space go in the gap left below each piece.
        var shift = 3 * folds
        (base + end + shift).update(from: base + end, count: kept)
        var pieceEnd = end
        for k in stride(from: folds - 1, through: 0, by: -1) {
          let pieceStart = starts[k]
          (base + pieceStart + shift).update(from: base + pieceStart, count: pieceEnd - pieceStart)
          shift -= 3
          b[pieceStart + shift] = .cr
          b[pieceStart + shift + 1] = .lf
          b[pieceStart + shift + 2] = .space
          pieceEnd = pieceStart
        }
      }
    }
  }
}

// MARK: - Pieces of a line, in room reserved for it

extension OutputSpan where Element == UInt8 {
  /// Appends the bytes as they are.
  @inlinable
  public mutating func append(bytes source: UnsafeBufferPointer<UInt8>) {
    withUnsafeMutableBufferPointer { room, count in
      precondition(source.count <= room.count - count, "OutputSpan capacity overflow")
      if let to = room.baseAddress, let from = source.baseAddress { (to + count).initialize(from: from, count: source.count) }
      count += source.count
    }
  }

  /// Appends text known when ferry is built (a property name, a fixed line), as it is.
  @inlinable
  public mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { append(bytes: $0) }
  }

  /// Appends the UTF-8 of `text` as it is.
  public mutating func append(utf8 text: String) {
    // In place unless the string is not UTF-8 in memory already.
    if text.utf8.withContiguousStorageIfAvailable({ append(bytes: $0) }) == nil {
      var text = text
      text.withUTF8 { append(bytes: $0) }
    }
  }

  /// Appends TEXT escaped as `TextEscaping.escape(_:comma:semicolon:)` escapes it: needs room
  /// for twice its bytes.
  public mutating func appendEscaped(_ text: String, comma: Bool = true, semicolon: Bool = true) {
    if text.utf8.withContiguousStorageIfAvailable({ appendEscaped(bytes: $0, comma: comma, semicolon: semicolon) }) == nil {
      var text = text
      text.withUTF8 { appendEscaped(bytes: $0, comma: comma, semicolon: semicolon) }
    }
  }

  /// TEXT escaped as `TextEscaping.escape(_:comma:semicolon:)` escapes it, into the span:
  /// from one byte to escape to the next (`TextEscaping.firstToEscape`), copying the runs
  /// between them whole. (`TextEscaping.escape(_:comma:semicolon:into:)` is this, into an array.)
  mutating func appendEscaped(bytes text: UnsafeBufferPointer<UInt8>, comma: Bool, semicolon: Bool) {
    let count = text.count
    var start = 0
    var i = 0
    let semicolonByte = semicolon ? UInt8.semicolon : .backslash
    let commaByte = comma ? UInt8.comma : .backslash
    while true {
      i = TextEscaping.firstToEscape(in: text, from: i, semicolonByte, commaByte)
      guard i < count else { break }
      let c = text[i]
      append(bytes: UnsafeBufferPointer(rebasing: text[start..<i]))
      // The LF of a CRLF is dropped: its CR was written as `\n` already.
      if !(c == .lf && i > 0 && text[i - 1] == .cr) {
        append(.backslash)
        append(c == .cr || c == .lf ? UInt8(ascii: "n") : c)
      }
      i += 1
      start = i
    }
    append(bytes: UnsafeBufferPointer(rebasing: text[start...]))
  }

  /// Appends a parameter value, quoted and `^` escaped where needed (RFC 6868): needs room
  /// for twice its bytes and two quotes. With `upperCasingASCII`, ASCII letters are written
  /// upper-cased (vCard 3.0 types).
  public mutating func appendParameterValue(_ value: String, upperCasingASCII upper: Bool = false) {
    if value.utf8.withContiguousStorageIfAvailable({ appendParameterValue(bytes: $0, upperCasingASCII: upper) }) == nil {
      var value = value
      value.withUTF8 { appendParameterValue(bytes: $0, upperCasingASCII: upper) }
    }
  }

  mutating func appendParameterValue(bytes v: UnsafeBufferPointer<UInt8>, upperCasingASCII upper: Bool) {
    @inline(__always) func cased(_ c: UInt8) -> UInt8 {
      upper && c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") ? c - 32 : c
    }
    var needsQuotes = false
    var needsCaret = false
    for c in v {
      // Letters (but `^`) and most of the other bytes above `@` need nothing: one look.
      if c > UInt8(ascii: "@") && c < 0x80 && c != .caret { continue }
      switch c {
      case .colon, .semicolon, .comma, .space: needsQuotes = true
      case .quote, .lf, .cr, .caret: needsCaret = true
      default: if c >= 0x80 { needsQuotes = true }
      }
    }
    if needsQuotes || needsCaret { append(.quote) }
    if needsCaret {
      for c in v {
        switch c {
        case .quote:
          append(.caret)
          append(UInt8(ascii: "'"))
        case .lf:
          append(.caret)
          append(UInt8(ascii: "n"))
        case .cr: continue
        case .caret:
          append(.caret)
          append(.caret)
        default: append(cased(c))
        }
      }
    } else if upper {
      for c in v { append(cased(c)) }
    } else {
      append(bytes: v)
    }
    if needsQuotes || needsCaret { append(.quote) }
  }
}
