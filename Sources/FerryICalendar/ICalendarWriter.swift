import FerryContentLines
import FerryModel
import FerryTime
import Foundation

/// Writes canonical events as iCalendar (RFC 5545), one VEVENT or VTODO at a time.
///
/// - Starts a VCALENDAR (VERSION, PRODID, CALSCALE, METHOD — PUBLISH unless the source said
///   otherwise — X-WR-CALNAME, X-WR-TIMEZONE); a new VCALENDAR begins when an event comes
///   from a different calendar.
/// - Writes a VTIMEZONE with RRULE observances (which Outlook reads) before the first event
///   that uses each TZID. TZIDs are Windows names for `--for outlook|exchange`, IANA names
///   otherwise; `--utc` writes every zoned time in UTC. Never TZID together with `Z`.
/// - CLASS is always written (Google applies the calendar default visibility otherwise).
/// - Overrides are written as VEVENTs with the master's UID (made once when the master has
///   none) and a RECURRENCE-ID, right after the master, each with the master's details it does
///   not change (summary, CLASS, location, …); an override that arrives on its own keeps its UID.
/// - Series policy (`--series`): `keep` writes the rule when the target can hold it, else
///   expands it with a warning; `expand` writes one VEVENT per occurrence in the window;
///   `skip` drops recurring series with a note.
public struct ICalendarWriter: RecordWriter {
  private let output: ByteOutput
  private let options: WriteOptions
  private let diagnostics: DiagnosticSink
  private let zones = ZoneSupport()
  private var lines = ContentLineWriter()
  private var open = false
  private var currentCalendar: CalendarInfo?
  private var writtenZones: Set<String> = []
  /// See `ruleText(_:start:calendarZone:)`.
  private var recentRuleTexts: [(rule: RecurrenceRule, text: String)] = []
  private static let recentRuleLimit = 16
  /// Zones (as events name them) whose VTIMEZONE is written in this calendar already, at most
  /// `settledZoneLimit`: found by comparing names, without `ensureZone`'s checks and hashing,
  /// for every time written.
  ///
  /// With each, `;TZID=…` (quoted where needed) when every time in the zone is written with
  /// the same one: without `--utc`, and not UTC itself (whose times `prepare` converts).
  /// `prepare(_:)` then gives `tzName(zone)` for a tz database zone, else `zone`, for every
  /// time: worked out, and quoted, once per zone.
  ///
  /// Names compare by their bytes (`sameBytes`): a TZID is written as its bytes are, and two
  /// names `==` calls equal (canonically equivalent) can have different ones.
  private var settledZones: [(zone: String, tzid: [UInt8]?)] = []
  private static let settledZoneLimit = 16
  /// The entry of `settledZones` found last: a time's zone is mostly the one before it (an
  /// event's end, or the time written after its VTIMEZONE was seen to).
  private var lastSettled = 0
  private var writtenRawZones: Set<String> = []
  public private(set) var skippedRecords = 0
  private var droppedRawNames: Set<String> = []
  private var registeredDefinitions: Set<String> = []
  private var warnedUnconvertible: Set<String> = []
  private let now: Timestamp
  private let expander: SeriesExpander
  private var recordNumber = 0
  /// Events written (occurrences count one each), for reports and benchmarks.
  public private(set) var eventsWritten = 0

  /// - Parameter now: the DTSTAMP for events that have none (tests pass a fixed one).
  public init(
    destination: OutputDestination, options: WriteOptions = WriteOptions(), diagnostics: DiagnosticSink,
    now: Timestamp? = nil
  ) throws {
    output = try destination.primary()
    self.options = options
    target = options.target?.lowercased() ?? "generic"
    windowsNames = target == "outlook" || target == "exchange"
    self.diagnostics = diagnostics
    self.now = now ?? Timestamp(milliseconds: Int64(Date().timeIntervalSince1970) * 1000)
    expander = SeriesExpander(options: options.calendar, now: self.now, resolver: zones.resolver)
  }

  /// The target (`--for`), lower-cased; worked out once, as it is asked for every event.
  private let target: String
  private let windowsNames: Bool
  /// Outlook, Exchange and Google import a file as a calendar, not as a scheduling message:
  /// one VCALENDAR (MS-OXCICAL appendix A: Outlook 2003 and Exchange read only one, Outlook
  /// 2007 and 2010 several only with METHOD:PUBLISH), METHOD:PUBLISH (a REQUEST opens as one
  /// meeting request), and no X-MS-OLK-FORCEINSPECTOROPEN (Outlook then imports the whole
  /// stream as a single appointment).
  private var importsOneCalendar: Bool { windowsNames || target == "google" }
  private var notedMergedCalendars = false

  public mutating func write(_ record: Record) throws {
    recordNumber += 1
    guard case .event(let box) = record else {
      diagnostics.warning("ics cannot hold contacts; record \(recordNumber) skipped", code: "skipped")
      skippedRecords += 1
      return
    }
    // Read in its box, not copied out (see `EventBox`): with the box's lifetime made plain,
    // the optimizer lends its unchanging event instead of copying it.
    try withExtendedLifetime(box) { try write(event: box.event) }
  }

  private mutating func write(event: borrowing Event) throws {
    if open, event.calendar?.differs(from: currentCalendar) == true {
      if importsOneCalendar {
        if !notedMergedCalendars {
          notedMergedCalendars = true
          diagnostics.note(
            "events of several calendars written into one VCALENDAR (\(target) imports one; Outlook 2007 and 2010 take several only with METHOD:PUBLISH, Exchange never); the first calendar's name and properties apply",
            code: "structure")
        }
      } else {
        closeCalendar()
      }
    }
    if !open { openCalendar(event.calendar) }

    let isSeries = event.recurrence.map { $0.rule != nil || !$0.dates.isEmpty } ?? false
    if isSeries {
      switch options.calendar.series {
      case .skip:
        diagnostics.note(
          "recurring event \"\(event.summary ?? event.uid ?? "")\" skipped (--series skip)", at: location(event),
          code: "skipped")
        skippedRecords += 1
        try flush()
        return
      case .expand:
        try writeExpanded(event, reason: nil)
        return
      case .keep:
        if let problem = seriesProblem(event.recurrence, start: event.start) {
          try writeExpanded(event, reason: problem)
          return
        }
      }
    }
    writeSeries(event)
    try flush()
  }

