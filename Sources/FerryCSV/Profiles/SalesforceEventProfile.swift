import FerryModel
import FerryTime

/// `csv:salesforce-events`: Salesforce Event and Task exports (Data Loader, Data Export),
/// API field names as headers. Sources: ../shared/formats/salesforce.md.
///
/// - Times: `StartDateTime`/`EndDateTime`/`ActivityDateTime` are UTC; `IsAllDayEvent` events
///   take their date from `ActivityDate` (or `StartDateTime`), `EndDateTime`'s date is the
///   last day (inclusive) and becomes an exclusive end; `DurationInMinutes` fills a missing end.
/// - Recurrence: Classic (`IsRecurrence`, `RecurrenceType`, … see `SalesforceRecurrence`),
///   in `RecurrenceTimeZoneSidKey` (the series start becomes a wall time there, so it keeps
///   its clock across DST); Lightning (`IsRecurrence2`, `Recurrence2PatternText`,
///   `Recurrence2PatternTimeZone`).
/// - Rows with `IsChild=true` (an invitee's copy of a group event) and Classic occurrence rows
///   (`RecurrenceActivityId` naming another row, `IsRecurrence` false) are collapsed into
///   their parent: skipped with a note, since the parent row carries the meeting or series.
/// - Tasks (a `Status` column and no `StartDateTime`): `Event(kind: .task)` with `due` from
///   `ActivityDate`, `Status`, `Priority`, `CompletedDateTime`.
/// - Writing: events only, UTC times as Data Loader wants them; a series in Classic fields
///   when they can hold it, else `Recurrence2PatternText` (Lightning), with a warning.
public struct SalesforceEventProfile: CSVProfile {
  public init() {}
  public var name: String { "salesforce-events" }
  public var kinds: Set<RecordKind> { [.event] }
  public var writesByteOrderMark: Bool { false }

  public static let eventColumns = [
    "Id", "Subject", "StartDateTime", "EndDateTime", "IsAllDayEvent", "ActivityDate", "ActivityDateTime",
    "DurationInMinutes", "Location", "Description", "IsPrivate", "ShowAs", "WhoId", "WhatId", "OwnerId",
    "IsReminderSet", "ReminderDateTime", "IsRecurrence", "RecurrenceStartDateTime", "RecurrenceEndDateOnly",
    "RecurrenceTimeZoneSidKey", "RecurrenceType", "RecurrenceInterval", "RecurrenceDayOfWeekMask",
    "RecurrenceDayOfMonth", "RecurrenceInstance", "RecurrenceMonthOfYear", "IsRecurrence2", "Recurrence2PatternText",
    "Recurrence2PatternTimeZone", "CreatedDate", "LastModifiedDate",
  ]

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    let event = h.share(of: ["Id", "Subject", "StartDateTime", "EndDateTime", "IsAllDayEvent", "DurationInMinutes", "ActivityDateTime", "ShowAs"])
    let task = h.share(of: ["Id", "Subject", "ActivityDate", "Status", "Priority", "WhoId", "TaskSubtype", "IsClosed"])
    // Above the contact profile's share for the same header.
    return max(event, task >= 0.75 ? task : 0) * 0.99 + (h.has("StartDateTime") || h.has("TaskSubtype") ? 0.01 : 0)
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder { Decoder(header: header) }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  static func bool(_ s: String?) -> Bool? {
    switch s?.lowercased() {
    case "true", "1", "yes": true
    case "false", "0", "no": false
    default: nil
    }
  }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let id, subject, start, end, allDay, activityDate, activityDateTime, duration, location, description: Int?
    let isPrivate, showAs, whoId, whatId, ownerId, reminderSet, reminderAt, created, modified: Int?
    let isChild, recurrenceActivityId, isRecurrence, rStart, rEnd, rZone, rType, rInterval, rMask, rDay, rInstance,
      rMonth: Int?
    let isRecurrence2, r2Text, r2Zone: Int?
    let status, priority, completed, accountId: Int?
    let isTask: Bool

