import FerryModel
import FerryTime
import Foundation

/// Maps one EWS item element (`t:Contact`, `t:CalendarItem`) to a model record.
///
/// Mapped elements are listed in `EWSReader`'s coverage checklist; every other element is
/// kept as a `RawProperty` named by its path (`Contact/OfficeLocation`), origin `ews`.
struct EWSItemReading {
  let diagnostics: DiagnosticSink
  let file: String
  let recordNumber: Int
  /// `--zone` (a tz database name), for all-day items that name no zone.
  var fallbackZone: String? = nil

  /// Whether a calendar item is all-day, gives its start as an instant (UTC or an offset) and
  /// names no zone to take its date in.
  static func isAllDayWithoutZone(_ item: XMLElement) -> Bool {
    guard let allDay = item.child("IsAllDayEvent")?.text.trimmed, allDay == "true" || allDay == "1" else { return false }
    guard item.child("StartTimeZone") == nil, item.child("MeetingTimeZone") == nil else { return false }
    guard let start = item.child("Start") ?? item.child("FirstOccurrence")?.child("Start") else { return false }
    return EWSTime.parse(start.text.trimmed)?.utc != nil
  }

  func location(_ element: XMLElement, column: Int = 1) -> SourceLocation {
    SourceLocation(file: file, line: max(1, element.line), column: column, record: recordNumber, property: element.name)
  }

  // MARK: - Shared ItemType children

  /// Reads a child common to every item; returns false when the element is not one.
  private func readCommon(
    _ e: XMLElement, prefix: String, raw: inout [RawProperty], categories: inout [String], source: inout SourceIdentity?,
    created: inout Timestamp?, modified: inout Timestamp?
  ) -> Bool {
    switch e.name {
    case "ItemId":
      var parameters: [RawParameter] = []
      if let ck = e.attribute("ChangeKey") { parameters.append(RawParameter(name: "ChangeKey", values: [ck])) }
      raw.append(RawProperty(name: "ItemId", parameters: parameters, value: e.attribute("Id") ?? "", origin: "ews"))
    case "Categories":
      for child in e.children where child.name == "String" { categories.append(child.text) }
    case "ExtendedProperty":
      readExtended(e, prefix: prefix, raw: &raw, source: &source)
    case "DateTimeCreated":
      created = timestamp(e)
    case "LastModifiedTime":
      modified = timestamp(e)
    default:
      return false
    }
    return true
  }

  private func timestamp(_ e: XMLElement) -> Timestamp? {
    guard let p = EWSTime.parse(e.text.trimmed), let utc = p.utc else {
      diagnostics.warning("\(e.name) value \"\(e.text)\" is not a date-time with a zone; ignored", at: location(e))
      return nil
    }
    return Timestamp(utc: utc)
  }

  private func readExtended(_ e: XMLElement, prefix: String, raw: inout [RawProperty], source: inout SourceIdentity?) {
    let uri = e.child("ExtendedFieldURI")
    let name = uri?.attribute("PropertyName")
    let set = uri?.attribute("PropertySetId")?.lowercased()
    let isFerry =
      set == FerryCrmProperty.propertySetId
      || (uri?.attribute("DistinguishedPropertySetId") == "PublicStrings" && (name == FerryCrmProperty.idName || name == FerryCrmProperty.sourceName || name == "ferry-external-id"))
    let value = e.child("Value")?.text ?? e.child("Values")?.children.map(\.text).joined(separator: "\n") ?? ""
    if isFerry, name == FerryCrmProperty.idName || name == "ferry-external-id" {
      var s = source ?? SourceIdentity(system: "crm")
      s = SourceIdentity(system: s.system, objectType: s.objectType, recordId: value)
      source = s
      return
    }
    if isFerry, name == FerryCrmProperty.sourceName {
      let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
      source = SourceIdentity(
        system: parts.first ?? "crm", objectType: parts.count > 1 ? parts[1] : nil, recordId: source?.recordId)
      return
    }
    let parameters = (uri?.attributes ?? []).map { RawParameter(name: $0.name, values: [$0.value]) }
    raw.append(RawProperty(name: "\(prefix)/ExtendedProperty", parameters: parameters, value: value, origin: "ews"))
  }

