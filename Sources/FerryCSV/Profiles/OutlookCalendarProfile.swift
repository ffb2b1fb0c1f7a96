import FerryModel
import FerryTime

/// `csv:outlook-calendar`: classic Outlook's Calendar folder export/import (22 columns,
/// en-US values). Sources: ../shared/formats/outlook-csv.md ("Outlook calendar CSV").
///
/// The file has no time zone and no recurrence: times are wall-clock times in `--zone` (each
/// event's own zone when none is given, with a warning), and series are expanded one row per
/// instance: a finite series (COUNT, UNTIL, dates only) whole unless `--expand-from` or
/// `--expand-until` is given, an endless one in that window (default: today and one year ahead). All-day events: `All day event` True, the end date exclusive (the day after), as
/// Outlook exports them. `Show time as` uses Outlook's OlBusyStatus numbers (0 free,
/// 1 tentative, 2 busy, 3 out of office, 4 working elsewhere; not verified against a real
/// import, see the format notes).
public struct OutlookCalendarProfile: CSVProfile {
  public init() {}
  public var name: String { "outlook-calendar" }
  public var kinds: Set<RecordKind> { [.event] }
  public var writesByteOrderMark: Bool { true }

  public static let columns = [
    "Subject", "Start Date", "Start Time", "End Date", "End Time", "All day event", "Reminder on/off", "Reminder Date",
    "Reminder Time", "Meeting Organizer", "Required Attendees", "Optional Attendees", "Meeting Resources",
    "Billing Information", "Categories", "Description", "Location", "Mileage", "Priority", "Private", "Sensitivity",
    "Show time as",
  ]

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    return h.share(of: ["Subject", "Start Date", "Start Time", "End Date", "End Time", "All day event", "Show time as", "Sensitivity"])
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder {
    CalendarCSV.Decoder(header: header, style: .outlook, zone: options.calendar.zone)
  }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder {
    CalendarCSV.Encoder(style: .outlook, options: options.calendar)
  }
}

/// The calendar CSV layouts of Outlook and Google: shared reading, writing and expansion.
enum CalendarCSV {
  enum Style { case outlook, google }

  // MARK: - Values

  /// Moves the row's unknown columns and unreadable values into the event.
  static func attachRaw(_ context: inout CSVDecodeContext, to event: inout Event) {
    guard !context.raw.isEmpty else { return }
    event.raw.append(contentsOf: context.raw)
    context.raw.removeAll(keepingCapacity: true)
  }

  /// `3/4/2024` (Outlook) or `03/04/2024` (Google): month first.
  static func dateText(_ d: LocalDate, _ style: Style, _ format: CSVDateFormat = .monthDayYear) -> String {
    style == .outlook ? format.text(year: d.year, month: d.month, day: d.day) : "\(pad2(d.month))/\(pad2(d.day))/\(d.year)"
  }

  /// `10:00:00 AM` (Outlook) or `10:00 AM` (Google).
  static func timeText(_ t: LocalTime, _ style: Style) -> String {
    let h12 = t.hour % 12 == 0 ? 12 : t.hour % 12
    let suffix = t.hour < 12 ? "AM" : "PM"
    return style == .outlook ? "\(h12):\(pad2(t.minute)):\(pad2(t.second)) \(suffix)" : "\(h12):\(pad2(t.minute)) \(suffix)"
  }

  static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