  /// The master, then its overrides: one UID for all of them (RFC 5545 §3.8.4.4), made once
  /// when the master has none, and each override complete (`Event.inheriting(from:)`), since
  /// readers take a RECURRENCE-ID component for the whole instance.
  private mutating func writeSeries(_ event: Event) {
    let uid = event.uid ?? ICalendarWriter.stableUID(event)
    writeComponent(event, uid: uid)
    for o in event.recurrence?.overrides ?? [] { writeComponent(o.inheriting(from: event), uid: uid) }
  }

  public mutating func finish() throws {
    if !open { openCalendar(nil) }
    closeCalendar()
    try flush(final: true)
    try output.flush()
  }

  // MARK: - Series

  /// Why the target cannot hold this series as written, or nil when it can.
  private func seriesProblem(_ recurrence: Recurrence?, start: EventTime?) -> String? {
    guard let recurrence else { return nil }
    if windowsNames {
      let reasons = OutlookRecurrence.compatibility(recurrence, start: start)
      if !reasons.isEmpty { return "\(target) cannot hold " + reasons.joined(separator: ", ") }
    }
    return nil
  }

  private mutating func writeExpanded(_ event: Event, reason: String?) throws {
    let instances: [Event]
    do {
      // Expanded because the target cannot hold the rule (not --series expand): a finite
      // series is written whole unless a window was given.
      instances = try expander.expand(event, whole: reason != nil)
    } catch let error as SeriesExpander.Unsupported {
      diagnostics.warning(
        "series \"\(event.summary ?? event.uid ?? "")\" cannot be expanded: \(error.reason); written as a series",
        at: location(event), code: "recurrence")
      writeSeries(event)
      try flush()
      return
    } catch let error as SeriesExpander.Truncated {
      diagnostics.warning(
        "series \"\(event.summary ?? event.uid ?? "")\" has more than \(error.limit) occurrences in the window; the first \(error.limit) written",
        at: location(event), code: "recurrence")
      instances = error.instances
    }
    if let reason {
      diagnostics.warning(
        "series \"\(event.summary ?? event.uid ?? "")\" cannot be kept: \(reason); expanded to \(instances.count) events",
        at: location(event), code: "recurrence")
    }
    if instances.isEmpty {
      // Nothing of the series falls in the window (a past series, by default today and a
      // year on): no component is written, so the record counts as skipped, not written.
      skippedRecords += 1
      if reason == nil {
        diagnostics.warning(
          "series \"\(event.summary ?? event.uid ?? "")\" has no occurrence in the expansion window; nothing written (--expand-from and --expand-until set the window)",
          at: location(event), code: "skipped")
      }
    }
    for instance in instances { writeComponent(instance, uid: nil) }
    try flush()
  }

  /// Output diagnostics name the record by its summary or UID in the message; they have no
  /// input position.
  private func location(_ event: Event) -> SourceLocation? { nil }

  // MARK: - Calendar

  private mutating func openCalendar(_ info: CalendarInfo?) {
    open = true
    currentCalendar = info
    writtenZones = []
    settledZones = []
    writtenRawZones = []
    lines.begin("VCALENDAR")
    lines.write(name: "VERSION", value: "2.0")
    lines.write(name: "PRODID", value: "-//ferry//ferry 1.0//EN")
    lines.write(name: "CALSCALE", value: "GREGORIAN")
    // `ferry push` asks for METHOD:CANCEL on its delete files (CalendarOptions.method).
    var method = options.calendar.method ?? info?.method ?? "PUBLISH"
    if importsOneCalendar, options.calendar.method == nil, method.uppercased() != "PUBLISH" {
      diagnostics.note(
        "METHOD:\(method) of the source written as METHOD:PUBLISH: \(target) imports a calendar file, and opens a \(method) as a single scheduling message",
        code: "structure")
      method = "PUBLISH"
    }
    lines.write(name: "METHOD", value: method)
    if let name = info?.name {
      lines.write(name: "X-WR-CALNAME", value: TextEscaping.escape(name))
    }
    if let tz = info?.timeZone, !options.calendar.utc {
      lines.write(name: "X-WR-TIMEZONE", value: tzName(tz))
    }
    for p in info?.raw ?? [] {
      if importsOneCalendar, p.name.uppercased() == "X-MS-OLK-FORCEINSPECTOROPEN" {
        diagnostics.note(
          "X-MS-OLK-FORCEINSPECTOROPEN left out: Outlook would import the whole file as one appointment (MS-OXCICAL)",
          code: "structure")
        continue
      }
      writeRaw(p)
    }
  }

  private mutating func closeCalendar() {
    guard open else { return }
    lines.end("VCALENDAR")
    open = false
  }

  /// Hands the lines written so far to the output once they reach `flushSize` bytes, or all
  /// of them at the end (`final`): one output write per 64 KiB rather than one per event.
  private mutating func flush(final: Bool = false) throws {
    guard !lines.bytes.isEmpty, final || lines.bytes.count >= Self.flushSize else { return }
    // As a buffer: `ByteOutput.write` is generic and not specialized here, and copied an
    // array's bytes one by one (an instruction a byte), a buffer's in one copy.
    try lines.bytes.withUnsafeBufferPointer { try output.write($0) }
    lines.bytes.removeAll(keepingCapacity: true)
  }

  private static let flushSize = 1 << 16

  // MARK: - Zones

  private func tzName(_ zone: String) -> String {
    if windowsNames, let w = zones.windowsName(forIANA: zone) { return w }
    return zone
  }

  /// The time as written: converted for `--utc`, and the TZID to use.
  private func prepare(_ time: EventTime) -> (EventTime, tzid: String?) {
    switch time {
    case .zoned(let t, let zone):
      if zones.zone(zone) != nil {
        if options.calendar.utc || zone == "UTC" {
          if let u = zones.utc(t, zone: zone) { return (.utc(u), nil) }
        }
        return (time, tzName(zone))
      }
      // A TZID only the source's VTIMEZONE defines converts by that definition.
      if options.calendar.utc, let u = zones.utc(t, zone: zone) { return (.utc(u), nil) }
      return (time, zone)
    case .floating(let t):
      if options.calendar.utc, let zone = options.calendar.zone, let u = zones.utc(t, zone: zone) { return (.utc(u), nil) }
      return (time, nil)
    default:
      return (time, nil)
    }
  }

  /// Whether times in `zone` can be converted to UTC: a tz database zone, or a TZID whose
  /// VTIMEZONE came along.
  private func convertible(_ zone: String) -> Bool {
    zones.zone(zone) != nil || zones.resolver.zone(for: zone) != nil
  }

