import FerryModel
import FerryTime

/// One settable field of an EWS item: its path (what `SetItemField`/`DeleteItemField` name)
/// and the item child carrying just this field's value.
///
/// A `CreateItem` writes every field of a record, merging dictionary entries into one
/// container; an `UpdateItem` writes each changed field on its own. Both come from the same
/// list, so create and update can never disagree on a mapping.
public struct EWSField: Sendable, Hashable {
  /// How the path is kept: the common shapes as their names alone, so that a `CreateItem`,
  /// which never writes paths, builds no element for them.
  enum Path: Sendable {
    /// `t:FieldURI FieldURI="…"`.
    case uri(String)
    /// `t:IndexedFieldURI FieldURI="…" FieldIndex="…"`.
    case indexed(String, index: String)
    /// `t:IndexedFieldURI FieldURI="contacts:PhysicalAddress:<part>" FieldIndex="…"`.
    case addressPart(String, index: String)
    case element(XMLElement)
  }

  var storedPath: Path

  /// `t:FieldURI`, `t:IndexedFieldURI` or `t:ExtendedFieldURI`, with its attributes.
  public var path: XMLElement {
    get {
      switch storedPath {
      case .uri(let name): EWSItemFields.uri(name)
      case .indexed(let name, let index): EWSItemFields.indexed(name, index)
      case .addressPart(let part, let index): EWSItemFields.indexed("contacts:PhysicalAddress:" + part, index)
      case .element(let element): element
      }
    }
    set { storedPath = .element(newValue) }
  }
  /// The child of `t:Contact`/`t:CalendarItem` holding the value (`GivenName`, or
  /// `EmailAddresses` with one `Entry`).
  public var node: XMLElement

  public init(path: XMLElement, node: XMLElement) {
    storedPath = .element(path)
    self.node = node
  }

  init(uri: String, node: XMLElement) {
    storedPath = .uri(uri)
    self.node = node
  }

  init(indexed uri: String, index: String, node: XMLElement) {
    storedPath = .indexed(uri, index: index)
    self.node = node
  }

  init(addressPart part: String, index: String, node: XMLElement) {
    storedPath = .addressPart(part, index: index)
    self.node = node
  }

  /// Identifies the path for diffing: `contacts:EmailAddress#EmailAddress1`.
  public var key: String {
    switch storedPath {
    case .uri(let name): return name + "#"
    case .indexed(let name, let index): return name + "#" + index
    case .addressPart(let part, let index): return "contacts:PhysicalAddress:" + part + "#" + index
    case .element(let path):
      return path.attribute("FieldURI").map { $0 + "#" + (path.attribute("FieldIndex") ?? "") }
        ?? "extended#" + (path.attribute("PropertyName") ?? path.attribute("PropertyTag") ?? "")
    }
  }

  /// Equal when the paths, as elements, and the nodes are.
  public static func == (a: EWSField, b: EWSField) -> Bool { a.path == b.path && a.node == b.node }
  public func hash(into h: inout Hasher) {
    h.combine(path)
    h.combine(node)
  }
}

/// Maps records to EWS fields in schema order (ews-xml.md, "ORDER MATTERS").
struct EWSItemFields {
  var options: WriteOptions
  var diagnostics: DiagnosticSink
  var location: SourceLocation?

  /// Values that found no slot, as `Label: value` lines for the notes.
  private(set) var overflow: [String] = []

  static func uri(_ name: String) -> XMLElement { XMLElement(name: "FieldURI", attributes: [("FieldURI", name)]) }
  static func indexed(_ name: String, _ index: String) -> XMLElement {
    XMLElement(name: "IndexedFieldURI", attributes: [("FieldURI", name), ("FieldIndex", index)])
  }
  static func leaf(_ name: String, _ text: String) -> XMLElement { XMLElement(name: name, text: text) }

