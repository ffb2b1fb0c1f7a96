import FerryModel

/// A compact binary form of any `Codable` value, for `RecordSpool`: written and read back by
/// the same process, never kept, so it needs no versioning. Several times faster than JSON,
/// which a million planned records would otherwise spend a minute on.
///
/// Every value is a byte range. A keyed container is a list of entries, each
/// `key length (UInt32) · key · value length (UInt32, or 0xFFFFFFFF for nil) · value`; an
/// unkeyed container is the same without keys; a string is its UTF-8 bytes; numbers are 8
/// bytes little-endian; a Bool is one byte. The model's Codable uses keyed, unkeyed and
/// single-value containers only; nested containers and super encoders are refused (the
/// record then stays in memory).
enum SpoolCoding {
  struct Unsupported: Error {}

  static func encode(_ value: some Encodable) throws -> [UInt8] {
    let sink = Sink()
    try value.encode(to: SpoolEncoder(sink: sink))
    if sink.failed { throw Unsupported() }
    return sink.bytes
  }

  static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
    let source = Source(bytes: bytes)
    return try T(from: SpoolDecoder(source: source, range: 0..<bytes.count))
  }

  final class Sink {
    var bytes: [UInt8] = []
    var failed = false

    func u32(_ v: UInt32) {
      withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    func u64(_ v: UInt64) {
      withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    func string(_ s: String) {
      var s = s
      s.withUTF8 { bytes.append(contentsOf: $0) }
    }
    func key(_ k: some CodingKey) {
      var s = k.stringValue
      s.withUTF8 {
        u32(UInt32($0.count))
        bytes.append(contentsOf: $0)
      }
    }
    /// A length-prefixed value: reserves the length, writes, patches it.
    func value(_ body: () throws -> Void) rethrows {
      let at = bytes.count
      u32(0)
      try body()
      let length = UInt32(bytes.count - at - 4)
      withUnsafeBytes(of: length.littleEndian) { raw in
        for i in 0..<4 { bytes[at + i] = raw[i] }
      }
    }
    func null() { u32(0xFFFF_FFFF) }
  }

  struct SpoolEncoder: Encoder {
    let sink: Sink
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
      KeyedEncodingContainer(Keyed<Key>(sink: sink))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(sink: sink) }
    func singleValueContainer() -> any SingleValueEncodingContainer { Single(sink: sink) }
  }

  struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: Sink
    var codingPath: [any CodingKey] = []
    mutating func encodeNil(forKey key: Key) throws {
      sink.key(key)
      sink.null()
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.string(value) }
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.bytes.append(value ? 1 : 0) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(bitPattern: Int64(value))) }
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(value.bitPattern) }
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: Int16, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
      sink.key(key)
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
      sink.key(key)
      try sink.value { try value.encode(to: SpoolEncoder(sink: sink)) }
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
      -> KeyedEncodingContainer<NestedKey>
    {
      sink.failed = true
      return KeyedEncodingContainer(Keyed<NestedKey>(sink: Sink()))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
      sink.failed = true
      return Unkeyed(sink: Sink())
    }
    mutating func superEncoder() -> any Encoder {
      sink.failed = true
      return SpoolEncoder(sink: Sink())
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
  }

  struct Unkeyed: UnkeyedEncodingContainer {
    let sink: Sink
    var codingPath: [any CodingKey] = []
    var count = 0
    mutating func encodeNil() throws {
      count += 1
      sink.null()
    }
    mutating func encode(_ value: String) throws {
      count += 1
      sink.value { sink.string(value) }
    }
    mutating func encode(_ value: Bool) throws {
      count += 1
      sink.value { sink.bytes.append(value ? 1 : 0) }
    }
    mutating func encode(_ value: Int) throws {
      count += 1
      sink.value { sink.u64(UInt64(bitPattern: Int64(value))) }
    }
    mutating func encode(_ value: Double) throws {
      count += 1
      sink.value { sink.u64(value.bitPattern) }
    }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int8) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: Int16) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: Int32) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: Int64) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt8) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt16) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt32) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode(_ value: UInt64) throws {
      count += 1
      sink.value { sink.u64(UInt64(truncatingIfNeeded: value)) }
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
      count += 1
      try sink.value { try value.encode(to: SpoolEncoder(sink: sink)) }
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
      sink.failed = true
      return KeyedEncodingContainer(Keyed<NestedKey>(sink: Sink()))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
      sink.failed = true
      return Unkeyed(sink: Sink())
    }
    mutating func superEncoder() -> any Encoder {
      sink.failed = true
      return SpoolEncoder(sink: Sink())
    }
  }

  /// A single value is the whole of its range (the enclosing entry holds the length).
  struct Single: SingleValueEncodingContainer {
    let sink: Sink
    var codingPath: [any CodingKey] = []
    mutating func encodeNil() throws { sink.failed = true }
    mutating func encode(_ value: String) throws { sink.string(value) }
    mutating func encode(_ value: Bool) throws { sink.bytes.append(value ? 1 : 0) }
    mutating func encode(_ value: Int) throws { sink.u64(UInt64(bitPattern: Int64(value))) }
    mutating func encode(_ value: Double) throws { sink.u64(value.bitPattern) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int8) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: Int16) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: Int32) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: Int64) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt8) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt16) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt32) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode(_ value: UInt64) throws { sink.u64(UInt64(truncatingIfNeeded: value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: SpoolEncoder(sink: sink)) }
  }

  // MARK: - Reading

  final class Source {
    let bytes: [UInt8]
    init(bytes: [UInt8]) { self.bytes = bytes }

    func u32(at i: Int) throws -> UInt32 {
      guard i + 4 <= bytes.count else { throw corrupt() }
      return UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }
    func u64(_ range: Range<Int>) throws -> UInt64 {
      guard range.count == 8 else { throw corrupt() }
      var v: UInt64 = 0
      for i in range.reversed() { v = v << 8 | UInt64(bytes[i]) }
      return v
    }
    func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    func corrupt() -> DecodingError {
      DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "spooled record is damaged"))
    }

    /// The entries of a keyed (or, with `keyed: false`, unkeyed) container.
    func entries(_ range: Range<Int>, keyed: Bool) throws -> [(key: Range<Int>, value: Range<Int>?)] {
      var out: [(key: Range<Int>, value: Range<Int>?)] = []
      var i = range.lowerBound
      while i < range.upperBound {
        var key = i..<i
        if keyed {
          let n = Int(try u32(at: i))
          key = (i + 4)..<(i + 4 + n)
          i = key.upperBound
        }
        let length = try u32(at: i)
        i += 4
        if length == 0xFFFF_FFFF {
          out.append((key, nil))
        } else {
          let value = i..<(i + Int(length))
          guard value.upperBound <= range.upperBound else { throw corrupt() }
          out.append((key, value))
          i = value.upperBound
        }
      }
      return out
    }
  }

  struct SpoolDecoder: Decoder {
    let source: Source
    let range: Range<Int>
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
      KeyedDecodingContainer(KeyedReader<Key>(source: source, entries: try source.entries(range, keyed: true)))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
      UnkeyedReader(source: source, entries: try source.entries(range, keyed: false))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(source: source, range: range) }
  }

  struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let source: Source
    let entries: [(key: Range<Int>, value: Range<Int>?)]
    var codingPath: [any CodingKey] = []
    var allKeys: [Key] { entries.compactMap { Key(stringValue: source.string($0.key)) } }

    /// The entry for `key`, found by comparing UTF-8 bytes (containers hold a few keys).
    private func find(_ key: Key) -> (found: Bool, value: Range<Int>?) {
      var name = key.stringValue
      return name.withUTF8 { k in
        for e in entries where e.key.count == k.count {
          var same = true
          for j in 0..<k.count where source.bytes[e.key.lowerBound + j] != k[j] {
            same = false
            break
          }
          if same { return (true, e.value) }
        }
        return (false, nil)
      }
    }
    private func value(_ key: Key) throws -> Range<Int> {
      let (found, value) = find(key)
      guard found, let value else {
        throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "not spooled"))
      }
      return value
    }

    func contains(_ key: Key) -> Bool { find(key).found }
    func decodeNil(forKey key: Key) throws -> Bool { find(key).value == nil }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { source.string(try value(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
      let r = try value(key)
      guard r.count == 1 else { throw source.corrupt() }
      return source.bytes[r.lowerBound] != 0
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { Int(Int64(bitPattern: try source.u64(try value(key)))) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { Double(bitPattern: try source.u64(try value(key))) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { Int8(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { Int16(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { Int32(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { Int64(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { UInt(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { UInt8(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { UInt16(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { UInt32(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { UInt64(truncatingIfNeeded: try source.u64(try value(key))) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decode(Double.self, forKey: key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
      try T(from: SpoolDecoder(source: source, range: try value(key)))
    }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
      -> KeyedDecodingContainer<NestedKey>
    { throw source.corrupt() }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw source.corrupt() }
    func superDecoder() throws -> any Decoder { throw source.corrupt() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw source.corrupt() }
  }

  struct UnkeyedReader: UnkeyedDecodingContainer {
    let source: Source
    let entries: [(key: Range<Int>, value: Range<Int>?)]
    var codingPath: [any CodingKey] = []
    var currentIndex = 0
    var count: Int? { entries.count }
    var isAtEnd: Bool { currentIndex >= entries.count }

    private mutating func next() throws -> Range<Int> {
      guard currentIndex < entries.count, let r = entries[currentIndex].value else { throw source.corrupt() }
      currentIndex += 1
      return r
    }
    mutating func decodeNil() throws -> Bool {
      guard currentIndex < entries.count else { throw source.corrupt() }
      if entries[currentIndex].value == nil {
        currentIndex += 1
        return true
      }
      return false
    }
    mutating func decode(_ type: String.Type) throws -> String { source.string(try next()) }
    mutating func decode(_ type: Bool.Type) throws -> Bool {
      let r = try next()
      guard r.count == 1 else { throw source.corrupt() }
      return source.bytes[r.lowerBound] != 0
    }
    mutating func decode(_ type: Int.Type) throws -> Int { Int(Int64(bitPattern: try source.u64(try next()))) }
    mutating func decode(_ type: Double.Type) throws -> Double { Double(bitPattern: try source.u64(try next())) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { Int8(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { Int16(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { Int32(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { Int64(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { UInt(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { UInt8(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { UInt16(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { UInt32(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { UInt64(truncatingIfNeeded: try source.u64(try next())) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
      try T(from: SpoolDecoder(source: source, range: try next()))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
      -> KeyedDecodingContainer<NestedKey>
    { throw source.corrupt() }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw source.corrupt() }
    mutating func superDecoder() throws -> any Decoder { throw source.corrupt() }
  }

  struct SingleReader: SingleValueDecodingContainer {
    let source: Source
    let range: Range<Int>
    var codingPath: [any CodingKey] = []
    func decodeNil() -> Bool { false }
    func decode(_ type: String.Type) throws -> String { source.string(range) }
    func decode(_ type: Bool.Type) throws -> Bool {
      guard range.count == 1 else { throw source.corrupt() }
      return source.bytes[range.lowerBound] != 0
    }
    func decode(_ type: Int.Type) throws -> Int { Int(Int64(bitPattern: try source.u64(range))) }
    func decode(_ type: Double.Type) throws -> Double { Double(bitPattern: try source.u64(range)) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int8.Type) throws -> Int8 { Int8(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: Int16.Type) throws -> Int16 { Int16(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: Int32.Type) throws -> Int32 { Int32(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: Int64.Type) throws -> Int64 { Int64(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: UInt.Type) throws -> UInt { UInt(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { UInt8(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { UInt16(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { UInt32(truncatingIfNeeded: try source.u64(range)) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { UInt64(truncatingIfNeeded: try source.u64(range)) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: SpoolDecoder(source: source, range: range)) }
  }
}
