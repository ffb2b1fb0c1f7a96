import FerryModel

/// A filter in ferry's small expression language, parsed once and evaluated per record.
///
/// Grammar (docs/PUSH.md has the full field list):
///
///     expr       := or
///     or         := and ("or" and)*
///     and        := unary ("and" unary)*
///     unary      := "not" unary | "(" expr ")" | test
///     test       := FIELD "exists"
///                 | FIELD ("==" | "!=" | "<" | "<=" | ">" | ">=") VALUE
///                 | FIELD "contains" VALUE
///                 | FIELD "in" "[" VALUE ("," VALUE)* "]"
///     VALUE      := 'text' | "text" | word | number | YYYY-MM-DD | today[(+|-)N(d|w)]
///
/// A field can hold several values (every e-mail, every category); a test holds when any
/// value passes it, and `!=` is `not ==`. Text compares without regard to case. A date
/// value compares the field as a date: `start >= today-14d and start <= today+90d`.
///
/// Example:
///
///     let f = try FilterExpression("email exists and not categories contains 'private'", kind: .contact)
///     f.matches(record, today: LocalDate(year: 2026, month: 11, day: 29))
public struct FilterExpression: Sendable, CustomStringConvertible {
  indirect enum Node: Sendable {
    case and(Node, Node)
    case or(Node, Node)
    case not(Node)
    case exists(RecordField)
    case compare(RecordField, Comparison, FilterValue)
    case contains(RecordField, FilterValue)
    case oneOf(RecordField, [FilterValue])
  }
  enum Comparison: String, Sendable { case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=" }

  /// The expression as written.
  public let text: String
  public let kind: RecordKind
  let root: Node

  /// Parses `text` for records of `kind`.
  ///
  /// - Parameter origin: where the expression starts in its file; error positions are
  ///   relative to it (line kept, column added).
  /// - Throws: `FerryError(.usage)` naming the column of the problem.
  public init(_ text: String, kind: RecordKind, origin: SourceLocation? = nil) throws {
    self.text = text
    self.kind = kind
    var parser = FilterParser(text: text, kind: kind, origin: origin)
    root = try parser.parseAll()
  }

  public var description: String { text }

  /// Whether `record` passes. `today` resolves relative dates.
  public func matches(_ record: Record, today: LocalDate) -> Bool {
    Self.evaluate(root, record, today)
  }

  private static func evaluate(_ node: Node, _ record: Record, _ today: LocalDate) -> Bool {
    switch node {
    case .and(let a, let b): return evaluate(a, record, today) && evaluate(b, record, today)
    case .or(let a, let b): return evaluate(a, record, today) || evaluate(b, record, today)
    case .not(let a): return !evaluate(a, record, today)
    case .exists(let field): return !field.values(of: record).isEmpty
    case .compare(let field, .notEqual, let value):
      return !evaluate(.compare(field, .equal, value), record, today)
    case .compare(let field, let op, let value):
      return field.values(of: record).contains { compare($0, op, value, today) }
    case .contains(let field, let value):
      let needle = value.text(today: today).lowercased()
      return field.values(of: record).contains { $0.text.lowercased().contains(needle) }
    case .oneOf(let field, let listed):
      // `in` is `==` against any listed value.
      return field.values(of: record).contains { v in listed.contains { compare(v, .equal, $0, today) } }
    }
  }

  static func compare(_ field: FieldValue, _ op: Comparison, _ value: FilterValue, _ today: LocalDate) -> Bool {
    let order: Int
    switch value {
    case .date, .relativeDate:
      guard let fieldDate = field.date, let date = value.date(today: today) else { return false }
      order = fieldDate < date ? -1 : (fieldDate == date ? 0 : 1)
    case .number(let n):
      guard let f = field.number else { return false }
      order = f < n ? -1 : (f == n ? 0 : 1)
    case .text(let t):
      let a = field.text.lowercased(), b = t.lowercased()
      order = a < b ? -1 : (a == b ? 0 : 1)
    }
    switch op {
    case .equal: return order == 0
    case .notEqual: return order != 0
    case .less: return order < 0
    case .lessOrEqual: return order <= 0
    case .greater: return order > 0
    case .greaterOrEqual: return order >= 0
    }
  }
}

/// A literal in a filter.
enum FilterValue: Sendable, Equatable {
  case text(String)
  case number(Double)
  case date(LocalDate)
  /// `today` plus this many days.
  case relativeDate(Int)