  static func crmFields(_ source: SourceIdentity?) -> [EWSField] {
    guard let source, let id = source.recordId, source.system != "exchange" else { return [] }
    func property(_ name: String, _ value: String) -> EWSField {
      let uri = XMLElement(
        name: "ExtendedFieldURI",
        attributes: [("PropertySetId", FerryCrmProperty.propertySetId), ("PropertyName", name), ("PropertyType", "String")])
      return EWSField(path: uri, node: XMLElement(name: "ExtendedProperty", children: [uri, leaf("Value", value)]))
    }
    // "crm" is what the reader says when an item carried only the id.
    guard source.system != "crm" else { return [property(FerryCrmProperty.idName, id)] }
    let origin = source.system + (source.objectType.map { "/" + $0 } ?? "")
    return [property(FerryCrmProperty.idName, id), property(FerryCrmProperty.sourceName, origin)]
  }

  /// Records a value with no slot, following `--overflow`.
  mutating func spill(_ label: String, _ value: String) throws {
    switch options.overflow {
    case .notes:
      overflow.append("\(label): \(value)")
      diagnostics.note("\(label.lowercased()) \"\(value)\" has no EWS slot; written to the notes", at: location, code: "overflow")
    case .drop:
      diagnostics.warning("\(label.lowercased()) \"\(value)\" has no EWS slot; dropped", at: location, code: "overflow")
    case .error:
      throw FerryError(.unrepresentable, "\(label.lowercased()) \"\(value)\" has no EWS slot (--overflow error)", at: location)
    }
  }

  private static func body(_ text: String) -> XMLElement {
    XMLElement(name: "Body", attributes: [("BodyType", "Text")], text: text)
  }

  private static func dateTime(_ date: PartialDate) -> String? {
    guard let m = date.month, let d = date.day else { return nil }
    // Outlook's year for "no year"; exchangelib's 11:59Z keeps the day in every zone.
    let y = date.year ?? 1604
    return LocalDate(year: y, month: m, day: d).description + "T11:59:00Z"
  }

  // MARK: - Contact

