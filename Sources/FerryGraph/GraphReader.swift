import FerryModel
import FerryTime
import Foundation

/// Reads Microsoft Graph `GET` response pages (`{"@odata.context": …, "value": [ … ]}`) of
/// contacts or events: a mailbox export. Also accepts a bare array of resources.
///
/// A page is parsed whole (Graph pages hold at most 1,000 items), then handed out one record
/// at a time.
///
/// Coverage: [x] contact names, emailAddresses, businessPhones/homePhones/mobilePhone,
/// addresses, company, jobTitle, department, profession, birthday, personalNotes, categories,
/// assistant/manager/spouse/children, imAddresses, businessHomePage, extended properties
/// (ferry's FerryCrmId → `source`); [x] event subject, body, start/end with Windows zones,
/// isAllDay, location, sensitivity, showAs, importance, reminder, attendees, organizer,
/// recurrence (all patterns and ranges), iCalUId; [-] other keys kept raw (origin `graph`).
public struct GraphReader: RecordReader {
  private var items: [[String: Any]] = []
  private var index = 0
  private var isEventPage: Bool?
  private let diagnostics: DiagnosticSink
  private let file: String
  public private(set) var lastRecordLocation: SourceLocation?

  public init(input: ByteInput, diagnostics: DiagnosticSink) throws {
    self.diagnostics = diagnostics
    file = input.name
    let bytes = try input.readAll()
    let json: Any
    do {
      json = try JSONSerialization.jsonObject(with: Data(bytes))
    } catch {
      // Foundation names no position; find it, so the message points at the broken byte.
      if let problem = JSONSyntax.firstError(in: bytes) {
        throw FerryError(
          .malformedInput, "input is not JSON: \(problem.message)",
          at: SourceLocation(file: file, line: problem.line, column: problem.column))
      }
      throw FerryError(.malformedInput, "input is not JSON: \(error.localizedDescription)", at: SourceLocation(file: file, line: 1, column: 1))
    }
    if let comma = JSONSyntax.trailingComma(in: bytes), comma.message.hasPrefix("a comma before") {
      // Foundation reads `[1,]`; JSON forbids it, and Graph never writes it: a hand-edited file.
      diagnostics.warning(
        "\(comma.message); read as if it were not there", at: SourceLocation(file: file, line: comma.line, column: comma.column),
        code: "syntax")
    }
    if let page = json as? [String: Any] {
      if let context = (page["@odata.context"] as? String)?.lowercased() {
        if context.contains("/events") || context.contains("calendarview") || context.contains("/instances") { isEventPage = true }
        if context.contains("/contacts") || context.contains("/orgcontacts") { isEventPage = false }
      }
      if let value = page["value"] as? [Any] {
        items = value.compactMap { $0 as? [String: Any] }
      } else if page.keys.contains(where: { !$0.hasPrefix("@odata.") }) {
        // A single resource (`GET /me/contacts/{id}`, an `$entity` context).
        items = [page]
      } else {
        throw FerryError(.malformedInput, "Graph page has no \"value\" array", at: SourceLocation(file: file, line: 1, column: 1))
      }
    } else if let array = json as? [Any] {
      items = array.compactMap { $0 as? [String: Any] }
    }
  }

  /// Keys only events have, for pages that do not say what they hold.
  private static let eventOnlyKeys: Set<String> = [
    "start", "end", "subject", "iCalUId", "originalStartTimeZone", "responseStatus", "isAllDay", "showAs", "seriesMasterId",
    "organizer", "attendees", "isOrganizer", "onlineMeeting",
  ]