  /// `--utc` cannot convert a TZID nothing resolves: says so once per TZID.
  private mutating func warnUnconvertible(_ event: Event) {
    guard options.calendar.utc else { return }
    var times = [event.start, event.end, event.due, event.recurrenceId].compactMap { $0 }
    times += (event.recurrence?.dates ?? []) + (event.recurrence?.exceptionDates ?? [])
    for case .zoned(_, let zone) in times where !convertible(zone) && warnedUnconvertible.insert(zone).inserted {
      diagnostics.warning(
        "--utc: event \"\(event.summary ?? event.uid ?? "")\" has TZID \"\(zone)\", which ferry cannot resolve (no zone has that name "
          + "and no VTIMEZONE defines it); its times kept with that TZID", code: "zone")
    }
  }

  private mutating func ensureZone(_ zone: String, year: Int, rawComponents: [RawComponent]) {
    guard !options.calendar.utc || !convertible(zone) else { return }
    let known = zones.zone(zone) != nil
    let name = known ? tzName(zone) : zone
    // From now on, nothing is written for this zone in this calendar.
    if settledZones.count < Self.settledZoneLimit {
      var tzid: [UInt8]?
      if !options.calendar.utc && zone != "UTC" {
        var parameter = ContentLineWriter()
        parameter.beginParameter("TZID")
        parameter.appendParameterValue(name, first: true)
        tzid = parameter.bytes
      }
      settledZones.append((zone, tzid))
    }
    if writtenZones.contains(name) { return }
    writtenZones.insert(name)
    if known, let definition = ZoneDefinition(iana: zone, years: year...year) {
      // RRULE-style observances for the rules in force in the event's year (what Outlook reads).
      lines.begin("VTIMEZONE")
      lines.write(name: "TZID", value: name)
      if !windowsNames { lines.write(name: "X-LIC-LOCATION", value: zone) }
      for var o in definition.observances {
        // A rule still in force starts in 1970, as Outlook and Google write it, so that
        // consumers know the offsets before the event's year too.
        if let rule = o.rule, rule.until == nil, rule.count == nil, let month = rule.byMonth.first,
          let day = rule.byDay.first, let ordinal = day.ordinal
        {
          let date = ICalendarWriter.nthWeekday(year: 1970, month: month, weekday: day.weekday.isoNumber, ordinal: ordinal)
          o.start = LocalDateTime(date: date, time: o.start.time)
        }
        let kind = o.kind.rawValue
        lines.begin(kind)
        lines.write(name: "DTSTART", value: ICalValue.basic(o.start))
        if let rule = o.rule { lines.write(name: "RRULE", value: rule.description) }
        if !o.dates.isEmpty { lines.write(name: "RDATE", value: o.dates.map { ICalValue.basic($0) }.joined(separator: ",")) }
        lines.write(name: "TZOFFSETFROM", value: ZoneSupport.offsetText(o.offsetFrom))
        lines.write(name: "TZOFFSETTO", value: ZoneSupport.offsetText(o.offsetTo))
        for n in o.names where !n.hasPrefix("+") && !n.hasPrefix("-") && !n.hasPrefix("GMT") && !n.hasPrefix("UTC") {
          lines.write(name: "TZNAME", value: TextEscaping.escape(n))
        }
        lines.end(kind)
      }
      lines.end("VTIMEZONE")
      return
    }
    // A zone ferry could not resolve: write the source's VTIMEZONE when it came along.
    if let definition = rawComponents.first(where: {
      $0.name == "VTIMEZONE" && $0.properties.first(where: { $0.name == "TZID" })?.value == zone
    }), definition.properties.count > 1 || !definition.components.isEmpty {
      writeRawComponent(definition)
    } else {
      diagnostics.warning(
        "TZID \"\(zone)\" has no definition ferry can write; consumers may misread its times", code: "zone")
    }
  }

  // MARK: - Events

  /// Writes a time; its VTIMEZONE is already written (`writeComponent` sees to every zone
  /// before the component begins).
  ///
  /// Written piece by piece (parameters, then the digits straight into the line's bytes): no
  /// parameter array and no value string is made for a time, several of which every event has.
  ///
  /// `tzid`: what `ensureZoneOnce` gave for this time, if anything.
  private mutating func writeTime(
    _ name: StaticString, _ time: EventTime, tzid settled: [UInt8]? = nil, extra: [ContentParameter] = []
  ) {
    if extra.isEmpty, case .zoned(let t, _) = time, let tzid = settled {
      // The common time: a wall clock in a zone settled already, in one line of known size.
      lines.writeLine(maxCount: name.utf8CodeUnitCount + tzid.count + 1 + 15) { line in
        line.append(name)
        tzid.withUnsafeBufferPointer { line.append(bytes: $0) }
        line.append(UInt8(ascii: ":"))
        line.appendBasic(t, utc: false)
      }
      return
    }
    let (t, tzid) = prepare(time)
    let start = lines.beginProperty(group: nil, name: String(describing: name))
    for p in extra { lines.appendParameter(p) }
    if let tzid {
      lines.beginParameter("TZID")
      lines.appendParameterValue(tzid, first: true)
    }
    if t.isDate { appendFixed(";VALUE=DATE") }
    lines.beginValue()
    ICalValue.appendText(t, to: &lines.bytes)
    lines.endProperty(from: start)
  }

  /// A UTC timestamp property (DTSTAMP, CREATED, …), its digits written straight into the
  /// line (as a string, its 16 bytes would be one allocation each).
  private mutating func writeStamp(_ name: StaticString, _ stamp: Timestamp) {
    // Most events of a file share their DTSTAMP (the export's time): its UTC digits are
    // worked out once.
    let digits: [UInt8]
    if let last = lastStamp, last.stamp == stamp {
      digits = last.digits
    } else {
      let utc = stamp.utc
      var made: [UInt8] = []
      made.append(addingCapacity: 16) { $0.appendBasic(utc, utc: true) }
      lastStamp = (stamp, made)
      digits = made
    }
    lines.writeLine(maxCount: name.utf8CodeUnitCount + 1 + digits.count) { line in
      line.append(name)
      line.append(UInt8(ascii: ":"))
      digits.withUnsafeBufferPointer { line.append(bytes: $0) }
    }
  }

  /// The last reminder offset written, and its text (see `triggerText`).
  private var lastTrigger: (offset: EventDuration, text: String)?

