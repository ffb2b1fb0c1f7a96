/// One unit that flows through ferry: a contact or an event.
public enum Record: Sendable, Hashable, Codable {
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
}

/// The kinds of record a format can hold.
public enum RecordKind: String, Sendable, Hashable, Codable, CaseIterable {
  case contact, event
}
