import FerryModel
import FerryTime
import Foundation

/// Reads Microsoft Graph `GET` response pages (`{"@odata.context": …, "value": [ … ]}`) of
/// contacts or events: a mailbox export. Also accepts a bare array of resources, a single
/// resource, and a `$batch` response (the bodies of its successful responses).
///
/// One input may hold several pages one after another (top-level JSON documents with only
/// white space between them: `GraphWriter`'s standard output, or pages appended by a fetch
/// loop). Each page is parsed whole (Graph pages hold at most 1,000 items) and handed out one
/// record at a time. A page that ends with `@odata.nextLink` and is the last of its input
/// means the mailbox export is incomplete: a warning. A Graph error body (`{"error": …}`) or
/// a failed `$batch` response is an error diagnostic with its position: whatever was meant
/// to be read there is missing.
///
/// Series (`type`): a `seriesMaster` is an event with its recurrence; its times are moved to
/// the series' own zone (`recurrence.range.recurrenceTimeZone`, else `originalStartTimeZone`)
/// when Graph gave them in another (a `Prefer: outlook.timezone="UTC"` page), so that
/// expansion keeps the wall clock across daylight-saving changes. An `exception` (from
/// `/instances` or `/calendarView`) whose master is in the same input joins the master as an
/// override, `originalStart` giving its `recurrenceId`. An `occurrence` whose master is in the
/// input is left out (the master's rule holds it; one note says how many). Instances whose
/// master is not within `holdLimit` items of them (a `calendarView` export holds no masters)
/// are read as single events, `seriesMasterId` and `originalStart` kept raw: exceptions with a
/// warning, occurrences with one note. The reader holds back at most `holdLimit` records.
///
/// Coverage: [x] contact names, emailAddresses, businessPhones/homePhones/mobilePhone,
/// addresses, company, jobTitle, department, profession, birthday, personalNotes, categories,
/// assistant/manager/spouse/children, imAddresses, businessHomePage, extended properties
/// (ferry's FerryCrmId → `source`); [x] event subject, body (HTML reduced to text, the HTML
/// kept raw when text loses something), start/end with Windows zones, isAllDay, location,
/// sensitivity, showAs, importance, reminder, attendees, organizer, recurrence (all patterns
/// and ranges, recurrenceTimeZone), type/seriesMasterId/originalStart, iCalUId; [-] other keys
/// kept raw (origin `graph`).
public struct GraphReader: RecordReader {
  /// How many records the reader holds back so that an exception can reach its master: one
  /// full Graph page.
  public static let holdLimit = 1000

  private var documents: JSONDocumentStream
  private var items: [(item: [String: Any], location: SourceLocation)] = []
  private var index = 0
  /// Where each item of the current document starts (see `JSONDocumentStream.Document`).
  private var itemStarts: [SourceLocation] = []
  private var isEventPage: Bool?
  private let options: ReadOptions
  private let diagnostics: DiagnosticSink
  private let file: String
  private var recordCount = 0
  /// The `@odata.nextLink` of the last page read, while no page has followed it.
  private var pendingNextLink: SourceLocation?
  private var held = HeldRecords()
  private var ready: [(Record, SourceLocation)] = []
  private var readyIndex = 0
  private var inputEnded = false
  private var droppedOccurrences = 0
  private var firstDroppedOccurrence: SourceLocation?
  private var notedOrphanOccurrence = false
  private var warnedAllDayZone = false
  public private(set) var lastRecordLocation: SourceLocation?

  public init(input: ByteInput, options: ReadOptions = ReadOptions(), diagnostics: DiagnosticSink) throws {
    self.diagnostics = diagnostics
    self.options = options
    file = input.name
    documents = JSONDocumentStream(input: input)
    // The first page is read now, so that an input that is no JSON at all fails at once.
    try loadNextDocument()
  }

  // MARK: - Documents and pages