  mutating func fields(_ c: Contact) throws -> [EWSField] {
    overflow = []
    var main: [EWSField] = []
    main.reserveCapacity(32)
    func add(_ uri: String, _ name: String, _ value: String?) {
      guard let value, !value.isEmpty else { return }
      main.append(EWSField(uri: uri, node: Self.leaf(name, value)))
    }
    func dictionary(_ uri: String, _ container: String, _ key: String, _ value: String, attributes: [(String, String)] = []) {
      main.append(
        EWSField(
          indexed: uri, index: key,
          node: XMLElement(
            name: container,
            children: [XMLElement(name: "Entry", attributes: attributes.isEmpty ? [("Key", key)] : [("Key", key)] + attributes.map { ($0.0, $0.1) }, text: value)])))
    }
    if let prefix = c.name.prefix, !prefix.isEmpty { try spill("Name prefix", prefix) }
    add("contacts:DisplayName", "DisplayName", c.formattedName ?? (c.name.isEmpty ? nil : c.name.displayName))
    add("contacts:GivenName", "GivenName", c.name.given)
    add("contacts:MiddleName", "MiddleName", c.name.middle)
    add("contacts:Nickname", "Nickname", c.nicknames.first)
    for extra in c.nicknames.dropFirst() { try spill("Nickname", extra) }
    add("contacts:CompanyName", "CompanyName", c.organization)
    for (i, email) in c.emails.enumerated() {
      if i < 3 {
        dictionary("contacts:EmailAddress", "EmailAddresses", "EmailAddress\(i + 1)", email.address)
      } else {
        try spill("E-mail", email.address)
      }
    }
    var addressKeys: [String] = []
    for a in c.addresses {
      guard let key = EWSSlots.addressKey(a.types), !addressKeys.contains(key) else {
        try spill("Address", [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", "))
        continue
      }
      addressKeys.append(key)
      var street = a.street ?? ""
      if let extra = a.extended, !extra.isEmpty { street += street.isEmpty ? extra : "\n" + extra }
      if let extra = a.poBox, !extra.isEmpty { street += street.isEmpty ? extra : "\n" + extra }
      for (part, value) in [("Street", street), ("City", a.locality ?? ""), ("State", a.region ?? ""), ("CountryOrRegion", a.country ?? ""), ("PostalCode", a.postalCode ?? "")]
      where !value.isEmpty {
        main.append(
          EWSField(
            addressPart: part, index: key,
            node: XMLElement(
              name: "PhysicalAddresses",
              children: [XMLElement(name: "Entry", attributes: [("Key", key)], children: [Self.leaf(part, value)])])))
      }
    }
    let (slotted, phoneOverflow) = EWSSlots.assignPhones(c.phones)
    for (key, phone) in slotted { dictionary("contacts:PhoneNumber", "PhoneNumbers", key, phone.number) }
    for phone in phoneOverflow { try spill("Phone (\(phone.types.joined(separator: ",")))", phone.number) }
    let assistant = c.related.first { $0.relation == "assistant" }
    add("contacts:AssistantName", "AssistantName", assistant?.value)
    if let b = c.birthday {
      if let text = Self.dateTime(b) { add("contacts:Birthday", "Birthday", text) } else { try spill("Birthday", b.description) }
    }
    add("contacts:BusinessHomePage", "BusinessHomePage", c.urls.first?.value)
    for url in c.urls.dropFirst() { try spill("URL", url.value) }
    let children = c.related.filter { $0.relation == "child" }
    if !children.isEmpty {
      main.append(
        EWSField(uri: "contacts:Children", node: XMLElement(name: "Children", children: children.map { Self.leaf("String", $0.value) })))
    }
    add("contacts:Department", "Department", c.department)
    add("contacts:Generation", "Generation", c.name.suffix)
    for (i, im) in c.instantMessaging.enumerated() {
      if i < 3 {
        dictionary("contacts:ImAddress", "ImAddresses", "ImAddress\(i + 1)", im.handle)
      } else {
        try spill("IM", im.handle)
      }
    }
    add("contacts:JobTitle", "JobTitle", c.title)
    add("contacts:Manager", "Manager", c.related.first { $0.relation == "manager" }?.value)
    add("contacts:Profession", "Profession", c.role)
    add("contacts:SpouseName", "SpouseName", c.related.first { $0.relation == "spouse" }?.value)
    for r in c.related where !["assistant", "manager", "spouse", "child"].contains(r.relation) {
      try spill("Related (\(r.relation))", r.value)
    }
    add("contacts:Surname", "Surname", c.name.family)
    if let a = c.anniversary {
      if let text = Self.dateTime(a) {
        add("contacts:WeddingAnniversary", "WeddingAnniversary", text)
      } else {
        try spill("Anniversary", a.description)
      }
    }
    add("contacts:PhoneticFirstName", "PhoneticFirstName", c.name.phoneticGiven)
    add("contacts:PhoneticLastName", "PhoneticLastName", c.name.phoneticFamily)
    // The ItemType prefix comes first: Body, Categories, ExtendedProperty.
    var head: [EWSField] = []
    let parts = overflow.isEmpty ? c.notes : c.notes + [overflow.joined(separator: "\n")]
    let notes = parts.count == 1 ? parts[0] : parts.joined(separator: "\n\n")
    if !notes.isEmpty { head.append(EWSField(uri: "item:Body", node: Self.body(notes))) }
    if !c.categories.isEmpty {
      head.append(
        EWSField(uri: "item:Categories", node: XMLElement(name: "Categories", children: c.categories.map { Self.leaf("String", $0) })))
    }
    head += Self.crmFields(c.source)
    // Moved in front within `main`'s buffer rather than copied into a new array.
    main.insert(contentsOf: head, at: 0)
    return main
  }

  // MARK: - Calendar item