    init(header: [String]) {
      var h = HeaderIndex(header)
      id = h.take("Id")
      subject = h.take("Subject")
      start = h.take("StartDateTime")
      end = h.take("EndDateTime")
      allDay = h.take("IsAllDayEvent")
      activityDate = h.take("ActivityDate")
      activityDateTime = h.take("ActivityDateTime")
      duration = h.take("DurationInMinutes")
      location = h.take("Location")
      description = h.take("Description")
      isPrivate = h.take("IsPrivate")
      showAs = h.take("ShowAs")
      whoId = h.take("WhoId")
      whatId = h.take("WhatId")
      accountId = h.take("AccountId")
      ownerId = h.take("OwnerId")
      reminderSet = h.take("IsReminderSet")
      reminderAt = h.take("ReminderDateTime")
      created = h.take("CreatedDate")
      modified = h.take("LastModifiedDate")
      isChild = h.take("IsChild")
      recurrenceActivityId = h.take("RecurrenceActivityId")
      isRecurrence = h.take("IsRecurrence")
      rStart = h.take("RecurrenceStartDateTime", "RecurrenceStartDateOnly")
      rEnd = h.take("RecurrenceEndDateOnly")
      rZone = h.take("RecurrenceTimeZoneSidKey")
      rType = h.take("RecurrenceType")
      rInterval = h.take("RecurrenceInterval")
      rMask = h.take("RecurrenceDayOfWeekMask")
      rDay = h.take("RecurrenceDayOfMonth")
      rInstance = h.take("RecurrenceInstance")
      rMonth = h.take("RecurrenceMonthOfYear")
      isRecurrence2 = h.take("IsRecurrence2")
      r2Text = h.take("Recurrence2PatternText")
      r2Zone = h.take("Recurrence2PatternTimeZone")
      status = h.take("Status")
      priority = h.take("Priority")
      completed = h.take("CompletedDateTime")
      isTask = start == nil && status != nil
      mappedColumns = h.used
    }

    func s(_ i: Int?, _ row: CSVRow) -> String? { i.flatMap { row.string($0) } }