  public mutating func next() throws -> Record? {
    while index < items.count {
      var item = items[index]
      index += 1
      lastRecordLocation = SourceLocation(file: file, line: 1, column: 1, record: index)
      if item["@removed"] != nil {
        // A delta page's tombstone: the item was deleted (or left the view) in the mailbox.
        diagnostics.note(
          "item \(str(item["id"]) ?? "") is marked @removed (deleted in the mailbox, a delta page); skipped",
          at: lastRecordLocation, code: "skipped")
        continue
      }
      if Self.isPascalCase(item) {
        // Outlook REST API v2.0 (`GivenName`, `EmailAddresses`): the same resources, capitalised.
        item = Self.camelCased(item) as? [String: Any] ?? item
      }
      let type = (item["@odata.type"] as? String)?.lowercased()
      let isEvent: Bool
      if let type, type.hasSuffix(".event") {
        isEvent = true
      } else if let type, type.hasSuffix("contact") {
        isEvent = false
      } else {
        isEvent = isEventPage ?? item.keys.contains { Self.eventOnlyKeys.contains($0) }
      }
      return isEvent ? .event(event(item)) : .contact(contact(item))
    }
    return nil
  }

  /// Whether every key that is not an annotation starts upper-case (Outlook REST v2.0).
  private static func isPascalCase(_ item: [String: Any]) -> Bool {
    let keys = item.keys.filter { !$0.hasPrefix("@") }
    return !keys.isEmpty && keys.allSatisfy { $0.first?.isUppercase == true }
  }

