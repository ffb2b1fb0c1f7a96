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
    // in memory already.
    let done: Void? = text.utf8.withContiguousStorageIfAvailable {
      TextEscaping.escape($0, comma: comma, semicolon: semicolon, into: &bytes)
    }
    guard done == nil else { return }
    var text = text
    text.withUTF8 { TextEscaping.escape($0, comma: comma, semicolon: semicolon, into: &bytes) }
  }

  /// Ends the property that `beginProperty` started at `lineStart`: folds it and ends the line.
  public mutating func endProperty(from lineStart: Int) {
    if folds { fold(from: lineStart) }
    bytes.append(.cr)
    bytes.append(.lf)
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
    // In place, as `appendEscaped` reads it.
    if value.utf8.withContiguousStorageIfAvailable({ appendParameterValue(bytes: $0, upperCasingASCII: upper) }) == nil {
      var value = value
      value.withUTF8 { appendParameterValue(bytes: $0, upperCasingASCII: upper) }
    }
  }

  private mutating func appendParameterValue(bytes v: UnsafeBufferPointer<UInt8>, upperCasingASCII upper: Bool) {
    @inline(__always) func cased(_ c: UInt8) -> UInt8 {
      upper && c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") ? c - 32 : c
    }
    var needsQuotes = false
    var needsCaret = false
    for c in v {
      switch c {
      case .colon, .semicolon, .comma, .space: needsQuotes = true
      case .quote, .lf, .cr, .caret: needsCaret = true
      default: if c >= 0x80 { needsQuotes = true }
      }
    }
    if needsQuotes || needsCaret { bytes.append(.quote) }
    if needsCaret {
      for c in v {
        switch c {
        case .quote: bytes.append(contentsOf: [.caret, UInt8(ascii: "'")])
        case .lf: bytes.append(contentsOf: [.caret, UInt8(ascii: "n")])
        case .cr: continue
        case .caret: bytes.append(contentsOf: [.caret, .caret])
        default: bytes.append(cased(c))
        }
      }
    } else if upper {
      for c in v { bytes.append(cased(c)) }
    } else {
      bytes.append(contentsOf: v)
    }
    if needsQuotes || needsCaret { bytes.append(.quote) }
  }

  /// Folds the line that starts at `start` so no physical line exceeds `lineLimit` octets,
  /// never inside a UTF-8 sequence (RFC 5545 §3.1, RFC 6350 §3.2).
  private mutating func fold(from start: Int) {
    guard bytes.count - start > lineLimit else { return }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count - start + (bytes.count - start) / lineLimit * 3 + 3)
    var i = start
    var limit = lineLimit
    while i < bytes.count {
      var end = min(bytes.count, i + limit)
      if end < bytes.count {
        // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
        while end > i + 1 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
      }
      out.append(contentsOf: bytes[i..<end])
      i = end
      if i < bytes.count {
        out.append(contentsOf: [.cr, .lf, .space])
        limit = lineLimit - 1
      }
    }
    bytes.replaceSubrange(start..., with: out)
  }
}
