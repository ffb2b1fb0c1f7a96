import Foundation
import FerryModel

/// Which record of a cluster survives, before the field-by-field merge.
public enum Preference: String, Sendable, Codable, CaseIterable {
  /// Records from a CRM (Salesforce, HubSpot) first, then the inputs' order.
  case crm
  /// The most recently modified record first.
  case newest
  /// The record with the most filled fields first.
  case mostComplete = "most-complete"
}

/// How many values of each list the target can hold; the rest go to notes.
public struct MergeLimits: Sendable, Hashable {
  public var emails: Int?
  public var phones: Int?
  public var addresses: Int?
  public init(emails: Int? = nil, phones: Int? = nil, addresses: Int? = nil) {
    self.emails = emails
    self.phones = phones
    self.addresses = addresses
  }
}

/// Field-by-field survivorship. Nothing is lost: a value that has no slot left in the
/// survivor goes to its notes (contacts) or description (events), and is reported.
public enum Survivorship {
  static let crmSystems: Set<String> = ["salesforce", "hubspot", "dynamics", "zoho", "pipedrive"]

  /// The records in survivorship order (the survivor first).
  public static func order(_ records: [Record], prefer: Preference) -> [Int] {
    let idx = Array(records.indices)
    switch prefer {
    case .crm:
      return idx.sorted { a, b in
        let ca = crmSystems.contains(records[a].source?.system.lowercased() ?? "") ? 0 : 1
        let cb = crmSystems.contains(records[b].source?.system.lowercased() ?? "") ? 0 : 1
        return ca != cb ? ca < cb : a < b
      }
    case .newest:
      func modified(_ r: Record) -> Int64 {
        switch r {
        case .contact(let c): (c.lastModified ?? c.created)?.milliseconds ?? Int64.min
        case .event(let e): (e.lastModified ?? e.created ?? e.stamp)?.milliseconds ?? Int64.min
        }
      }
      return idx.sorted { a, b in modified(records[a]) != modified(records[b]) ? modified(records[a]) > modified(records[b]) : a < b }
    case .mostComplete:
      return idx.sorted { a, b in completeness(records[a]) != completeness(records[b]) ? completeness(records[a]) > completeness(records[b]) : a < b }
    }
  }

  /// How many fields a record fills.
  public static func completeness(_ r: Record) -> Int {
    switch r {
    case .contact(let c):
      let scalars: [String?] = [
        c.formattedName, c.name.prefix, c.name.given, c.name.middle, c.name.family, c.name.suffix, c.organization,
        c.department, c.title, c.role, c.timeZone, c.uid,
      ]
      return scalars.filter { !($0 ?? "").isEmpty }.count + c.emails.count + c.phones.count + c.addresses.count
        + c.urls.count + c.notes.count + (c.birthday != nil ? 1 : 0) + c.raw.count + c.instantMessaging.count
    case .event(let e):
      let scalars: [String?] = [e.summary, e.description, e.location, e.uid, e.url]
      return scalars.filter { !($0 ?? "").isEmpty }.count + e.attendees.count + (e.organizer != nil ? 1 : 0)
        + (e.start != nil ? 1 : 0) + (e.end != nil ? 1 : 0) + e.categories.count + e.raw.count
    }
  }

  /// Merges records (all contacts or all events) into the first of `ordered`. Returns the
  /// merged record and what went to notes, as messages for the report.
  public static func merge(_ ordered: [Record], limits: MergeLimits = MergeLimits(), region: String = "US")
    -> (Record, [String])
  {
    guard let first = ordered.first else { preconditionFailure("merge of no records") }
    switch first {
    case .contact(let c):
      let (m, notes) = mergeContacts(c.contact, ordered.dropFirst().compactMap(\.contact), limits: limits, region: region)
      return (.contact(m), notes)
    case .event(let e):
      let (m, notes) = mergeEvents(e.event, ordered.dropFirst().compactMap(\.event))
      return (.event(m), notes)
    }
  }

  static func label(_ c: Contact, _ k: Int) -> String {
    if let id = c.source?.recordId { return "\(c.source?.system ?? "record") \(id)" }
    return "duplicate \(k)"
  }