    func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      let recordId = s(id, row)
      if SalesforceEventProfile.bool(s(isChild, row)) == true {
        context.diagnostics.note(
          "event \(recordId ?? "") is an invitee's copy (IsChild); collapsed into its parent event", at: context.location(),
          code: "skipped")
        return nil
      }
      if let parent = s(recurrenceActivityId, row), parent != recordId,
        SalesforceEventProfile.bool(s(isRecurrence, row)) != true
      {
        context.diagnostics.note(
          "event \(recordId ?? "") is an occurrence of series \(parent); collapsed into the series", at: context.location(),
          code: "skipped")
        return nil
      }
      var e = Event(kind: isTask ? .task : .event)
      e.source = SourceIdentity(system: "salesforce", objectType: isTask ? "Task" : "Event", recordId: recordId)
      if let recordId { e.uid = (SalesforceID.caseSafe(recordId) ?? recordId) + "@salesforce" }
      e.summary = s(subject, row)
      e.location = s(location, row)
      e.description = s(description, row)
      func time(_ i: Int?) -> Timestamp? {
        guard let i, let text = row.string(i) else { return nil }
        if let t = Values.timestamp(text) { return t }
        context.keepUnparsed(column: i, value: text, what: "a date-time")
        return nil
      }
      func date(_ i: Int?) -> LocalDate? {
        guard let i, let text = row.string(i) else { return nil }
        if let t = Values.timestamp(text) { return t.utc.date }
        context.keepUnparsed(column: i, value: text, what: "a date")
        return nil
      }
      // A duration of up to ten years; anything else is kept raw, not trusted (or overflowed).
      var minutes: Int?
      if let i = duration, let text = s(duration, row) {
        if let m = Int(text), m >= 0, m <= Int(Reminder.maximumMinutes) {
          minutes = m
        } else {
          context.keepUnparsed(column: i, value: text, what: "a duration in minutes (0 to 5,256,000)")
        }
      }
      if isTask {
        if let d = date(activityDate) { e.due = .date(d) }
        switch s(status, row)?.lowercased() {
        case "completed"?: e.status = .completed
        case "not started"?: e.status = .needsAction
        case "in progress"?: e.status = .inProcess
        case nil: break
        case let other?: context.raw.append(RawProperty(name: "Status", value: other, origin: context.origin))
        }
        switch s(priority, row)?.lowercased() {
        case "high"?: e.priority = 1
        case "normal"?: e.priority = 5
        case "low"?: e.priority = 9
        default: break
        }
        if let c = time(completed) { e.completed = c }
      } else if SalesforceEventProfile.bool(s(allDay, row)) == true {
        e.isAllDay = true
        let first = date(activityDate) ?? date(start)
        if let first {
          e.start = .date(first)
          if let last = date(end) {
            e.end = .date(max(last, first).adding(days: 1))
          } else if let minutes {
            e.end = .date(first.adding(days: max(1, (minutes + 1439) / 1440)))
          } else {
            e.end = .date(first.adding(days: 1))
          }
        }
      } else {
        if let t = time(start) ?? time(activityDateTime) {
          e.start = .utc(t.utc)
          if let u = time(end) {
            e.end = .utc(u.utc)
          } else if let minutes {
            e.end = .utc(t.utc.adding(seconds: minutes * 60))
          }
        }
      }
      if let p = SalesforceEventProfile.bool(s(isPrivate, row)) { e.privacy = p ? .private : .public }
      switch s(showAs, row)?.lowercased() {
      case "busy"?: e.busyStatus = .busy
      case "free"?: e.busyStatus = .free
      case "outofoffice"?: e.busyStatus = .outOfOffice
      default: break
      }
      if let w = s(whoId, row) { e.related.append(RelatedRecord(role: .who, id: w)) }
      if let w = s(whatId, row) ?? s(accountId, row) { e.related.append(RelatedRecord(role: .what, id: w)) }
      if let o = s(ownerId, row) { e.owner = Owner(id: o) }
      if SalesforceEventProfile.bool(s(reminderSet, row)) == true, let r = time(reminderAt) {
        e.reminders.append(Reminder(absolute: .utc(r.utc)))
      }
      e.created = time(created)
      e.lastModified = time(modified)
      decodeRecurrence(row, &e, &context)
      CalendarCSV.attachRaw(&context, to: &e)
      return .event(e)
    }

    func decodeRecurrence(_ row: CSVRow, _ e: inout Event, _ context: inout CSVDecodeContext) {
      let zone = s(rZone, row) ?? s(r2Zone, row)
      if SalesforceEventProfile.bool(s(isRecurrence, row)) == true {
        guard let typeText = s(rType, row), let type = SalesforceRecurrence.Kind(rawValue: typeText) else {
          context.diagnostics.warning(
            "RecurrenceType \"\(s(rType, row) ?? "")\" is not a Classic recurrence type; the series is kept as one event",
            at: context.location(column: rType), code: "unmapped")
          return
        }
        var fields = SalesforceRecurrence(type: type)
        fields.interval = s(rInterval, row).flatMap { Int($0) }
        fields.dayOfWeekMask = s(rMask, row).flatMap { Int($0) }
        fields.dayOfMonth = s(rDay, row).flatMap { Int($0) }
        fields.instance = s(rInstance, row)
        fields.monthOfYear = s(rMonth, row)
        fields.endDateOnly = s(rEnd, row).flatMap { Values.timestamp($0)?.utc.date }
        guard let rule = fields.rule(allDay: e.isAllDay, zone: zone) else {
          context.diagnostics.warning(
            "Salesforce recurrence is incomplete (\(fields.problem ?? "")); the series is kept as one event",
            at: context.location(column: rType), code: "unmapped")
          return
        }
        if let first = s(rStart, row).flatMap(Values.timestamp), !e.isAllDay {
          // The series starts at RecurrenceStartDateTime, same clock time as the event.
          e.start = .utc(first.utc)
        }
        e.recurrence = Recurrence(rule: rule)
      } else if SalesforceEventProfile.bool(s(isRecurrence2, row)) == true, let text = s(r2Text, row) {
        let rule = RecurrenceRule.parse(text) { problem in
          context.diagnostics.warning(problem, at: context.location(column: r2Text), code: "recurrence")
        }
        guard let rule else {
          context.keepUnparsed(column: r2Text ?? 0, value: text, what: "an RRULE")
          return
        }
        e.recurrence = Recurrence(rule: rule)
      } else {
        return
      }
      // A series expands on the wall clock of its zone (RFC 5545), so a UTC start becomes a
      // wall time there.
      if let zone, case .utc(let u)? = e.start, let z = Zone.cached(iana: zone) {
        e.start = .zoned(z.local(fromUTC: u), zone: zone)
        if case .utc(let v)? = e.end { e.end = .zoned(z.local(fromUTC: v), zone: zone) }
      } else if let zone, Zone.cached(iana: zone) == nil {
        context.diagnostics.warning(
          "time zone \"\(zone)\" is not a tz database name; the series is read in UTC", at: context.location(column: rZone ?? r2Zone),
          code: "zone")
      }
    }
  }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "summary", "description", "location", "start", "end", "recurrence", "privacy", "busyStatus", "reminders", "due",
    ]
    var columns: [String] = SalesforceEventProfile.eventColumns
    var phoneColumns: Set<Int> = []
    let index: [String: Int] = Dictionary(uniqueKeysWithValues: SalesforceEventProfile.eventColumns.enumerated().map { ($1, $0) })

    func utcText(_ t: EventTime) -> String? {
      switch t {
      case .utc(let u): return Values.salesforceTimestamp(Timestamp(utc: u))
      case .zoned(let l, let zone):
        guard let z = Zone.cached(iana: zone) else { return nil }
        return Values.salesforceTimestamp(Timestamp(utc: z.utc(forLocal: l)))
      case .floating(let l): return Values.salesforceTimestamp(Timestamp(utc: l))
      case .date(let d): return d.description
      }
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .event(let e) = record, e.kind == .event else {
        context.diagnostics.warning(
          "csv:salesforce-events writes events; record \(context.record) skipped", at: context.location(property: nil),
          code: "skipped")
        return false
      }
      func set(_ column: String, _ value: String?) {
        if let value, let i = index[column] { cells[i] = value }
      }
      set("Id", e.source?.system == "salesforce" ? e.source?.recordId : nil)
      set("Subject", e.summary)
      set("Location", e.location)
      set("Description", e.description)
      set("IsAllDayEvent", e.isAllDay ? "true" : "false")
      if let start = e.start {
        if e.isAllDay {
          let first = start.localDateTime.date
          let endExclusive = e.end?.localDateTime.date ?? first.adding(days: 1)
          let last = max(first, endExclusive.adding(days: -1))
          set("ActivityDate", first.description)
          set("StartDateTime", Values.salesforceTimestamp(Timestamp(utc: LocalDateTime(date: first, time: .midnight))))
          set("EndDateTime", Values.salesforceTimestamp(Timestamp(utc: LocalDateTime(date: last, time: .midnight))))
          set("DurationInMinutes", String((last.daysSinceEpoch - first.daysSinceEpoch + 1) * 1440))
        } else if let s = utcText(start) {
          set("StartDateTime", s)
          set("ActivityDateTime", s)
          set("ActivityDate", String(s.prefix(10)))
          let endText = e.end.flatMap(utcText)
          set("EndDateTime", endText)
          if let a = Values.timestamp(s), let b = endText.flatMap(Values.timestamp) {
            set("DurationInMinutes", String(Int(b.milliseconds - a.milliseconds) / 60000))
          } else if let d = e.duration {
            set("DurationInMinutes", String(d.totalSeconds / 60))
          }
        }
      }
      if let p = e.privacy { set("IsPrivate", p == .public ? "false" : "true") }
      switch e.busyStatus {
      case .free?: set("ShowAs", "Free")
      case .outOfOffice?: set("ShowAs", "OutOfOffice")
      case .busy?, .tentative?, .workingElsewhere?: set("ShowAs", "Busy")
      case nil: break
      }
      set("WhoId", e.related.first { $0.role == .who }?.id)
      set("WhatId", e.related.first { $0.role == .what }?.id)
      set("OwnerId", e.owner?.id)
      // Salesforce holds one reminder, as Outlook does: the same choice (a pop-up before an
      // e-mail alarm), and the others noted.
      let (kept, unplaced) = ExchangeCalendarItem.reminder(of: e.event) { reminderTime($0, e.event) != nil }
      ExchangeCalendarItem.noteUnplacedReminders(
        of: e.event, kept: kept, unplaced: unplaced, target: "csv:salesforce-events", diagnostics: context.diagnostics,
        location: context.location(property: "ReminderDateTime"))
      if let r = kept, let at = reminderTime(r, e.event) {
        set("IsReminderSet", "true")
        set("ReminderDateTime", at)
      }
      if let c = e.created { set("CreatedDate", Values.salesforceTimestamp(c)) }
      if let m = e.lastModified { set("LastModifiedDate", Values.salesforceTimestamp(m)) }
      encodeRecurrence(e.event, set, &context)
      return true
    }

    func reminderTime(_ r: Reminder, _ e: Event) -> String? {
      if let a = r.absolute { return utcText(a) }
      if let o = r.offset, let s = e.start.flatMap(utcText), let t = Values.timestamp(s) {
        return Values.salesforceTimestamp(Timestamp(milliseconds: t.milliseconds + Int64(o.totalSeconds) * 1000))
      }
      return nil
    }

    func encodeRecurrence(_ e: Event, _ set: (String, String?) -> Void, _ context: inout CSVEncodeContext) {
      guard let recurrence = e.recurrence, let rule = recurrence.rule, let start = e.start else {
        if let r = e.recurrence, !r.dates.isEmpty {
          context.diagnostics.warning(
            "series \"\(e.summary ?? "")\" has only RDATEs; Salesforce recurrence cannot hold them, first instance written",
            at: context.location(property: "recurrence"), code: "recurrence")
        }
        return
      }
      let zone = start.zone
      let startDate = start.localDateTime.date
      // The day the last occurrence starts, for COUNT or UNTIL rules.
      var lastDate: LocalDate?
      if rule.count != nil || rule.until != nil {
        var it = RecurrenceExpander(event: e, limit: 5000).makeIterator()
        var last: Occurrence?
        while let o = it.next() { last = o }
        lastDate = last?.start.localDateTime.date
      }
      switch SalesforceRecurrence.from(rule, start: startDate, lastDate: lastDate) {
      case .success(let f):
        set("IsRecurrence", "true")
        set("RecurrenceType", f.type.rawValue)
        if let n = f.interval { set("RecurrenceInterval", String(n)) }
        if let m = f.dayOfWeekMask { set("RecurrenceDayOfWeekMask", String(m)) }
        if let d = f.dayOfMonth { set("RecurrenceDayOfMonth", String(d)) }
        set("RecurrenceInstance", f.instance)
        set("RecurrenceMonthOfYear", f.monthOfYear)
        set("RecurrenceStartDateTime", utcText(start.isDate ? .utc(LocalDateTime(date: startDate, time: .midnight)) : start))
        set("RecurrenceEndDateOnly", f.endDateOnly?.description)
        set("RecurrenceTimeZoneSidKey", zone)
        if f.endDateOnly == nil {
          context.diagnostics.warning(
            "series \"\(e.summary ?? "")\" has no end; Salesforce Classic recurrence needs RecurrenceEndDateOnly",
            at: context.location(property: "recurrence"), code: "recurrence")
        }
      case .failure(let reason):
        var r = rule
        if let until = r.until, let text = utcText(until), let t = Values.timestamp(text) { r.until = .utc(t.utc) }
        set("IsRecurrence2", "true")
        set("Recurrence2PatternText", "RRULE:" + r.description)
        set("Recurrence2PatternTimeZone", zone)
        context.diagnostics.warning(
          "\(reason.text); written as a Lightning series (Recurrence2PatternText)",
          at: context.location(property: "recurrence"), code: "recurrence")
      }
      if !recurrence.exceptionDates.isEmpty || !recurrence.overrides.isEmpty {
        context.diagnostics.warning(
          "series \"\(e.summary ?? "")\" has exceptions or moved instances; Salesforce CSV cannot hold them",
          at: context.location(property: "recurrence"), code: "overflow")
      }
    }
  }
}