  /// Reads the next top-level document into `items`; false at the end of the input.
  @discardableResult
  private mutating func loadNextDocument() throws -> Bool {
    guard let document = try documents.next() else { return false }
    let bytes = document.bytes
    /// A position inside the document, as a position in the file.
    func position(_ line: Int, _ column: Int) -> SourceLocation {
      SourceLocation(file: file, line: document.line + line - 1, column: line == 1 ? document.column + column - 1 : column)
    }
    let start = position(1, 1)
    let json: Any
    do {
      json = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    } catch {
      // Foundation names no position; find it, so the message points at the broken byte.
      if let problem = JSONSyntax.firstError(in: bytes) {
        throw FerryError(.malformedInput, "input is not JSON: \(problem.message)", at: position(problem.line, problem.column))
      }
      throw FerryError(.malformedInput, "input is not JSON: \(error.localizedDescription)", at: start)
    }
    if let comma = JSONSyntax.trailingComma(in: bytes), comma.message.hasPrefix("a comma before") {
      // Foundation reads `[1,]`; JSON forbids it, and Graph never writes it: a hand-edited file.
      diagnostics.warning("\(comma.message); read as if it were not there", at: position(comma.line, comma.column), code: "syntax")
    }
    items = []
    index = 0
    itemStarts = document.itemStarts.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    try page(json, at: start)
    return true
  }

  /// The items of a page's array with their positions: where each starts when the scan found
  /// one start per item, else the page's start.
  private func located(_ array: [Any], page: SourceLocation) -> [(item: [String: Any], location: SourceLocation)] {
    let objects = array.compactMap { $0 as? [String: Any] }
    guard objects.count == array.count, itemStarts.count == objects.count else { return objects.map { ($0, page) } }
    return Array(zip(objects, itemStarts))
  }

  /// Takes the items of one JSON document.
  private mutating func page(_ json: Any, at location: SourceLocation, nested: Bool = false) throws {
    if let array = json as? [Any] {
      pendingNextLink = nil
      items += !nested ? located(array, page: location) : array.compactMap { $0 as? [String: Any] }.map { ($0, location) }
      return
    }
    guard let page = json as? [String: Any] else {
      diagnostics.error("JSON value is neither a Graph page nor a resource; nothing read from it", at: location, code: "structure")
      return
    }
    if let error = page["error"] as? [String: Any] {
      // `{"error": {"code": …, "message": …}}`: what Graph answers instead of a page.
      pendingNextLink = nil
      diagnostics.error(
        "Graph error response \(Self.describe(error)); no item read from it (the export this file stands for is missing)",
        at: location, code: "provider-error")
      return
    }
    if let responses = page["responses"] as? [Any], page["value"] == nil {
      // A `$batch` response: each successful body is a page or a resource.
      for case let response as [String: Any] in responses {
        let id = (response["id"] as? String) ?? "?"
        let status = (response["status"] as? Int) ?? 0
        if (200..<300).contains(status) {
          if let body = response["body"] as? [String: Any] { try self.page(body, at: location, nested: true) }
          continue
        }
        let detail = ((response["body"] as? [String: Any])?["error"] as? [String: Any]).map(Self.describe) ?? ""
        diagnostics.error(
          "$batch response \"\(id)\" has status \(status)\(detail.isEmpty ? "" : " " + detail); no item read from it",
          at: location, code: "provider-error")
      }
      return
    }
    if let context = (page["@odata.context"] as? String)?.lowercased() {
      if context.contains("/events") || context.contains("calendarview") || context.contains("/instances") { isEventPage = true }
      if context.contains("/contacts") || context.contains("/orgcontacts") { isEventPage = false }
    }
    if let value = page["value"] as? [Any] {
      // A page's own items have their starts; the pages inside a `$batch` response do not.
      items += !nested ? located(value, page: location) : value.compactMap { $0 as? [String: Any] }.map { ($0, location) }
      pendingNextLink = page["@odata.nextLink"] is String ? location : nil
    } else if page.keys.contains(where: { !$0.hasPrefix("@odata.") }) {
      // A single resource (`GET /me/contacts/{id}`, an `$entity` context).
      items.append((page, location))
    } else {
      throw FerryError(.malformedInput, "Graph page has no \"value\" array", at: location)
    }
  }

  /// `code: "message"` of a Graph error object.
  private static func describe(_ error: [String: Any]) -> String {
    let code = (error["code"] as? String) ?? "unknown"
    let message = (error["message"] as? String) ?? ""
    return message.isEmpty ? code : "\(code): \"\(message)\""
  }