  static func mergeContacts(_ base: Contact, _ others: [Contact], limits: MergeLimits, region: String) -> (Contact, [String]) {
    var m = base
    var overflow: [String] = []
    func keep(_ what: String, _ value: String, from: String) {
      let line = "\(what): \(value) (from \(from))"
      if !m.notes.contains(line) {
        m.notes.append(line)
        overflow.append(line)
      }
    }
    func scalar(_ kp: WritableKeyPath<Contact, String?>, _ name: String, _ o: Contact, _ from: String, fold: Bool = true) {
      guard let v = o[keyPath: kp], !v.isEmpty else { return }
      if let mine = m[keyPath: kp], !mine.isEmpty {
        let same =
          kp == \Contact.organization
          ? Normalize.organization(mine) == Normalize.organization(v)
          : fold ? Normalize.fold(mine) == Normalize.fold(v) : mine == v
        if !same { keep(name, v, from: from) }
      } else {
        m[keyPath: kp] = v
      }
    }
    var merged: [String] = []
    for (k, o) in others.enumerated() {
      let from = label(o, k + 2)
      if let id = o.source?.recordId { merged.append("\(o.source?.system ?? "record") \(id)") }
      scalar(\.formattedName, "Name", o, from)
      scalar(\.name.prefix, "Name prefix", o, from)
      scalar(\.name.given, "Given name", o, from)
      scalar(\.name.middle, "Middle name", o, from)
      scalar(\.name.family, "Family name", o, from)
      scalar(\.name.suffix, "Name suffix", o, from)
      scalar(\.organization, "Organization", o, from)
      scalar(\.department, "Department", o, from)
      scalar(\.title, "Title", o, from)
      scalar(\.role, "Role", o, from)
      scalar(\.timeZone, "Time zone", o, from, fold: false)
      scalar(\.uid, "UID", o, from, fold: false)
      scalar(\.accountId, "Account", o, from, fold: false)
      if let b = o.birthday {
        if m.birthday == nil { m.birthday = b } else if m.birthday != b { keep("Birthday", b.description, from: from) }
      }
      if let b = o.anniversary {
        if m.anniversary == nil { m.anniversary = b } else if m.anniversary != b { keep("Anniversary", b.description, from: from) }
      }
      if m.gender == nil { m.gender = o.gender }
      if m.geo == nil { m.geo = o.geo }
      if m.photo == nil { m.photo = o.photo }
      if m.logo == nil { m.logo = o.logo }
      if m.owner == nil { m.owner = o.owner }
      // lists: union, compared after normalisation
      for e in o.emails {
        let n = Normalize.email(e.address) ?? e.address.lowercased()
        if m.emails.contains(where: { (Normalize.email($0.address) ?? $0.address.lowercased()) == n }) { continue }
        if let max = limits.emails, m.emails.count >= max { keep("E-mail", e.address, from: from) } else { m.emails.append(e) }
      }
      for p in o.phones {
        let n = Normalize.phone(p.number, region: region)
        let key = n.e164.map { $0 + "x" + (n.extensionDigits ?? "") } ?? p.number
        if m.phones.contains(where: {
          let q = Normalize.phone($0.number, region: region)
          return (q.e164.map { $0 + "x" + (q.extensionDigits ?? "") } ?? $0.number) == key
        }) { continue }
        if let max = limits.phones, m.phones.count >= max { keep("Phone", p.number, from: from) } else { m.phones.append(p) }
      }
      for a in o.addresses where !a.isEmpty {
        func key(_ x: PostalAddress) -> [UInt8] {
          Normalize.fold([x.street, x.locality].compactMap { $0 }.joined(separator: " ")) + Normalize.postalCode(x.postalCode ?? "")
        }
        let ka = key(a)
        if m.addresses.contains(where: { key($0) == ka }) { continue }
        if let max = limits.addresses, m.addresses.count >= max {
          keep("Address", [a.street, a.locality, a.region, a.postalCode, a.country].compactMap { $0 }.joined(separator: ", "), from: from)
        } else {
          m.addresses.append(a)
        }
      }
      for v in o.nicknames where !m.nicknames.contains(v) { m.nicknames.append(v) }
      for v in o.urls where !m.urls.contains(where: { $0.value == v.value }) { m.urls.append(v) }
      for v in o.categories where !m.categories.contains(v) { m.categories.append(v) }
      for v in o.related where !m.related.contains(v) { m.related.append(v) }
      for v in o.instantMessaging where !m.instantMessaging.contains(where: { $0.handle == v.handle }) { m.instantMessaging.append(v) }
      for v in o.languages where !m.languages.contains(v) { m.languages.append(v) }
      for v in o.notes where !m.notes.contains(v) { m.notes.append(v) }
      for r in o.raw {
        if m.raw.contains(where: { $0.name == r.name && $0.value == r.value }) { continue }
        if m.raw.contains(where: { $0.name.caseInsensitiveCompare(r.name) == .orderedSame }) {
          keep(r.name, r.value, from: from)
        } else {
          m.raw.append(r)
        }
      }
      if let lm = o.lastModified, (m.lastModified.map { lm > $0 } ?? true) { m.lastModified = lm }
    }
    if !merged.isEmpty {
      let line = "Merged by ferry from: " + merged.joined(separator: ", ")
      if !m.notes.contains(line) { m.notes.append(line) }
    }
    return (m, overflow)
  }

  static func mergeEvents(_ base: Event, _ others: [Event]) -> (Event, [String]) {
    var m = base
    var extra: [String] = []
    func keep(_ what: String, _ value: String) {
      let line = "\(what): \(value)"
      extra.append(line)
    }
    for o in others {
      for (kp, name) in [(\Event.summary, "Subject"), (\Event.location, "Location"), (\Event.url, "URL"), (\Event.uid, "UID")] {
        guard let v = o[keyPath: kp], !v.isEmpty else { continue }
        if let mine = m[keyPath: kp], !mine.isEmpty {
          if Normalize.fold(mine) != Normalize.fold(v) { keep(name, v) }
        } else {
          m[keyPath: kp] = v
        }
      }
      if let d = o.description, !d.isEmpty {
        if let mine = m.description, !mine.isEmpty {
          if mine != d && !mine.contains(d) { keep("Description", d) }
        } else {
          m.description = d
        }
      }
      if m.organizer == nil { m.organizer = o.organizer }
      for a in o.attendees {
        let key = a.email.flatMap { Normalize.email($0) }
        if m.attendees.contains(where: { ($0.email.flatMap { Normalize.email($0) } ?? $0.name) == (key ?? a.name) }) { continue }
        m.attendees.append(a)
      }
      for v in o.categories where !m.categories.contains(v) { m.categories.append(v) }
      for v in o.reminders where !m.reminders.contains(v) { m.reminders.append(v) }
      for v in o.related where !m.related.contains(v) { m.related.append(v) }
      for r in o.raw where !m.raw.contains(r) { m.raw.append(r) }
      if o.start != m.start, let s = o.start { keep("Other start", s.description) }
    }
    if !extra.isEmpty {
      m.description = ([m.description ?? ""] + ["", "Merged by ferry:"] + extra).joined(separator: "\n")
        .trimmingCharacters(in: .newlines)
    }
    return (m, extra)
  }
}
