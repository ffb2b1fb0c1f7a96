/// One element of an EWS item, with its subtree: what the mapping layer reads.
///
/// The syntax layer (`XMLItemStream`) builds one of these per `t:Contact` or `t:CalendarItem`
/// and forgets it once the item is mapped, so memory stays bounded by the largest item.
public struct XMLElement: Sendable, Hashable {
  /// The local name (`GivenName`); the namespace is checked by the syntax layer.
  public var name: String
  public var attributes: [(name: String, value: String)]
  /// The concatenated text of this element's own text and CDATA children.
  public var text: String
  public var children: [XMLElement]
  /// 1-based line of the start tag.
  public var line: Int

  public init(
    name: String, attributes: [(name: String, value: String)] = [], text: String = "", children: [XMLElement] = [],
    line: Int = 0
  ) {
    self.name = name
    self.attributes = attributes
    self.text = text
    self.children = children
    self.line = line
  }

  public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
  public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
  public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

  public static func == (a: XMLElement, b: XMLElement) -> Bool {
    a.name == b.name && a.text == b.text && a.children == b.children && a.attributes.count == b.attributes.count
      && zip(a.attributes, b.attributes).allSatisfy { $0.name == $1.name && $0.value == $1.value }
  }
  public func hash(into h: inout Hasher) {
    h.combine(name)
    h.combine(text)
    h.combine(children)
  }
}

/// The EWS namespaces.
public enum EWSNamespace {
  public static let types = "http://schemas.microsoft.com/exchange/services/2006/types"
  public static let messages = "http://schemas.microsoft.com/exchange/services/2006/messages"
  public static let soap = "http://schemas.xmlsoap.org/soap/envelope/"

  /// Whether a document's namespace URI is `canonical`, also in its `https://` spelling
  /// (Microsoft's current documentation writes the EWS namespaces with https).
  public static func matches(_ uri: String, _ canonical: String) -> Bool {
    if uri == canonical { return true }
    guard uri.hasPrefix("https://"), canonical.hasPrefix("http://") else { return false }
    return uri.dropFirst(8) == canonical.dropFirst(7)
  }
}