  /// Body text; HTML bodies are reduced to text (the HTML kept raw).
  private func body(_ e: XMLElement, prefix: String, raw: inout [RawProperty]) -> String? {
    let text = e.text
    if e.attribute("BodyType") == "HTML" {
      raw.append(
        RawProperty(name: "\(prefix)/Body", parameters: [RawParameter(name: "BodyType", values: ["HTML"])], value: text, origin: "ews"))
      let plain = HTMLText.plain(text)
      return plain.isEmpty ? nil : plain
    }
    return text.isEmpty ? nil : text
  }

  private func keepRaw(_ e: XMLElement, prefix: String, raw: inout [RawProperty]) {
    let parameters = e.attributes.map { RawParameter(name: $0.name, values: [$0.value]) }
    if e.children.isEmpty {
      raw.append(RawProperty(name: "\(prefix)/\(e.name)", parameters: parameters, value: e.text, origin: "ews"))
    } else {
      for child in e.children { keepRaw(child, prefix: "\(prefix)/\(e.name)", raw: &raw) }
      if !parameters.isEmpty {
        raw.append(RawProperty(name: "\(prefix)/\(e.name)", parameters: parameters, value: "", origin: "ews"))
      }
    }
  }

  private func partialDate(_ e: XMLElement) -> PartialDate? {
    guard let p = EWSTime.parse(e.text.trimmed) else {
      diagnostics.warning("\(e.name) value \"\(e.text)\" is not a date; ignored", at: location(e))
      return nil
    }
    return PartialDate(p.local.date)
  }

  // MARK: - Contact

