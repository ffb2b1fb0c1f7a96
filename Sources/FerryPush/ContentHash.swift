import FerryModel

/// A stable 64-bit content hash (FNV-1a) of any `Encodable` value, fed field by field
/// through a streaming encoder: no JSON text is built.
///
/// The same value always gives the same hash, in every process (Swift's `Hasher` is seeded
/// per process, so it cannot go into a ledger). Keys, values and structure markers all go
/// in, so `["a", "b"]` and `["ab"]` differ.
public struct ContentHash: Sendable {
  public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  public init() {}
  init(value: UInt64) { self.value = value }

  public mutating func add(_ bytes: some Sequence<UInt8>) {
    var h = value
    for b in bytes {
      h ^= UInt64(b)
      h &*= 0x0000_0100_0000_01B3
    }
    value = h
  }

  public mutating func add(_ text: String) {
    var text = text
    text.withUTF8 { add($0) }
    add(CollectionOfOne(0xFF))  // terminator: "ab"+"c" differs from "a"+"bc"
  }

  public mutating func add(_ number: Int) {
    var n = UInt64(bitPattern: Int64(number))
    var h = value
    for _ in 0..<8 {
      h ^= n & 0xFF
      h &*= 0x0000_0100_0000_01B3
      n >>= 8
    }
    value = h
  }

  /// The hash of `value`'s encoding.
  public static func of(_ value: some Encodable) -> UInt64 {
    let sink = HashSink()
    let encoder = HashingEncoder(sink: sink)
    try? value.encode(to: encoder)
    return sink.hash.value
  }
}

final class HashSink {
  var hash = ContentHash()
  func mark(_ byte: UInt8) {
    var h = hash.value
    h ^= UInt64(byte)
    h &*= 0x0000_0100_0000_01B3
    hash = ContentHash(value: h)
  }
}

struct HashingEncoder: Encoder {
  let sink: HashSink
  var codingPath: [any CodingKey] = []
  var userInfo: [CodingUserInfoKey: Any] = [:]

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    sink.mark(UInt8(ascii: "{"))
    return KeyedEncodingContainer(KeyedHashing<Key>(sink: sink))
  }
  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    sink.mark(UInt8(ascii: "["))
    return UnkeyedHashing(sink: sink)
  }
  func singleValueContainer() -> any SingleValueEncodingContainer { SingleHashing(sink: sink) }
}

struct KeyedHashing<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let sink: HashSink
  var codingPath: [any CodingKey] = []

  mutating func encodeNil(forKey key: Key) throws {}
  mutating func encode(_ value: Bool, forKey key: Key) throws {
    sink.hash.add(key.stringValue)
    sink.mark(value ? 1 : 0)
  }
  mutating func encode(_ value: String, forKey key: Key) throws {
    sink.hash.add(key.stringValue)
    sink.hash.add(value)
  }
  mutating func encode(_ value: Double, forKey key: Key) throws {
    sink.hash.add(key.stringValue)
    sink.hash.add(Int(bitPattern: UInt(value.bitPattern)))
  }
  mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
  mutating func encode(_ value: Int, forKey key: Key) throws {
    sink.hash.add(key.stringValue)
    sink.hash.add(value)
  }
  mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { try encode(Int(value), forKey: key) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { try encode(Int(bitPattern: value), forKey: key) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { try encode(Int(truncatingIfNeeded: value), forKey: key) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    sink.hash.add(key.stringValue)
    try value.encode(to: HashingEncoder(sink: sink))
    sink.mark(UInt8(ascii: "}"))
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    sink.hash.add(key.stringValue)
    return HashingEncoder(sink: sink).container(keyedBy: keyType)
  }
  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    sink.hash.add(key.stringValue)
    return HashingEncoder(sink: sink).unkeyedContainer()
  }
  mutating func superEncoder() -> any Encoder { HashingEncoder(sink: sink) }
  mutating func superEncoder(forKey key: Key) -> any Encoder { HashingEncoder(sink: sink) }
}

struct UnkeyedHashing: UnkeyedEncodingContainer {
  let sink: HashSink
  var codingPath: [any CodingKey] = []
  var count = 0

  mutating func encodeNil() throws {
    count += 1
    sink.mark(0)
  }
  mutating func encode(_ value: String) throws {
    count += 1
    sink.hash.add(value)
  }
  mutating func encode(_ value: Int) throws {
    count += 1
    sink.hash.add(value)
  }
  mutating func encode(_ value: Bool) throws {
    count += 1
    sink.mark(value ? 1 : 0)
  }
  mutating func encode(_ value: Double) throws {
    count += 1
    sink.hash.add(Int(bitPattern: UInt(value.bitPattern)))
  }
  mutating func encode<T: Encodable>(_ value: T) throws {
    count += 1
    sink.mark(UInt8(ascii: ","))
    try value.encode(to: HashingEncoder(sink: sink))
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    count += 1
    return HashingEncoder(sink: sink).container(keyedBy: keyType)
  }
  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    count += 1
    return HashingEncoder(sink: sink).unkeyedContainer()
  }
  mutating func superEncoder() -> any Encoder { HashingEncoder(sink: sink) }
}

struct SingleHashing: SingleValueEncodingContainer {
  let sink: HashSink
  var codingPath: [any CodingKey] = []
  mutating func encodeNil() throws { sink.mark(0) }
  mutating func encode(_ value: Bool) throws { sink.mark(value ? 1 : 0) }
  mutating func encode(_ value: String) throws { sink.hash.add(value) }
  mutating func encode(_ value: Double) throws { sink.hash.add(Int(bitPattern: UInt(value.bitPattern))) }
  mutating func encode(_ value: Float) throws { try encode(Double(value)) }
  mutating func encode(_ value: Int) throws { sink.hash.add(value) }
  mutating func encode(_ value: Int8) throws { sink.hash.add(Int(value)) }
  mutating func encode(_ value: Int16) throws { sink.hash.add(Int(value)) }
  mutating func encode(_ value: Int32) throws { sink.hash.add(Int(value)) }
  mutating func encode(_ value: Int64) throws { sink.hash.add(Int(value)) }
  mutating func encode(_ value: UInt) throws { sink.hash.add(Int(bitPattern: value)) }
  mutating func encode(_ value: UInt8) throws { sink.hash.add(Int(value)) }
  mutating func encode(_ value: UInt16) throws { sink.hash.add(Int(value)) }
  mutating func encode(_ value: UInt32) throws { sink.hash.add(Int(value)) }
  mutating func encode(_ value: UInt64) throws { sink.hash.add(Int(truncatingIfNeeded: value)) }
  mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: HashingEncoder(sink: sink)) }
}
