import Foundation

/// A parameter of a raw property: `TYPE=WORK,VOICE` is one parameter with two values.
public struct RawParameter: Sendable, Hashable, Codable {
  /// Parameter names compare without case: ASCII ones byte by byte, others through
  /// Foundation's case-insensitive comparison.
  static func sameName(_ a: String, _ b: String) -> Bool {
    if a.utf8.count == b.utf8.count, a.utf8.allSatisfy({ $0 < 0x80 }), b.utf8.allSatisfy({ $0 < 0x80 }) {
      return zip(a.utf8, b.utf8).allSatisfy { x, y in
        (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) == (y >= 0x41 && y <= 0x5A ? y | 0x20 : y)
      }
    }
    if a.utf8.allSatisfy({ $0 < 0x80 }) && b.utf8.allSatisfy({ $0 < 0x80 }) { return false }
    return a.caseInsensitiveCompare(b) == .orderedSame
  }

  public var name: String
  public var values: [String]
  public init(name: String, values: [String]) {
    self.name = name
    self.values = values
  }
}

/// A property that the model cannot express, kept with everything needed to write it back.
///
/// Like ez-vcard's `RawProperty` and pandoc's `RawBlock`: same-family writers write it back
/// as it was; other writers keep it where they can (an X- property, a note, an extra column)
/// or report it.
public struct RawProperty: Sendable, Hashable, Codable {
  /// The property or column name as it appeared (`X-CUSTOM`, `Lead Source`).
  public var name: String
  /// The vCard group (`item1`), when there was one.
  public var group: String?
  public var parameters: [RawParameter]
  /// The value as it appeared in the input, after unfolding and transfer decoding, before
  /// text unescaping.
  public var value: String
  /// The format family the property came from (`vcard`, `ics`, `csv:salesforce`, `ews`).
  public var origin: String

  public init(
    name: String, group: String? = nil, parameters: [RawParameter] = [], value: String, origin: String
  ) {
    self.name = name
    self.group = group
    self.parameters = parameters
    self.value = value
    self.origin = origin
  }

  /// The values of the first parameter with this name, compared case-insensitively.
  public func parameter(_ name: String) -> [String]? {
    parameters.first { RawParameter.sameName($0.name, name) }?.values
  }
}

/// A component the model cannot express (an unknown iCalendar component, a VTODO kept whole,
/// an unknown EWS element), kept with its properties and children.
public struct RawComponent: Sendable, Hashable, Codable {
  public var name: String
  public var properties: [RawProperty]
  public var components: [RawComponent]
  public var origin: String

  public init(name: String, properties: [RawProperty] = [], components: [RawComponent] = [], origin: String) {
    self.name = name
    self.properties = properties
    self.components = components
    self.origin = origin
  }
}