  /// The fields of an event; `recurrence` is the `t:Recurrence` element when the rule fits.
  mutating func fields(_ e: Event, recurrence: XMLElement?) throws -> [EWSField] {
    overflow = []
    var fields: [EWSField] = []
    func add(_ uri: String, _ name: String, _ value: String?) {
      guard let value, !value.isEmpty else { return }
      fields.append(EWSField(uri: uri, node: Self.leaf(name, value)))
    }
    add("item:Subject", "Subject", e.summary)
    switch e.privacy {
    case .public: add("item:Sensitivity", "Sensitivity", "Normal")
    case .private: add("item:Sensitivity", "Sensitivity", "Private")
    case .confidential: add("item:Sensitivity", "Sensitivity", "Confidential")
    case nil: break
    }
    let body = e.description ?? ""
    if !body.isEmpty { fields.append(EWSField(uri: "item:Body", node: Self.body(body))) }
    if !e.categories.isEmpty {
      fields.append(
        EWSField(uri: "item:Categories", node: XMLElement(name: "Categories", children: e.categories.map { Self.leaf("String", $0) })))
    }
    if let p = e.priority, p > 0 { add("item:Importance", "Importance", p < 5 ? "High" : p == 5 ? "Normal" : "Low") }
    let (reminder, unplaced) = ExchangeCalendarItem.reminder(of: e)
    if let reminder, let minutes = ExchangeCalendarItem.minutesBeforeStart(reminder, of: e) {
      add("item:ReminderIsSet", "ReminderIsSet", "true")
      add("item:ReminderMinutesBeforeStart", "ReminderMinutesBeforeStart", "\(minutes)")
    }
    ExchangeCalendarItem.noteUnplacedReminders(
      of: e, kept: reminder, unplaced: unplaced, target: "an EWS calendar item", diagnostics: diagnostics, location: location)
    fields += Self.crmFields(e.source)
    add("calendar:UID", "UID", e.uid)
    let zones = ExchangeZones(event: e, fallbackZone: options.calendar.zone)
    zones.warnUnresolved(diagnostics, at: location)
    var startZone: String?
    var endZone: String?
    let legacy = options.exchange.serverVersionLacksStartTimeZone
    /// Exchange 2007 reads a time with no offset as UTC: a whole day goes out as the midnight
    /// of --zone, with its offset, when there is one.
    func write(_ t: ExchangeTime) -> (text: String, windowsZone: String?) {
      if legacy, case .date(let d, let windows) = t, let zone = zones.fallback {
        let midnight = LocalDateTime(date: d, time: .midnight)
        return (EWSTime.format(midnight, offset: zone.offset(atLocal: midnight)), windows)
      }
      return EWSTime.write(t)
    }
    if let start = e.start {
      let w = write(zones.time(start, utc: options.calendar.utc))
      add("calendar:Start", "Start", w.text)
      startZone = w.windowsZone
    }
    var end = e.end
    if end == nil, let start = e.start, let duration = e.duration {
      end = shifted(start, seconds: duration.totalSeconds)
    }
    if end == nil, let start = e.start, e.isAllDay, case .date(let d) = start { end = .date(d.adding(days: 1)) }
    if let end {
      let w = write(zones.time(end, utc: options.calendar.utc))
      add("calendar:End", "End", w.text)
      endZone = w.windowsZone
    }
    if e.isAllDay { add("calendar:IsAllDayEvent", "IsAllDayEvent", "true") }
    switch e.busyStatus {
    case .free: add("calendar:LegacyFreeBusyStatus", "LegacyFreeBusyStatus", "Free")
    case .tentative: add("calendar:LegacyFreeBusyStatus", "LegacyFreeBusyStatus", "Tentative")
    case .busy: add("calendar:LegacyFreeBusyStatus", "LegacyFreeBusyStatus", "Busy")
    case .outOfOffice: add("calendar:LegacyFreeBusyStatus", "LegacyFreeBusyStatus", "OOF")
    case .workingElsewhere: add("calendar:LegacyFreeBusyStatus", "LegacyFreeBusyStatus", "WorkingElsewhere")
    case nil: break
    }
    add("calendar:Location", "Location", e.location)
    func attendees(_ uri: String, _ name: String, _ list: [Attendee]) {
      guard !list.isEmpty else { return }
      fields.append(
        EWSField(
          uri: uri,
          node: XMLElement(
            name: name,
            children: list.map { a in
              var mailbox = XMLElement(name: "Mailbox")
              if let n = a.name, !n.isEmpty { mailbox.children.append(Self.leaf("Name", n)) }
              if let m = a.email, !m.isEmpty { mailbox.children.append(Self.leaf("EmailAddress", m)) }
              return XMLElement(name: "Attendee", children: [mailbox])
            })))
    }
    let people = e.attendees.filter { $0.email != nil || $0.name != nil }
    let resources = people.filter { $0.kind == .resource || $0.kind == .room }
    let others = people.filter { $0.kind != .resource && $0.kind != .room }
    attendees("calendar:RequiredAttendees", "RequiredAttendees", others.filter { $0.role != .optional && $0.role != .nonParticipant })
    attendees("calendar:OptionalAttendees", "OptionalAttendees", others.filter { $0.role == .optional || $0.role == .nonParticipant })
    attendees("calendar:Resources", "Resources", resources)
    if let recurrence { fields.append(EWSField(uri: "calendar:Recurrence", node: recurrence)) }
    if legacy, startZone != nil || endZone != nil {
      // Exchange 2007 has no StartTimeZone/EndTimeZone (Exchange 2010 brought them); its
      // MeetingTimeZone holds the zone as a bias and yearly daylight-saving rules, which is
      // what a series' wall clock and an all-day event's days need. Timed values carry their
      // offset anyway, so a single event keeps its instant either way.
      let zone = e.isAllDay ? zones.fallback : zones.startZone
      let year = e.start?.localDateTime.date.year ?? 2026
      if let zone, let element = Self.meetingTimeZone(zone, year: year) {
        fields.append(EWSField(uri: "calendar:MeetingTimeZone", node: element))
      } else if e.isAllDay || e.recurrence != nil {
        diagnostics.warning(
          "\(options.exchange.serverVersion) has no StartTimeZone (Exchange2010 brought it) and the zone \"\(zone?.name ?? "")\" has no yearly rule MeetingTimeZone can hold; \(e.isAllDay ? "the all-day event's days are read in the server's zone" : "the series is written with fixed offsets, so occurrences after a daylight-saving change may move by an hour"): use --exchange-version Exchange2010 or later",
          at: location, code: "zone")
      }
      return fields
    }
    if let startZone {
      fields.append(EWSField(uri: "calendar:StartTimeZone", node: XMLElement(name: "StartTimeZone", attributes: [("Id", startZone)])))
    }
    if let endZone = endZone ?? startZone {
      fields.append(EWSField(uri: "calendar:EndTimeZone", node: XMLElement(name: "EndTimeZone", attributes: [("Id", endZone)])))
    }
    return fields
  }

