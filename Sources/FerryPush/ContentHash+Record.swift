import FerryModel

/// The content hash of a record, field by field, without Codable (the hot path of a plan:
/// every record of a million-record export is hashed once).
///
/// Every stored property of `Contact` and `Event` (and the types inside them) goes in, in
/// declaration order, with presence markers, so "absent" and "empty" differ.
/// `ContentHashTests` counts the model's properties: a field added to the model fails that
/// test until it is hashed here too.
extension ContentHash {
  public static func of(_ record: Record) -> UInt64 {
    var h = ContentHash()
    switch record {
    case .contact(let c):
      h.add(CollectionOfOne(UInt8(ascii: "C")))
      h.add(c.contact)
    case .event(let e):
      h.add(CollectionOfOne(UInt8(ascii: "E")))
      h.add(e.event)
    }
    return h.value
  }

  mutating func mark(_ present: Bool) { add(CollectionOfOne(present ? 1 : 0)) }

  mutating func add(_ s: String?) {
    mark(s != nil)
    if let s { add(s) }
  }
  mutating func add(_ n: Int?) {
    mark(n != nil)
    if let n { add(n) }
  }
  mutating func add(_ b: Bool) { mark(b) }
  mutating func add(_ list: [String]) {
    add(list.count)
    for s in list { add(s) }
  }
  mutating func add(_ d: Double) { add(Int(bitPattern: UInt(d.bitPattern))) }
  mutating func add(_ p: PartialDate?) {
    mark(p != nil)
    if let p {
      add(p.year)
      add(p.month)
      add(p.day)
    }
  }
  mutating func add(_ t: Timestamp?) {
    mark(t != nil)
    if let t { add(Int(t.milliseconds)) }
  }
  mutating func add(_ t: EventTime?) {
    mark(t != nil)
    if let t { add(t.description) }
  }
  mutating func add(_ d: EventDuration?) {
    mark(d != nil)
    if let d { add(d.description) }
  }
  mutating func add(_ g: Geo?) {
    mark(g != nil)
    if let g {
      add(g.latitude)
      add(g.longitude)
    }
  }
  mutating func add(_ m: Media?) {
    mark(m != nil)
    switch m {
    case .data(let bytes, let type):
      add("data")
      add(bytes.count)
      add(bytes)
      add(type)
    case .uri(let uri):
      add("uri")
      add(uri)
    case nil:
      break
    }
  }
  mutating func add(_ s: SourceIdentity?) {
    mark(s != nil)
    if let s {
      add(s.system)
      add(s.objectType)
      add(s.recordId)
    }
  }
  mutating func add(_ o: Owner?) {
    mark(o != nil)
    if let o {
      add(o.id)
      add(o.name)
      add(o.email)
    }
  }
  mutating func add(_ raw: [RawProperty]) {
    add(raw.count)
    for p in raw {
      add(p.name)
      add(p.group)
      add(p.parameters.count)
      for q in p.parameters {
        add(q.name)
        add(q.values)
      }
      add(p.value)
      add(p.origin)
    }
  }
  mutating func add(_ components: [RawComponent]) {
    add(components.count)
    for c in components {
      add(c.name)
      add(c.properties)
      add(c.components)
      add(c.origin)
    }
  }

  mutating func add(_ c: Contact) {
    add(c.kind)
    add(c.formattedName)
    let n = c.name
    for part in [n.prefix, n.given, n.middle, n.family, n.suffix, n.phoneticGiven, n.phoneticMiddle, n.phoneticFamily] {
      add(part)
    }
    add(c.nicknames)
    add(c.emails.count)
    for e in c.emails {
      add(e.address)
      add(e.types)
      add(e.label)
      add(e.preference)
    }
    add(c.phones.count)
    for p in c.phones {
      add(p.number)
      add(p.types)
      add(p.label)
      add(p.preference)
    }
    add(c.addresses.count)
    for a in c.addresses {
      for part in [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country] { add(part) }
      add(a.types)
      add(a.label)
      add(a.preference)
      // Added later: hashed only when set, so ledgers written before keep their hashes.
      if let group = a.group {
        mark(true)
        add(group)
      }
    }
    add(c.organization)
    add(c.department)
    add(c.title)
    add(c.role)
    add(c.birthday)
    add(c.anniversary)
    add(c.notes)
    add(c.urls.count)
    for u in c.urls {
      add(u.value)
      add(u.types)
      add(u.label)
      add(u.preference)
    }
    add(c.categories)
    add(c.photo)
    add(c.logo)
    mark(c.gender != nil)
    if let g = c.gender {
      add(g.sex)
      add(g.identity)
    }
    add(c.related.count)
    for r in c.related {
      add(r.relation)
      add(r.value)
      add(r.isURI)
    }
    add(c.instantMessaging.count)
    for i in c.instantMessaging {
      add(i.service)
      add(i.handle)
      add(i.types)
      add(i.preference)
    }
    add(c.timeZone)
    add(c.geo)
    add(c.languages)
    add(c.uid)
    add(c.source)
    add(c.owner)
    add(c.accountId)
    add(c.created)
    add(c.lastModified)
    add(c.raw)
  }

  mutating func add(_ a: Attendee?) {
    mark(a != nil)
    if let a {
      add(a.email)
      add(a.name)
      add(a.role?.rawValue)
      add(a.status?.rawValue)
      add(a.kind?.rawValue)
      mark(a.rsvp != nil)
      if let rsvp = a.rsvp { add(rsvp) }
      add(a.crmId)
      mark(a.parameters != nil)
      for q in a.parameters ?? [] {
        add(q.name)
        add(q.values)
      }
    }
  }

  mutating func add(_ r: RecurrenceRule?) {
    mark(r != nil)
    if let r { add(r.description) }
  }

  mutating func add(_ e: Event) {
    add(e.kind.rawValue)
    add(e.uid)
    add(e.summary)
    add(e.description)
    add(e.location)
    add(e.start)
    add(e.end)
    add(e.duration)
    add(e.isAllDay)
    mark(e.recurrence != nil)
    if let r = e.recurrence {
      add(r.rule)
      add(r.extraRules.count)
      for x in r.extraRules { add(x) }
      add(r.dates.count)
      for d in r.dates { add(d) }
      add(r.exceptionDates.count)
      for d in r.exceptionDates { add(d) }
      add(r.overrides.count)
      for o in r.overrides { add(o) }
    }
    add(e.recurrenceId)
    add(e.recurrenceIdThisAndFuture)
    add(e.organizer)
    add(e.attendees.count)
    for a in e.attendees { add(a) }
    add(e.privacy?.rawValue)
    add(e.busyStatus?.rawValue)
    add(e.status?.rawValue)
    add(e.reminders.count)
    for r in e.reminders {
      add(r.offset)
      add(r.relativeToEnd)
      add(r.absolute)
      add(r.action.rawValue)
      add(r.description)
    }
    add(e.categories)
    add(e.related.count)
    for r in e.related {
      add(r.role.rawValue)
      add(r.id)
      add(r.type)
      add(r.name)
    }
    add(e.priority)
    add(e.url)
    add(e.geo)
    add(e.sequence)
    add(e.stamp)
    add(e.created)
    add(e.lastModified)
    add(e.due)
    add(e.completed)
    add(e.source)
    add(e.owner)
    add(e.raw)
    add(e.rawComponents)
    mark(e.calendar != nil)
    if let c = e.calendar {
      add(c.name)
      add(c.timeZone)
      add(c.method)
      add(c.productId)
      add(c.scale)
      add(c.raw)
    }
  }
}
