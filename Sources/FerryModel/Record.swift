/// One unit that flows through ferry: a contact or an event.
///
/// Each payload lives in one box, so passing a record along (batches, plan entries, arrays)
/// copies a pointer instead of retaining every field of a large struct: a `ContactBox` or an
/// `EventBox`, whose `let` the optimizer knows never changes. (A payload bound from an
/// `indirect` case's box, `case .event(let e)`, and handed to a writer's methods was copied
/// whole, every string and array retained and then released, because the optimizer takes
/// that box for one that can change: 6% of the cycles of an iCalendar conversion, most of
/// them the other thread's cache lines moving over. A writer still makes the box's lifetime
/// plain, `withExtendedLifetime(box) { write(box.event) }`, or the optimizer copies anyway.)
///
/// `Record.event(_:)` and `Record.contact(_:)` make a record from its payload;
/// `case .event(let box)` binds the box, which reads as the event (`box.summary`) or hands
/// it on (`box.event`).
public enum Record: Sendable, Hashable, Codable {
  case contact(ContactBox)
  case event(EventBox)

  /// The record of a contact (in a new box). Consuming, as the `indirect` case was: a
  /// contact made for its record moves into the box instead of being copied there.
  @inlinable
  public static func contact(_ contact: consuming Contact) -> Record { .contact(ContactBox(contact)) }

  /// The record of an event (in a new box); consuming, as `contact(_:)`.
  @inlinable
  public static func event(_ event: consuming Event) -> Record { .event(EventBox(event)) }

  public var kind: RecordKind {
    switch self {
    case .contact: .contact
    case .event: .event
    }
  }

  public var contact: Contact? { if case .contact(let c) = self { c.contact } else { nil } }
  public var event: Event? { if case .event(let e) = self { e.event } else { nil } }

  public var source: SourceIdentity? {
    switch self {
    case .contact(let c): c.contact.source
    case .event(let e): e.event.source
    }
  }

  public var owner: Owner? {
    switch self {
    case .contact(let c): c.contact.owner
    case .event(let e): e.event.owner
    }
  }

  public var raw: [RawProperty] {
    switch self {
    case .contact(let c): c.contact.raw
    case .event(let e): e.event.raw
    }
  }

  /// The payload's `filledFieldMask`.
  public var filledFieldMask: UInt64 {
    switch self {
    case .contact(let c): c.contact.filledFieldMask
    case .event(let e): e.event.filledFieldMask
    }
  }

  /// Whether the record is a contact without content (`Contact.hasContent`), read in the
  /// record's box: a caller that copies the contact out (`record.contact`) retains and
  /// releases every field.
  public var isContactWithoutContent: Bool {
    if case .contact(let c) = self { return !c.contact.hasContent }
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
    case .contact(let box): try c.encode(box.contact, forKey: .contact)
    case .event(let box): try c.encode(box.event, forKey: .event)
    }
  }
}

/// A contact in a `Record`: it never changes (a changed contact is a new box), so what reads
/// a record's contact reads it in place. Reads like the contact (`box.emails`); `contact` is
/// the contact itself.
@dynamicMemberLookup
public final class ContactBox: Sendable, Hashable {
  public let contact: Contact

  @inlinable
  public init(_ contact: consuming Contact) { self.contact = contact }

  @inlinable
  public subscript<T>(dynamicMember path: KeyPath<Contact, T>) -> T { contact[keyPath: path] }

  public static func == (a: ContactBox, b: ContactBox) -> Bool { a === b || a.contact == b.contact }
  public func hash(into hasher: inout Hasher) { contact.hash(into: &hasher) }
}

/// An event in a `Record`: it never changes (a changed event is a new box), so what reads a
/// record's event reads it in place. Reads like the event (`box.summary`); `event` is the
/// event itself.
@dynamicMemberLookup
public final class EventBox: Sendable, Hashable {
  public let event: Event

  @inlinable
  public init(_ event: consuming Event) { self.event = event }

  @inlinable
  public subscript<T>(dynamicMember path: KeyPath<Event, T>) -> T { event[keyPath: path] }

  public static func == (a: EventBox, b: EventBox) -> Bool { a === b || a.event == b.event }
  public func hash(into hasher: inout Hasher) { event.hash(into: &hasher) }
}

/// The kinds of record a format can hold.
public enum RecordKind: String, Sendable, Hashable, Codable, CaseIterable {
  case contact, event
}