  /// The last stamp written, and its UTC digits (see `writeStamp`).
  private var lastStamp: (stamp: Timestamp, digits: [UInt8])?

  /// A TEXT property, escaped as it is written (no escaped string made).
  private mutating func writeText(_ name: StaticString, _ text: String) {
    // An escape at most doubles a byte.
    lines.writeLine(maxCount: name.utf8CodeUnitCount + 1 + 2 * text.utf8.count) { line in
      line.append(name)
      line.append(UInt8(ascii: ":"))
      line.appendEscaped(text)
    }
  }

  /// Where `zone` is in `settledZones`, if it is.
  private mutating func settledIndex(_ zone: String) -> Int? {
    if lastSettled < settledZones.count, Self.sameBytes(settledZones[lastSettled].zone, zone) { return lastSettled }
    for i in settledZones.indices where Self.sameBytes(settledZones[i].zone, zone) {
      lastSettled = i
      return i
    }
    return nil
  }

  /// Whether the two strings are the same bytes: the length decides most that are not.
  @inline(__always)
  static func sameBytes(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && sameBytes(a, b, count: a.utf8.count)
  }

  static func sameBytes(_ a: String, _ b: String, count: Int) -> Bool {
    let same = a.utf8.withContiguousStorageIfAvailable { x in
      b.utf8.withContiguousStorageIfAvailable { y in
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return true }  // both empty
        return memcmp(xb, yb, count) == 0
      }
    }
    if let same = same ?? nil { return same }
    return a.utf8.elementsEqual(b.utf8)
  }

  /// Sees to the VTIMEZONE of a zoned time; returns the `;TZID=…` of its times when its zone
  /// is settled with one (`settledZones`), for `writeTime`.
  @discardableResult
  private mutating func ensureZoneOnce(_ time: EventTime, rawComponents: [RawComponent]) -> [UInt8]? {
    guard case .zoned(let t, let zone) = time else { return nil }
    if let i = settledIndex(zone) { return settledZones[i].tzid }
    ensureZone(zone, year: t.date.year, rawComponents: rawComponents)
    return settledIndex(zone).flatMap { settledZones[$0].tzid }
  }

  /// Writes RDATE or EXDATE lines; their VTIMEZONEs are already written, as for `writeTime`.
  private mutating func writeTimeList(_ name: StaticString, _ times: [EventTime]) {
    // Mostly all the times are of one kind and zone: then they are one group, written in one
    // line of known size, with no key, value strings or parameter arrays made for them.
    if let first = times.first {
      let (t0, tzid0) = prepare(first)
      var prepared = [t0]
      prepared.reserveCapacity(times.count)
      var same = true
      for time in times.dropFirst() where same {
        let (t, tzid) = prepare(time)
        prepared.append(t)
        switch (tzid, tzid0) {
        case (nil, nil): same = t.isDate == t0.isDate
        case (let a?, let b?): same = t.isDate == t0.isDate && Self.sameBytes(a, b)
        default: same = false
        }
      }
      if same {
        let tzidRoom = tzid0.map { 6 + 2 * $0.utf8.count + 2 } ?? 0
        lines.writeLine(maxCount: name.utf8CodeUnitCount + tzidRoom + 11 + 1 + 17 * times.count) { line in
          line.append(name)
          if let tzid0 {
            line.append(";TZID=")
            line.appendParameterValue(tzid0)
          }
          if t0.isDate { line.append(";VALUE=DATE") }
          line.append(UInt8(ascii: ":"))
          for (i, time) in prepared.enumerated() {
            if i > 0 { line.append(UInt8(ascii: ",")) }
            switch time {
            case .date(let d): line.appendBasic(d)
            case .floating(let t), .zoned(let t, _): line.appendBasic(t, utc: false)
            case .utc(let t): line.appendBasic(t, utc: true)
            }
          }
        }
        return
      }
    }
    // One line per (kind, zone) group, as RFC 5545 wants one value type per line.
    var groups: [(key: String, tzid: String?, isDate: Bool, values: [String])] = []
    for time in times {
      let (t, tzid) = prepare(time)
      let key = "\(tzid ?? "")|\(t.isDate)"
      if let i = groups.firstIndex(where: { $0.key == key }) {
        groups[i].values.append(ICalValue.text(t))
      } else {
        groups.append((key, tzid, t.isDate, [ICalValue.text(t)]))
      }
    }
    for g in groups {
      var params: [ContentParameter] = []
      if let tzid = g.tzid { params.append(ContentParameter(name: "TZID", values: [tzid])) }
      if g.isDate { params.append(ContentParameter(name: "VALUE", values: ["DATE"])) }
      lines.write(name: String(describing: name), parameters: params, value: g.values.joined(separator: ","))
    }
  }

  /// Registers the source's own VTIMEZONEs (zones ferry could not name) so conversions work.
  private mutating func registerDefinitions(_ rawComponents: [RawComponent]) {
    for c in rawComponents where c.name == "VTIMEZONE" && c.properties.count > 1 || !c.components.isEmpty {
      guard c.name == "VTIMEZONE", let tzid = c.properties.first(where: { $0.name == "TZID" })?.value,
        !registeredDefinitions.contains(tzid)
      else { continue }
      registeredDefinitions.insert(tzid)
      let children = c.components.map { ch in (name: ch.name, lines: ch.properties.map { ContentLineLike(name: $0.name, value: $0.value) }) }
      if let d = ZoneSupport.definition(tzid: tzid, children: children) { zones.resolver.register(d) }
    }
  }

  private mutating func writeComponent(_ event: Event, uid masterUID: String?) {
    eventsWritten += 1
    if !event.rawComponents.isEmpty { registerDefinitions(event.rawComponents) }
    // Calendar-level components that travelled with the event.
    for c in event.rawComponents where ICalendarWriter.calendarLevel(c.name) {
      if c.name == "VTIMEZONE" { continue }  // written on use
      writeRawComponent(c)
    }
    if options.calendar.utc { warnUnconvertible(event) }
    // Zones first, so the VTIMEZONEs come before the component (no array of the times made).
    var startTZID: [UInt8]?
    var endTZID: [UInt8]?
    if let t = event.start { startTZID = ensureZoneOnce(t, rawComponents: event.rawComponents) }
    if let t = event.end { endTZID = ensureZoneOnce(t, rawComponents: event.rawComponents) }
    if let t = event.due { ensureZoneOnce(t, rawComponents: event.rawComponents) }
    if let t = event.recurrenceId { ensureZoneOnce(t, rawComponents: event.rawComponents) }
    if let r = event.recurrence {
      for t in r.dates { ensureZoneOnce(t, rawComponents: event.rawComponents) }
      for t in r.exceptionDates { ensureZoneOnce(t, rawComponents: event.rawComponents) }
    }
    let (begin, end): (StaticString, StaticString) =
      event.kind == .task ? ("BEGIN:VTODO", "END:VTODO") : ("BEGIN:VEVENT", "END:VEVENT")
    writeFixed(begin)
    let uid = masterUID ?? event.uid ?? ICalendarWriter.stableUID(event)
    lines.writeLine(maxCount: 4 + uid.utf8.count) { line in
      line.append("UID:")
      line.append(utf8: uid)
    }
    let stamp = event.stamp ?? event.lastModified ?? event.created ?? now
    writeStamp("DTSTAMP", stamp)
    if let start = event.start {
      writeTime("DTSTART", start, tzid: startTZID)
    } else if event.kind == .event {
      // RFC 5545 allows it under METHOD, but calendars will not import an event without a start.
      diagnostics.warning(
        "event \"\(event.summary ?? uid)\" has no start; written without DTSTART (calendars will not import it)", code: "structure")
    }
    if let end = event.end {
      if event.isAllDay, let s = event.start, s.isDate, end.isDate, end.localDateTime.date <= s.localDateTime.date {
        let how = end.localDateTime.date == s.localDateTime.date ? "ends on the day it starts (DTEND is exclusive)" : "ends before it starts"
        diagnostics.warning("all-day event \"\(event.summary ?? uid)\" \(how); DTEND written one day after DTSTART", code: "structure")
        writeTime("DTEND", .date(s.localDateTime.date.adding(days: 1)))
      } else {
        writeTime(event.kind == .task ? "DUE" : "DTEND", end, tzid: endTZID)
      }
    } else if let d = event.duration {
      lines.write(name: "DURATION", value: d.description)
    }
    if event.kind == .task, let due = event.due, event.end == nil { writeTime("DUE", due) }
    if let rid = event.recurrenceId {
      writeTime(
        "RECURRENCE-ID", rid,
        extra: event.recurrenceIdThisAndFuture ? [ContentParameter(name: "RANGE", values: ["THISANDFUTURE"])] : [])
    }
    if let r = event.recurrence {
      if let rule = r.rule { lines.write(name: "RRULE", value: ruleText(rule, start: event.start, calendarZone: event.calendar?.timeZone)) }
      for rule in r.extraRules { lines.write(name: "RRULE", value: ruleText(rule, start: event.start, calendarZone: event.calendar?.timeZone)) }
      if !r.dates.isEmpty { writeTimeList("RDATE", r.dates) }
      if !r.exceptionDates.isEmpty { writeTimeList("EXDATE", r.exceptionDates) }
    }
    if let s = event.summary { writeText("SUMMARY", s) }
    if let d = event.description { writeText("DESCRIPTION", d) }
    if let l = event.location { writeText("LOCATION", l) }
    let privacy: StaticString
    switch event.privacy {
    case .private?: privacy = "CLASS:PRIVATE"
    case .confidential?: privacy = "CLASS:CONFIDENTIAL"
    default: privacy = "CLASS:PUBLIC"
    }
    var transparency: StaticString?
    if event.kind == .event {
      transparency = event.busyStatus == .free ? "TRANSP:TRANSPARENT" : "TRANSP:OPAQUE"
    }
    var status: StaticString?
    switch event.status {
    case .confirmed?: status = "STATUS:CONFIRMED"
    case .tentative?: status = "STATUS:TENTATIVE"
    case .cancelled?: status = "STATUS:CANCELLED"
    case .needsAction?: status = "STATUS:NEEDS-ACTION"
    case .completed?: status = "STATUS:COMPLETED"
    case .inProcess?: status = "STATUS:IN-PROCESS"
    case nil: break
    }
    writeFixed(privacy, transparency, status)
    if let n = event.sequence { lines.write(name: "SEQUENCE", value: String(n)) }
    if let n = event.priority { lines.write(name: "PRIORITY", value: String(n)) }
    if !event.categories.isEmpty {
      let start = lines.beginProperty(group: nil, name: "CATEGORIES")
      lines.beginValue()
      for (i, c) in event.categories.enumerated() {
        if i > 0 { lines.appendValue(",") }
        lines.appendEscaped(c)
      }
      lines.endProperty(from: start)
    }
    if let url = event.url { lines.write(name: "URL", value: url) }
    if let geo = event.geo { lines.write(name: "GEO", value: "\(geo.latitude);\(geo.longitude)") }
    if let c = event.created { writeStamp("CREATED", c) }
    if let m = event.lastModified { writeStamp("LAST-MODIFIED", m) }
    if let c = event.completed { writeStamp("COMPLETED", c) }
    if let o = event.organizer { writeAttendee("ORGANIZER", o) }
    // By index: each attendee is passed borrowed from the array, not copied out.
    for i in event.attendees.indices { writeAttendee("ATTENDEE", event.attendees[i]) }
    let busy = event.busyStatus
    let ownsCDO = event.raw.contains { $0.name == "X-MICROSOFT-CDO-BUSYSTATUS" }
    if !ownsCDO, let busy, windowsNames || (busy != .free && busy != .busy) {
      switch busy {
      case .free: writeFixed("X-MICROSOFT-CDO-BUSYSTATUS:FREE")
      case .tentative: writeFixed("X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE")
      case .busy: writeFixed("X-MICROSOFT-CDO-BUSYSTATUS:BUSY")
      case .outOfOffice: writeFixed("X-MICROSOFT-CDO-BUSYSTATUS:OOF")
      case .workingElsewhere: writeFixed("X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE")
      }
    }
    if windowsNames && event.kind == .event {
      writeFixed(event.isAllDay ? "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE" : "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE")
    }
    for p in event.raw { writeRaw(p) }
    // Alarms: raw ones as they were, then reminders they do not already cover.
    if !event.reminders.isEmpty {
      let rawAlarms = event.rawComponents.filter { $0.name == "VALARM" }
      let rawTriggers = Set(rawAlarms.compactMap { $0.properties.first { $0.name == "TRIGGER" }?.value })
      for r in event.reminders {
        // (With no raw alarm, no trigger text is made just to be looked for.)
        if !rawTriggers.isEmpty, let text = triggerText(r), rawTriggers.contains(text.value) { continue }
        writeReminder(r, summary: event.summary, organizerEmail: event.organizer?.email)
      }
    }
    for c in event.rawComponents where !ICalendarWriter.calendarLevel(c.name) { writeRawComponent(c) }
    writeFixed(end)
  }

  /// RRULE part names of RFC 5545 and RFC 7529 (an extra part may carry one of them with a
  /// value the model has no field for, such as `BYMONTH=5L`).
  static let rulePartNames: Set<String> = [
    "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
    "BYMONTH", "BYSETPOS", "WKST", "RSCALE", "SKIP",
  ]

  private mutating func ruleText(_ rule: RecurrenceRule, start: EventTime?, calendarZone: String?) -> String {
    // A rule with no UNTIL and no extra part is written as its description alone, which is
    // remembered: the series of a file mostly repeat a few rules.
    if rule.until == nil && rule.extraParts.isEmpty {
      for i in recentRuleTexts.indices where recentRuleTexts[i].rule == rule { return recentRuleTexts[i].text }
      let text = rule.description
      if recentRuleTexts.count < Self.recentRuleLimit { recentRuleTexts.append((rule, text)) }
      return text
    }
    var rule = rule
    if let until = rule.until { rule.until = untilValue(until, start: start, calendarZone: calendarZone) }
    // Parts that are neither RFC 5545, RFC 7529 (RSCALE, SKIP) nor X- extensions (a typo such
    // as `UNTL=`) make libical and others drop the whole rule: left out, with a warning.
    let unknown = rule.extraParts.filter { p in
      !Self.rulePartNames.contains(p.name.uppercased()) && !p.name.uppercased().hasPrefix("X-")
    }
    if !unknown.isEmpty {
      let names = unknown.map { "\($0.name)=\($0.values.joined(separator: ","))" }.joined(separator: ";")
      diagnostics.warning("RRULE part \(names) is not RFC 5545; left out so that other readers keep the rule", code: "unmapped")
      rule.extraParts.removeAll { p in unknown.contains(p) }
    }
    return rule.description
  }

  /// UNTIL with DTSTART's value type (RFC 5545 §3.3.10): UTC when DTSTART has a zone,
  /// floating when it is floating, a date when it is one. A date UNTIL on a timed series
  /// (Exchange's and Graph's end dates) means "up to and including that day", so it becomes
  /// the end of that day in the series' zone (ferry's expander reads a date UNTIL the same
  /// way); a date-time UNTIL on an all-day series becomes the day it falls on (a UTC one only
  /// when the calendar or `--zone` names the zone). Written as a date on a timed series, other
  /// calendars drop the last occurrence.
  private func untilValue(_ until: EventTime, start: EventTime?, calendarZone: String?) -> EventTime {
    let endOfDay = LocalTime(hour: 23, minute: 59, second: 59)
    // The zone a UTC or date-only series means, when the calendar or --zone names one.
    let hint = calendarZone ?? options.calendar.zone
    var value = until
    switch (until, start) {
    case (.date(let d), .zoned(_, let zone)?):
      let local = LocalDateTime(date: d, time: endOfDay)
      value = zones.utc(local, zone: zone).map { .utc($0) } ?? .zoned(local, zone: zone)
    case (.date(let d), .utc?):
      let local = LocalDateTime(date: d, time: endOfDay)
      value = .utc(hint.flatMap { zones.utc(local, zone: $0) } ?? local)
    case (.date(let d), .floating?):
      value = .floating(LocalDateTime(date: d, time: endOfDay))
    case (.date, _):
      break
    case (.zoned(let t, _), .date?), (.floating(let t), .date?):
      value = .date(t.date)
    case (.utc(let u), .date?):
      // Which day a UTC instant ends an all-day series on depends on the zone: Exchange
      // writes the local midnight after the last day (20200916T230000Z in Berlin ends on the
      // 17th), Google the end of the last UTC day (20080323T235959Z). With no zone to tell,
      // the instant stays as the source wrote it (consumers read it), rather than lose or add
      // a day.
      if let zone = hint.flatMap({ zones.zone($0) ?? zones.resolver.zone(for: $0) }) {
        value = .date(zone.local(fromUTC: u).date)
      }
    case (.zoned(let t, let zone), _):
      if let u = zones.utc(t, zone: zone) { value = .utc(u) }
    case (.floating(let t), .zoned(_, let zone)?):
      if let u = zones.utc(t, zone: zone) { value = .utc(u) }
    default:
      break  // a UTC UNTIL on a floating series is kept: converting could lose the last day
    }
    if options.calendar.utc, case .floating(let t) = value, let zone = options.calendar.zone, let u = zones.utc(t, zone: zone) {
      value = .utc(u)
    }
    return value
  }

  private mutating func triggerText(_ r: Reminder) -> (value: String, params: [ContentParameter])? {
    if let offset = r.offset {
      // Most reminders of a file have the same offset: its text is made once.
      if lastTrigger?.offset != offset { lastTrigger = (offset, offset.description) }
      return (lastTrigger?.text ?? offset.description, r.relativeToEnd ? [ContentParameter(name: "RELATED", values: ["END"])] : [])
    }
    if let abs = r.absolute {
      let (t, _) = prepare(abs)
      switch t {
      case .utc: return (ICalValue.text(t), [ContentParameter(name: "VALUE", values: ["DATE-TIME"])])
      default:
        if let zone = abs.zone, let u = zones.utc(abs.localDateTime, zone: zone) {
          return (ICalValue.basic(u, utc: true), [ContentParameter(name: "VALUE", values: ["DATE-TIME"])])
        }
        return (ICalValue.basic(abs.localDateTime, utc: true), [ContentParameter(name: "VALUE", values: ["DATE-TIME"])])
      }
    }
    return nil
  }

  private mutating func writeReminder(_ r: Reminder, summary: String?, organizerEmail: String?) {
    guard let (value, params) = triggerText(r) else { return }
    switch r.action {
    case .audio: writeFixed("BEGIN:VALARM", "ACTION:AUDIO", nil)
    case .email: writeFixed("BEGIN:VALARM", "ACTION:EMAIL", nil)
    default: writeFixed("BEGIN:VALARM", "ACTION:DISPLAY", nil)
    }
    lines.write(name: "TRIGGER", parameters: params, value: value)
    if r.action != .audio {
      // DISPLAY and EMAIL alarms require a DESCRIPTION (RFC 5545 §3.6.6).
      writeText("DESCRIPTION", r.description ?? summary ?? "Reminder")
    }
    if r.action == .email {
      writeText("SUMMARY", summary ?? "Reminder")
      if let to = organizerEmail { lines.write(name: "ATTENDEE", value: "mailto:" + to) }
    }
    writeFixed("END:VALARM")
  }

  /// Written in one line of known size (`ContentLineWriter.writeLine`): no parameter array,
  /// and no array for each parameter's value, is made for an attendee (every event has one or
  /// more).
  private mutating func writeAttendee(_ name: StaticString, _ a: Attendee) {
    // Room: a parameter value at most doubles, with two quotes; each parameter has its `;`
    // and `=`, each value after the first its comma.
    var maxCount = name.utf8CodeUnitCount + Self.fixedAttendeeParameters + 1 + 7 + (a.email?.utf8.count ?? 0)
    if let cn = a.name { maxCount += 4 + 2 * cn.utf8.count + 2 }
    for p in a.parameters ?? [] {
      maxCount += 2 + p.name.utf8.count
      for v in p.values { maxCount += 1 + 2 * v.utf8.count + 2 }
    }
    lines.writeLine(maxCount: maxCount) { line in
      line.append(name)
      if let cn = a.name {
        line.append(";CN=")
        line.appendParameterValue(cn)
      }
      if let role = a.role {
        switch role {
        case .chair: line.append(";ROLE=CHAIR")
        case .required: line.append(";ROLE=REQ-PARTICIPANT")
        case .optional: line.append(";ROLE=OPT-PARTICIPANT")
        case .nonParticipant: line.append(";ROLE=NON-PARTICIPANT")
        }
      }
      if let s = a.status {
        switch s {
        case .needsAction: line.append(";PARTSTAT=NEEDS-ACTION")
        case .accepted: line.append(";PARTSTAT=ACCEPTED")
        case .declined: line.append(";PARTSTAT=DECLINED")
        case .tentative: line.append(";PARTSTAT=TENTATIVE")
        case .delegated: line.append(";PARTSTAT=DELEGATED")
        }
      }
      if let k = a.kind {
        switch k {
        case .individual: line.append(";CUTYPE=INDIVIDUAL")
        case .group: line.append(";CUTYPE=GROUP")
        case .resource: line.append(";CUTYPE=RESOURCE")
        case .room: line.append(";CUTYPE=ROOM")
        case .unknown: line.append(";CUTYPE=UNKNOWN")
        }
      }
      if let rsvp = a.rsvp { line.append(rsvp ? ";RSVP=TRUE" : ";RSVP=FALSE") }
      for p in a.parameters ?? [] {
        line.append(UInt8(ascii: ";"))
        line.append(utf8: p.name)
        line.append(UInt8(ascii: "="))
        for (i, v) in p.values.enumerated() {
          if i > 0 { line.append(UInt8(ascii: ",")) }
          line.appendParameterValue(v)
        }
      }
      line.append(UInt8(ascii: ":"))
      if let email = a.email {
        // memchr: a byte loop over every address cost three or four instructions a byte.
        let hasColon =
          email.utf8.withContiguousStorageIfAvailable { b in b.baseAddress.map { memchr($0, Int32(UInt8.colon), b.count) != nil } ?? false }
          ?? email.containsByte(.colon)
        if !hasColon { line.append("mailto:") }
        line.append(utf8: email)
      } else {
        line.append("mailto:")
      }
    }
  }

  /// Room for the longest ROLE, PARTSTAT, CUTYPE and RSVP parameters an attendee can have
  /// (`;ROLE=NON-PARTICIPANT`, `;PARTSTAT=NEEDS-ACTION`, `;CUTYPE=INDIVIDUAL`, `;RSVP=FALSE`).
  private static let fixedAttendeeParameters = 21 + 22 + 18 + 11

  /// Appends text known when ferry is built (a parameter such as `;ROLE=CHAIR`, a line less its
  /// CRLF) to the line being written, as it is: it is ASCII with nothing to quote or escape,
  /// so the writer's scan of each byte (for quoting, escapes) would leave it as it is.
  private mutating func appendFixed(_ text: StaticString) {
    lines.bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Writes a whole line known when ferry is built (`CLASS:PUBLIC`, `BEGIN:VEVENT`), as
  /// `lines.write(name:value:)` writes it: all are far shorter than a folded line.
  private mutating func writeFixed(_ text: StaticString) {
    lines.writeLine(maxCount: text.utf8CodeUnitCount) { $0.append(text) }
  }

  /// Writes up to three such lines (CLASS, TRANSP, STATUS; BEGIN:VALARM, ACTION) in one
  /// reservation: all are far shorter than a folded line.
  private mutating func writeFixed(_ first: StaticString, _ second: StaticString?, _ third: StaticString?) {
    let count = first.utf8CodeUnitCount + (second?.utf8CodeUnitCount ?? 0) + (third?.utf8CodeUnitCount ?? 0)
    lines.bytes.append(addingCapacity: count + 6) { span in
      func line(_ text: StaticString?) {
        guard let text else { return }
        span.append(text)
        span.append(UInt8(ascii: "\r"))
        span.append(UInt8(ascii: "\n"))
      }
      line(first)
      line(second)
      line(third)
    }
  }


  private mutating func writeRaw(_ p: RawProperty, inComponent: Bool = false) {
    if p.origin == "ics", !inComponent, ICalendarWriter.typed.contains(p.name) {
      // A value the reader could not decode: writing it under its own name would hand
      // consumers the same broken property.
      diagnostics.warning(
        "\(p.name) value \"\(p.value)\" could not be read; written as X-FERRY-INVALID-\(p.name)", code: "unmapped")
      lines.write(name: "X-FERRY-INVALID-" + p.name, value: TextEscaping.escape(p.value))
      return
    }
    guard p.origin == "ics" else {
      if !droppedRawNames.contains(p.name) {
        droppedRawNames.insert(p.name)
        diagnostics.note(
          "\(p.origin) field \"\(p.name)\" has no iCalendar property; written as X-FERRY-\(ICalendarWriter.xName(p.name))",
          code: "unmapped")
      }
      lines.write(name: "X-FERRY-" + ICalendarWriter.xName(p.name), value: TextEscaping.escape(p.value))
      return
    }
    lines.write(
      group: p.group, name: p.name, parameters: p.parameters.map { ContentParameter(name: $0.name, values: $0.values) },
      value: p.value)
  }

  private mutating func writeRawComponent(_ c: RawComponent) {
    if c.name == "VTIMEZONE" {
      let tzid = c.properties.first { $0.name == "TZID" }?.value ?? ""
      if writtenRawZones.contains(tzid) { return }
      writtenRawZones.insert(tzid)
    }
    var name = c.name
    if name == "VALARM", !Self.hasReadableTrigger(c) {
      // An alarm whose TRIGGER nobody can read makes strict parsers reject the whole file:
      // it travels under a private component name instead (parsers skip X- components).
      diagnostics.warning("VALARM without a readable TRIGGER; written as X-FERRY-INVALID-VALARM", code: "unmapped")
      name = "X-FERRY-INVALID-VALARM"
    }
    lines.begin(name)
    for var p in c.properties {
      // Parsers type TRIGGER wherever it appears, so the unreadable one gets a private name too.
      if name != c.name && p.name == "TRIGGER" { p.name = "X-FERRY-INVALID-TRIGGER" }
      writeRaw(p, inComponent: true)
    }
    for child in c.components { writeRawComponent(child) }
    lines.end(name)
  }

  /// Whether a raw VALARM has a TRIGGER that is a duration or a UTC date-time.
  static func hasReadableTrigger(_ c: RawComponent) -> Bool {
    guard let trigger = c.properties.first(where: { $0.name == "TRIGGER" }) else { return false }
    let v = trigger.value.trimmingCharacters(in: .whitespaces)
    if EventDuration(text: v) != nil { return true }
    return ICalValue.localDateTime(Substring(v)) != nil
  }

  /// Properties whose value type ferry decodes; raw copies of them hold undecodable values.
  static let typed: Set<String> = [
    "DTSTART", "DTEND", "DUE", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE", "CREATED", "LAST-MODIFIED",
    "DTSTAMP", "COMPLETED", "GEO", "PRIORITY", "SEQUENCE", "UID",
  ]

  /// The `ordinal`th (`-1`: last) ISO `weekday` of a month.
  static func nthWeekday(year: Int, month: Int, weekday: Int, ordinal: Int) -> LocalDate {
    if ordinal > 0 {
      let first = LocalDate(year: year, month: month, day: 1)
      return first.adding(days: (weekday - first.isoWeekday + 7) % 7 + (ordinal - 1) * 7)
    }
    let last = LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))
    return last.adding(days: -((last.isoWeekday - weekday + 7) % 7) + (ordinal + 1) * 7)
  }

  static func calendarLevel(_ name: String) -> Bool {
    switch name {
    case "VTIMEZONE", "VJOURNAL", "VFREEBUSY", "VAVAILABILITY", "VTODO", "VEVENT": true
    default: false
    }
  }

  static func xName(_ name: String) -> String {
    let allowed = name.uppercased().map { c -> Character in (c.isASCII && (c.isLetter || c.isNumber)) ? c : "-" }
    return String(allowed)
  }

  /// A UID derived from the event's content, so the same input always gives the same UID.
  static func stableUID(_ event: Event) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ s: String) {
      for b in s.utf8 {
        hash ^= UInt64(b)
        hash = hash &* 0x100_0000_01b3
      }
      hash ^= 0xff
      hash = hash &* 0x100_0000_01b3
    }
    mix(event.source?.recordId ?? "")
    mix(event.summary ?? "")
    mix(event.start?.description ?? "")
    mix(event.end?.description ?? "")
    mix(event.location ?? "")
    return String(hash, radix: 16) + "@ferry"
  }
}

