import Foundation

/// The fast path of ferry's NDJSON: a JSON scanner that model types read themselves from
/// (`JSONScannable`, generated beside their `Codable` by `scripts/generate-model-codable.py`),
/// and an emitter they write themselves to (`JSONEmittable`).
///
/// Foundation's `JSONDecoder`/`JSONEncoder` stay the reference: the scanner gives up
/// (`JSONScanner.GiveUp`) on anything it is not sure to read exactly as `JSONDecoder` does (a
/// key given twice, an unknown key, a number written `1.0` for an integer, malformed JSON,
/// nesting deeper than `maximumDepth`), and the caller then decodes the line with `JSONDecoder`,
/// which gives the same record or the diagnostic. So a line the scanner reads gives the record
/// `JSONDecoder` would give; the emitter writes the bytes `JSONEncoder` writes with
/// `[.sortedKeys, .withoutEscapingSlashes]` (both are checked against Foundation on every
/// fixture and on mutated lines, in `NDJSONFastPathTests`). The Codable path spends most of its
/// time in the `Decoder` protocol's containers; this one reads ten to twenty times faster.
public struct JSONScanner {
  /// The scanner cannot read this input as `JSONDecoder` would: decode it with `JSONDecoder`.
  public struct GiveUp: Error {
    public init() {}
  }

  public static let maximumDepth = 100

  private let bytes: UnsafeBufferPointer<UInt8>
  private var i = 0
  private var depth = 0
  /// Set when an object had a key its type does not know (the line then goes to
  /// `JSONDecoder`, whose `UnknownKeys` names it).
  public private(set) var sawUnknownKey = false

  public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// Reads one value of `T` that must fill the whole input (white space around it allowed).
  public static func decode<T: JSONScannable>(_ type: T.Type, from bytes: UnsafeBufferPointer<UInt8>) throws -> T {
    var s = JSONScanner(bytes)
    let value = try T.scan(&s)
    s.skipSpace()
    guard s.i == s.bytes.count, !s.sawUnknownKey else { throw GiveUp() }
    return value
  }

  @inline(__always) private mutating func skipSpace() {
    while i < bytes.count {
      let c = bytes[i]
      guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
      i += 1
    }
  }

  @inline(__always) private mutating func expect(_ c: UInt8) throws {
    skipSpace()
    guard i < bytes.count, bytes[i] == c else { throw GiveUp() }
    i += 1
  }

  private mutating func literal(_ word: StaticString) -> Bool {
    let n = word.utf8CodeUnitCount
    guard i + n <= bytes.count else { return false }
    let p = word.utf8Start
    for k in 0..<n where bytes[i + k] != p[k] { return false }
    i += n
    return true
  }

  // MARK: - Structure

  /// Reads `{`; then call `nextKey(&first)` until it returns nil.
  public mutating func beginObject() throws {
    try expect(UInt8(ascii: "{"))
    depth += 1
    guard depth <= Self.maximumDepth else { throw GiveUp() }
  }

  /// The next key of the object (its `:` read), or nil after the closing `}`.
  public mutating func nextKey(_ first: inout Bool) throws -> String? {
    skipSpace()
    guard i < bytes.count else { throw GiveUp() }
    if bytes[i] == UInt8(ascii: "}") {
      i += 1
      depth -= 1
      return nil
    }
    if first {
      first = false
    } else {
      guard bytes[i] == UInt8(ascii: ",") else { throw GiveUp() }
      i += 1
      skipSpace()
    }
    let key = try string()
    try expect(UInt8(ascii: ":"))
    return key
  }

  /// Reads `[`; then call `nextElement(&first)` until it returns false.
  public mutating func beginArray() throws {
    try expect(UInt8(ascii: "["))
    depth += 1
    guard depth <= Self.maximumDepth else { throw GiveUp() }
  }

  /// Whether another element follows (its `,` read), false after the closing `]`.
  public mutating func nextElement(_ first: inout Bool) throws -> Bool {
    skipSpace()
    guard i < bytes.count else { throw GiveUp() }
    if bytes[i] == UInt8(ascii: "]") {
      i += 1
      depth -= 1
      return false
    }
    if first {
      first = false
    } else {
      guard bytes[i] == UInt8(ascii: ",") else { throw GiveUp() }
      i += 1
    }
    return true
  }

