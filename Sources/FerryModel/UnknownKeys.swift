import Foundation

/// Collects the JSON keys a model decoder did not know, so that a reader of hand-written
/// NDJSON can say that `"emial"` was ignored instead of dropping it silently.
///
/// Put one in `JSONDecoder.userInfo[UnknownKeys.userInfoKey]`; every generated model decoder
/// (and `Record`'s) then adds the dotted path of each key it does not know. Without one,
/// decoding checks nothing and costs nothing extra.
public final class UnknownKeys: @unchecked Sendable {
  public static let userInfoKey = CodingUserInfoKey(rawValue: "ferry.unknownKeys")!
  /// Dotted paths (`contact.emails.0.adress`), in the order found.
  public private(set) var paths: [String] = []

  public init() {}

  public func removeAll() { paths.removeAll(keepingCapacity: true) }

  /// Adds the keys of the object `decoder` is at that `known` does not accept.
  public static func check<Key: CodingKey>(_ decoder: any Decoder, known: Key.Type) {
    guard let collector = decoder.userInfo[userInfoKey] as? UnknownKeys,
      let all = try? decoder.container(keyedBy: AnyKey.self)
    else { return }
    for key in all.allKeys where Key(stringValue: key.stringValue) == nil {
      let path = (decoder.codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }
      collector.paths.append(path.joined(separator: "."))
    }
  }

  struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
      self.stringValue = String(intValue)
      self.intValue = intValue
    }
  }
}