  /// `M/D/YYYY` (`D/M/YYYY` with `--input-date-format D/M/YYYY`), `D.M.YYYY`, `YYYY-MM-DD`.
  static func parseDate(_ text: String, format: CSVDateFormat? = nil) -> LocalDate? {
    let t = text.trimmed
    if let d = LocalDate(iso: t) { return d }
    let dotted = !t.contains("/") && t.contains(".")
    let parts = t.split(separator: dotted ? "." : "/")
    guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), var y = Int(parts[2]) else { return nil }
    let (m, d) = dotted || format == .dayMonthYear ? (b, a) : (a, b)
    if y < 100 { y += 2000 }
    let date = LocalDate(year: y, month: m, day: d)
    return date.isValid ? date : nil
  }

  /// A date with an optional time after a space or `T` (`1980-07-31 00:00`,
  /// `7/31/1980 10:00 AM`), as exports made by other tools write a single date column.
  static func parseDateTime(_ text: String, format: CSVDateFormat? = nil) -> (date: LocalDate, time: LocalTime?)? {
    if let d = parseDate(text, format: format) { return (d, nil) }
    let t = text.trimmed
    guard let sep = t.firstIndex(where: { $0 == " " || $0 == "T" }), let d = parseDate(String(t[..<sep]), format: format),
      let time = parseTime(String(t[t.index(after: sep)...]))
    else { return nil }
    return (d, time)
  }

  /// `10:00:00 AM`, `1:00 PM`, `14:30`.
  static func parseTime(_ text: String) -> LocalTime? {
    var t = text.trimmed.uppercased()
    var pm: Bool?
    if t.hasSuffix("AM") || t.hasSuffix("PM") {
      pm = t.hasSuffix("PM")
      t = String(t.dropLast(2)).trimmed
    }
    let parts = t.split(separator: ":").map { Int($0) }
    guard parts.count >= 2, parts.allSatisfy({ $0 != nil }), var h = parts[0], let m = parts[1] else { return nil }
    let s = parts.count > 2 ? parts[2] ?? 0 : 0
    if let pm {
      guard (1...12).contains(h) else { return nil }
      h = h % 12 + (pm ? 12 : 0)
    }
    guard (0...23).contains(h), (0...59).contains(m), (0...59).contains(s) else { return nil }
    return LocalTime(hour: h, minute: m, second: s)
  }

  static func bool(_ s: String?) -> Bool? {
    switch s?.trimmed.lowercased() {
    case "true", "yes", "1", "on": true
    case "false", "no", "0", "off": false
    default: nil
    }
  }

  // MARK: - Reading

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let subject, startDate, startTime, endDate, endTime, allDay, reminderOn, reminderDate, reminderTime, organizer,
      required, optional, resources, categories, description, location, priority, isPrivate, sensitivity, showAs: Int?
    let zone: String?
    /// `zone` resolved once (a tz database name or a Windows id), to tell wall times that do
    /// not exist or happen twice there.
    let resolvedZone: Zone?
    let style: Style

    init(header: [String], style: Style, zone: String?) {
      self.style = style
      resolvedZone = zone.flatMap { TimeZoneResolver.shared.resolve($0)?.zone }
      var h = HeaderIndex(header)
      subject = h.take("Subject")
      startDate = h.take("Start Date")
      startTime = h.take("Start Time")
      endDate = h.take("End Date")
      endTime = h.take("End Time")
      allDay = h.take("All day event", "All Day Event")
      reminderOn = h.take("Reminder on/off")
      reminderDate = h.take("Reminder Date")
      reminderTime = h.take("Reminder Time")
      organizer = h.take("Meeting Organizer")
      required = h.take("Required Attendees")
      optional = h.take("Optional Attendees")
      resources = h.take("Meeting Resources")
      categories = h.take("Categories")
      description = h.take("Description")
      location = h.take("Location")
      priority = h.take("Priority")
      isPrivate = h.take("Private")
      sensitivity = h.take("Sensitivity")
      showAs = h.take("Show time as")
      self.zone = zone
      mappedColumns = h.used
    }

    func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      func s(_ i: Int?) -> String? { i.flatMap { row.string($0) } }
      var e = Event()
      e.summary = s(subject)
      e.description = s(description)
      e.location = s(location)
      guard let sd = s(startDate) else {
        context.diagnostics.warning("row has no Start Date; skipped", at: context.location(column: startDate), code: "skipped")
        return nil
      }
      guard let (first, startAt) = CalendarCSV.parseDateTime(sd, format: context.dateFormat) else {
        let hint =
          context.dateFormat == nil && Values.readsOnlyDayFirst(sd)
          ? "; for day-first dates give --input-date-format D/M/YYYY" : ""
        context.diagnostics.warning(
          "Start Date \"\(sd)\" is not a date (M/D/YYYY or YYYY-MM-DD); row skipped\(hint)", at: context.location(column: startDate),
          code: "skipped")
        return nil
      }
      let endParts = s(endDate).flatMap { CalendarCSV.parseDateTime($0, format: context.dateFormat) }
      if let text = s(endDate), endParts == nil {
        context.keepUnparsedDate(column: endDate ?? 0, value: text, what: "a date (M/D/YYYY or YYYY-MM-DD)")
      }
      let lastDay = endParts?.date
      // A time inside the date column stands in for an empty time column; midnight to
      // midnight with no time columns is a whole day.
      let startClock = s(startTime) == nil ? startAt : nil
      let endClock = s(endTime) == nil ? endParts?.time : nil
      let wholeDays = startClock == .midnight && (endClock == nil || endClock == .midnight)
      func wall(_ d: LocalDate, _ t: LocalTime, _ what: String, column: Int?) -> EventTime {
        let l = LocalDateTime(date: d, time: t)
        guard let zone else { return .floating(l) }
        if let z = resolvedZone {
          // RFC 5545 §3.3.5, as every writer resolves it: a time in the spring-forward gap
          // moves forward by the gap; a time in the autumn fold is the first of the two.
          switch z.kind(ofLocal: l) {
          case .unique: break
          case .gap(let length):
            let moved = z.local(atInstant: z.instant(forLocal: l))
            context.diagnostics.warning(
              "\(what) \(l) does not exist in \(zone) (the clocks go forward \(length / 60) minutes); read as \(moved)",
              at: context.location(column: column), code: "zone")
          case .fold:
            context.diagnostics.warning(
              "\(what) \(l) happens twice in \(zone) (the clocks go back); read as the first, before the change",
              at: context.location(column: column), code: "zone")
          }
        }
        return .zoned(l, zone: zone)
      }
      if CalendarCSV.bool(s(allDay)) == true || (s(startTime) == nil && (startClock == nil || wholeDays)) {
        e.isAllDay = true
        e.start = .date(first)
        // Outlook's all-day end date is exclusive (the next day), Google's the last day.
        let end: LocalDate
        if wholeDays, endClock == .midnight, let l = lastDay, l > first {
          end = l  // `…-08-01 00:00` is the instant the day ends: exclusive already
        } else {
          end = style == .google ? (lastDay ?? first).adding(days: 1) : (lastDay ?? first.adding(days: 1))
        }
        e.end = .date(max(end, first.adding(days: 1)))
      } else {
        let st = s(startTime).flatMap(CalendarCSV.parseTime) ?? startClock ?? .midnight
        if let text = s(startTime), CalendarCSV.parseTime(text) == nil {
          context.keepUnparsed(column: startTime ?? 0, value: text, what: "a time")
        }
        if let text = s(endTime), CalendarCSV.parseTime(text) == nil {
          context.keepUnparsed(column: endTime ?? 0, value: text, what: "a time")
        }
        e.start = wall(first, st, "Start", column: startTime ?? startDate)
        if let et = s(endTime).flatMap(CalendarCSV.parseTime) ?? endClock {
          e.end = wall(lastDay ?? first, et, "End", column: endTime ?? endDate)
        }
      }
      if CalendarCSV.bool(s(reminderOn)) == true, let rd = s(reminderDate).flatMap({ CalendarCSV.parseDate($0, format: context.dateFormat) }),
        let rt = s(reminderTime).flatMap(CalendarCSV.parseTime)
      {
        e.reminders.append(Reminder(absolute: wall(rd, rt, "Reminder", column: reminderTime)))
      }
      if let o = s(organizer) { e.organizer = Attendee(name: o) }
      for (i, role) in [(required, Attendee.Role.required), (optional, .optional)] {
        for name in (s(i) ?? "").split(separator: ";").map({ String($0).trimmed }) where !name.isEmpty {
          e.attendees.append(Attendee(name: name, role: role))
        }
      }
      for name in (s(resources) ?? "").split(separator: ";").map({ String($0).trimmed }) where !name.isEmpty {
        e.attendees.append(Attendee(name: name, role: .nonParticipant, kind: .resource))
      }
      e.categories = (s(categories) ?? "").split(separator: ";").map { String($0).trimmed }.filter { !$0.isEmpty }
      switch s(priority)?.lowercased() {
      case "high"?: e.priority = 1
      case "low"?: e.priority = 9
      case "normal"?: e.priority = 5
      default: break
      }
      switch s(sensitivity)?.lowercased() {
      case "private"?: e.privacy = .private
      case "confidential"?: e.privacy = .confidential
      case "personal"?: e.privacy = .private
      case "normal"?: e.privacy = .public
      default: break
      }
      if let p = CalendarCSV.bool(s(isPrivate)), p { e.privacy = e.privacy == .confidential ? .confidential : .private }
      if e.privacy == nil, let p = CalendarCSV.bool(s(isPrivate)) { e.privacy = p ? .private : .public }
      switch s(showAs) {
      case "0"?: e.busyStatus = .free
      case "1"?: e.busyStatus = .tentative
      case "2"?: e.busyStatus = .busy
      case "3"?: e.busyStatus = .outOfOffice
      case "4"?: e.busyStatus = .workingElsewhere
      default: break
      }
      CalendarCSV.attachRaw(&context, to: &e)
      return .event(e)
    }
  }

  // MARK: - Writing

  struct Encoder: CSVRecordEncoder {
    let style: Style
    /// Google's layout has no reminder, category, priority, busy or attendee columns.
    var writtenFields: Set<String> {
      let both: Set<String> = ["summary", "description", "location", "start", "end", "recurrence", "privacy"]
      return style == .google
        ? both : both.union(["organizer", "attendees", "busyStatus", "reminders", "categories", "priority"])
    }
    let options: CalendarOptions
    var columns: [String]
    var phoneColumns: Set<Int> = []
    let index: [String: Int]
    var warnedZone = false
    var warnedUnknownZone = false
    var warnedUnresolved: Set<String> = []
    var warnedAttendeeEmails = false
    /// `--zone`, resolved once: nil when none was given or it names no zone.
    let target: ExchangeZone?

    init(style: Style, options: CalendarOptions) {
      self.style = style
      self.options = options
      target = options.zone.flatMap { ExchangeZones(event: Event(), fallbackZone: $0).fallback }
      columns = style == .outlook ? OutlookCalendarProfile.columns : GoogleCalendarProfile.columns
      index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
    }

    var profileName: String { style == .outlook ? "outlook-calendar" : "google-calendar" }

    /// The expansion window: `--expand-from` (default today) to `--expand-until` (default a
    /// year later), whole UTC days.
    var window: ExpansionWindow {
      let (from, until) = windowDays
      return ExpansionWindow(
        fromUTC: LocalDateTime(date: from, time: .midnight), untilUTC: LocalDateTime(date: until.adding(days: 1), time: .midnight))
    }

    /// The first and last day of the expansion window.
    var windowDays: (from: LocalDate, until: LocalDate) {
      let today = Timestamp(milliseconds: Int64(currentSeconds()) * 1000).utc.date
      let from = options.expandFrom ?? today
      return (from, options.expandUntil ?? LocalDate(year: from.year + 1, month: from.month, day: min(from.day, 28)))
    }

    /// Outlook's calendar CSV holds one reminder: the shared choice of EWS and Graph, where
    /// an absolute reminder or one relative to the end also fits.
    static func reminder(of e: Event) -> (reminder: Reminder?, unplaced: Int) {
      ExchangeCalendarItem.reminder(of: e) { $0.absolute != nil || $0.offset != nil }
    }

    mutating func rows(for record: Record, context: inout CSVEncodeContext) -> [Record]? {
      if style == .outlook, case .event(let e) = record {
        // Once per record, not per expanded row.
        let (kept, unplaced) = Self.reminder(of: e.event)
        ExchangeCalendarItem.noteUnplacedReminders(
          of: e.event, kept: kept, unplaced: unplaced, target: "csv:\(profileName)", diagnostics: context.diagnostics,
          location: context.location(property: "reminders"))
      }
      guard case .event(let e) = record, let r = e.recurrence, r.rule != nil || !r.dates.isEmpty else { return nil }
      // The layout has no recurrence, so every series is expanded: a finite one (COUNT,
      // UNTIL, dates only) whole unless a window was given, so a past series keeps its rows;
      // an endless one in the window.
      let whole = options.expandFrom == nil && options.expandUntil == nil && r.isFinite
      let (occurrences, truncated) = RecurrenceExpander(event: e.event, window: whole ? .unbounded : window).expand()
      if truncated {
        context.diagnostics.warning(
          "series \"\(e.summary ?? "")\" has more than \(RecurrenceExpander.defaultLimit) instances in the window; the rest dropped",
          at: context.location(property: "recurrence"), code: "overflow")
      }
      if occurrences.isEmpty {
        // The whole series would vanish (a past series, by default today and a year on): a
        // warning the user must see, as the iCalendar writer gives, not a note.
        let w = windowDays
        let span = whole ? "" : " from \(w.from) to \(w.until)"
        context.diagnostics.warning(
          "series \"\(e.summary ?? "")\" has no occurrence\(span); nothing written (csv:\(profileName) has no recurrence; --expand-from and --expand-until set the window)",
          at: context.location(property: "recurrence"), code: "skipped")
      } else {
        context.diagnostics.note(
          "series \"\(e.summary ?? "")\" expanded to \(occurrences.count) rows\(whole ? ", the whole series" : "") (csv:\(profileName) has no recurrence)",
          at: context.location(property: "recurrence"), code: "recurrence")
      }
      return occurrences.map { o in
        // An override holds what changed; the rest is the series' (Event.inheriting(from:)).
        var instance = o.override.map { $0.inheriting(from: e.event) } ?? e.event
        instance.recurrence = nil
        instance.recurrenceId = nil
        instance.start = o.start
        instance.end = o.end
        return .event(instance)
      }
    }

    /// The wall clock to write: in `--zone`, else in the event's own zone. A warning about the
    /// zone points at the record's place in the input, naming `property` (`start`, `end`).
    ///
    /// Zones resolve as EWS and Graph resolve them (`ExchangeZones`): tz database and Windows
    /// names, and a TZID only the file's own VTIMEZONE defines (Lotus Notes' "Pacific"), so a
    /// time in such a zone is converted to `--zone` instead of keeping its wall clock.
    mutating func wall(
      _ t: EventTime, in zones: ExchangeZones, property: String, context: inout CSVEncodeContext
    ) -> LocalDateTime {
      guard let target else {
        if options.zone != nil, !warnedUnknownZone {
          warnedUnknownZone = true
          context.diagnostics.warning(
            "--zone \"\(options.zone ?? "")\" names no time zone ferry knows; times written in each event's own zone",
            at: context.location(property: property), code: "zone")
        } else if options.zone == nil, !warnedZone, t.zone != nil || { if case .utc = t { true } else { false } }() {
          warnedZone = true
          context.diagnostics.warning(
            "csv:\(profileName) has no time zone and no --zone was given; times written in each event's own zone (UTC for UTC times)",
            at: context.location(property: property), code: "zone")
        }
        return t.localDateTime
      }
      switch t {
      case .utc(let u): return target.zone.local(fromUTC: u)
      case .zoned(let l, let name):
        guard let z = zones.zone(named: name) else {
          if !warnedUnresolved.contains(name) {
            warnedUnresolved.insert(name)
            context.diagnostics.warning(
              "TZID \"\(name)\" names no zone ferry can resolve (and no VTIMEZONE defines it); its times are written as they are, not converted to --zone \(target.name)",
              at: context.location(property: property), code: "zone")
          }
          return l
        }
        return target.zone.local(atInstant: z.zone.instant(forLocal: l))
      default: return t.localDateTime
      }
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .event(let e) = record else {
        context.diagnostics.warning(
          "csv:\(profileName) writes events; record \(context.record) skipped", at: context.location(property: nil),
          code: "skipped")
        return false
      }
      func set(_ column: String, _ value: String?) {
        if let value, let i = index[column] { cells[i] = value }
      }
      if let summary = e.summary, !summary.trimmed.isEmpty {
        set("Subject", summary)
      } else if style == .google {
        // Google's importer requires a Subject; it shows an untitled event as "(No title)".
        set("Subject", "(No title)")
        context.diagnostics.warning(
          "event has no summary and Google Calendar's CSV import requires Subject; written as \"(No title)\"",
          at: context.location(property: "Subject"), code: "missing")
      } else {
        set("Subject", "")
      }
      // One resolver per event: its own VTIMEZONEs are read once, not once per time written.
      let zones = ExchangeZones(event: e.event, fallbackZone: nil)
      guard let start = e.start else {
        context.diagnostics.warning(
          "event\(e.summary.map { " \"\($0)\"" } ?? "") has no start; skipped", at: context.location(property: "start"),
          code: "skipped")
        return false
      }
      let allDay = e.isAllDay || start.isDate
      set(style == .outlook ? "All day event" : "All Day Event", allDay ? "True" : "False")
      if allDay {
        let first = start.localDateTime.date
        let end = max(e.end?.localDateTime.date ?? first.adding(days: 1), first.adding(days: 1))
        set("Start Date", CalendarCSV.dateText(first, style, context.dateFormat))
        set("End Date", CalendarCSV.dateText(style == .outlook ? end : end.adding(days: -1), style, context.dateFormat))
        if style == .outlook {
          set("Start Time", CalendarCSV.timeText(.midnight, style))
          set("End Time", CalendarCSV.timeText(.midnight, style))
        }
      } else {
        let s = wall(start, in: zones, property: "start", context: &context)
        set("Start Date", CalendarCSV.dateText(s.date, style, context.dateFormat))
        set("Start Time", CalendarCSV.timeText(s.time, style))
        var endWall: LocalDateTime?
        if let end = e.end {
          endWall = wall(end, in: zones, property: "end", context: &context)
        } else if let d = e.duration {
          endWall = s.adding(seconds: d.totalSeconds)
        }
        if let l = endWall {
          set("End Date", CalendarCSV.dateText(l.date, style, context.dateFormat))
          set("End Time", CalendarCSV.timeText(l.time, style))
        }
      }
      set("Description", e.description)
      set("Location", e.location)
      set("Private", e.privacy == .private || e.privacy == .confidential ? "True" : "False")
      guard style == .outlook else { return true }
      if let r = Self.reminder(of: e.event).reminder {
        var at: LocalDateTime?
        if let a = r.absolute {
          at = wall(a, in: zones, property: "reminders", context: &context)
        } else if let o = r.offset, r.relativeToEnd, !allDay, let end = e.end {
          at = wall(end, in: zones, property: "reminders", context: &context).adding(seconds: o.totalSeconds)
        } else if let o = r.offset, !allDay {
          at = wall(start, in: zones, property: "reminders", context: &context).adding(seconds: o.totalSeconds)
        } else if let o = r.offset {
          at = LocalDateTime(date: start.localDateTime.date, time: .midnight).adding(seconds: o.totalSeconds)
        }
        if let at {
          set("Reminder on/off", "True")
          set("Reminder Date", CalendarCSV.dateText(at.date, style, context.dateFormat))
          set("Reminder Time", CalendarCSV.timeText(at.time, style))
        }
      } else {
        set("Reminder on/off", "False")
      }
      set("Meeting Organizer", e.organizer.flatMap { $0.name ?? $0.email })
      // Outlook's layout holds display names only (outlook-csv.md): an address beside a name
      // does not reach the file, which is said once.
      if !warnedAttendeeEmails, ([e.organizer].compactMap { $0 } + e.attendees).contains(where: { $0.name != nil && $0.email != nil }) {
        warnedAttendeeEmails = true
        context.diagnostics.note(
          "csv:outlook-calendar holds organizer and attendee display names only; their e-mail addresses are left out (ics keeps them; reported once)",
          at: context.location(property: "Required Attendees"), code: "unmapped")
      }
      func names(_ list: [Attendee]) -> String? {
        let n = list.compactMap { $0.name ?? $0.email }
        return n.isEmpty ? nil : n.joined(separator: ";")
      }
      let resources = e.attendees.filter { $0.kind == .room || $0.kind == .resource }
      let people = e.attendees.filter { !($0.kind == .room || $0.kind == .resource) }
      set("Required Attendees", names(people.filter { $0.role != .optional && $0.role != .nonParticipant }))
      set("Optional Attendees", names(people.filter { $0.role == .optional || $0.role == .nonParticipant }))
      set("Meeting Resources", names(resources))
      if !e.categories.isEmpty { set("Categories", e.categories.joined(separator: ";")) }
      switch e.priority {
      case (1...4)?: set("Priority", "High")
      case (6...9)?: set("Priority", "Low")
      default: set("Priority", "Normal")
      }
      switch e.privacy {
      case .private?: set("Sensitivity", "Private")
      case .confidential?: set("Sensitivity", "Confidential")
      default: set("Sensitivity", "Normal")
      }
      let show: String
      switch e.busyStatus {
      case .free?: show = "0"
      case .tentative?: show = "1"
      case .outOfOffice?: show = "3"
      case .workingElsewhere?: show = "4"
      default: show = "2"
      }
      set("Show time as", show)
      return true
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Seconds since 1970 now (for the default expansion window).
func currentSeconds() -> Int { Int(time(nil)) }