  /// Reads `null` if it comes next.
  public mutating func null() -> Bool {
    skipSpace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "n") else { return false }
    return literal("null")
  }

  /// Skips the value of a key the type does not know, and marks the line for `JSONDecoder`.
  public mutating func skipUnknown() throws {
    sawUnknownKey = true
    try skipValue()
  }

  private mutating func skipValue() throws {
    skipSpace()
    guard i < bytes.count else { throw GiveUp() }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      try beginObject()
      var first = true
      while try nextKey(&first) != nil { try skipValue() }
    case UInt8(ascii: "["):
      try beginArray()
      var first = true
      while try nextElement(&first) { try skipValue() }
    case UInt8(ascii: "\""): _ = try string()
    case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
    case UInt8(ascii: "n"): guard null() else { throw GiveUp() }
    default: _ = try double()
    }
  }

  // MARK: - Scalars

  public mutating func bool() throws -> Bool {
    skipSpace()
    if literal("true") { return true }
    if literal("false") { return false }
    throw GiveUp()
  }

  /// An integer written as one (`12`, `-3`); `1.0` or `1e2` give up (`JSONDecoder` takes them).
  public mutating func int() throws -> Int {
    skipSpace()
    var negative = false
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    let start = i
    var value = 0
    while i < bytes.count, bytes[i] &- 0x30 < 10 {
      let (times, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = negative ? times.subtractingReportingOverflow(Int(bytes[i] &- 0x30)) : times.addingReportingOverflow(Int(bytes[i] &- 0x30))
      guard !o1, !o2 else { throw GiveUp() }
      value = sum
      i += 1
    }
    let digits = i - start
    guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw GiveUp() }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      throw GiveUp()
    }
    return value
  }

  /// A number in JSON's grammar, finite.
  public mutating func double() throws -> Double {
    skipSpace()
    let start = i
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
    func digits(_ s: inout JSONScanner) -> Int {
      let from = s.i
      while s.i < s.bytes.count, s.bytes[s.i] &- 0x30 < 10 { s.i += 1 }
      return s.i - from
    }
    let intStart = i
    let intDigits = digits(&self)
    guard intDigits > 0, intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw GiveUp() }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      i += 1
      guard digits(&self) > 0 else { throw GiveUp() }
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
      guard digits(&self) > 0 else { throw GiveUp() }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else { throw GiveUp() }
    return value
  }

  /// A string, its escapes decoded; invalid UTF-8, raw control characters and lone surrogates
  /// give up.
  public mutating func string() throws -> String {
    try expect(UInt8(ascii: "\""))
    let start = i
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "\"") {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<i])
        i += 1
        guard let s = String(validating: slice, as: UTF8.self) else { throw GiveUp() }
        return s
      }
      if c == UInt8(ascii: "\\") { break }
      guard c >= 0x20 else { throw GiveUp() }
      i += 1
    }
    var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
    while i < bytes.count {
      let c = bytes[i]
      i += 1
      switch c {
      case UInt8(ascii: "\""):
        guard let s = String(validating: out, as: UTF8.self) else { throw GiveUp() }
        return s
      case UInt8(ascii: "\\"):
        guard i < bytes.count else { throw GiveUp() }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar) {
            guard literal("\\u") else { throw GiveUp() }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw GiveUp() }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(scalar) {
            throw GiveUp()
          }
          guard let u = Unicode.Scalar(scalar) else { throw GiveUp() }
          out.append(contentsOf: UTF8.encode(u)!)
        default: throw GiveUp()
        }
      default:
        guard c >= 0x20 else { throw GiveUp() }
        out.append(c)
      }
    }
    throw GiveUp()
  }

  private mutating func hex4() throws -> UInt32 {
    guard i + 4 <= bytes.count else { throw GiveUp() }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[i]
      let d: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - 48
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - 87
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - 55
      default: throw GiveUp()
      }
      v = v << 4 | UInt32(d)
      i += 1
    }
    return v
  }

  // MARK: - What the generated code calls

  /// `decodeIfPresent`: nil for `null`.
  @inline(__always) public mutating func optional<T: JSONScannable>(_: T.Type) throws -> T? {
    null() ? nil : try T.scan(&self)
  }

  /// The generated `list`: `[]` for `null`.
  @inline(__always) public mutating func list<T: JSONScannable>(_: T.Type) throws -> [T] {
    null() ? [] : try [T].scan(&self)
  }

  /// The generated `flag`: false for `null`.
  @inline(__always) public mutating func flag() throws -> Bool {
    null() ? false : try bool()
  }
}

/// A type that reads itself from a `JSONScanner` exactly as its `Decodable` reads it from
/// `JSONDecoder` (or gives up).
public protocol JSONScannable {
  static func scan(_ s: inout JSONScanner) throws -> Self
}