  func contact(_ item: XMLElement) -> Contact {
    var c = Contact()
    var subject: String?
    var complete: XMLElement?
    for e in item.children {
      if readCommon(
        e, prefix: "Contact", raw: &c.raw, categories: &c.categories, source: &c.source, created: &c.created,
        modified: &c.lastModified)
      {
        continue
      }
      let text = e.text
      // The dictionaries first: a switch on strings tries its cases in order, and they are in
      // nearly every contact.
      switch e.name {
      case "EmailAddresses":
        for entry in e.children where entry.name == "Entry" && !entry.text.isEmpty {
          var address = entry.text.trimmed
          // Exchange writes "SMTP:" before addresses of some routing types.
          if address.hasPrefix("SMTP:") || address.hasPrefix("smtp:") { address.removeFirst(5) }
          c.emails.append(EmailAddress(address))
        }
      case "PhoneNumbers":
        for entry in e.children where entry.name == "Entry" && !entry.text.isEmpty {
          let key = entry.attribute("Key") ?? ""
          if let types = EWSSlots.phoneTypes(key) {
            c.phones.append(PhoneNumber(entry.text, types: types))
          } else {
            c.phones.append(PhoneNumber(entry.text, label: key.isEmpty ? nil : key))
          }
        }
      case "PhysicalAddresses":
        for entry in e.children where entry.name == "Entry" {
          var a = PostalAddress(types: EWSSlots.addressTypes(entry.attribute("Key") ?? "Other"))
          for part in entry.children {
            switch part.name {
            case "Street": a.street = part.text
            case "City": a.locality = part.text
            case "State": a.region = part.text
            case "CountryOrRegion": a.country = part.text
            case "PostalCode": a.postalCode = part.text
            default: keepRaw(part, prefix: "Contact/PhysicalAddresses/Entry", raw: &c.raw)
            }
          }
          if !a.isEmpty { c.addresses.append(a) }
        }
      case "Subject": subject = text
      case "Body": if let b = body(e, prefix: "Contact", raw: &c.raw) { c.notes.append(b) }
      case "Notes": if !text.isEmpty { c.notes.append(text) }
      case "DisplayName": c.formattedName = text
      case "GivenName": c.name.given = text
      case "MiddleName": c.name.middle = text
      case "Surname": c.name.family = text
      case "Generation": c.name.suffix = text
      case "Nickname": if !text.isEmpty { c.nicknames.append(text) }
      case "CompleteName": complete = e
      case "CompanyName": c.organization = text
      case "Department": c.department = text
      case "JobTitle": c.title = text
      case "Profession": c.role = text
      case "PhoneticFirstName": c.name.phoneticGiven = text
      case "PhoneticLastName": c.name.phoneticFamily = text
      case "Birthday": c.birthday = partialDate(e)
      case "WeddingAnniversary": c.anniversary = partialDate(e)
      case "BusinessHomePage": if !text.isEmpty { c.urls.append(LabeledValue(text, types: ["work"])) }
      case "AssistantName": c.related.append(RelatedPerson(relation: "assistant", value: text))
      case "Manager": c.related.append(RelatedPerson(relation: "manager", value: text))
      case "SpouseName": c.related.append(RelatedPerson(relation: "spouse", value: text))
      case "Children":
        for child in e.children where child.name == "String" { c.related.append(RelatedPerson(relation: "child", value: child.text)) }
      case "ImAddresses":
        for entry in e.children where entry.name == "Entry" && !entry.text.isEmpty {
          c.instantMessaging.append(IMHandle(handle: entry.text))
        }
      // Everything else (FileAs, Initials, OfficeLocation, server-computed values) stays raw.
      default:
        keepRaw(e, prefix: "Contact", raw: &c.raw)
      }
    }
    if let complete {
      // CompleteName is what the server derived; it only fills gaps.
      for part in complete.children where !part.text.isEmpty {
        switch part.name {
        case "Title": c.name.prefix = c.name.prefix ?? part.text
        case "FirstName": c.name.given = c.name.given ?? part.text
        case "MiddleName": c.name.middle = c.name.middle ?? part.text
        case "LastName": c.name.family = c.name.family ?? part.text
        case "Suffix": c.name.suffix = c.name.suffix ?? part.text
        case "FullName": c.formattedName = c.formattedName ?? part.text
        case "Nickname": if c.nicknames.isEmpty { c.nicknames.append(part.text) }
        case "YomiFirstName": c.name.phoneticGiven = c.name.phoneticGiven ?? part.text
        case "YomiLastName": c.name.phoneticFamily = c.name.phoneticFamily ?? part.text
        default: break
        }
      }
    }
    if let subject, !subject.isEmpty, subject != c.formattedName, subject != c.displayName {
      c.raw.append(RawProperty(name: "Contact/Subject", value: subject, origin: "ews"))
    }
    if c.source == nil || c.source?.recordId == nil {
      if let id = c.raw.first(where: { $0.name == "ItemId" })?.value, c.source == nil {
        c.source = SourceIdentity(system: "exchange", objectType: "Contact", recordId: id)
      }
    }
    return c
  }

  // MARK: - Calendar item

