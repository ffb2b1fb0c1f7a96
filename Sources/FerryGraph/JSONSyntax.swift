/// Finds where a JSON text (RFC 8259) goes wrong, for a diagnostic with a real position:
/// Foundation's parser says only that "the data is not in the correct format".
///
/// It runs only after the parser refused the input, so it favours a clear message over speed.
/// It also flags what Foundation's parser lets through but JSON forbids (a comma before `]` or
/// `}`), which `GraphReader` reports as a warning.
enum JSONSyntax {
  struct Problem: Equatable {
    var line: Int
    var column: Int
    var message: String
  }

  /// The first syntax error, or nil when the text is valid JSON.
  static func firstError(in bytes: [UInt8]) -> Problem? {
    var scanner = Scanner(bytes: bytes)
    return scanner.document()
  }

  /// The first comma that stands right before a closing `]` or `}`, or nil.
  static func trailingComma(in bytes: [UInt8]) -> Problem? {
    var scanner = Scanner(bytes: bytes)
    scanner.reportTrailingCommas = true
    return scanner.document()
  }

  private struct Scanner {
    let bytes: [UInt8]
    var i = 0
    var line = 1
    var lineStart = 0
    var depth = 0
    var reportTrailingCommas = false

    init(bytes: [UInt8]) {
      self.bytes = bytes
      // A UTF-8 byte order mark is not JSON, but every reader skips it.
      if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    mutating func document() -> Problem? {
      skipSpace()
      if let p = value() { return p }
      skipSpace()
      if i < bytes.count { return problem("unexpected \(describe(bytes[i])) after the end of the JSON value") }
      return nil
    }

    func problem(_ message: String) -> Problem {
      // Columns count characters, not bytes: UTF-8 continuation bytes do not start one.
      let column = bytes[lineStart..<min(i, bytes.count)].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
      return Problem(line: line, column: column, message: message)
    }

    func describe(_ c: UInt8) -> String {
      if (0x21...0x7E).contains(c) { return "'\(Character(Unicode.Scalar(c)))'" }
      let hex = String(c, radix: 16, uppercase: true)
      return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }

    mutating func skipSpace() {
      while i < bytes.count {
        switch bytes[i] {
        case 0x20, 0x09, 0x0D: i += 1
        case 0x0A:
          i += 1
          line += 1
          lineStart = i
        default: return
        }
      }
    }

    mutating func value() -> Problem? {
      guard i < bytes.count else { return problem("the text ends where a value should be") }
      switch bytes[i] {
      case UInt8(ascii: "{"): return container(close: UInt8(ascii: "}"), keyed: true)
      case UInt8(ascii: "["): return container(close: UInt8(ascii: "]"), keyed: false)
      case UInt8(ascii: "\""): return string()
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
      case UInt8(ascii: "t"): return literal("true")
      case UInt8(ascii: "f"): return literal("false")
      case UInt8(ascii: "n"): return literal("null")
      default: return problem("expected a value, found \(describe(bytes[i]))")
      }
    }

    mutating func container(close: UInt8, keyed: Bool) -> Problem? {
      depth += 1
      if depth > 512 { return problem("values nested more than 512 deep") }
      i += 1
      skipSpace()
      if i < bytes.count, bytes[i] == close {
        i += 1
        depth -= 1
        return nil
      }
      while true {
        skipSpace()
        if keyed {
          guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
            return i < bytes.count
              ? problem("expected a quoted member name, found \(describe(bytes[i]))")
              : problem("the text ends inside an object")
          }
          if let p = string() { return p }
          skipSpace()
          guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
            return i < bytes.count ? problem("expected ':' after the member name, found \(describe(bytes[i]))") : problem("the text ends inside an object")
          }
          i += 1
          skipSpace()
        }
        if let p = value() { return p }
        skipSpace()
        guard i < bytes.count else { return problem(keyed ? "the text ends inside an object" : "the text ends inside an array") }
        if bytes[i] == close {
          i += 1
          depth -= 1
          return nil
        }
        guard bytes[i] == UInt8(ascii: ",") else {
          return problem("expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describe(bytes[i]))")
        }
        // Only the comma's offset: working out a column costs the length of the line, and a
        // Graph page is one line, so a column per comma made reading quadratic.
        let comma = (offset: i, line: line, lineStart: lineStart)
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == close {
          if reportTrailingCommas {
            (i, line, lineStart) = comma
            return problem("a comma before '\(Character(Unicode.Scalar(close)))' (JSON allows none)")
          }
          return problem("expected a value after ',', found '\(Character(Unicode.Scalar(close)))'")
        }
      }
    }

    mutating func string() -> Problem? {
      i += 1
      while i < bytes.count {
        let c = bytes[i]
        if c == UInt8(ascii: "\"") {
          i += 1
          return nil
        }
        if c == UInt8(ascii: "\\") {
          i += 1
          guard i < bytes.count else { break }
          switch bytes[i] {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 1
          case UInt8(ascii: "u"):
            for k in 1...4 {
              guard i + k < bytes.count, Self.isHex(bytes[i + k]) else {
                i += k
                return problem("\\u needs four hexadecimal digits")
              }
            }
            i += 5
          default: return problem("unknown escape \\\(describe(bytes[i]))")
          }
          continue
        }
        if c < 0x20 {
          return problem(c == 0x0A ? "a line break inside a string (write it as \\n)" : "a control character inside a string")
        }
        i += 1
      }
      return problem("the text ends inside a string")
    }

    static func isHex(_ c: UInt8) -> Bool {
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c)
    }

    mutating func number() -> Problem? {
      func digits() -> Int {
        var n = 0
        while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
          i += 1
          n += 1
        }
        return n
      }
      if bytes[i] == UInt8(ascii: "-") { i += 1 }
      if i < bytes.count, bytes[i] == UInt8(ascii: "0") {
        i += 1
      } else if digits() == 0 {
        return problem("a number needs digits")
      }
      if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
        i += 1
        if digits() == 0 { return problem("a number needs digits after '.'") }
      }
      if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
        i += 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        if digits() == 0 { return problem("a number needs digits in its exponent") }
      }
      return nil
    }

    mutating func literal(_ word: StaticString) -> Problem? {
      let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
      for (k, c) in w.enumerated() {
        guard i + k < bytes.count, bytes[i + k] == c else {
          return problem("expected \(word), found \(i + k < bytes.count ? describe(bytes[i + k]) : "the end of the text")")
        }
      }
      i += w.count
      return nil
    }
  }
}
