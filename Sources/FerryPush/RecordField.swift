import Foundation
import FerryModel

/// One value of a record field as filters see it: its text, and its date or number when it
/// has one.
struct FieldValue: Sendable {
  var text: String
  var date: LocalDate?
  var number: Double?

  init(_ text: String) {
    self.text = text
    date = text.count == 10 ? LocalDate(iso: text) : nil
    number = Double(text)
  }
  init(date: LocalDate) {
    text = date.description
    self.date = date
  }
}

/// A model field that filters and `explain` can name (`email`, `start`, `owner.email`,
/// `raw.Lead_Source`).
struct RecordField: Sendable {
  let name: String
  let extract: @Sendable (Record) -> [FieldValue]

  func values(of record: Record) -> [FieldValue] { extract(record) }

  private static func texts(_ values: [String?]) -> [FieldValue] {
    values.compactMap { v in
      guard let v, !v.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
      return FieldValue(v)
    }
  }

  private static func time(_ t: EventTime?) -> [FieldValue] {
    guard let t else { return [] }
    return [FieldValue(date: t.localDateTime.date)]
  }

  private static func stamp(_ t: Timestamp?) -> [FieldValue] {
    guard let t else { return [] }
    return [FieldValue(date: t.utc.date)]
  }

  /// Fields both kinds have.
  private static let common: [String: @Sendable (Record) -> [FieldValue]] = [
    "id": { texts([$0.source?.recordId]) },
    "type": { texts([$0.source?.objectType]) },
    "system": { texts([$0.source?.system]) },
    "owner": { texts([$0.owner?.email, $0.owner?.name, $0.owner?.id]) },
    "owner.id": { texts([$0.owner?.id]) },
    "owner.email": { texts([$0.owner?.email]) },
    "owner.name": { texts([$0.owner?.name]) },
    "categories": { r in
      switch r {
      case .contact(let c): texts(c.categories)
      case .event(let e): texts(e.categories)
      }
    },
    "created": { r in
      switch r {
      case .contact(let c): stamp(c.created)
      case .event(let e): stamp(e.created)
      }
    },
    "modified": { r in
      switch r {
      case .contact(let c): stamp(c.lastModified)
      case .event(let e): stamp(e.lastModified)
      }
    },
  ]

  private static let contactFields: [String: @Sendable (Record) -> [FieldValue]] = [
    "email": { texts($0.contact?.emails.map(\.address) ?? []) },
    "phone": { texts($0.contact?.phones.map(\.number) ?? []) },
    "name": { texts([$0.contact?.displayName]) },
    "given": { texts([$0.contact?.name.given]) },
    "family": { texts([$0.contact?.name.family]) },
    "organization": { texts([$0.contact?.organization]) },
    "title": { texts([$0.contact?.title]) },
    "department": { texts([$0.contact?.department]) },
    "account": { texts([$0.contact?.accountId]) },
    "notes": { texts($0.contact?.notes ?? []) },
    "city": { texts($0.contact?.addresses.map(\.locality) ?? []) },
    "region": { texts($0.contact?.addresses.map(\.region) ?? []) },
    "country": { texts($0.contact?.addresses.map(\.country) ?? []) },
    "postcode": { texts($0.contact?.addresses.map(\.postalCode) ?? []) },
    "birthday": { r in
      guard let b = r.contact?.birthday else { return [] }
      if let d = b.localDate { return [FieldValue(date: d)] }
      return [FieldValue(b.description)]
    },
  ]

  private static let eventFields: [String: @Sendable (Record) -> [FieldValue]] = [
    "summary": { texts([$0.event?.summary]) },
    "description": { texts([$0.event?.description]) },
    "location": { texts([$0.event?.location]) },
    "start": { time($0.event?.start) },
    "end": { r in
      guard let e = r.event else { return [] }
      return time(e.end ?? e.start)
    },
    // No CLASS is PUBLIC (RFC 5545 §3.8.1.3), and push writes it so.
    "privacy": { r in r.event.map { texts([($0.privacy ?? .public).rawValue]) } ?? [] },
    "status": { texts([$0.event?.status?.rawValue]) },
    "busy": { texts([$0.event?.busyStatus?.rawValue]) },
    "kind": { texts([$0.event?.kind.rawValue]) },
    "allday": { r in r.event?.isAllDay == true ? [FieldValue("true")] : [] },
    "recurring": { r in r.event?.recurrence != nil ? [FieldValue("true")] : [] },
    "attendee": { r in texts(r.event?.attendees.flatMap { [$0.email, $0.name] } ?? []) },
    "organizer": { r in texts([r.event?.organizer?.email, r.event?.organizer?.name]) },
    "related": { r in texts(r.event?.related.flatMap { [$0.id, $0.name] } ?? []) },
    "related.type": { r in texts(r.event?.related.map(\.type) ?? []) },
  ]

  /// Aliases people will write.
  private static let aliases: [String: String] = [
    "subject": "summary", "company": "organization", "org": "organization", "emails": "email", "phones": "phone",
    "category": "categories", "attendees": "attendee", "lastmodified": "modified", "crmid": "id",
  ]

  init?(name: String, kind: RecordKind) {
    let lower = name.lowercased()
    let key = Self.aliases[lower] ?? lower
    if lower.hasPrefix("raw.") {
      let wanted = String(name.dropFirst(4)).replacingOccurrences(of: "_", with: " ").lowercased()
      guard !wanted.isEmpty else { return nil }
      self.name = name
      extract = { record in
        record.raw.filter { $0.name.replacingOccurrences(of: "_", with: " ").lowercased() == wanted }.map {
          FieldValue($0.value)
        }.filter { !$0.text.isEmpty }
      }
      return
    }
    let table = kind == .contact ? Self.contactFields : Self.eventFields
    guard let f = table[key] ?? Self.common[key] else { return nil }
    self.name = key
    extract = f
  }

  static func names(for kind: RecordKind) -> [String] {
    let table = kind == .contact ? contactFields : eventFields
    return (Array(table.keys) + Array(common.keys) + ["raw.NAME"]).sorted()
  }
}