  /// Keys only events have, for pages that do not say what they hold.
  private static let eventOnlyKeys: Set<String> = [
    "start", "end", "subject", "iCalUId", "originalStartTimeZone", "responseStatus", "isAllDay", "showAs", "seriesMasterId",
    "organizer", "attendees", "isOrganizer", "onlineMeeting",
  ]

  public mutating func next() throws -> Record? {
    while true {
      if readyIndex < ready.count {
        let (record, location) = ready[readyIndex]
        readyIndex += 1
        if readyIndex == ready.count {
          ready.removeAll(keepingCapacity: true)
          readyIndex = 0
        }
        lastRecordLocation = location
        return record
      }
      if index < items.count {
        let (item, location) = items[index]
        index += 1
        read(item, at: location)
        continue
      }
      if !inputEnded {
        items = []
        if try loadNextDocument() { continue }
        inputEnded = true
        finishInput()
        continue
      }
      return nil
    }
  }

  /// One item of a page, into the held records.
  private mutating func read(_ raw: [String: Any], at pageLocation: SourceLocation) {
    var item = raw
    recordCount += 1
    let location = SourceLocation(file: file, line: pageLocation.line, column: pageLocation.column, record: recordCount)
    if item["@removed"] != nil {
      // A delta page's tombstone: the item was deleted (or left the view) in the mailbox.
      diagnostics.note(
        "item \(str(item["id"]) ?? "") is marked @removed (deleted in the mailbox, a delta page); skipped",
        at: location, code: "skipped")
      recordCount -= 1
      return
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
    guard isEvent else {
      hold(.contact(contact(item)), at: location, role: .plain)
      return
    }
    let (e, seriesZone) = event(item, at: location)
    let id = str(item["id"])
    switch str(item["type"]) {
    case "seriesMaster" where id != nil:
      hold(.event(e), at: location, role: .master(id: id ?? "", zone: seriesZone))
    case "exception", "occurrence":
      guard let master = str(item["seriesMasterId"]) else {
        hold(.event(e), at: location, role: .plain)
        return
      }
      hold(.event(e), at: location, role: .instance(masterId: master, isException: str(item["type"]) == "exception"))
    default:
      hold(.event(e), at: location, role: .plain)
    }
  }

  private mutating func finishInput() {
    for slot in held.releaseAll() { release(slot) }
    if droppedOccurrences > 0 {
      diagnostics.note(
        "\(droppedOccurrences) occurrence\(droppedOccurrences == 1 ? "" : "s") of series whose master is in this input left out (the master's recurrence holds them)",
        at: firstDroppedOccurrence, code: "skipped")
    }
    if let next = pendingNextLink {
      diagnostics.warning(
        "the last page of \(file) has \"@odata.nextLink\": Graph holds more pages than this input, so the mailbox export is incomplete (fetch every page and give them all, one after another in one file or as separate inputs)",
        at: next, code: "partial-export")
    }
  }

  // MARK: - Holding records so exceptions find their master

  private mutating func hold(_ record: Record, at location: SourceLocation, role: HeldRecords.Role) {
    switch role {
    case .master(let id, _):
      var master = record
      for orphan in held.takeOrphans(of: id) { join(orphan, to: &master, role: role) }
      for slot in held.add(HeldRecords.Slot(record: master, location: location, role: role), limit: Self.holdLimit) { release(slot) }
    case .instance(let masterId, _):
      let instance = HeldRecords.Slot(record: record, location: location, role: role)
      if var master = held.master(masterId) {
        join(instance, to: &master.record, role: master.role)
        held.replaceMaster(masterId, with: master)
        return
      }
      for slot in held.add(instance, limit: Self.holdLimit) { release(slot) }
    case .plain:
      for slot in held.add(HeldRecords.Slot(record: record, location: location, role: role), limit: Self.holdLimit) { release(slot) }
    }
  }

  /// Puts an exception into its master's overrides; an occurrence is left out.
  private mutating func join(_ instance: HeldRecords.Slot, to master: inout Record, role: HeldRecords.Role) {
    guard case .event(let instanceBox) = instance.record, case .event(let masterBox) = master,
      case .instance(_, let isException) = instance.role, case .master(_, let zone) = role
    else { return }
    var e = instanceBox.event
    var m = masterBox.event
    guard isException else {
      droppedOccurrences += 1
      if firstDroppedOccurrence == nil { firstDroppedOccurrence = instance.location }
      return
    }
    let originalStart = e.raw.first { $0.name == "originalStart" }?.value
    e.raw.removeAll { $0.name == "originalStart" || $0.name == "seriesMasterId" || $0.name == "type" }
    if let text = originalStart, let instant = Timestamp(text: text)?.utc {
      e.recurrenceId = Self.time(utc: instant, like: m.start, zone: zone)
    } else {
      diagnostics.warning(
        "exception has no originalStart ferry can read (\"\(originalStart ?? "")\"); joined to its series without the occurrence it replaces",
        at: instance.location, code: "recurrence")
    }
    if m.recurrence == nil {
      diagnostics.warning(
        "series master \"\(m.summary ?? "")\" has exceptions but no recurrence; exceptions kept on it", at: instance.location,
        code: "structure")
    }
    // An override belongs to its series: its UID is the master's (Graph gives each instance its own iCalUId).
    if let uid = m.uid, e.uid != uid {
      if let own = e.uid { e.raw.append(RawProperty(name: "iCalUId", value: own, origin: "graph")) }
      e.uid = uid
    }
    var recurrence = m.recurrence ?? Recurrence()
    recurrence.overrides.append(e)
    m.recurrence = recurrence
    master = .event(m)
  }

  /// An instance time as the master writes its start: a date for an all-day series, wall
  /// time in the series' zone, or UTC.
  private static func time(utc: LocalDateTime, like start: EventTime?, zone: ResolvedZone?) -> EventTime {
    switch start {
    case .date?:
      return .date((zone?.zone.local(fromUTC: utc) ?? utc).date)
    case .zoned(_, let name)?:
      if let z = TimeZoneResolver.shared.zone(for: name) { return .zoned(z.local(fromUTC: utc), zone: name) }
      return .utc(utc)
    default:
      return .utc(utc)
    }
  }

  /// A record leaving the hold: an instance still there found no master.
  private mutating func release(_ slot: HeldRecords.Slot) {
    if case .instance(let masterId, let isException) = slot.role {
      if isException {
        diagnostics.warning(
          "exception to a series whose master is not in this input (or more than \(Self.holdLimit) items away); read as a single event, seriesMasterId and originalStart kept raw",
          at: slot.location, code: "recurrence")
      } else if !notedOrphanOccurrence {
        notedOrphanOccurrence = true
        diagnostics.note(
          "occurrences of series whose master is not in this input (a calendarView export) are read as single events, seriesMasterId and originalStart kept raw (first: series \"\(masterId)\")",
          at: slot.location, code: "recurrence")
      }
    }
    ready.append((slot.record, slot.location))
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

  /// The date of an all-day event's start or end that Graph gave in another zone than the
  /// event's (a `Prefer: outlook.timezone="UTC"` page turns Berlin's midnight into 22:00 UTC the
  /// day before): the date where the event's midnight is, in `originalStartTimeZone`, else
  /// `--zone`, else at the nearest UTC midnight (with one warning). Nil when the time is midnight.
  private mutating func allDayDate(_ v: Any?, item: [String: Any], at location: SourceLocation) -> EventTime? {
    guard let o = v as? [String: Any], let text = str(o["dateTime"]), let local = LocalDateTime(iso: text.prefix(19)),
      local.time != .midnight
    else { return nil }
    let given = str(o["timeZone"]) ?? "UTC"
    var utc = local
    if given != "UTC" && given != "Etc/UTC" {
      guard let zone = TimeZoneResolver.shared.zone(for: given) else { return nil }
      utc = zone.utc(forLocal: local)
    }
    for name in [str(item["originalStartTimeZone"]), options.calendar.zone].compactMap({ $0 }) {
      if let zone = TimeZoneResolver.shared.resolve(name), zone.ianaName != nil { return .date(zone.zone.local(fromUTC: utc).date) }
    }
    if !warnedAllDayZone {
      warnedAllDayZone = true
      diagnostics.warning(
        "all-day event's times are not midnight in their zone (\"\(text)\" \(given)) and neither originalStartTimeZone nor --zone names the mailbox's zone; its date is taken at the nearest UTC midnight (right for zones UTC-11 to UTC+12) (reported once)",
        at: location, code: "zone")
    }
    return .date(utc.adding(seconds: 12 * 3600).date)
  }

  /// The zone a series' recurrence follows: `recurrence.range.recurrenceTimeZone`, else
  /// `originalStartTimeZone` (Windows ids or tz database names). A name ferry does not know
  /// is reported; nil then.
  private func seriesZone(_ item: [String: Any], at location: SourceLocation) -> ResolvedZone? {
    let range = (item["recurrence"] as? [String: Any])?["range"] as? [String: Any]
    for name in [str(range?["recurrenceTimeZone"]), str(item["originalStartTimeZone"])].compactMap({ $0 }) {
      if let zone = TimeZoneResolver.shared.resolve(name), zone.ianaName != nil { return zone }
      diagnostics.warning(
        "series time zone \"\(name)\" is not a zone ferry knows; times kept as Graph gave them, so occurrences after a daylight-saving change may be an hour off",
        at: location, code: "zone")
      return nil
    }
    return nil
  }

  /// A series' time moved to the series' zone when Graph gave it in another (UTC, or the
  /// zone of a `Prefer: outlook.timezone` header): the same instant, as wall time there.
  private static func move(_ t: EventTime?, to zone: ResolvedZone) -> EventTime? {
    guard let t, let name = zone.ianaName else { return t }
    switch t {
    case .utc(let u): return .zoned(zone.zone.local(fromUTC: u), zone: name)
    case .zoned(let l, let from) where from != name:
      guard let source = TimeZoneResolver.shared.zone(for: from) else { return t }
      return .zoned(zone.zone.local(fromUTC: source.utc(forLocal: l)), zone: name)
    default: return t
    }
  }

  private mutating func event(_ item: [String: Any], at location: SourceLocation) -> (Event, ResolvedZone?) {
    var e = Event()
    if let id = str(item["id"]) { e.raw.append(RawProperty(name: "id", value: id, origin: "graph")) }
    e.summary = str(item["subject"])
    if let body = item["body"] as? [String: Any], let content = str(body["content"]) {
      if str(body["contentType"])?.lowercased() == "html" {
        // Graph sends HTML unless asked (`Prefer: outlook.body-content-type="text"`): read as text,
        // the HTML kept raw when the text loses something (lists, links, tables, formatting).
        let plain = HTMLText.plain(content)
        e.description = plain.isEmpty ? nil : plain
        if !HTMLText.isPlain(content) {
          e.raw.append(RawProperty(name: "body", parameters: [RawParameter(name: "contentType", values: ["html"])], value: content, origin: "graph"))
        }
      } else {
        e.description = content
      }
    }
    if e.description == nil, let preview = str(item["bodyPreview"]) {
      // A `$select` without `body` leaves the preview (its first 255 characters) as the only text.
      e.description = preview
    }
    e.isAllDay = (item["isAllDay"] as? Bool) ?? false
    e.start = time(item["start"], allDay: e.isAllDay)
    e.end = time(item["end"], allDay: e.isAllDay)
    if e.isAllDay {
      e.start = allDayDate(item["start"], item: item, at: location) ?? e.start
      e.end = allDayDate(item["end"], item: item, at: location) ?? e.end
    }
    var zone: ResolvedZone?
    if item["recurrence"] is [String: Any] {
      zone = seriesZone(item, at: location)
      if let zone, !e.isAllDay {
        e.start = Self.move(e.start, to: zone)
        e.end = Self.move(e.end, to: zone)
      }
    } else if str(item["type"]) == "seriesMaster" {
      zone = seriesZone(item, at: location)
    }
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
    if let master = str(item["seriesMasterId"]) {
      e.raw.append(RawProperty(name: "seriesMasterId", value: master, origin: "graph"))
    }
    keepRest(item, known: Self.eventKeys, raw: &e.raw)
    return (e, zone)
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
      rule = RecurrenceRule(frequency: .yearly, interval: interval)
      rule.byMonth = [(p["month"] as? Int) ?? 1]
      rule.byMonthDay = [(p["dayOfMonth"] as? Int) ?? 1]
    case "relativeYearly":
      rule = RecurrenceRule(frequency: .yearly, interval: interval)
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
