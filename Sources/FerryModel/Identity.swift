/// Which system and record a contact or event came from.
public struct SourceIdentity: Sendable, Hashable, Codable {
  /// `salesforce`, `hubspot`, `outlook`, `google`, `exchange`, or the format family.
  public var system: String
  /// `Contact`, `Lead`, `Event`, `Task`, …
  public var objectType: String?
  /// The record's id in that system. Salesforce ids are always the 18-character form.
  public var recordId: String?

  public init(system: String, objectType: String? = nil, recordId: String? = nil) {
    self.system = system
    self.objectType = objectType
    self.recordId = recordId.map { SalesforceID.caseSafe($0) ?? $0 }
  }
}

/// The rep who owns a record in the CRM, whose mailbox receives it.
public struct Owner: Sendable, Hashable, Codable {
  public var id: String?
  public var name: String?
  public var email: String?
  public init(id: String? = nil, name: String? = nil, email: String? = nil) {
    self.id = id.map { SalesforceID.caseSafe($0) ?? $0 }
    self.name = name
    self.email = email
  }
}

/// Salesforce record ids: 15-character case-sensitive and 18-character case-safe forms.
public enum SalesforceID {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".utf8)

  /// The 18-character case-safe form of a 15-character id; an 18-character id is returned
  /// unchanged; anything that is not a Salesforce id gives `nil`.
  public static func caseSafe(_ id: String) -> String? {
    let bytes = Array(id.utf8)
    guard bytes.count == 15 || bytes.count == 18,
      bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) })
    else { return nil }
    if bytes.count == 18 { return id }
    var suffix = ""
    for chunk in 0..<3 {
      var bits = 0
      for i in 0..<5 where bytes[chunk * 5 + i] >= 0x41 && bytes[chunk * 5 + i] <= 0x5A {
        bits |= 1 << i
      }
      suffix.append(Character(Unicode.Scalar(alphabet[bits])))
    }
    return id + suffix
  }
}
