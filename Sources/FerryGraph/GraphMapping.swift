import FerryModel
import FerryTime

/// Maps records to Microsoft Graph `contact` and `event` resources (Graph v1.0).
///
/// Slots: three `emailAddresses`, two `businessPhones`, two `homePhones`, one
/// `mobilePhone`, three `imAddresses`, home/business/other addresses. What does not fit
/// follows `--overflow` (into `personalNotes` / the body by default).
struct GraphMapping {
  var options: WriteOptions
  var diagnostics: DiagnosticSink
  var location: SourceLocation?
  private var overflow: [String] = []
  /// Zones already warned about for this record.
  private var warnedZones: Set<String> = []

  init(options: WriteOptions, diagnostics: DiagnosticSink, location: SourceLocation?) {
    self.options = options
    self.diagnostics = diagnostics
    self.location = location
  }

  private mutating func spill(_ label: String, _ value: String) throws {
    switch options.overflow {
    case .notes:
      overflow.append("\(label): \(value)")
      diagnostics.note("\(label.lowercased()) \"\(value)\" has no Graph slot; written to the notes", at: location, code: "overflow")
    case .drop:
      diagnostics.warning("\(label.lowercased()) \"\(value)\" has no Graph slot; dropped", at: location, code: "overflow")
    case .error:
      throw FerryError(.unrepresentable, "\(label.lowercased()) \"\(value)\" has no Graph slot (--overflow error)", at: location)
    }
  }

  static func crmProperties(_ source: SourceIdentity?) -> [(String, JSONValue)] {
    guard let source, let id = source.recordId, source.system != "exchange", source.system != "graph" else { return [] }
    var props: [JSONValue] = [.object([("id", .string(FerryCrmProperty.graphIdPropertyId)), ("value", .string(id))])]
    if source.system != "crm" {
      let origin = source.system + (source.objectType.map { "/" + $0 } ?? "")
      props.append(.object([("id", .string(FerryCrmProperty.graphSourcePropertyId)), ("value", .string(origin))]))
    }
    return [("singleValueExtendedProperties", .array(props))]
  }

  // MARK: - Contact

  mutating func contact(_ c: Contact) throws -> JSONValue {
    overflow = []
    var o: [(String, JSONValue)] = []
    func add(_ key: String, _ value: String?) {
      if let value, !value.isEmpty { o.append((key, .string(value))) }
    }
    add("givenName", c.name.given)
    add("middleName", c.name.middle)
    add("surname", c.name.family)
    add("displayName", c.formattedName ?? (c.name.isEmpty ? nil : c.name.displayName))
    add("title", c.name.prefix)
    add("generation", c.name.suffix)
    add("nickName", c.nicknames.first)
    for n in c.nicknames.dropFirst() { try spill("Nickname", n) }
    add("yomiGivenName", c.name.phoneticGiven)
    add("yomiSurname", c.name.phoneticFamily)
    add("companyName", c.organization)
    add("department", c.department)
    add("jobTitle", c.title)
    add("profession", c.role)
    add("assistantName", c.related.first { $0.relation == "assistant" }?.value)
    add("manager", c.related.first { $0.relation == "manager" }?.value)
    add("spouseName", c.related.first { $0.relation == "spouse" }?.value)
    let children = c.related.filter { $0.relation == "child" }.map { JSONValue.string($0.value) }
    if !children.isEmpty { o.append(("children", .array(children))) }
    for r in c.related where !["assistant", "manager", "spouse", "child"].contains(r.relation) { try spill("Related (\(r.relation))", r.value) }
    if let b = c.birthday {
      if let m = b.month, let d = b.day {
        o.append(("birthday", .string(LocalDate(year: b.year ?? 1604, month: m, day: d).description + "T11:59:00Z")))
      } else {
        try spill("Birthday", b.description)
      }
    }
    if let a = c.anniversary { try spill("Anniversary", a.description) }
    var emails: [JSONValue] = []
    for e in c.emails {
      if emails.count < 3 { emails.append(.object([("address", .string(e.address))])) } else { try spill("E-mail", e.address) }
    }
    if !emails.isEmpty { o.append(("emailAddresses", .array(emails))) }
    var business: [JSONValue] = []
    var home: [JSONValue] = []
    var mobile: String?
    for p in c.phones {
      let t = Set(p.types.map { $0.lowercased() })
      if t.contains("cell"), mobile == nil {
        mobile = p.number
      } else if t.contains("work"), !t.contains("fax"), business.count < 2 {
        business.append(.string(p.number))
      } else if t.contains("home"), !t.contains("fax"), home.count < 2 {
        home.append(.string(p.number))
      } else if !t.contains("fax"), !t.contains("home"), business.count < 2, t.isSubset(of: ["voice", "main", "pref", "company"]) {
        business.append(.string(p.number))
      } else {
        try spill("Phone (\(p.types.joined(separator: ",")))", p.number)
      }
    }
    if !business.isEmpty { o.append(("businessPhones", .array(business))) }
    if !home.isEmpty { o.append(("homePhones", .array(home))) }
    add("mobilePhone", mobile)
    add("businessHomePage", c.urls.first?.value)
    for u in c.urls.dropFirst() { try spill("URL", u.value) }
    var ims: [JSONValue] = []
    for im in c.instantMessaging {
      if ims.count < 3 { ims.append(.string(im.handle)) } else { try spill("IM", im.handle) }
    }
    if !ims.isEmpty { o.append(("imAddresses", .array(ims))) }
    var used = Set<String>()
    for a in c.addresses {
      let t = Set(a.types.map { $0.lowercased() })
      let key = t.contains("work") ? "businessAddress" : t.contains("home") ? "homeAddress" : "otherAddress"
      let flat = [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country].compactMap { $0 }.filter { !$0.isEmpty }
      guard !used.contains(key) else {
        try spill("Address", flat.joined(separator: ", "))
        continue
      }
      used.insert(key)
      var street = a.street ?? ""
      for extra in [a.extended, a.poBox].compactMap({ $0 }) where !extra.isEmpty { street += street.isEmpty ? extra : "\n" + extra }
      var parts: [(String, JSONValue)] = []
      for (k, v) in [("street", street), ("city", a.locality ?? ""), ("state", a.region ?? ""), ("countryOrRegion", a.country ?? ""), ("postalCode", a.postalCode ?? "")]
      where !v.isEmpty {
        parts.append((k, .string(v)))
      }
      o.append((key, .object(parts)))
    }
    if !c.categories.isEmpty { o.append(("categories", .array(c.categories.map { .string($0) }))) }
    let notes = (c.notes + (overflow.isEmpty ? [] : [overflow.joined(separator: "\n")])).joined(separator: "\n\n")
    add("personalNotes", notes)
    o += Self.crmProperties(c.source)
    return .object(o)
  }