  func event(_ item: XMLElement) -> Event {
    var ev = Event()
    var start: EWSTime.Parsed?
    var end: EWSTime.Parsed?
    var startZone: String?
    var endZone: String?
    var meetingZone: String?
    var reminderSet: Bool?
    var reminderMinutes: Int?
    var recurrence: XMLElement?
    var modified: [XMLElement] = []
    var deleted: [XMLElement] = []
    for e in item.children {
      if readCommon(
        e, prefix: "CalendarItem", raw: &ev.raw, categories: &ev.categories, source: &ev.source, created: &ev.created,
        modified: &ev.lastModified)
      {
        continue
      }
      let text = e.text
      switch e.name {
      case "Subject": ev.summary = text
      case "Body": ev.description = body(e, prefix: "CalendarItem", raw: &ev.raw)
      case "Sensitivity":
        switch text.trimmed {
        case "Normal": ev.privacy = .public
        case "Private": ev.privacy = .private
        case "Confidential": ev.privacy = .confidential
        case "Personal":
          ev.privacy = .private
          diagnostics.note("Sensitivity \"Personal\" has no model value; read as private", at: location(e), code: "unmapped")
        default: keepRaw(e, prefix: "CalendarItem", raw: &ev.raw)
        }
      case "UID": ev.uid = text
      case "Start": start = parseTime(e)
      case "End": end = parseTime(e)
      case "RecurrenceId": if let p = parseTime(e) { ev.recurrenceId = p.utc.map { .utc($0) } ?? .floating(p.local) }
      case "DateTimeStamp": ev.stamp = timestamp(e)
      case "IsAllDayEvent": ev.isAllDay = text.trimmed == "true" || text.trimmed == "1"
      case "LegacyFreeBusyStatus":
        switch text.trimmed {
        case "Free": ev.busyStatus = .free
        case "Tentative": ev.busyStatus = .tentative
        case "Busy": ev.busyStatus = .busy
        case "OOF": ev.busyStatus = .outOfOffice
        case "WorkingElsewhere": ev.busyStatus = .workingElsewhere
        default: keepRaw(e, prefix: "CalendarItem", raw: &ev.raw)
        }
      case "Location": ev.location = text
      case "IsCancelled": if text.trimmed == "true" || text.trimmed == "1" { ev.status = .cancelled }
      case "Organizer": ev.organizer = attendee(e, role: .chair)
      case "RequiredAttendees": ev.attendees += e.children("Attendee").compactMap { attendee($0, role: .required) }
      case "OptionalAttendees": ev.attendees += e.children("Attendee").compactMap { attendee($0, role: .optional) }
      case "Resources":
        ev.attendees += e.children("Attendee").compactMap {
          var a = attendee($0, role: .nonParticipant)
          a?.kind = .resource
          return a
        }
      case "ReminderIsSet": reminderSet = text.trimmed == "true" || text.trimmed == "1"
      case "ReminderMinutesBeforeStart":
        // Out of range (over ten years, or not a number): kept raw rather than trusted.
        if let m = Int(text.trimmed), m.magnitude <= Reminder.maximumMinutes {
          reminderMinutes = m
        } else {
          keepRaw(e, prefix: "CalendarItem", raw: &ev.raw)
        }
      case "Recurrence": recurrence = e
      case "ModifiedOccurrences": modified = e.children("Occurrence")
      case "DeletedOccurrences": deleted = e.children("DeletedOccurrence")
      case "StartTimeZone": startZone = zone(e, attribute: "Id")
      case "EndTimeZone": endZone = zone(e, attribute: "Id")
      case "MeetingTimeZone": meetingZone = zone(e, attribute: "TimeZoneName")
      case "Importance":
        switch text.trimmed {
        case "High": ev.priority = 1
        case "Low": ev.priority = 9
        default: break
        }
      // Everything else (IsMeeting, TimeZone, server-computed values) stays raw.
      default:
        keepRaw(e, prefix: "CalendarItem", raw: &ev.raw)
      }
    }
    if start == nil, let first = item.child("FirstOccurrence"), let s = first.child("Start").flatMap({ parseTime($0) }) {
      // A RecurringMaster fetched without Start (a GetItem with a narrow shape): the first
      // occurrence starts the series.
      start = s
      end = end ?? first.child("End").flatMap { parseTime($0) }
      diagnostics.note(
        "calendar item has no Start; the series starts at its FirstOccurrence", at: location(first), code: "structure")
    }
    let zoneStart = startZone ?? meetingZone
    let zoneEnd = endZone ?? zoneStart
    ev.start = start.map { time($0, zone: zoneStart, allDay: ev.isAllDay) }
    ev.end = end.map { time($0, zone: zoneEnd, allDay: ev.isAllDay) }
    if reminderSet == true, let reminderMinutes {
      ev.reminders.append(Reminder(offset: EventDuration(totalSeconds: -reminderMinutes * 60)))
    }
    if let recurrence {
      switch EWSRecurrence.rule(from: recurrence) {
      case .success(let rule): ev.recurrence = Recurrence(rule: rule)
      case .failure(let problem):
        diagnostics.warning("\(problem.message); recurrence kept raw", at: location(recurrence), code: "unmapped")
        keepRaw(recurrence, prefix: "CalendarItem", raw: &ev.raw)
      }
    }
    if !deleted.isEmpty || !modified.isEmpty {
      var r = ev.recurrence ?? Recurrence()
      for d in deleted {
        if let s = d.child("Start").flatMap({ parseTime($0) }) { r.exceptionDates.append(time(s, zone: zoneStart, allDay: ev.isAllDay)) }
      }
      for m in modified {
        var o = Event()
        if let s = m.child("OriginalStart").flatMap({ parseTime($0) }) { o.recurrenceId = time(s, zone: zoneStart, allDay: ev.isAllDay) }
        o.start = m.child("Start").flatMap { parseTime($0) }.map { time($0, zone: zoneStart, allDay: ev.isAllDay) }
        o.end = m.child("End").flatMap { parseTime($0) }.map { time($0, zone: zoneEnd, allDay: ev.isAllDay) }
        if let id = m.child("ItemId") {
          o.raw.append(RawProperty(name: "ItemId", parameters: id.attribute("ChangeKey").map { [RawParameter(name: "ChangeKey", values: [$0])] } ?? [], value: id.attribute("Id") ?? "", origin: "ews"))
        }
        o.isAllDay = ev.isAllDay
        r.overrides.append(o)
      }
      ev.recurrence = r
    }
    if ev.source == nil, let id = ev.raw.first(where: { $0.name == "ItemId" })?.value {
      ev.source = SourceIdentity(system: "exchange", objectType: "CalendarItem", recordId: id)
    }
    return ev
  }