  /// The JSON value with every object key's first letter lower-cased, recursively.
  private static func camelCased(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
      var out: [String: Any] = [:]
      for (k, v) in object {
        let key = k.hasPrefix("@") ? k : k.prefix(1).lowercased() + k.dropFirst()
        out[key] = camelCased(v)
      }
      return out
    }
    if let array = value as? [Any] { return array.map(camelCased) }
    return value
  }

  private func str(_ v: Any?) -> String? {
    guard let s = v as? String, !s.isEmpty else { return nil }
    return s
  }

  private func strings(_ v: Any?) -> [String] { (v as? [Any])?.compactMap { str($0) } ?? [] }

  private func readSource(_ item: [String: Any], raw: inout [RawProperty]) -> SourceIdentity? {
    var source: SourceIdentity?
    var id: String?
    var origin: String?
    for p in (item["singleValueExtendedProperties"] as? [[String: Any]]) ?? [] {
      let pid = str(p["id"]) ?? ""
      if pid.caseInsensitiveCompare(FerryCrmProperty.graphIdPropertyId) == .orderedSame { id = str(p["value"]) } else if pid
        .caseInsensitiveCompare(FerryCrmProperty.graphSourcePropertyId) == .orderedSame
      {
        origin = str(p["value"])
      } else {
        raw.append(RawProperty(name: "singleValueExtendedProperties", parameters: [RawParameter(name: "id", values: [pid])], value: str(p["value"]) ?? "", origin: "graph"))
      }
    }
    if let id {
      let parts = (origin ?? "crm").split(separator: "/", maxSplits: 1).map(String.init)
      source = SourceIdentity(system: parts.first ?? "crm", objectType: parts.count > 1 ? parts[1] : nil, recordId: id)
    }
    return source
  }

  private static let contactKeys: Set<String> = [
    "givenName", "middleName", "surname", "displayName", "title", "generation", "nickName", "yomiGivenName", "yomiSurname",
    "companyName", "department", "jobTitle", "profession", "assistantName", "manager", "spouseName", "children", "birthday",
    "emailAddresses", "businessPhones", "homePhones", "mobilePhone", "businessHomePage", "imAddresses", "businessAddress",
    "homeAddress", "otherAddress", "categories", "personalNotes", "singleValueExtendedProperties", "id", "@odata.etag",
    "createdDateTime", "lastModifiedDateTime", "mail", "phones", "addresses",
  ]

  private func keepRest(_ item: [String: Any], known: Set<String>, raw: inout [RawProperty]) {
    for key in item.keys.sorted() where !known.contains(key) {
      guard let value = item[key], !(value is NSNull) else { continue }
      let text: String
      if let s = value as? String {
        text = s
      } else if JSONSerialization.isValidJSONObject(value), let d = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
        text = String(decoding: d, as: UTF8.self)
      } else {
        text = "\(value)"
      }
      if text.isEmpty || text == "[]" { continue }
      raw.append(RawProperty(name: key, value: text, origin: "graph"))
    }
  }

  private func contact(_ item: [String: Any]) -> Contact {
    var c = Contact()
    if let id = str(item["id"]) { c.raw.append(RawProperty(name: "id", value: id, origin: "graph")) }
    c.name = PersonName(
      prefix: str(item["title"]), given: str(item["givenName"]), middle: str(item["middleName"]), family: str(item["surname"]),
      suffix: str(item["generation"]), phoneticGiven: str(item["yomiGivenName"]), phoneticFamily: str(item["yomiSurname"]))
    c.formattedName = str(item["displayName"])
    if let n = str(item["nickName"]) { c.nicknames = [n] }
    c.organization = str(item["companyName"])
    c.department = str(item["department"])
    c.title = str(item["jobTitle"])
    c.role = str(item["profession"])
    if let a = str(item["assistantName"]) { c.related.append(RelatedPerson(relation: "assistant", value: a)) }
    if let m = str(item["manager"]) { c.related.append(RelatedPerson(relation: "manager", value: m)) }
    if let s = str(item["spouseName"]) { c.related.append(RelatedPerson(relation: "spouse", value: s)) }
    for child in strings(item["children"]) { c.related.append(RelatedPerson(relation: "child", value: child)) }
    if let b = str(item["birthday"]) {
      if let d = LocalDate(iso: b.prefix(10)) {
        c.birthday = d.year == 1604 ? PartialDate(month: d.month, day: d.day) : PartialDate(d)
      } else {
        c.raw.append(RawProperty(name: "birthday", value: b, origin: "graph"))
      }
    }
    for e in (item["emailAddresses"] as? [[String: Any]]) ?? [] {
      guard let a = str(e["address"]) else { continue }
      // Graph beta types its addresses (`work`, `personal`, `other`, with `otherLabel`).
      var email = EmailAddress(a)
      switch str(e["type"])?.lowercased() {
      case "work": email.types = ["work"]
      case "personal": email.types = ["home"]
      case "other": email.types = ["other"]
      default: break
      }
      email.label = str(e["otherLabel"])
      c.emails.append(email)
    }
    for p in strings(item["businessPhones"]) { c.phones.append(PhoneNumber(p, types: ["work", "voice"])) }
    for p in strings(item["homePhones"]) { c.phones.append(PhoneNumber(p, types: ["home", "voice"])) }
    if let m = str(item["mobilePhone"]) { c.phones.append(PhoneNumber(m, types: ["cell"])) }
    if let u = str(item["businessHomePage"]) { c.urls.append(LabeledValue(u, types: ["work"])) }
    for im in strings(item["imAddresses"]) { c.instantMessaging.append(IMHandle(handle: im)) }
    for (key, type) in [("businessAddress", "work"), ("homeAddress", "home"), ("otherAddress", "other")] {
      guard let a = item[key] as? [String: Any] else { continue }
      let address = PostalAddress(
        street: str(a["street"]), locality: str(a["city"]), region: str(a["state"]), postalCode: str(a["postalCode"]),
        country: str(a["countryOrRegion"]), types: [type])
      if !address.isEmpty { c.addresses.append(address) }
    }
    // Directory contacts (`orgContact`): one `mail`, typed `phones`, `addresses`.
    if let m = str(item["mail"]), !c.emails.contains(where: { $0.address == m }) { c.emails.append(EmailAddress(m)) }
    for p in (item["phones"] as? [[String: Any]]) ?? [] {
      guard let number = str(p["number"]) else { continue }
      let types: [String] =
        switch str(p["type"])?.lowercased() {
        case "business": ["work", "voice"]
        case "businessfax": ["work", "fax"]
        case "home": ["home", "voice"]
        case "homefax": ["home", "fax"]
        case "mobile": ["cell"]
        case "pager": ["pager"]
        default: ["other"]
        }
      c.phones.append(PhoneNumber(number, types: types))
    }
    for a in (item["addresses"] as? [[String: Any]]) ?? [] {
      let address = PostalAddress(
        street: str(a["street"]), locality: str(a["city"]), region: str(a["state"]), postalCode: str(a["postalCode"]),
        country: str(a["countryOrRegion"]), types: ["work"])
      if !address.isEmpty { c.addresses.append(address) }
      if let office = str(a["officeLocation"]), office != address.locality {
        c.raw.append(RawProperty(name: "officeLocation", value: office, origin: "graph"))
      }
    }
    c.categories = strings(item["categories"])
    if let n = str(item["personalNotes"]) { c.notes = [n] }
    c.created = stamp(item, "createdDateTime", raw: &c.raw)
    c.lastModified = stamp(item, "lastModifiedDateTime", raw: &c.raw)
    c.source = readSource(item, raw: &c.raw)
    if c.source == nil, let id = str(item["id"]) { c.source = SourceIdentity(system: "graph", objectType: "contact", recordId: id) }
    keepRest(item, known: Self.contactKeys, raw: &c.raw)
    return c
  }

  /// A timestamp key; a value that is no timestamp is kept raw.
  private func stamp(_ item: [String: Any], _ key: String, raw: inout [RawProperty]) -> Timestamp? {
    guard let text = str(item[key]) else { return nil }
    if let t = Timestamp(text: text) { return t }
    raw.append(RawProperty(name: key, value: text, origin: "graph"))
    return nil
  }

  private static let eventKeys: Set<String> = [
    "subject", "body", "start", "end", "isAllDay", "location", "sensitivity", "showAs", "importance", "isReminderOn",
    "reminderMinutesBeforeStart", "attendees", "organizer", "recurrence", "iCalUId", "categories", "id", "@odata.etag",
    "singleValueExtendedProperties", "createdDateTime", "lastModifiedDateTime", "isCancelled", "originalStartTimeZone",
    "originalEndTimeZone", "bodyPreview", "type", "seriesMasterId",
  ]

  private func time(_ v: Any?, allDay: Bool) -> EventTime? {
    guard let o = v as? [String: Any], let text = str(o["dateTime"]) else { return nil }
    guard let local = LocalDateTime(iso: text.prefix(19)) else { return nil }
    let zone = str(o["timeZone"]) ?? "UTC"
    if allDay { return .date(local.date) }
    if zone == "UTC" || zone == "Etc/UTC" { return .utc(local) }
    if let iana = WindowsZones.iana(forWindows: zone) { return .zoned(local, zone: iana) }
    return .zoned(local, zone: zone)
  }

  private func event(_ item: [String: Any]) -> Event {
    var e = Event()
    if let id = str(item["id"]) { e.raw.append(RawProperty(name: "id", value: id, origin: "graph")) }
    e.summary = str(item["subject"])
    if let body = item["body"] as? [String: Any], let content = str(body["content"]) {
      e.description = (str(body["contentType"]) == "html") ? content.replacingOccurrences(of: "<br>", with: "\n") : content
    }
    if e.description == nil, let preview = str(item["bodyPreview"]) {
      // A `$select` without `body` leaves the preview (its first 255 characters) as the only text.
      e.description = preview
    }
    e.isAllDay = (item["isAllDay"] as? Bool) ?? false
    e.start = time(item["start"], allDay: e.isAllDay)
    e.end = time(item["end"], allDay: e.isAllDay)
    e.location = (item["location"] as? [String: Any]).flatMap { str($0["displayName"]) }
    switch str(item["sensitivity"]) {
    case "normal": e.privacy = .public
    case "private", "personal": e.privacy = .private
    case "confidential": e.privacy = .confidential
    default: break
    }
    switch str(item["showAs"]) {
    case "free": e.busyStatus = .free
    case "tentative": e.busyStatus = .tentative
    case "busy": e.busyStatus = .busy
    case "oof": e.busyStatus = .outOfOffice
    case "workingElsewhere": e.busyStatus = .workingElsewhere
    default: break
    }
    switch str(item["importance"]) {
    case "high": e.priority = 1
    case "low": e.priority = 9
    default: break
    }
    if (item["isReminderOn"] as? Bool) == true, let m = item["reminderMinutesBeforeStart"] as? Int {
      if m.magnitude <= Reminder.maximumMinutes {
        e.reminders = [Reminder(offset: EventDuration(totalSeconds: -m * 60))]
      } else {
        e.raw.append(RawProperty(name: "reminderMinutesBeforeStart", value: String(m), origin: "graph"))
      }
    }
    if (item["isCancelled"] as? Bool) == true { e.status = .cancelled }
    e.uid = str(item["iCalUId"])
    e.categories = strings(item["categories"])
    for a in (item["attendees"] as? [[String: Any]]) ?? [] {
      let address = a["emailAddress"] as? [String: Any]
      var attendee = Attendee(email: str(address?["address"]), name: str(address?["name"]))
      switch str(a["type"]) {
      case "optional": attendee.role = .optional
      case "resource":
        attendee.role = .nonParticipant
        attendee.kind = .resource
      default: attendee.role = .required
      }
      switch (a["status"] as? [String: Any]).flatMap({ str($0["response"]) }) {
      case "accepted": attendee.status = .accepted
      case "declined": attendee.status = .declined
      case "tentativelyAccepted": attendee.status = .tentative
      case "notResponded": attendee.status = .needsAction
      default: break
      }
      e.attendees.append(attendee)
    }
    if let org = (item["organizer"] as? [String: Any])?["emailAddress"] as? [String: Any] {
      e.organizer = Attendee(email: str(org["address"]), name: str(org["name"]))
    }
    if let r = item["recurrence"] as? [String: Any] { e.recurrence = recurrence(r).map { Recurrence(rule: $0) } }
    e.source = readSource(item, raw: &e.raw)
    if e.source == nil, let id = str(item["id"]) { e.source = SourceIdentity(system: "graph", objectType: "event", recordId: id) }
    e.created = stamp(item, "createdDateTime", raw: &e.raw)
    e.lastModified = stamp(item, "lastModifiedDateTime", raw: &e.raw)
    keepRest(item, known: Self.eventKeys, raw: &e.raw)
    return e
  }

  private func recurrence(_ r: [String: Any]) -> RecurrenceRule? {
    guard let p = r["pattern"] as? [String: Any], let type = str(p["type"]) else { return nil }
    let days: [RecurrenceRule.Weekday] = strings(p["daysOfWeek"]).compactMap {
      ["monday": .monday, "tuesday": .tuesday, "wednesday": .wednesday, "thursday": .thursday, "friday": .friday, "saturday": .saturday, "sunday": .sunday][$0]
    }
    let interval = (p["interval"] as? Int) ?? 1
    let index = ["first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1][str(p["index"]) ?? "first"] ?? 1
    var rule: RecurrenceRule
    func relative() {
      if days.count == 1 { rule.byDay = [.init(days[0], ordinal: index)] } else {
        rule.byDay = days.map { .init($0) }
        rule.bySetPosition = [index]
      }
    }
    switch type {
    case "daily": rule = RecurrenceRule(frequency: .daily, interval: interval)
    case "weekly":
      rule = RecurrenceRule(frequency: .weekly, interval: interval)
      rule.byDay = days.map { .init($0) }
      if let f = str(p["firstDayOfWeek"]) {
        rule.weekStart = ["monday": .monday, "sunday": .sunday, "saturday": .saturday][f]
      }
    case "absoluteMonthly":
      rule = RecurrenceRule(frequency: .monthly, interval: interval)
      rule.byMonthDay = [(p["dayOfMonth"] as? Int) ?? 1]
    case "relativeMonthly":
      rule = RecurrenceRule(frequency: .monthly, interval: interval)
      relative()
    case "absoluteYearly":
      rule = RecurrenceRule(frequency: .yearly)
      rule.byMonth = [(p["month"] as? Int) ?? 1]
      rule.byMonthDay = [(p["dayOfMonth"] as? Int) ?? 1]
    case "relativeYearly":
      rule = RecurrenceRule(frequency: .yearly)
      rule.byMonth = [(p["month"] as? Int) ?? 1]
      relative()
    default: return nil
    }
    if let range = r["range"] as? [String: Any] {
      switch str(range["type"]) {
      case "endDate": rule.until = str(range["endDate"]).flatMap { LocalDate(iso: $0) }.map { .date($0) }
      case "numbered": rule.count = range["numberOfOccurrences"] as? Int
      default: break
      }
    }
    return rule
  }
}