  // MARK: - Event

  /// A Graph `dateTimeTimeZone`: local wall time and a Windows zone name. A zone with no
  /// Windows id goes out in UTC, with a warning once per zone and event; a wall clock no zone
  /// explains goes out as UTC (the writer warns about those).
  private mutating func dateTimeTimeZone(_ t: EventTime, zones: ExchangeZones) -> JSONValue {
    let local: LocalDateTime
    var zone = "UTC"
    // `--utc` holds for single events; a series keeps its zone, whose wall clock its
    // recurrence follows across daylight-saving changes.
    let utc = options.calendar.utc && zones.event.recurrence == nil
    switch zones.time(t, utc: utc) {
    case .utc(let u), .floating(let u): local = u
    case .date(let d, let windows):
      local = LocalDateTime(date: d, time: .midnight)
      zone = windows ?? "UTC"
    case .zoned(let l, let z):
      if let w = z.windowsName {
        local = l
        zone = w
      } else {
        local = z.zone.utc(forLocal: l)
        if warnedZones.insert(z.name).inserted {
          diagnostics.warning("time zone \"\(z.name)\" has no Windows id; time written in UTC", at: location, code: "zone")
        }
      }
    }
    var text = local.description
    if text.count == 16 { text += ":00" }
    return .object([("dateTime", .string(text)), ("timeZone", .string(zone))])
  }