  private func parseTime(_ e: XMLElement) -> EWSTime.Parsed? {
    guard let p = EWSTime.parse(e.text.trimmed) else {
      diagnostics.warning("\(e.name) value \"\(e.text)\" is not an xs:dateTime; ignored", at: location(e))
      return nil
    }
    return p
  }

  /// The IANA zone for a Windows zone id attribute.
  private func zone(_ e: XMLElement, attribute: String) -> String? {
    guard let id = e.attribute(attribute), !id.isEmpty else { return nil }
    if let iana = WindowsZones.iana(forWindows: id) { return iana }
    diagnostics.warning("time zone \"\(id)\" is not a Windows zone id ferry knows; times kept in UTC", at: location(e))
    return nil
  }

  /// A read time in the model: local time in the item's zone when it has one, all-day as
  /// dates.
  private func time(_ p: EWSTime.Parsed, zone: String?, allDay: Bool) -> EventTime {
    var local = p.local
    if let utc = p.utc {
      if let zone, let offset = EWSTime.offset(zone: zone, atUTC: utc) {
        local = utc.adding(seconds: offset)
      } else if !allDay {
        return .utc(utc)
      } else if let fallbackZone, let offset = EWSTime.offset(zone: fallbackZone, atUTC: utc) {
        // An all-day item with no zone of its own: its midnight is the mailbox's (`--zone`).
        local = utc.adding(seconds: offset)
      } else {
        // No zone known: the start is midnight somewhere between UTC-11 and UTC+12, so the
        // nearest UTC midnight is its date (EWSReader warns once).
        local = utc.adding(seconds: 12 * 3600)
      }
    }
    if allDay { return .date(local.date) }
    if let zone { return .zoned(local, zone: zone) }
    return .floating(local)
  }

  private func attendee(_ e: XMLElement, role: Attendee.Role) -> Attendee? {
    guard let mailbox = e.child("Mailbox") else { return nil }
    var a = Attendee(role: role)
    a.name = mailbox.child("Name")?.text
    a.email = mailbox.child("EmailAddress")?.text
    if mailbox.child("MailboxType")?.text == "PublicDL" || mailbox.child("MailboxType")?.text == "PrivateDL" { a.kind = .group }
    switch e.child("ResponseType")?.text.trimmed {
    case "Accept": a.status = .accepted
    case "Decline": a.status = .declined
    case "Tentative": a.status = .tentative
    case "NoResponseReceived": a.status = .needsAction
    default: break
    }
    if role == .chair { a.role = nil }
    return a
  }
}
