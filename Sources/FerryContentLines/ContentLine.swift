import FerryModel

/// One logical line of a vCard or iCalendar file: `group.NAME;PARAM=VALUE:value`.
///
/// The value is unfolded and transfer-decoded (quoted-printable and `CHARSET` turned into
/// UTF-8), but not text-unescaped: codecs unescape per value type and version. Base64 values
/// keep their text (whitespace removed); `ContentLine.decodedBytes()` decodes them on demand.
public struct ContentLine: Sendable, Equatable {
  /// The vCard group (`item1` in `item1.EMAIL`), if any.
  public var group: String?
  /// The property name, upper-cased (`EMAIL`, `DTSTART`, `X-ABLABEL`).
  public var name: String
  public var parameters: [ContentParameter]
  public var value: String
  /// Where the line starts.
  public var location: SourceLocation
  /// 1-based column (UTF-8 bytes) where the value starts, on the first physical line.
  public var valueColumn: Int

  /// The values of the first parameter named `name` (upper-case), or nil.
  public func parameter(_ name: String) -> [String]? {
    parameters.first { $0.name == name }?.values
  }

  /// The first value of the parameter named `name` (without making its list of values).
  public func firstParameter(_ name: String) -> String? {
    for p in parameters where p.name == name { return p.firstValue }
    return nil
  }

  /// Every TYPE value, upper-cased, including vCard 2.1 bare parameters (`TEL;WORK;VOICE`)
  /// and comma lists (`TYPE=work,voice`).
  public var types: [String] {
    var out: [String] = []
    for p in parameters where p.name == "TYPE" {
      p.forEachValue { v in
        for part in v.split(separator: ",") { out.append(part.uppercased()) }
      }
    }
    return out
  }

  /// The transfer encoding named by `ENCODING` (`QUOTED-PRINTABLE`, `BASE64`, `B`), upper-cased.
  public var encoding: String? { firstParameter("ENCODING")?.uppercased() }

  /// Whether the value is base64 (vCard 2.1 `ENCODING=BASE64`, 3.0 `ENCODING=b`).
  public var isBase64: Bool {
    // `encoding`, without upper-casing a string for every TEXT value read: most lines have
    // no parameter, or only TYPE.
    guard let p = parameters.first(where: { $0.name.utf8.count == 8 && $0.name == "ENCODING" }) else { return false }
    guard let v = p.firstValue else { return false }
    let utf8 = v.utf8
    if utf8.count == 1 { return utf8.first == UInt8(ascii: "b") || utf8.first == UInt8(ascii: "B") }
    // An ASCII value of another length cannot upper-case to either (a non-ASCII one might:
    // `ſ` upper-cases to `S`).
    if utf8.count != 6 && utf8.allSatisfy({ $0 < 0x80 }) { return false }
    let upper = v.uppercased()
    return upper == "BASE64" || upper == "B"
  }

  /// The bytes of a base64 value, or nil when the text is not base64.
  public func decodedBytes() -> [UInt8]? { Base64.decode(value) }

  /// A location pointing at the value, for diagnostics about it.
  public var valueLocation: SourceLocation {
    var l = location
    l.column = valueColumn
    l.property = name
    return l
  }
}

extension ContentLine {
  /// A line made by hand (to probe a codec, or to write), with no position in a file.
  ///
  /// In an extension, so that the struct keeps its memberwise initializer, which the reader
  /// uses: an initializer written in the struct assigns field by field and then copies the
  /// whole line once more (retaining and releasing each field), on every line read.
  public init(group: String? = nil, name: String, parameters: [ContentParameter] = [], value: String) {
    self.init(
      group: group, name: name, parameters: parameters, value: value,
      location: SourceLocation(file: "", line: 0, column: 0), valueColumn: 0)
  }
}

/// A parameter: `TYPE=WORK,VOICE` is one parameter with two values. A vCard 2.1 bare
/// parameter (`;WORK`) is read as `TYPE` with `isBare` set.
///
/// The first value is held in the parameter and only further ones in an array: nearly every
/// parameter has one value (`TZID=…`, `CN=…`, `TYPE=WORK`), and an array per parameter was
/// an allocation to make and free for each on every line read.
public struct ContentParameter: Sendable, Equatable {
  /// Upper-cased name.
  public var name: String
  /// The first value; nil only when there is none (then `more` is empty too).
  public private(set) var firstValue: String?
  /// The values after the first.
  private var more: [String]
  public var isBare: Bool

  /// Every value, in order (made on each call: use `firstValue` or `forEachValue` where
  /// it is read often).
  public var values: [String] {
    get {
      guard let firstValue else { return [] }
      return more.isEmpty ? [firstValue] : [firstValue] + more
    }
    set {
      firstValue = newValue.first
      more = newValue.count > 1 ? Array(newValue.dropFirst()) : []
    }
  }

  /// How many values there are.
  public var valueCount: Int { firstValue == nil ? 0 : 1 + more.count }

  public init(name: String, values: [String], isBare: Bool = false) {
    self.name = name
    firstValue = values.first
    more = values.count > 1 ? Array(values.dropFirst()) : []
    self.isBare = isBare
  }

  /// A parameter with one value, and any others.
  public init(name: String, value: String, more: [String] = [], isBare: Bool = false) {
    self.name = name
    firstValue = value
    self.more = more
    self.isBare = isBare
  }

  /// Calls `body` with each value, in order, without making an array of them.
  @inlinable
  public func forEachValue(_ body: (String) throws -> Void) rethrows {
    guard let firstValue else { return }
    try body(firstValue)
    for v in moreValues { try body(v) }
  }

  /// The values after the first (for `forEachValue`, which is inlinable).
  @usableFromInline
  var moreValues: [String] { more }
}

extension UInt8 {
  static let cr = UInt8(ascii: "\r")
  static let lf = UInt8(ascii: "\n")
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let colon = UInt8(ascii: ":")
  static let semicolon = UInt8(ascii: ";")
  static let comma = UInt8(ascii: ",")
  static let equals = UInt8(ascii: "=")
  static let quote = UInt8(ascii: "\"")
  static let dot = UInt8(ascii: ".")
  static let backslash = UInt8(ascii: "\\")
  static let caret = UInt8(ascii: "^")
}