  func date(today: LocalDate) -> LocalDate? {
    switch self {
    case .date(let d): d
    case .relativeDate(let days): today.adding(days: days)
    case .text(let t): LocalDate(iso: t)
    case .number: nil
    }
  }

  func text(today: LocalDate) -> String {
    switch self {
    case .text(let t): t
    case .number(let n): n == n.rounded() ? String(Int(n)) : String(n)
    case .date(let d): d.description
    case .relativeDate(let days): today.adding(days: days).description
    }
  }
}

/// Parses the filter language; errors carry the column.
struct FilterParser {
  enum Token: Equatable {
    case word(String)
    case quoted(String)
    case symbol(String)
    case end
  }
  let text: String
  let kind: RecordKind
  let origin: SourceLocation?
  var tokens: [(token: Token, column: Int)] = []
  var index = 0

  init(text: String, kind: RecordKind, origin: SourceLocation?) {
    self.text = text
    self.kind = kind
    self.origin = origin
  }

  func error(_ message: String, column: Int) -> FerryError {
    var location = origin ?? SourceLocation(file: "<filter>", line: 1, column: 1)
    location.column += column - 1
    location.property = "filters.\(kind == .contact ? "contacts" : "events")"
    return FerryError(.usage, "filter \"\(text)\": \(message) at column \(column)", at: location)
  }

