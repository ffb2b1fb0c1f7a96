/// One unit that flows through ferry: a contact or an event.
///
/// `indirect`: the payload lives in one box, so passing a record along (batches, plan
/// entries, arrays) copies a pointer instead of retaining every field of a large struct.
public indirect enum Record: Sendable, Hashable, Codable {
  case contact(Contact)
  case event(Event)

  public var kind: RecordKind {
    switch self {
    case .contact: .contact
    case .event: .event
    }
  }

  public var contact: Contact? { if case .contact(let c) = self { c } else { nil } }
  public var event: Event? { if case .event(let e) = self { e } else { nil } }

  public var source: SourceIdentity? {
    switch self {
    case .contact(let c): c.source
    case .event(let e): e.source
    }
  }

  public var owner: Owner? {
    switch self {
    case .contact(let c): c.owner
    case .event(let e): e.owner
    }
  }

  public var raw: [RawProperty] {
    switch self {
    case .contact(let c): c.raw
    case .event(let e): e.raw
    }
  }

  /// The payload's `filledFieldMask`.
  public var filledFieldMask: UInt64 {
    switch self {
    case .contact(let c): c.filledFieldMask
    case .event(let e): e.filledFieldMask
    }
  }

  /// Whether the record is a contact without content (`Contact.hasContent`). With
  /// `hasContent` inlined, the fields are read in the record's box: a caller that binds the
  /// payload (`case .contact(let c)`) copies the whole struct (a retain and release per field).
  public var isContactWithoutContent: Bool {
    if case .contact(let c) = self { return !c.hasContent }
    return false
  }
}

extension Record {
  private enum CodingKeys: String, CodingKey { case contact, event }

  /// `{"contact": {…}}` or `{"event": {…}}`.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    UnknownKeys.check(decoder, known: CodingKeys.self)
    if let contact = try c.decodeIfPresent(Contact.self, forKey: .contact) {
      self = .contact(contact)
    } else if let event = try c.decodeIfPresent(Event.self, forKey: .event) {
      self = .event(event)
    } else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "expected a \"contact\" or \"event\" key"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .contact(let contact): try c.encode(contact, forKey: .contact)
    case .event(let event): try c.encode(event, forKey: .event)
    }
  }
}

/// The kinds of record a format can hold.
public enum RecordKind: String, Sendable, Hashable, Codable, CaseIterable {
  case contact, event
}