  mutating func event(_ e: Event) throws -> (body: JSONValue, recurrenceProblem: String?) {
    var o: [(String, JSONValue)] = []
    func add(_ key: String, _ value: String?) {
      if let value, !value.isEmpty { o.append((key, .string(value))) }
    }
    add("subject", e.summary)
    var body = e.description ?? ""
    if !e.attendees.isEmpty && !options.calendar.inviteAttendees {
      // Graph invites every attendee of a created event; list them instead (issue 5).
      let list = e.attendees.map { a in [a.name, a.email.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ") }
      body += (body.isEmpty ? "" : "\n\n") + "Attendees: " + list.joined(separator: ", ")
    }
    if let html = e.raw.first(where: { $0.name == "body" && $0.origin == "graph" && $0.parameter("contentType")?.first == "html" }),
      body == e.description, HTMLText.plain(html.value) == body
    {
      // Read from Graph with formatting the text lost, and the text unchanged since: the HTML goes back.
      o.append(("body", .object([("contentType", .string("html")), ("content", .string(html.value))])))
    } else if !body.isEmpty {
      o.append(("body", .object([("contentType", .string("text")), ("content", .string(body))])))
    }
    let zones = ExchangeZones(event: e, fallbackZone: options.calendar.zone)
    warnedZones = []
    zones.warnUnresolved(diagnostics, at: location)
    if let s = e.start { o.append(("start", dateTimeTimeZone(s, zones: zones))) }
    var end = e.end
    if end == nil, let s = e.start, let d = e.duration {
      end = s.isDate ? .date(s.localDateTime.date.adding(days: d.totalSeconds / 86400)) : nil
      if end == nil {
        switch s {
        case .utc(let l): end = .utc(l.adding(seconds: d.totalSeconds))
        case .zoned(let l, let z): end = .zoned(l.adding(seconds: d.totalSeconds), zone: z)
        case .floating(let l): end = .floating(l.adding(seconds: d.totalSeconds))
        case .date: break
        }
      }
    }
    if end == nil, e.isAllDay, case .date(let d)? = e.start { end = .date(d.adding(days: 1)) }
    if let end { o.append(("end", dateTimeTimeZone(end, zones: zones))) }
    if e.isAllDay { o.append(("isAllDay", .bool(true))) }
    if let l = e.location, !l.isEmpty { o.append(("location", .object([("displayName", .string(l))]))) }
    switch e.privacy {
    case .public: add("sensitivity", "normal")
    case .private: add("sensitivity", "private")
    case .confidential: add("sensitivity", "confidential")
    case nil: break
    }
    switch e.busyStatus {
    case .free: add("showAs", "free")
    case .tentative: add("showAs", "tentative")
    case .busy: add("showAs", "busy")
    case .outOfOffice: add("showAs", "oof")
    case .workingElsewhere: add("showAs", "workingElsewhere")
    case nil: break
    }
    if let p = e.priority, p > 0 { add("importance", p < 5 ? "high" : p == 5 ? "normal" : "low") }
    let (reminder, unplaced) = ExchangeCalendarItem.reminder(of: e)
    if let reminder, let minutes = ExchangeCalendarItem.minutesBeforeStart(reminder, of: e) {
      o.append(("isReminderOn", .bool(true)))
      o.append(("reminderMinutesBeforeStart", .number(minutes)))
    }
    ExchangeCalendarItem.noteUnplacedReminders(
      of: e, kept: reminder, unplaced: unplaced, target: "a Graph event", diagnostics: diagnostics, location: location)
    if !e.categories.isEmpty { o.append(("categories", .array(e.categories.map { .string($0) }))) }
    if options.calendar.inviteAttendees, !e.attendees.isEmpty {
      o.append(
        (
          "attendees",
          .array(
            e.attendees.compactMap { a in
              guard let email = a.email else { return nil }
              var address: [(String, JSONValue)] = [("address", .string(email))]
              if let n = a.name { address.append(("name", .string(n))) }
              let type = a.kind == .resource || a.kind == .room ? "resource" : a.role == .optional || a.role == .nonParticipant ? "optional" : "required"
              return .object([("emailAddress", .object(address)), ("type", .string(type))])
            })
        ))
    }
    var problem: String?
    if let rule = e.recurrence?.rule, let start = e.start {
      switch ExchangeRecurrencePattern.make(zones.localUntil(rule), start: start.localDateTime.date, yearlyInterval: true) {
      case .success(let p): o.append(("recurrence", Self.recurrence(p, windowsZone: zones.startZone?.windowsName)))
      case .failure(let f): problem = f.message
      }
    }
    o += Self.crmProperties(e.source)
    return (.object(o), problem)
  }

  static func recurrence(_ p: ExchangeRecurrencePattern, windowsZone: String?) -> JSONValue {
    func day(_ d: RecurrenceRule.Weekday) -> JSONValue {
      .string(["MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday", "FR": "friday", "SA": "saturday", "SU": "sunday"][d.rawValue] ?? "monday")
    }
    var pattern: [(String, JSONValue)] = [("type", .string(p.kind.rawValue)), ("interval", .number(p.interval))]
    if let m = p.month { pattern.append(("month", .number(m))) }
    if let d = p.dayOfMonth { pattern.append(("dayOfMonth", .number(d))) }
    let days = p.kind == .weekly ? p.daysOfWeek : (p.relativeDay?.days ?? [])
    if !days.isEmpty { pattern.append(("daysOfWeek", .array(days.map(day)))) }
    if let f = p.firstDayOfWeek { pattern.append(("firstDayOfWeek", day(f))) }
    if let i = p.index {
      pattern.append(("index", .string([1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"][i] ?? "first")))
    }
    var range: [(String, JSONValue)] = []
    switch p.range {
    case .noEnd: range = [("type", .string("noEnd")), ("startDate", .string(p.startDate.description))]
    case .endDate(let d):
      range = [("type", .string("endDate")), ("startDate", .string(p.startDate.description)), ("endDate", .string(d.description))]
    case .numbered(let n):
      range = [("type", .string("numbered")), ("startDate", .string(p.startDate.description)), ("numberOfOccurrences", .number(n))]
    }
    if let windowsZone { range.append(("recurrenceTimeZone", .string(windowsZone))) }
    return .object([("pattern", .object(pattern)), ("range", .object(range))])
  }
}