  mutating func tokenize() throws {
    let bytes = Array(text.utf8)
    var i = 0
    func isWordByte(_ b: UInt8) -> Bool {
      (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
        || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        || b == UInt8(ascii: "@") || b >= 0x80
    }
    while i < bytes.count {
      let b = bytes[i]
      let column = i + 1
      if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
        i += 1
        continue
      }
      if b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") {
        var j = i + 1
        var value: [UInt8] = []
        while j < bytes.count && bytes[j] != b {
          if bytes[j] == UInt8(ascii: "\\") && j + 1 < bytes.count { j += 1 }
          value.append(bytes[j])
          j += 1
        }
        guard j < bytes.count else { throw error("quote is not closed", column: column) }
        tokens.append((.quoted(String(decoding: value, as: UTF8.self)), column))
        i = j + 1
        continue
      }
      if isWordByte(b) {
        var j = i
        // A date (2026-01-31) and `today-14d` keep their dashes and plus signs.
        while j < bytes.count
          && (isWordByte(bytes[j])
            || ((bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: "+")) && j + 1 < bytes.count
              && bytes[j + 1] >= UInt8(ascii: "0") && bytes[j + 1] <= UInt8(ascii: "9")
              && (bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
                || String(decoding: bytes[i..<j], as: UTF8.self).lowercased() == "today")))
        {
          j += 1
        }
        tokens.append((.word(String(decoding: bytes[i..<j], as: UTF8.self)), column))
        i = j
        continue
      }
      if b == UInt8(ascii: "-") && i + 1 < bytes.count && bytes[i + 1] >= UInt8(ascii: "0") && bytes[i + 1] <= UInt8(ascii: "9") {
        var j = i + 1
        while j < bytes.count && (isWordByte(bytes[j])) { j += 1 }
        tokens.append((.word(String(decoding: bytes[i..<j], as: UTF8.self)), column))
        i = j
        continue
      }
      let two = i + 1 < bytes.count ? String(decoding: bytes[i...i + 1], as: UTF8.self) : ""
      if ["==", "!=", "<=", ">="].contains(two) {
        tokens.append((.symbol(two), column))
        i += 2
        continue
      }
      let one = String(decoding: [b], as: UTF8.self)
      if ["<", ">", "(", ")", "[", "]", ",", "="].contains(one) {
        tokens.append((.symbol(one == "=" ? "==" : one), column))
        i += 1
        continue
      }
      throw error("unexpected \"\(one)\"", column: column)
    }
    tokens.append((.end, bytes.count + 1))
  }

  var current: Token { tokens[index].token }
  var column: Int { tokens[index].column }

  func isKeyword(_ token: Token, _ word: String) -> Bool {
    if case .word(let w) = token { return w.lowercased() == word }
    return false
  }

  mutating func parseAll() throws -> FilterExpression.Node {
    try tokenize()
    guard current != .end else { throw error("the filter is empty", column: 1) }
    let node = try parseOr()
    guard current == .end else { throw error("expected \"and\", \"or\" or the end, found \(describe(current))", column: column) }
    return node
  }

  mutating func parseOr() throws -> FilterExpression.Node {
    var node = try parseAnd()
    while isKeyword(current, "or") {
      index += 1
      node = .or(node, try parseAnd())
    }
    return node
  }

  mutating func parseAnd() throws -> FilterExpression.Node {
    var node = try parseUnary()
    while isKeyword(current, "and") {
      index += 1
      node = .and(node, try parseUnary())
    }
    return node
  }

  mutating func parseUnary() throws -> FilterExpression.Node {
    if isKeyword(current, "not") {
      index += 1
      return .not(try parseUnary())
    }
    if current == .symbol("(") {
      index += 1
      let node = try parseOr()
      guard current == .symbol(")") else { throw error("expected \")\", found \(describe(current))", column: column) }
      index += 1
      return node
    }
    return try parseTest()
  }

  mutating func parseTest() throws -> FilterExpression.Node {
    guard case .word(let name) = current else { throw error("expected a field name, found \(describe(current))", column: column) }
    let fieldColumn = column
    guard let field = RecordField(name: name, kind: kind) else {
      let known = RecordField.names(for: kind).joined(separator: ", ")
      throw error("unknown \(kind.rawValue) field \"\(name)\" (known: \(known))", column: fieldColumn)
    }
    index += 1
    if isKeyword(current, "exists") {
      index += 1
      return .exists(field)
    }
    if isKeyword(current, "contains") {
      index += 1
      return .contains(field, try parseValue())
    }
    if isKeyword(current, "in") {
      index += 1
      guard current == .symbol("[") || current == .symbol("(") else {
        throw error("expected \"[\" after \"in\", found \(describe(current))", column: column)
      }
      let close = current == .symbol("[") ? "]" : ")"
      index += 1
      var values = [try parseValue()]
      while current == .symbol(",") {
        index += 1
        values.append(try parseValue())
      }
      guard current == .symbol(close) else { throw error("expected \",\" or \"\(close)\", found \(describe(current))", column: column) }
      index += 1
      return .oneOf(field, values)
    }
    if case .symbol(let s) = current, let op = FilterExpression.Comparison(rawValue: s) {
      index += 1
      return .compare(field, op, try parseValue())
    }
    throw error("expected an operator (==, !=, <, <=, >, >=, in, contains, exists) after \"\(name)\", found \(describe(current))", column: column)
  }

  mutating func parseValue() throws -> FilterValue {
    let valueColumn = column
    switch current {
    case .quoted(let s):
      index += 1
      return .text(s)
    case .word(let w):
      index += 1
      let lower = w.lowercased()
      if lower == "today" { return .relativeDate(0) }
      if lower.hasPrefix("today+") || lower.hasPrefix("today-") {
        let sign = lower.dropFirst(5).first == "-" ? -1 : 1
        let rest = lower.dropFirst(6)
        guard let unit = rest.last, let n = Int(rest.dropLast()), unit == "d" || unit == "w" else {
          throw error("\"\(w)\" is not a relative date; write today-14d or today+2w", column: valueColumn)
        }
        return .relativeDate(sign * n * (unit == "w" ? 7 : 1))
      }
      if w.count == 10, let d = LocalDate(iso: w) { return .date(d) }
      if let n = Double(w) { return .number(n) }
      return .text(w)
    default:
      throw error("expected a value, found \(describe(current))", column: valueColumn)
    }
  }

  func describe(_ token: Token) -> String {
    switch token {
    case .word(let w): "\"\(w)\""
    case .quoted(let q): "'\(q)'"
    case .symbol(let s): "\"\(s)\""
    case .end: "the end"
    }
  }
}