  /// Exchange 2007's `t:MeetingTimeZone` for a zone in `year`: `BaseOffset` (the bias: UTC
  /// minus local standard time), and when there is daylight-saving time, its `Standard` and
  /// `Daylight` changes as relative yearly rules (as Windows keeps them). Nil when the zone's
  /// changes follow no such rule that year.
  static func meetingTimeZone(_ zone: ExchangeZone, year: Int) -> XMLElement? {
    let definition = ZoneDefinition(zone: zone.zone, tzid: zone.name, years: year...year)
    var element = XMLElement(name: "MeetingTimeZone", attributes: zone.windowsName.map { [("TimeZoneName", $0)] } ?? [])
    let standard = definition.observances.last { $0.kind == .standard }
    let daylight = definition.observances.last { $0.kind == .daylight }
    guard let standard else { return nil }
    element.children.append(leaf("BaseOffset", duration(-standard.offsetTo)))
    guard let daylight else { return element }
    guard let s = timeChange("Standard", standard, bias: 0),
      let d = timeChange("Daylight", daylight, bias: standard.offsetTo - daylight.offsetTo)
    else { return nil }
    element.children += [s, d]
    return element
  }

  private static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
  ]

  /// A `t:TimeChangeType`: the bias added to `BaseOffset`, the yearly rule, the local time.
  private static func timeChange(_ name: String, _ o: ZoneDefinition.Observance, bias: Int) -> XMLElement? {
    guard let rule = o.rule, rule.frequency == .yearly, rule.interval == 1, rule.byMonth.count == 1,
      let month = rule.byMonth.first, (1...12).contains(month), rule.byDay.count == 1, let day = rule.byDay.first,
      let index = [1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"][day.ordinal ?? 0]
    else { return nil }
    let weekday = [
      "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday", "SU": "Sunday",
    ][day.weekday.rawValue] ?? "Sunday"
    let time = o.start.time
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return XMLElement(
      name: name,
      children: [
        leaf("Offset", duration(bias)),
        XMLElement(
          name: "RelativeYearlyRecurrence",
          children: [leaf("DaysOfWeek", weekday), leaf("DayOfWeekIndex", index), leaf("Month", monthNames[month - 1])]),
        leaf("Time", "\(two(time.hour)):\(two(time.minute)):\(two(time.second))"),
      ])
  }

  /// An `xs:duration` of whole minutes: `-PT1H`, `PT5H30M`, `PT0M`.
  private static func duration(_ seconds: Int) -> String {
    let minutes = abs(seconds) / 60
    var text = seconds < 0 ? "-PT" : "PT"
    if minutes / 60 > 0 { text += "\(minutes / 60)H" }
    if minutes % 60 > 0 || minutes == 0 { text += "\(minutes % 60)M" }
    return text
  }

  private func shifted(_ t: EventTime, seconds: Int) -> EventTime {
    switch t {
    case .date(let d): return .date(d.adding(days: seconds / 86400))
    case .floating(let l): return .floating(l.adding(seconds: seconds))
    case .utc(let l): return .utc(l.adding(seconds: seconds))
    case .zoned(let l, let z): return .zoned(l.adding(seconds: seconds), zone: z)
    }
  }

  // MARK: - Assembling

  /// The children of a created item: the fields, with dictionary entries merged into one
  /// container per dictionary and address parts into one entry per key.
  private static let dictionaries: Set<String> = ["EmailAddresses", "PhoneNumbers", "PhysicalAddresses", "ImAddresses"]

  /// The place of a dictionary container in `dictionaries` (by name, without hashing), or nil.
  static func dictionaryIndex(_ name: String) -> Int? {
    switch name {
    case "EmailAddresses": 0
    case "PhoneNumbers": 1
    case "PhysicalAddresses": 2
    case "ImAddresses": 3
    default: nil
    }
  }

  /// Writes the children `merged(fields)` gives, in the same order, without building them:
  /// a dictionary's container goes out where its first field stands, holding the entries of
  /// every field of that dictionary; an entry of a later field that has children, and whose
  /// key an earlier entry has, adds its children to the first entry with that key (the parts
  /// of one address) instead of going out itself.
  static func writeMerged(_ fields: [EWSField], to sink: XMLTextWriterSink) {
    var written: UInt8 = 0
    for i in fields.indices {
      let node = fields[i].node
      guard let index = dictionaryIndex(node.name) else {
        sink.write(node)
        continue
      }
      guard written & (1 << index) == 0 else { continue }
      written |= 1 << index
      let name = node.name
      sink.start(prefix: "t:", name)
      for a in node.attributes { sink.attribute(a.name, a.value) }
      if !node.text.isEmpty { sink.text(node.text) }
      for j in i..<fields.count where fields[j].node.name == name {
        let entries = fields[j].node.children
        for c in entries.indices {
          let entry = entries[c]
          let key = entry.attribute("Key")
          let earlier = keyComesBefore(key, field: j, entry: c, from: i, name: name, in: fields)
          if j > i, earlier, !entry.children.isEmpty { continue }  // went into the first entry with its key
          sink.start(prefix: "t:", entry.name)
          sink.writeContent(entry)
          if !earlier {
            // The first entry with its key: the children of later fields' entries with that key.
            for k in max(j, i + 1)..<fields.count where fields[k].node.name == name {
              let more = fields[k].node.children
              for x in (k == j ? c + 1 : 0)..<more.count where !more[x].children.isEmpty && more[x].attribute("Key") == key {
                for child in more[x].children { sink.write(child) }
              }
            }
          }
          sink.end()
        }
      }
      sink.end()
    }
  }

  /// Whether an entry with `key` comes before entry `c` of field `j`, among the entries of
  /// the fields from `i` on whose container is `name`.
  private static func keyComesBefore(_ key: String?, field j: Int, entry c: Int, from i: Int, name: String, in fields: [EWSField]) -> Bool {
    for k in i...j where fields[k].node.name == name {
      let entries = fields[k].node.children
      for x in 0..<(k == j ? c : entries.count) where entries[x].attribute("Key") == key { return true }
    }
    return false
  }

  static func merged(_ fields: [EWSField]) -> [XMLElement] {
    var out: [XMLElement] = []
    for f in fields {
      if dictionaries.contains(f.node.name), let i = out.lastIndex(where: { $0.name == f.node.name }) {
        for entry in f.node.children {
          if let j = out[i].children.firstIndex(where: { $0.attribute("Key") == entry.attribute("Key") }), !entry.children.isEmpty {
            out[i].children[j].children += entry.children
          } else {
            out[i].children.append(entry)
          }
        }
      } else {
        out.append(f.node)
      }
    }
    return out
  }
}