extension String: JSONScannable {
  @inline(__always) public static func scan(_ s: inout JSONScanner) throws -> String { try s.string() }
}

extension Int: JSONScannable {
  @inline(__always) public static func scan(_ s: inout JSONScanner) throws -> Int { try s.int() }
}

extension Double: JSONScannable {
  public static func scan(_ s: inout JSONScanner) throws -> Double { try s.double() }
}

extension Bool: JSONScannable {
  public static func scan(_ s: inout JSONScanner) throws -> Bool { try s.bool() }
}

extension Array: JSONScannable where Element: JSONScannable {
  public static func scan(_ s: inout JSONScanner) throws -> [Element] {
    try s.beginArray()
    var out: [Element] = []
    var first = true
    while try s.nextElement(&first) { out.append(try Element.scan(&s)) }
    return out
  }
}

extension JSONScannable where Self: RawRepresentable, RawValue == String {
  public static func scan(_ s: inout JSONScanner) throws -> Self {
    guard let value = Self(rawValue: try s.string()) else { throw JSONScanner.GiveUp() }
    return value
  }
}

extension JSONScannable where Self: TextCodable {
  public static func scan(_ s: inout JSONScanner) throws -> Self {
    guard let value = Self(codableText: try s.string()) else { throw JSONScanner.GiveUp() }
    return value
  }
}

// MARK: - Emitting

/// Writes JSON as `JSONEncoder` does with `[.sortedKeys, .withoutEscapingSlashes]`; the
/// generated `emit` of each type writes its keys in that (byte) order.
public struct JSONEmitter {
  /// A value `JSONEncoder` refuses (a NaN or infinite number): encode with it for its error.
  public struct Unrepresentable: Error {
    public init() {}
  }

  public var bytes: [UInt8] = []

  public init() {}

  @inline(__always) public mutating func beginObject() { bytes.append(UInt8(ascii: "{")) }
  @inline(__always) public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

  /// `"key":`, after a comma unless it is the object's first key; `key` is plain ASCII.
  @inline(__always) public mutating func key(_ key: StaticString, _ first: inout Bool) {
    if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
  }

  public mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { utf8 in
      var run = 0
      for (k, c) in utf8.enumerated() {
        guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<k]))
        run = k + 1
        bytes.append(UInt8(ascii: "\\"))
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(c)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
          let hex: StaticString = "0123456789abcdef"
          bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex.utf8Start[Int(c >> 4)], hex.utf8Start[Int(c & 0xF)]])
        }
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
    }
    bytes.append(UInt8(ascii: "\""))
  }

  public mutating func int(_ v: Int) { bytes.append(contentsOf: String(v).utf8) }

  public mutating func double(_ v: Double) throws {
    guard v.isFinite else { throw Unrepresentable() }
    var text = v.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    bytes.append(contentsOf: text.utf8)
  }

  public mutating func bool(_ v: Bool) {
    let word: StaticString = v ? "true" : "false"
    bytes.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
  }

  public mutating func array<T: JSONEmittable>(_ values: [T]) throws {
    bytes.append(UInt8(ascii: "["))
    for (k, v) in values.enumerated() {
      if k > 0 { bytes.append(UInt8(ascii: ",")) }
      try v.emit(&self)
    }
    bytes.append(UInt8(ascii: "]"))
  }
}

/// A type that writes itself to a `JSONEmitter` exactly as its `Encodable` writes itself with
/// `JSONEncoder([.sortedKeys, .withoutEscapingSlashes])`.
public protocol JSONEmittable {
  func emit(_ e: inout JSONEmitter) throws
}

extension String: JSONEmittable {
  @inline(__always) public func emit(_ e: inout JSONEmitter) throws { e.string(self) }
}

extension Int: JSONEmittable {
  public func emit(_ e: inout JSONEmitter) throws { e.int(self) }
}

extension Double: JSONEmittable {
  public func emit(_ e: inout JSONEmitter) throws { try e.double(self) }
}

extension Bool: JSONEmittable {
  public func emit(_ e: inout JSONEmitter) throws { e.bool(self) }
}

extension Array: JSONEmittable where Element: JSONEmittable {
  public func emit(_ e: inout JSONEmitter) throws { try e.array(self) }
}

extension JSONEmittable where Self: RawRepresentable, RawValue == String {
  public func emit(_ e: inout JSONEmitter) throws { e.string(rawValue) }
}

extension JSONEmittable where Self: TextCodable {
  public func emit(_ e: inout JSONEmitter) throws { e.string(description) }
}
