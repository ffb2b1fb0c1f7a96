/// A JSON value with ordered object keys, written by hand: Graph request bodies need no
/// more, and key order keeps output stable for goldens.
public indirect enum JSONValue: Sendable, Hashable {
  case string(String)
  case number(Int)
  case bool(Bool)
  case null
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.bool(let x), .bool(let y)): x == y
    case (.null, .null): true
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: false
    }
  }
  public func hash(into h: inout Hasher) { h.combine(String(decoding: bytes(), as: UTF8.self)) }

  /// The value of `key` in an object.
  public subscript(key: String) -> JSONValue? {
    if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
    return nil
  }

  /// Compact JSON text.
  public func bytes() -> [UInt8] {
    var out: [UInt8] = []
    write(into: &out, indent: nil)
    return out
  }

  /// JSON text indented by two spaces per level.
  public func prettyBytes() -> [UInt8] {
    var out: [UInt8] = []
    write(into: &out, indent: 0)
    out.append(UInt8(ascii: "\n"))
    return out
  }

  private func newline(_ out: inout [UInt8], _ indent: Int?) {
    guard let indent else { return }
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
  }

  func write(into out: inout [UInt8], indent: Int?) {
    switch self {
    case .string(let s): Self.writeString(s, into: &out)
    case .number(let n): out.append(contentsOf: String(n).utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .null: out.append(contentsOf: "null".utf8)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent.map { $0 + 2 })
        item.write(into: &out, indent: indent.map { $0 + 2 })
      }
      if !items.isEmpty { newline(&out, indent) }
      out.append(UInt8(ascii: "]"))
    case .object(let pairs):
      out.append(UInt8(ascii: "{"))
      for (i, (key, value)) in pairs.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent.map { $0 + 2 })
        Self.writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
        value.write(into: &out, indent: indent.map { $0 + 2 })
      }
      if !pairs.isEmpty { newline(&out, indent) }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// RFC 8259 §7: quote, backslash and C0 controls escaped; everything else as UTF-8.
  static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]])
      default: out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