extension CalendarInfo {
  /// Whether this is not `other` (nil: no calendar yet). Called through optional chaining on
  /// the event's calendar, so that it is compared where it is, by `CalendarInfo`'s own `==`:
  /// `Optional`'s went through value witnesses and copied both sides, for every event.
  fileprivate func differs(from other: CalendarInfo?) -> Bool {
    guard let other else { return true }
    return self != other
  }
}

extension OutputSpan where Element == UInt8 {
  /// `ICalValue.basic(_:utc:)`'s digits (`20240309T100000`, `Z` when `utc`), written in place:
  /// the last four digits of the year's magnitude (clamped to `Int.max`), and the last two
  /// of the others', as `ICalValue.putDigits` writes them.
  fileprivate mutating func appendBasic(_ t: LocalDateTime, utc: Bool) {
    withUnsafeMutableBufferPointer { room, count in
      precondition(room.count - count >= (utc ? 16 : 15), "OutputSpan capacity overflow")
      @inline(__always) func two(_ n: Int, at i: Int) {
        let v = UInt(Int(clamping: n.magnitude)) % 100
        room[count &+ i] = UInt8(truncatingIfNeeded: 0x30 &+ v / 10)
        room[count &+ i &+ 1] = UInt8(truncatingIfNeeded: 0x30 &+ v % 10)
      }
      let year = UInt(Int(clamping: t.date.year.magnitude)) % 10000
      two(Int(year / 100), at: 0)
      two(Int(year % 100), at: 2)
      two(t.date.month, at: 4)
      two(t.date.day, at: 6)
      room[count + 8] = UInt8(ascii: "T")
      two(t.time.hour, at: 9)
      two(t.time.minute, at: 11)
      two(t.time.second, at: 13)
      if utc { room[count + 15] = UInt8(ascii: "Z") }
      count += utc ? 16 : 15
    }
  }

  /// `ICalValue.basic(_:)` of a date (`20240309`), written in place as `appendBasic(_:utc:)`
  /// writes a date and time.
  fileprivate mutating func appendBasic(_ d: LocalDate) {
    withUnsafeMutableBufferPointer { room, count in
      precondition(room.count - count >= 8, "OutputSpan capacity overflow")
      @inline(__always) func two(_ n: Int, at i: Int) {
        let v = UInt(Int(clamping: n.magnitude)) % 100
        room[count &+ i] = UInt8(truncatingIfNeeded: 0x30 &+ v / 10)
        room[count &+ i &+ 1] = UInt8(truncatingIfNeeded: 0x30 &+ v % 10)
      }
      let year = UInt(Int(clamping: d.year.magnitude)) % 10000
      two(Int(year / 100), at: 0)
      two(Int(year % 100), at: 2)
      two(d.month, at: 4)
      two(d.day, at: 6)
      count += 8
    }
  }
}
