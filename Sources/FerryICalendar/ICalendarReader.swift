import FerryContentLines
import FerryModel
import FerryTime

/// Reads iCalendar (RFC 5545, RFC 7986 calendar names) and vCalendar 1.0 leniently into
/// canonical `Event`s, one VEVENT or VTODO at a time.
///
/// Coverage:
/// - [x] several VCALENDARs in one file; METHOD, PRODID, CALSCALE, X-WR-CALNAME / NAME,
///       X-WR-TIMEZONE (floating times are read in that zone), others kept raw → `Event.calendar`
/// - [x] VEVENT → `Event(kind: .event)`, VTODO → `Event(kind: .task)` (DUE, COMPLETED)
/// - [x] VTIMEZONE: collected as they come; TZIDs resolved to IANA (IANA, Windows, path
///       prefixes); an unresolved TZID keeps its VTIMEZONE raw on the events that use it
/// - [x] VALARM → `reminders` (TRIGGER relative / RELATED=END / absolute, ACTION, DESCRIPTION);
///       alarms with more (REPEAT, ATTACH, ATTENDEE, …) are also kept whole as raw components
/// - [x] DTSTART, DTEND, DURATION, VALUE=DATE (exclusive DTEND), UTC / floating / TZID
/// - [x] RRULE (full RFC 5545 grammar; RFC 7529 parts kept in `extraParts`), RDATE (dates,
///       date-times, PERIOD starts), EXDATE, RECURRENCE-ID with RANGE=THISANDFUTURE
/// - [x] ORGANIZER, ATTENDEE with CN, ROLE, PARTSTAT, CUTYPE, RSVP; other parameters kept
/// - [x] CLASS, TRANSP, STATUS, SEQUENCE, PRIORITY, CATEGORIES, URL, GEO, CREATED,
///       LAST-MODIFIED, DTSTAMP
/// - [x] X-MICROSOFT-CDO-BUSYSTATUS, X-MICROSOFT-CDO-ALLDAYEVENT; X-MS-OLK-* kept raw
/// - [x] unknown properties → `RawProperty` (origin `ics`), unknown components → `RawComponent`
///       (VJOURNAL, VFREEBUSY, X- components travel on the next event)
/// - [x] truncated files (missing END:VEVENT / END:VCALENDAR) repaired with a warning
/// - [-] vCalendar 1.0: read as 2.0; its RRULE syntax, AALARM/DALARM are kept raw
///
/// Overrides (RECURRENCE-ID): a file may put a series' master and its overridden instances
/// anywhere. The reader holds back the last `holdLimit` (256) events of a calendar: an
/// override whose master is held, or arrives while the override is held, goes into
/// `master.recurrence.overrides`. An override further than that from its master (or with no
/// master in the file) is yielded as its own `Event` with `recurrenceId` set; the iCalendar
/// writer writes it under the same UID, so consumers still see one series. Memory is bounded
/// by 256 events; output order is input order, less the overrides that joined their master.
///
/// Helper methods that only read the reader's state are `mutating` (or `static`) all the
/// same: called from a `mutating` method, a non-mutating one is handed a copy of the whole
/// reader (950 bytes), and three of them ran for every event.
public struct ICalendarReader: RecordReader {
  private var lines: ContentLineReader
  /// Where the reader's diagnostics go first: `queued`, which hands them on to `output`
  /// just before the event they came before (see `next()`). Not a constant: zones carried
  /// over from pieces read before are looked up without a word (see `ICalendarPieces.swift`).
  private var diagnostics: DiagnosticSink
  /// The caller's sink. Not a constant: a piece's reader reads its preamble silently.
  private var output: DiagnosticSink
  /// Diagnostics given and not yet handed on to `output`.
  private let queued = DiagnosticQueue()
  /// For each event in `held`: how many diagnostics (`DiagnosticQueue.total`) had been given
  /// when it was added. They are handed on when its slot is reached in `next()`, whatever
  /// the window of held events: so a reader of a piece of the input (`ParallelReader`) puts
  /// them where one reader of the whole input does.
  private var heldDiagnosticEnds: [Int] = []
  private let options: ReadOptions
  private let zones = ZoneSupport()
  /// Reading one piece of a bigger input for `ParallelReader` (see `ICalendarPieces.swift`):
  /// what tells whether the next piece's reader can start where this one ends.
  var piece: PieceState?
  /// Set while a piece reader reads its preamble: the calendar's start is not a change.
  var readingPreamble = false
  /// Set when the calendar's properties, zones or bounds changed after the preamble (a piece
  /// reader then did not end where the next piece's reader starts).
  var calendarChanged = false
  /// Set when the input ended inside a component.
  var endedInsideComponent = false
  private var calendar: CalendarInfo?
  private var calendarOpen = false
  private var calendarStart: SourceLocation?
  /// TZID → the zone name stored in `EventTime.zoned` (IANA, or the TZID as written when
  /// only its VTIMEZONE defines it), for the current calendar.
  private var tzidNames: [String: String] = [:]
  /// The last TZIDs looked up (at most `recentZoneLimit`), with their `tzidNames` entry, for
  /// the current calendar: the few TZIDs of a file are found by comparing names, without
  /// hashing them for every time. Each is in `usedTZIDs` already.
  private var recentZones: [(tzid: String, name: String, isUTC: Bool)] = []
  private static let recentZoneLimit = 8
  /// TZID → its VTIMEZONE, kept raw for TZIDs that did not resolve.
  private var unresolvedZones: [String: RawComponent] = [:]
  /// Calendar-level components waiting for an event to travel with.
  private var pendingComponents: [RawComponent] = []
  /// Where each pending component starts, for the diagnostic when none can travel.
  private var pendingLocations: [SourceLocation] = []
  /// Events read but not yet returned, oldest first (nil: an override that went into its
  /// master, or one already returned). Those before `heldStart` are released (ready to be
  /// returned, from `readIndex` on); from `heldStart` on, at most `holdLimit` are held so that
  /// an override can still reach its master. Each event stays in its slot until `next()`
  /// takes it: it is never moved from one queue to another. Held as a record (the event in
  /// its box, allocated once when it is added), so that adding, taking and compacting move
  /// a reference, not the event (about a kilobyte); the rare change of a held event (an
  /// override joins its master) takes it out of its box and puts it back.
  private var held: [Record?] = []
  /// Where the component of each event in `held` starts (kept apart, so that an event moves
  /// out of `held` whole, with nothing to copy it from).
  private var heldLocations: [SourceLocation] = []
  /// The UID of each event in `held` (nil once its slot is emptied), so that releasing one
  /// does not move the event (about a kilobyte) out and back to read it.
  private var heldUIDs: [String?] = []
  /// For each event in `held`: when it is a master (no RECURRENCE-ID) with a UID, a hash of
  /// the UID (never 0); otherwise 0. A master is found by scanning these numbers from the
  /// newest held event back (`heldMaster(_:)`): at most `holdLimit` integers compared, which
  /// costs less than a dictionary from UID to event, whose entry had to be hashed in, hashed
  /// again and deleted for every event read (and most events are masters no override needs).
  private var heldKeys: [UInt64] = []
  /// How many held events have a key in each of `keyBuckets` buckets: a bucket at 0 says no
  /// held master has the UID, with no scan (most events: their UID is new).
  private var heldKeyCounts = [UInt16](repeating: 0, count: keyBuckets)
  private static let keyBuckets = 4096
  /// The sequence number of `held[0]`, the index of the oldest event still held, and the
  /// index of the next released event to return.
  private var heldBase = 0
  private var heldStart = 0
  private var readIndex = 0
  /// UID → sequence numbers of held overrides whose master has not come yet.
  private var heldOrphans: [String: [Int]] = [:]
  /// How many events the reader holds back for overrides (memory stays bounded by this).
  static let holdLimit = 256
  private var finished = false
  private var sawCalendar = false
  /// The open calendar was opened by a component outside any VCALENDAR (a bare VEVENT file),
  /// so its missing END:VCALENDAR is not a sign of truncation.
  private var calendarImplicit = false
  private var componentCount = 0
  public private(set) var lastRecordLocation: SourceLocation?

  /// TZIDs used and defined in the current calendar (RFC 5545 wants a VTIMEZONE for each).
  private var usedTZIDs: Set<String> = []
  private var definedTZIDs: Set<String> = []
  private var sawVersion = false
  private var warnedFloatingZone = false
  /// RRULE values read without a problem (nothing to report), and their rules: at most
  /// `cleanRuleLimit`, so memory stays bounded.
  private var cleanRules: [String: RecurrenceRule] = [:]
  private static let cleanRuleLimit = 256
  /// The emptied line array of the last event, kept for the next component's lines: its
  /// storage is reused instead of grown again, allocation after allocation, for every event.
  private var spareLines: [ContentLine] = []
  /// The same for a nested component (an event's VALARM): the event's lines take
  /// `spareLines`, so its alarm's lines grew from nothing, three allocations an alarm.
  private var spareChildLines: [ContentLine] = []
  /// The last DURATION or TRIGGER text read as a duration, and what it read as.
  private var lastDuration: (text: String, duration: EventDuration?)?
  /// The last ORGANIZER read without a diagnostic, with what it read as: a file's organizer
  /// mostly repeats from event to event, and comparing a line with the last one costs a
  /// fraction of reading it again. (Attendees vary more: a memo of the last one missed on
  /// most files and cost more than it saved; they have `recentAttendees`.)
  private var lastOrganizer: AttendeeMemo?
  /// Attendee lines read lately, by `attendeeSlot` (see `attendee(_:organizer:)`); empty
  /// until the first attendee.
  private var recentAttendees: [AttendeeMemo?] = []
  /// The index in `recentZones` of the TZID found last, looked at first (DTEND names the
  /// zone DTSTART named, before it).
  private var lastZoneIndex = 0

  public init(input: ByteInput, options: ReadOptions = ReadOptions(), diagnostics: DiagnosticSink) {
    self.init(input: input, options: options, diagnostics: diagnostics, firstLine: 1)
  }

  init(input: ByteInput, options: ReadOptions, diagnostics: DiagnosticSink, firstLine: Int) {
    if let head = try? input.peek(3), head == [0xEF, 0xBB, 0xBF] {
      diagnostics.warning(
        "file starts with a UTF-8 byte order mark; ignored", at: SourceLocation(file: input.name, line: 1, column: 1),
        code: "encoding")
    }
    output = diagnostics
    let sink = queued.sink
    lines = ContentLineReader(input: input, diagnostics: sink, firstLine: firstLine)
    lines.defaultCharset = options.inputEncoding.flatMap { Charset.isUTF8($0) ? nil : $0 }
    self.diagnostics = sink
    self.options = options
  }

  /// Hands the queued diagnostics on to `output`, up to number `end` (`DiagnosticQueue.total`).
  private mutating func handOnDiagnostics(upTo end: Int) {
    queued.handOn(upTo: end, to: output)
  }

  private mutating func beginCalendar(at location: SourceLocation) {
    if !readingPreamble { calendarChanged = true }
    calendarOpen = true
    calendarImplicit = false
    sawCalendar = true
    calendarStart = location
    calendar = CalendarInfo()
    tzidNames = [:]
    recentZones = []
    unresolvedZones = [:]
    zones.resolver = TimeZoneResolver()
    usedTZIDs = []
    definedTZIDs = []
    sawVersion = false
    warnedFloatingZone = false
  }

  public mutating func next() throws -> Record? {
    while true {
      while readIndex < heldStart {
        // The diagnostics given before this event was added go out just before it.
        if queued.handedOn < heldDiagnosticEnds[readIndex] { handOnDiagnostics(upTo: heldDiagnosticEnds[readIndex]) }
        // Taken out of its slot, so the caller holds the only reference.
        let taken = held[readIndex].take()
        let location = heldLocations[readIndex]
        readIndex += 1
        if readIndex >= 1024 && readIndex * 2 >= held.count {
          // Compact now and then (everything before `readIndex` is spent), so that taking
          // stays O(1) on average.
          held.removeFirst(readIndex)
          heldLocations.removeFirst(readIndex)
          heldUIDs.removeFirst(readIndex)
          heldKeys.removeFirst(readIndex)
          heldDiagnosticEnds.removeFirst(readIndex)
          heldBase += readIndex
          heldStart -= readIndex
          readIndex = 0
        }
        if let taken {
          lastRecordLocation = location
          return taken
        }
      }
      if finished {
        handOnDiagnostics(upTo: Int.max)
        return nil
      }
      try step()
    }
  }

  // MARK: - Structure

  /// A component as read: its lines and children.
  struct Component {
    var name: String
    var lines: [ContentLine] = []
    var children: [Component] = []
    var location: SourceLocation
  }

  /// Reads until something is ready or the input ends.
  private mutating func step() throws {
    guard let line = try lines.next() else {
      if readingPreamble || piece?.readsToEnd == false {
        // The end of a preamble or of a piece with more after it: not the input's end.
        endPiece()
        return
      }
      if calendarOpen && !calendarImplicit {
        diagnostics.warning(
          "calendar has no END:VCALENDAR; the file looks truncated, read to its end", at: calendarStart,
          code: "truncated")
      }
      if !sawCalendar {
        diagnostics.warning("no BEGIN:VCALENDAR found; nothing read", at: SourceLocation(file: lines.input.name, line: 1, column: 1), code: "structure")
      }
      flushRun()
      flushPendingComponents()
      finished = true
      return
    }
    switch line.name {
    case "BEGIN":
      let name = componentName(line)
      if name == "VCALENDAR" {
        if calendarOpen {
          diagnostics.warning("BEGIN:VCALENDAR inside a calendar; the previous one was closed", at: line.location, code: "structure")
          endCalendar()
        }
        beginCalendar(at: line.location)
        return
      }
      if !calendarOpen {
        if !sawCalendar || name == "VEVENT" || name == "VTODO" {
          diagnostics.warning("BEGIN:\(name) outside a VCALENDAR; read as if inside one", at: line.location, code: "structure")
          calendarOpen = true
          calendarImplicit = true
          sawCalendar = true
          calendarStart = line.location
          calendar = calendar ?? CalendarInfo()
        }
      }
      var component = Component(name: name, lines: spareLines.take(), location: line.location)
      let closedCalendar = try readComponent(&component)
      handle(&component)
      if closedCalendar { endCalendar() }
    case "END":
      let name = line.value.trimmingCharacters().uppercasedASCII()
      if name == "VCALENDAR" {
        if !calendarOpen {
          diagnostics.warning("END:VCALENDAR without a BEGIN; ignored", at: line.location, code: "structure")
        }
        endCalendar()
      } else {
        diagnostics.warning("END:\(name) without a matching BEGIN; ignored", at: line.location, code: "structure")
      }
    default:
      guard calendarOpen else {
        diagnostics.warning("property \(line.name) outside a VCALENDAR; ignored", at: line.location, code: "structure")
        return
      }
      if !readingPreamble { calendarChanged = true }
      calendarProperty(line)
    }
  }

  private mutating func endCalendar() {
    if !readingPreamble { calendarChanged = true }
    flushRun()
    attachPendingComponents()
    if calendarOpen {
      if !sawVersion {
        diagnostics.warning("calendar has no VERSION; read as iCalendar 2.0", at: calendarStart, code: "structure")
      }
      for tzid in usedTZIDs.subtracting(definedTZIDs).sorted() {
        let name = zones.resolver.resolve(tzid)?.ianaName
        diagnostics.warning(
          "TZID \"\(tzid)\" is used but no VTIMEZONE defines it; "
            + (name.map { "read as \($0)" } ?? "kept as written"),
          at: calendarStart, code: "zone")
      }
    }
    calendarOpen = false
  }

  /// The name a component without one (`BEGIN:` alone) goes by.
  static let unnamed = "X-UNNAMED"

  /// The component name of a BEGIN line; `X-UNNAMED`, with a warning, when it has none.
  private mutating func componentName(_ line: ContentLine) -> String {
    let name = line.value.trimmingCharacters().uppercasedASCII()
    guard name.isEmpty else { return name }
    diagnostics.warning("BEGIN has no component name; read as \(Self.unnamed)", at: line.location, code: "syntax")
    return Self.unnamed
  }

  /// How deep components nest before ferry skips them. RFC 5545 needs 2 (VEVENT > VALARM,
  /// VTIMEZONE > STANDARD), RFC 9073 3; the rest of the pipeline (raw components, writers,
  /// NDJSON) recurses once per level, so thousands of levels would run out of stack.
  static let maximumNesting = 16

  /// Reads the lines of `component` up to its END. Returns true when END:VCALENDAR closed
  /// the component early (a truncated component), so the caller ends the calendar too.
  ///
  /// - Parameter depth: how many components enclose `component`'s lines (1 for a component
  ///   of the calendar).
  private mutating func readComponent(_ component: inout Component, depth: Int = 1) throws -> Bool {
    while let line = try lines.next() {
      if line.name.isShortName("BEGIN") {
        let name = componentName(line)
        if depth >= Self.maximumNesting && name != "VCALENDAR" {
          diagnostics.warning(
            "BEGIN:\(name) is nested more than \(Self.maximumNesting) components deep; skipped with everything in it",
            at: line.location, code: "structure")
          if try skipComponent() {
            diagnostics.warning(
              "\(component.name) has no END:\(component.name); closed at END:VCALENDAR", at: component.location,
              code: "truncated")
            return true
          }
          continue
        }
        if name == "VCALENDAR" || ((name == "VEVENT" || name == "VTODO") && (component.name == "VEVENT" || component.name == "VTODO")) {
          diagnostics.warning(
            "\(component.name) has no END:\(component.name) before BEGIN:\(name); closed it there", at: line.location,
            code: "truncated")
          // Hand the BEGIN back by handling the nested component now.
          if name == "VCALENDAR" {
            handle(&component)
            component = Component(name: "", location: line.location)
            endCalendar()
            beginCalendar(at: line.location)
            return false
          }
          handle(&component)
          component = Component(name: name, lines: spareLines.take(), location: line.location)
          continue
        }
        var child = Component(name: name, lines: spareChildLines.take(), location: line.location)
        if try readComponent(&child, depth: depth + 1) {
          component.children.append(child)
          diagnostics.warning(
            "\(component.name) has no END:\(component.name); closed at END:VCALENDAR", at: component.location,
            code: "truncated")
          return true
        }
        component.children.append(child)
        continue
      }
      if line.name.isShortName("END") {
        let name = line.value.trimmedUppercased().nonEmptyOr(Self.unnamed)
        if name == component.name { return false }
        if name == "VCALENDAR" {
          diagnostics.warning(
            "\(component.name) has no END:\(component.name); closed at END:VCALENDAR", at: component.location,
            code: "truncated")
          return true
        }
        diagnostics.warning(
          "END:\(name) inside \(component.name) does not match; ignored", at: line.location, code: "structure")
        continue
      }
      component.lines.append(consume line)
    }
    endedInsideComponent = true
    diagnostics.warning(
      "\(component.name) has no END:\(component.name); the file looks truncated, read to its end",
      at: component.location, code: "truncated")
    return false
  }

  /// Reads past a component whose BEGIN was just read, up to its END, counting the BEGINs
  /// and ENDs inside it rather than recursing. Returns true when END:VCALENDAR came first.
  private mutating func skipComponent() throws -> Bool {
    var open = 1
    while let line = try lines.next() {
      if line.name == "BEGIN" {
        open += 1
      } else if line.name == "END" {
        if line.value.trimmingCharacters().uppercasedASCII() == "VCALENDAR" { return true }
        open -= 1
        if open == 0 { return false }
      }
    }
    endedInsideComponent = true
    return false
  }

  /// Maps or keeps a component just read. Taken `inout` (its lines are moved out as they
  /// are read), so that no copy of the component shares, and then copies, its lines.
  private mutating func handle(_ component: inout Component) {
    guard !component.name.isEmpty else { return }
    componentCount += 1
    switch component.name {
    case "VEVENT", "VTODO":
      var event = Event(kind: component.name == "VTODO" ? .task : .event)
      mapEvent(&component, into: &event)
      add(consume event, at: component.location)
    case "VTIMEZONE":
      if !readingPreamble { calendarChanged = true }
      defineZone(component)
    default:
      // Events nested in an unknown component (`BEGIN:X-WRAPPER … BEGIN:VEVENT`) are still
      // events: read them, and keep the rest of the wrapper raw.
      let nested = Self.takeNestedEvents(&component)
      for var event in nested {
        diagnostics.warning(
          "\(event.name) inside \(component.name) (not where RFC 5545 puts it); read as an event", at: event.location,
          code: "structure")
        handle(&event)
      }
      diagnostics.note(
        "\(component.name) component is not an event; kept raw with a neighbouring event", at: component.location,
        code: "unmapped")
      pendingComponents.append(Self.raw(component))
      pendingLocations.append(component.location)
    }
  }

  /// Removes VEVENT and VTODO components from anywhere under `component` and returns them.
  private static func takeNestedEvents(_ component: inout Component) -> [Component] {
    var found: [Component] = []
    var kept: [Component] = []
    for var child in component.children {
      if child.name == "VEVENT" || child.name == "VTODO" {
        found.append(child)
      } else {
        found += takeNestedEvents(&child)
        kept.append(child)
      }
    }
    if !found.isEmpty { component.children = kept }
    return found
  }

  // MARK: - Holding events so overrides find their master

  private mutating func add(_ event: consuming Event, at location: SourceLocation) {
    if piece?.collectsHead == true, let uid = event.uid { piece?.headKeys.append(Self.uidKey(uid)) }
    // Calendar-level components (a VJOURNAL, an X- component) waiting for an event.
    let carried = pendingComponents
    if !pendingComponents.isEmpty {
      event.rawComponents.insert(contentsOf: pendingComponents, at: 0)
      pendingComponents.removeAll()
      pendingLocations.removeAll()
    }
    if held.capacity == 0 { reserveHeld() }
    let sequence = heldBase + held.count
    // This event's entry in `heldKeys`: set below when it is a master with a UID.
    var key: UInt64 = 0
    if let uid = event.uid {
      if event.recurrenceId != nil {
        // Taken out of `held` while the override goes in, so the master is not shared and its
        // overrides are appended in place (a copy each made thousands of overrides quadratic).
        let key = Self.uidKey(uid)
        // (The record taken is gone by the end of the condition: the master's arrays are not shared.)
        if let m = heldMaster(uid, key: key), var master = held[m - heldBase].take()?.event {
          attach(event, at: location, to: &master, masterLocation: heldLocations[m - heldBase])
          held[m - heldBase] = .event(master)
          return
        }
        heldOrphans[uid, default: []].append(sequence)
      } else {
        key = Self.uidKey(uid)
        if let m = heldMaster(uid, key: key), case .event(let old)? = held[m - heldBase] {
          let oldLocation = heldLocations[m - heldBase]
          let oldSequence = old.sequence ?? 0
          let newSequence = event.sequence ?? 0
          if newSequence == oldSequence {
            diagnostics.warning(
              "another event with UID \"\(uid)\" and no RECURRENCE-ID; kept as a separate event", at: location,
              code: "structure")
          } else if newSequence < oldSequence {
            // An older revision after a newer one (calendar servers keep both): the newer wins.
            diagnostics.warning(
              "event UID \"\(uid)\" SEQUENCE \(newSequence) is an older revision of one read before (SEQUENCE \(oldSequence)); left out",
              at: location, code: "structure")
            diagnostics.note("the newer revision of \"\(uid)\" (SEQUENCE \(oldSequence)) is here", at: oldLocation, code: "structure")
            if !carried.isEmpty {
              // What was waiting for this event goes with the revision that stays.
              var kept = old.event
              kept.rawComponents.append(contentsOf: carried)
              held[m - heldBase] = .event(kept)
            }
            return
          } else {
            diagnostics.warning(
              "event UID \"\(uid)\" SEQUENCE \(newSequence) replaces the older revision (SEQUENCE \(oldSequence)) read before; its changed occurrences carry over",
              at: location, code: "structure")
            diagnostics.note("the older revision of \"\(uid)\" (SEQUENCE \(oldSequence)) is here", at: oldLocation, code: "structure")
            for o in old.recurrence?.overrides ?? [] where !(event.recurrence?.overrides.contains { $0.recurrenceId == o.recurrenceId } ?? false) {
              attach(o, at: oldLocation, to: &event, masterLocation: location)
            }
            // Calendar-level components that travelled with the old revision stay in the file.
            event.rawComponents.insert(
              contentsOf: old.rawComponents.filter { ICalendarWriter.calendarLevel($0.name) }, at: 0)
            held[m - heldBase] = nil
            heldUIDs[m - heldBase] = nil
            forgetKey(at: m - heldBase)
          }
        }
        if !heldOrphans.isEmpty, let orphans = heldOrphans.removeValue(forKey: uid) {
          for o in orphans {
            guard case .event(let orphan)? = held[o - heldBase] else { continue }
            attach(orphan.event, at: heldLocations[o - heldBase], to: &event, masterLocation: location)
            held[o - heldBase] = nil
            heldUIDs[o - heldBase] = nil
            forgetKey(at: o - heldBase)
          }
        }
      }
    }
    heldUIDs.append(event.uid)
    heldKeys.append(key)
    if key != 0 { heldKeyCounts[Self.bucket(key)] += 1 }
    held.append(.event(consume event))
    heldLocations.append(location)
    heldDiagnosticEnds.append(queued.total)
    while held.count - heldStart > ICalendarReader.holdLimit { releaseOldest() }
  }

  /// Gives the held arrays, before the first event, room for as many events as they ever
  /// hold: `next()` compacts them once 1024 events are spent, when at most `holdLimit` more
  /// are held. Grown one doubling at a time instead, they were copied and reallocated again
  /// and again, in each piece's reader.
  private mutating func reserveHeld() {
    let most = 1024 + 2 * Self.holdLimit
    held.reserveCapacity(most)
    heldLocations.reserveCapacity(most)
    heldUIDs.reserveCapacity(most)
    heldKeys.reserveCapacity(most)
  }

  /// The sequence number of the newest held master with this UID (`key` is `uidKey(uid)`).
  private mutating func heldMaster(_ uid: String, key: UInt64) -> Int? {
    guard heldKeyCounts[Self.bucket(key)] > 0 else { return nil }
    let found = heldKeys.withUnsafeBufferPointer { keys -> Int? in
      var i = keys.count - 1
      while i >= heldStart {
        if keys[i] == key, heldUIDs[i] == uid { return i }
        i -= 1
      }
      return nil
    }
    return found.map { heldBase + $0 }
  }

  /// Clears the key of the held event at `index` (no longer a master that can be found).
  private mutating func forgetKey(at index: Int) {
    let key = heldKeys[index]
    guard key != 0 else { return }
    heldKeyCounts[Self.bucket(key)] -= 1
    heldKeys[index] = 0
  }

  private static func bucket(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key >> 32) & (keyBuckets - 1) }

  /// A hash of a UID for `heldKeys` (FNV-1a; never 0, which marks "no master"). Over the
  /// string's bytes in place (its UTF-8 view's iterator cost several times more).
  private static func uidKey(_ uid: String) -> UInt64 {
    func fnv(_ bytes: some Sequence<UInt8>) -> UInt64 {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for b in bytes {
        hash ^= UInt64(b)
        hash = hash &* 0x100_0000_01b3
      }
      return hash | 1
    }
    return uid.utf8.withContiguousStorageIfAvailable { fnv($0) } ?? fnv(uid.utf8)
  }

  /// Puts an override into its master's recurrence.
  private mutating func attach(_ override: Event, at location: SourceLocation, to master: inout Event, masterLocation: SourceLocation) {
    var o = override
    o.calendar = nil
    // An all-day series names its instances by date; Exchange writes a midnight date-time.
    if master.start?.isDate == true, let rid = o.recurrenceId, !rid.isDate {
      diagnostics.warning(
        "RECURRENCE-ID \"\(rid)\" of an all-day series is a date-time; read as the date", at: location,
        code: "recurrence")
      o.recurrenceId = .date(rid.localDateTime.date)
    }
    if master.recurrence == nil {
      diagnostics.warning(
        "event \"\(master.uid ?? "")\" has overrides but no RRULE or RDATE; overrides kept on it", at: masterLocation,
        code: "structure")
    }
    if master.recurrence == nil { master.recurrence = Recurrence() }
    master.recurrence?.overrides.append(o)
  }

  /// Releases the oldest held event: it stays in its slot for `next()`, but overrides no
  /// longer reach it.
  private mutating func releaseOldest() {
    if piece?.collectsHead == true { piece?.collectsHead = false }
    let sequence = heldBase + heldStart
    let uid = heldUIDs[heldStart]
    forgetKey(at: heldStart)
    heldStart += 1
    guard let uid else { return }
    if !heldOrphans.isEmpty, var list = heldOrphans[uid] {
      list.removeAll { $0 == sequence }
      heldOrphans[uid] = list.isEmpty ? nil : list
    }
  }

  /// The end of a preamble, or of a piece with more after it: the events held are released
  /// (after noting the keys of those a later override or revision could still have joined),
  /// and nothing is reported of the input's end.
  private mutating func endPiece() {
    if piece != nil && !readingPreamble {
      piece?.tailKeys = heldUIDs[heldStart...].compactMap { $0.map(Self.uidKey) }
      piece?.windowRecords = heldBase + held.count
      flushRun()
    }
    finished = true
  }

  /// Reads the preamble, which `lines` reads now (the input's first bytes: the calendar's
  /// start, its properties and zones), then goes on with `input`, reporting to `sink`.
  ///
  /// - Parameter firstLine: the number of `input`'s first line; nil when the preamble was
  ///   read as the start of this reader's own input, whose lines then follow its lines.
  mutating func readPreamble(then input: ByteInput, diagnostics sink: DiagnosticSink, firstLine: Int?) {
    let charset = lines.defaultCharset
    readingPreamble = true
    do {
      while !finished { try step() }
    } catch {
      endedInsideComponent = true  // cannot happen (the bytes are in memory); counts as unclean
    }
    readingPreamble = false
    finished = false
    // What the preamble gave goes out now, to the preamble's sink (nowhere, when silent).
    handOnDiagnostics(upTo: Int.max)
    preambleEndedClean = sawCalendar && calendarOpen && !calendarImplicit && held.isEmpty && pendingComponents.isEmpty
      && !endedInsideComponent
    var first = firstLine ?? 1
    if firstLine == nil {
      preambleLineEnds = lines.lineEndsRead
      first += preambleLineEnds
    }
    output = sink
    lines = ContentLineReader(input: input, diagnostics: diagnostics, firstLine: first)
    lines.defaultCharset = charset
  }

  /// The line ends the content-line reader read (the preamble's not counted).
  var contentLineEnds: Int { lines.lineEndsRead }

  /// Whether the preamble read ended with the calendar open and nothing else begun.
  private(set) var preambleEndedClean = false
  /// The preamble's line ends, when it is read as the start of the input.
  private(set) var preambleLineEnds = 0

  /// Whether this piece's reader ended where the next piece's reader, which read the same
  /// preamble, starts: in the calendar the preamble opened, unchanged, no component open,
  /// nothing waiting for an event.
  var endedInPreambleState: Bool {
    finished && preambleEndedClean && !calendarChanged && !endedInsideComponent && calendarOpen && !calendarImplicit
      && pendingComponents.isEmpty
  }

  /// What a reader of the input's rest needs of this one: the TZIDs used (for the checks at
  /// END:VCALENDAR, and so that their zones are not reported again), and whether the
  /// floating-time warning was given.
  var carriedFacts: [String] {
    var facts = usedTZIDs.sorted().map { "tzid:" + $0 }
    if warnedFloatingZone { facts.append("floating-warned") }
    return facts
  }

  /// Takes in what the pieces before carried (`carriedFacts`): their TZIDs are resolved
  /// without a word, as the reader that saw them first reported them.
  mutating func takeCarried(_ facts: [String]) {
    let sink = diagnostics
    diagnostics = .ignore
    defer { diagnostics = sink }
    let line = ContentLine(name: "DTSTART", value: "")
    for fact in facts {
      if fact == "floating-warned" {
        warnedFloatingZone = true
      } else if fact.hasPrefix("tzid:") {
        let tzid = String(fact.dropFirst(5))
        usedTZIDs.insert(tzid)
        _ = zoneName(for: tzid, line: line)
      }
    }
  }

  private mutating func flushRun() {
    while heldStart < held.count { releaseOldest() }
    heldOrphans.removeAll()
  }

  /// Components still waiting for an event when a calendar ends go with its last event, if
  /// it has not been handed out yet (events are held until their calendar ends, up to
  /// `holdLimit`).
  private mutating func attachPendingComponents() {
    guard !pendingComponents.isEmpty,
      let last = held[readIndex..<heldStart].lastIndex(where: { $0 != nil }),
      var event = held[last].take()?.event
    else { return }
    event.rawComponents.append(contentsOf: pendingComponents)
    held[last] = .event(event)
    pendingComponents.removeAll()
    pendingLocations.removeAll()
  }

  /// At the end of the input: components that found no event (a file of journals only) are
  /// reported.
  private mutating func flushPendingComponents() {
    attachPendingComponents()
    guard !pendingComponents.isEmpty else { return }
    for (c, start) in zip(pendingComponents, pendingLocations) {
      diagnostics.warning(
        "\(c.name) component cannot be converted: ferry carries events and tasks, and no event in this input could carry it as a raw component",
        at: start, code: "unmapped")
    }
    pendingComponents.removeAll()
    pendingLocations.removeAll()
  }

  // MARK: - Calendar

  private mutating func calendarProperty(_ line: ContentLine) {
    var info = calendar ?? CalendarInfo()
    switch line.name {
    case "VERSION":
      sawVersion = true
      let v = line.value.trimmingCharacters()
      if v != "2.0" {
        if v == "1.0" {
          diagnostics.warning(
            "vCalendar 1.0 file; read as iCalendar 2.0, 1.0-only properties kept raw", at: line.location,
            code: "version")
        } else {
          diagnostics.warning("VERSION \"\(v)\" is not 2.0; read as 2.0", at: line.location, code: "version")
        }
      }
    case "PRODID": info.productId = line.value
    case "METHOD": info.method = line.value.trimmingCharacters().uppercasedASCII()
    case "CALSCALE":
      let v = line.value.trimmingCharacters().uppercasedASCII()
      if v != "GREGORIAN" {
        info.scale = v
        diagnostics.warning("CALSCALE \"\(v)\" is not supported; dates read as Gregorian", at: line.location, code: "unmapped")
      }
    case "X-WR-CALNAME", "NAME": info.name = TextEscaping.unescape(line.value)
    case "X-WR-TIMEZONE":
      let v = line.value.trimmingCharacters()
      if let iana = zones.resolver.resolve(v)?.ianaName {
        info.timeZone = iana
      } else {
        diagnostics.warning("X-WR-TIMEZONE \"\(v)\" is not a known zone; floating times stay floating", at: line.location, code: "zone")
        info.raw.append(Self.rawProperty(line))
      }
    default: info.raw.append(Self.rawProperty(line))
    }
    calendar = info
  }

  private mutating func defineZone(_ component: Component) {
    guard let tzidLine = component.lines.first(where: { $0.name == "TZID" }) else {
      diagnostics.warning("VTIMEZONE has no TZID; ignored", at: component.location, code: "zone")
      return
    }
    let tzid = tzidLine.value
    definedTZIDs.insert(tzid)
    tzidNames[tzid] = nil
    recentZones = []
    let children = component.children.map { c in (name: c.name, lines: c.lines.map { ContentLineLike(name: $0.name, value: $0.value) }) }
    let (definition, broken) = ZoneSupport.definitionWithProblems(tzid: tzid, children: children)
    if !broken.isEmpty {
      // A half-read definition (a DAYLIGHT without DTSTART) matches the wrong zone (only its
      // standard offset is left): when the name itself names a zone, that is more reliable.
      let byName = TimeZoneResolver().resolve(tzid)
      let note = "VTIMEZONE \"\(tzid)\" has \(broken.joined(separator: " and ")) observances without DTSTART or TZOFFSETTO"
      if let byName, let iana = byName.ianaName, byName.method != .fixedOffset {
        diagnostics.warning("\(note); read by its name as \(iana)", at: tzidLine.location, code: "zone")
        return
      }
      diagnostics.warning("\(note); the rest of it is used", at: tzidLine.location, code: "zone")
    }
    if let definition {
      zones.resolver.register(definition)
    }
    guard let resolved = zones.resolver.resolve(tzid) else {
      unresolvedZones[tzid] = Self.raw(component)
      diagnostics.warning(
        "TZID \"\(tzid)\" is not a known zone and its VTIMEZONE has no usable observance; times kept with it",
        at: tzidLine.location, code: "zone")
      return
    }
    switch resolved.method {
    case .iana, .windows: break
    case .definitionMatched:
      diagnostics.warning(
        "TZID \"\(tzid)\" is not a zone name; its VTIMEZONE rules match \(resolved.ianaName ?? "?"), used that",
        at: tzidLine.location, code: "zone")
    case .definition:
      unresolvedZones[tzid] = Self.raw(component)
      diagnostics.warning(
        "TZID \"\(tzid)\" matches no tz database zone; its own VTIMEZONE is used and kept", at: tzidLine.location,
        code: "zone")
    case .prefixed, .displayName, .fixedOffset:
      if resolved.ianaName == nil { unresolvedZones[tzid] = Self.raw(component) }
      diagnostics.warning(
        "TZID \"\(tzid)\" is not a zone name; read as \(resolved.ianaName ?? "its VTIMEZONE")", at: tzidLine.location,
        code: "zone")
    }
  }

  /// The zone name to store for a TZID, resolving (and warning) once per calendar.
  private mutating func zoneName(for tzid: String, line: ContentLine) -> String {
    if let hit = tzidNames[tzid] { return hit }
    let name: String
    if let resolved = zones.resolver.resolve(tzid) {
      name = resolved.ianaName ?? tzid
      if !definedTZIDs.contains(tzid) {
        switch resolved.method {
        case .prefixed, .displayName, .fixedOffset:
          diagnostics.warning(
            "TZID \"\(tzid)\" is not a zone name; read as \(resolved.ianaName ?? "a fixed offset")", at: line.location,
            code: "zone")
        default: break
        }
      }
    } else {
      name = tzid
      diagnostics.warning(
        "TZID \"\(tzid)\" is neither a known zone nor defined by a VTIMEZONE; kept as written", at: line.location,
        code: "zone")
      unresolvedZones[tzid] = RawComponent(
        name: "VTIMEZONE", properties: [RawProperty(name: "TZID", value: tzid, origin: "ics")], origin: "ics")
    }
    tzidNames[tzid] = name
    return name
  }

  // MARK: - Events

  /// Reads a VEVENT or VTODO into `event` (made by the caller and filled in place: returning
  /// a value this large copied it). Its lines are moved out of `component` as they are read.
  private mutating func mapEvent(_ component: inout Component, into event: inout Event) {
    // The event is new (no calendar yet): set when there is one, unwrapped first (copying the
    // optional whole went through its value witness).
    if let calendar { event.calendar = calendar }
    var allDayFlag: Bool?
    var transp: Event.BusyStatus?
    var cdoBusy: Event.BusyStatus?
    var usedZones: Set<String> = []
    // Each line is swapped out of the array (an empty line left in its place), so none is
    // copied.
    var lines: [ContentLine] = []
    swap(&lines, &component.lines)
    var line = ContentLine(name: "", value: "")
    for i in lines.indices {
      swap(&line, &lines[i])
      // Classified once by `EventProperty` (a switch on the string compared it with each
      // case in turn, a call per mismatch).
      let property = EventProperty(line.name)
      switch property {
      case .uid: event.uid = line.value
      case .dtstamp, .created, .lastModified, .completed:
        guard let (t, isDate, _) = ICalValue.localDateTime(line.value), !isDate else {
          warnKept(line, "is not a date-time")
          event.raw.append(Self.rawProperty(line))
          continue
        }
        let stamp = Timestamp(utc: t)
        switch property {
        case .dtstamp: event.stamp = stamp
        case .created: event.created = stamp
        case .lastModified: event.lastModified = stamp
        default: event.completed = stamp
        }
      case .dtstart: event.start = time(line, &usedZones) ?? keep(line, &event)
      case .dtend: event.end = time(line, &usedZones) ?? keep(line, &event)
      case .summary: event.summary = TextEscaping.unescape(line.value)
      case .description: event.description = TextEscaping.unescape(line.value)
      case .location: event.location = TextEscaping.unescape(line.value)
      case .organizer: event.organizer = attendee(line, organizer: true)
      case .attendee: event.attendees.append(attendee(line, organizer: false))
      case .classification:
        switch line.value.trimmedUppercased() {
        case "PUBLIC": event.privacy = .public
        case "PRIVATE": event.privacy = .private
        case "CONFIDENTIAL": event.privacy = .confidential
        default: event.raw.append(Self.rawProperty(line))
        }
      case .transp:
        switch line.value.trimmedUppercased() {
        case "TRANSPARENT": transp = .free
        case "OPAQUE": transp = .busy
        default: event.raw.append(Self.rawProperty(line))
        }
      case .status:
        switch line.value.trimmedUppercased() {
        case "CONFIRMED": event.status = .confirmed
        case "TENTATIVE": event.status = .tentative
        case "CANCELLED", "CANCELED": event.status = .cancelled
        case "NEEDS-ACTION": event.status = .needsAction
        case "COMPLETED": event.status = .completed
        case "IN-PROCESS": event.status = .inProcess
        default: event.raw.append(Self.rawProperty(line))
        }
      case .due: event.due = time(line, &usedZones) ?? keep(line, &event)
      case .duration:
        if let d = duration(line.value.trimmingCharacters()) {
          event.duration = d
        } else {
          warnKept(line, "is not a duration")
          event.raw.append(Self.rawProperty(line))
        }
      case .recurrenceId:
        event.recurrenceId = time(line, &usedZones) ?? keep(line, &event)
        if line.firstParameter("RANGE")?.uppercasedASCII() == "THISANDFUTURE" { event.recurrenceIdThisAndFuture = true }
      case .rrule:
        if let rule = rrule(line) {
          // Changed in place (not copied out and back), so that many RRULEs cost linear time.
          if event.recurrence == nil { event.recurrence = Recurrence() }
          if event.recurrence?.rule == nil {
            event.recurrence?.rule = rule
          } else if event.recurrence?.rule == rule || event.recurrence?.extraRules.contains(rule) == true {
            diagnostics.warning("RRULE repeats an earlier one; the copy ignored", at: line.location, code: "recurrence")
          } else {
            event.recurrence?.extraRules.append(rule)
            diagnostics.warning("event has more than one RRULE; the others kept as extra rules", at: line.location, code: "recurrence")
          }
        } else {
          event.raw.append(Self.rawProperty(line))
        }
      case .rdate, .exdate:
        let values = timeList(line, &usedZones)
        if values.isEmpty {
          if !line.value.trimmingCharacters().isEmpty { event.raw.append(Self.rawProperty(line)) } else {
            diagnostics.warning("\(line.name) has no value; ignored", at: line.location, code: "syntax")
          }
          continue
        }
        // Appended in place: a copy of the list per line made 20,000 EXDATE lines quadratic.
        if event.recurrence == nil { event.recurrence = Recurrence() }
        if property == .rdate {
          event.recurrence?.dates.append(contentsOf: values)
        } else {
          event.recurrence?.exceptionDates.append(contentsOf: values)
        }
      case .cdoBusyStatus:
        switch line.value.trimmedUppercased() {
        case "FREE": cdoBusy = .free
        case "TENTATIVE": cdoBusy = .tentative
        case "BUSY": cdoBusy = .busy
        case "OOF": cdoBusy = .outOfOffice
        case "WORKINGELSEWHERE": cdoBusy = .workingElsewhere
        default: event.raw.append(Self.rawProperty(line))
        }
      case .cdoAllDayEvent: allDayFlag = line.value.trimmedUppercased() == "TRUE"
      case .sequence:
        if let n = Int(line.value.trimmingCharacters()) { event.sequence = n } else { warnKept(line, "is not a number"); event.raw.append(Self.rawProperty(line)) }
      case .priority:
        if let n = Int(line.value.trimmingCharacters()), (0...9).contains(n) { event.priority = n } else {
          warnKept(line, "is not a priority 0-9")
          event.raw.append(Self.rawProperty(line))
        }
      case .categories: event.categories.append(contentsOf: TextEscaping.list(line.value).map { $0.trimmingCharacters() }.filter { !$0.isEmpty })
      case .url: event.url = line.value.trimmingCharacters()
      case .geo:
        let parts = line.value.split(whereSeparator: { $0 == ";" || $0 == "," })
        if parts.count == 2, let lat = Double(parts[0].trimmingCharacters()), let lon = Double(parts[1].trimmingCharacters()) {
          event.geo = Geo(latitude: lat, longitude: lon)
        } else {
          warnKept(line, "is not latitude;longitude")
          event.raw.append(Self.rawProperty(line))
        }
      case .other:
        if line.name == "X-LIC-ERROR" {
          diagnostics.warning(
            "libical left an error marker: \"\(line.value)\"; kept raw", at: line.valueLocation, code: "syntax")
        } else if !line.name.hasPrefix("X-") && !ICalendarReader.knownRaw.contains(line.name) {
          diagnostics.warning(
            "property \(line.name) is neither RFC 5545 nor an X- extension; kept raw", at: line.location, code: "unmapped")
        }
        event.raw.append(Self.rawProperty(line))
      }
    }
    // Tested in place (`!= nil` copied the optional time out, through its value witness).
    if event.end.isSome && event.duration.isSome {
      diagnostics.warning("component has both DTEND and DURATION; DTEND used", at: component.location, code: "structure")
      event.duration = nil
    }
    if let rule = event.recurrence?.rule, let until = rule.until, let start = event.start {
      if until.isDate != start.isDate {
        diagnostics.warning(
          "RRULE UNTIL \"\(until)\" and DTSTART \"\(start)\" are not both dates or both date-times", at: component.location,
          code: "recurrence")
      }
      if until.localDateTime.date < start.localDateTime.date {
        diagnostics.warning("RRULE UNTIL \"\(until)\" is before DTSTART \"\(start)\"", at: component.location, code: "recurrence")
      }
    }
    // Busy status: Outlook's own value wins over TRANSP.
    event.busyStatus = cdoBusy ?? transp
    // All-day: DATE values, or Outlook's flag on midnight date-times.
    if let start = event.start {
      if start.isDate {
        event.isAllDay = true
        if let end = event.end, !end.isDate {
          event.end = .date(end.localDateTime.date)
          diagnostics.warning("all-day event has a DTEND with a time; the date kept", at: component.location, code: "structure")
        }
      } else if allDayFlag == true, start.localDateTime.time == .midnight,
        event.end.map({ $0.localDateTime.time == .midnight }) ?? true
      {
        event.isAllDay = true
        event.start = .date(start.localDateTime.date)
        if let end = event.end { event.end = .date(end.localDateTime.date) }
      }
    } else if event.kind == .event {
      diagnostics.warning("VEVENT has no DTSTART", at: component.location, code: "structure")
    }
    if let start = event.start, let end = event.end, end.localDateTime < start.localDateTime, !(start.zone != end.zone) {
      diagnostics.warning(
        "DTEND \"\(end)\" is before DTSTART \"\(start)\"; kept as read", at: component.location, code: "structure")
    }
    // RFC 5545 wants a UTC UNTIL when DTSTART has a zone; a floating one is read as UTC, as
    // sabre/vobject, dateutil and recurring-ical-events read it.
    if var r = event.recurrence, var rule = r.rule, case .floating(let u)? = rule.until, case .zoned? = event.start {
      diagnostics.warning(
        "RRULE UNTIL \"\(u)\" has no Z although DTSTART has a zone; read as UTC", at: component.location,
        code: "recurrence")
      rule.until = .utc(u)
      r.rule = rule
      event.recurrence = r
    }
    for child in component.children {
      if child.name == "VALARM" {
        alarm(child, into: &event)
      } else {
        event.rawComponents.append(Self.raw(child))
      }
    }
    // The lines of the last child (mapped above) become the spare of the next event's alarm.
    if !component.children.isEmpty {
      var childLines = component.children[component.children.count - 1].lines.take()
      if childLines.capacity <= Self.spareLineLimit {
        childLines.removeAll(keepingCapacity: true)
        spareChildLines = childLines
      }
    }
    // Sorted only when there is something (sorting an empty set still cost a call and an array).
    if !usedZones.isEmpty {
      for tzid in usedZones.sorted() {
        if let definition = unresolvedZones[tzid] { event.rawComponents.insert(definition, at: 0) }
      }
    }
    if lines.capacity <= Self.spareLineLimit {
      lines.removeAll(keepingCapacity: true)
      spareLines = lines
    }
  }

  /// The most lines whose storage `spareLines` keeps (an event with thousands of EXDATE lines
  /// leaves its storage to be freed).
  private static let spareLineLimit = 64

  /// `EventDuration(text:)`, remembering the last text read (alarms mostly repeat one).
  private mutating func duration(_ text: String) -> EventDuration? {
    if let last = lastDuration, last.text == text { return last.duration }
    let d = EventDuration(text: text)
    lastDuration = (text, d)
    return d
  }

  private mutating func warnKept(_ line: ContentLine, _ what: String) {
    diagnostics.warning("\(line.name) value \"\(line.value)\" \(what); kept raw", at: line.valueLocation, code: "unmapped")
  }

  private mutating func keep(_ line: ContentLine, _ event: inout Event) -> EventTime? {
    if line.value.trimmingCharacters().isEmpty {
      diagnostics.warning("\(line.name) has no value; ignored", at: line.location, code: "syntax")
      return nil
    }
    warnKept(line, "is not a date or date-time")
    event.raw.append(Self.rawProperty(line))
    return nil
  }

  /// A DATE or DATE-TIME value with its TZID.
  private mutating func time(_ line: ContentLine, _ used: inout Set<String>) -> EventTime? {
    // The whole value parsed as a string (see `ICalValue.localDateTime(_:)`).
    guard let parsed = ICalValue.localDateTime(line.value) else { return nil }
    return timeValue(parsed, text: nil, line: line, &used)
  }

  private mutating func parseTime(_ text: Substring, line: ContentLine, _ used: inout Set<String>) -> EventTime? {
    guard let parsed = ICalValue.localDateTime(text) else { return nil }
    return timeValue(parsed, text: text, line: line, &used)
  }

  /// The time `text` parsed to, with the line's VALUE and TZID.
  ///
  /// - Parameter text: the text read, for diagnostics; nil when it is the line's whole value
  ///   (made into a substring only when a diagnostic needs it).
  private mutating func timeValue(
    _ parsed: (LocalDateTime, isDate: Bool, isUTC: Bool), text: Substring?, line: ContentLine, _ used: inout Set<String>
  ) -> EventTime? {
    let (t, isDate, isUTC) = parsed
    if isDate { return .date(t.date) }
    // Both parameters found in one pass over the line's (`firstParameter` twice or three
    // times compared every parameter's name with each), as `firstParameter` finds them: the
    // first parameter of the name, its first value.
    var valueParameter: String?
    var tzidParameter: String?
    var sawValue = false
    var sawTZID = false
    for p in line.parameters {
      switch p.name.utf8.count {
      case 4 where !sawTZID && p.name == "TZID":
        sawTZID = true
        tzidParameter = p.firstValue
      case 5 where !sawValue && p.name == "VALUE":
        sawValue = true
        valueParameter = p.firstValue
      default: break
      }
    }
    if valueParameter?.uppercasedASCII() == "DATE" {
      // The value's own shape wins (as python icalendar and libical read it): the time stays.
      diagnostics.warning(
        "\(line.name) says VALUE=DATE but has a time \"\(text ?? Substring(line.value))\"; read as a date-time",
        at: line.valueLocation, code: "syntax")
    }
    if isUTC {
      if tzidParameter != nil {
        diagnostics.note(
          "\(line.name) has both TZID and a UTC time \"\(text ?? Substring(line.value))\"; read as UTC", at: line.valueLocation,
          code: "zone")
      }
      return .utc(t)
    }
    if let tzid = tzidParameter {
      let name: String
      let isUTC: Bool
      // By index: an entry is compared where it is, not copied out. The last one found first,
      // then the others, lengths compared before text (a mismatch of two strings is a call).
      let length = tzid.utf8.count
      let last = lastZoneIndex
      if last < recentZones.count, recentZones[last].tzid == tzid {
        (name, isUTC) = (recentZones[last].name, recentZones[last].isUTC)
      } else if let i = recentZones.indices.first(where: { recentZones[$0].tzid.utf8.count == length && recentZones[$0].tzid == tzid }) {
        (name, isUTC) = (recentZones[i].name, recentZones[i].isUTC)
        lastZoneIndex = i
      } else {
        usedTZIDs.insert(tzid)
        name = zoneName(for: tzid, line: line)
        isUTC = name == "UTC" || name == "Etc/UTC"
        if recentZones.count < Self.recentZoneLimit { recentZones.append((tzid, name, isUTC)) }
      }
      if isUTC { return .utc(t) }
      if !unresolvedZones.isEmpty, name == tzid, unresolvedZones[tzid] != nil { used.insert(tzid) }
      return .zoned(t, zone: name)
    }
    if let zone = calendar?.timeZone {
      if !warnedFloatingZone {
        warnedFloatingZone = true
        diagnostics.warning(
          "floating time \"\(text ?? Substring(line.value))\" read in the calendar's X-WR-TIMEZONE \(zone)",
          at: line.valueLocation, code: "zone")
      }
      return .zoned(t, zone: zone)
    }
    return .floating(t)
  }

  /// RDATE / EXDATE lists: dates, date-times, or periods (the start is kept).
  private mutating func timeList(_ line: ContentLine, _ used: inout Set<String>) -> [EventTime] {
    // An ASCII value (nearly every one) is cut and read by its bytes, in place: for ASCII that
    // is what the character operations of `timeListByCharacters` do, at a fraction of the cost.
    guard let items = Self.asciiTimeItems(line.value) else { return timeListByCharacters(line, &used) }
    var out: [EventTime] = []
    let value = line.value
    let utf8 = value.utf8
    func slice(_ r: Range<Int>) -> Substring {
      value[utf8.index(utf8.startIndex, offsetBy: r.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: r.upperBound)]
    }
    for item in items {
      if item.slash && line.name == "RDATE" {
        diagnostics.note("RDATE period \"\(slice(item.item))\" read as its start; the period's end is not kept", at: line.valueLocation, code: "unmapped")
      }
      if let parsed = item.parsed, let t = timeValue(parsed, text: slice(item.text), line: line, &used) {
        out.append(t)
      } else {
        diagnostics.warning("\(line.name) value \"\(slice(item.item))\" is not a date or date-time; skipped", at: line.valueLocation, code: "syntax")
      }
    }
    return out
  }

  /// The items of an ASCII RDATE / EXDATE value as `timeListByCharacters` cuts them (split at
  /// commas, empty ones left out, spaces and tabs trimmed, blank ones skipped): each one's
  /// range, the range of its time (up to a slash), whether it had a slash, and the time read.
  /// Nil when the value is not ASCII.
  private static func asciiTimeItems(
    _ value: String
  ) -> [(item: Range<Int>, text: Range<Int>, slash: Bool, parsed: (LocalDateTime, isDate: Bool, isUTC: Bool)?)]? {
    value.utf8.withContiguousStorageIfAvailable { b in
      if b.contains(where: { $0 >= 0x80 }) { return nil }
      var items: [(item: Range<Int>, text: Range<Int>, slash: Bool, parsed: (LocalDateTime, isDate: Bool, isUTC: Bool)?)] = []
      let count = b.count
      var start = 0
      while start < count {
        var end = start
        while end < count && b[end] != UInt8(ascii: ",") { end += 1 }
        var low = start
        var high = end
        while low < high && (b[low] == .space || b[low] == .tab) { low += 1 }
        while high > low && (b[high - 1] == .space || b[high - 1] == .tab) { high -= 1 }
        if low < high {
          var textEnd = high
          var slash = false
          if let s = (low..<high).first(where: { b[$0] == UInt8(ascii: "/") }) {
            textEnd = s
            slash = true
          }
          let parsed = ICalValue.localDateTime(bytes: UnsafeBufferPointer(rebasing: b[low..<textEnd]))
          items.append((start..<end, low..<textEnd, slash, parsed))
        }
        start = end + 1
      }
      return items
    } ?? nil
  }

  /// `timeList` by characters (a value that is not ASCII).
  private mutating func timeListByCharacters(_ line: ContentLine, _ used: inout Set<String>) -> [EventTime] {
    var out: [EventTime] = []
    for item in line.value.split(separator: ",") {
      let trimmed = item.trimmingCharacters()
      if trimmed.isEmpty { continue }
      var text = Substring(trimmed)
      if let slash = text.firstIndex(of: "/") {
        text = text[..<slash]
        if line.name == "RDATE" {
          diagnostics.note("RDATE period \"\(item)\" read as its start; the period's end is not kept", at: line.valueLocation, code: "unmapped")
        }
      }
      if let t = parseTime(text, line: line, &used) {
        out.append(t)
      } else {
        diagnostics.warning("\(line.name) value \"\(item)\" is not a date or date-time; skipped", at: line.valueLocation, code: "syntax")
      }
    }
    return out
  }

  private mutating func rrule(_ line: ContentLine) -> RecurrenceRule? {
    // Series of a file mostly repeat a few rules: one read without a problem is remembered.
    if let rule = cleanRules[line.value] { return rule }
    var text = line.value
    if text.containsByte(UInt8(ascii: "\\")) && (text.contains("\\;") || text.contains("\\,")) {
      diagnostics.warning("RRULE has backslash-escaped separators \"\(text)\"; read without them", at: line.valueLocation, code: "syntax")
      text = text.replacingBackslashes()
    }
    if !text.uppercasedASCII().contains("FREQ=") {
      diagnostics.warning("RRULE \"\(text)\" is not RFC 5545 (vCalendar 1.0?); kept raw", at: line.valueLocation, code: "recurrence")
      return nil
    }
    var clean = text == line.value
    let rule = ICalValue.recur(text) { message in
      clean = false
      diagnostics.warning(message, at: line.valueLocation, code: "recurrence")
    }
    if clean, let rule, cleanRules.count < Self.cleanRuleLimit { cleanRules[line.value] = rule }
    return rule
  }

  /// An ORGANIZER or ATTENDEE. An ORGANIZER that repeats the last one (same value and
  /// parameters) is that one's reading again; else it is read, and remembered when it gave no
  /// diagnostic (so that a repeat reports what the first one did: nothing).
  private mutating func attendee(_ line: ContentLine, organizer: Bool) -> Attendee {
    if !organizer {
      // The same people attend many events: an attendee line read lately (the same value
      // and parameters) is not read again.
      let slot = Self.attendeeSlot(line.value)
      if recentAttendees.isEmpty {
        recentAttendees = Array(repeating: nil, count: Self.recentAttendeeSlots)
      } else if recentAttendees[slot]?.matches(line) == true {
        return recentAttendees[slot]!.attendee
      }
      var clean = true
      let a = readAttendee(line, clean: &clean)
      if clean { recentAttendees[slot] = AttendeeMemo(value: line.value, parameters: line.parameters, attendee: a) }
      return a
    }
    if lastOrganizer?.matches(line) == true { return lastOrganizer!.attendee }
    var clean = true
    let a = readAttendee(line, clean: &clean)
    if clean { lastOrganizer = AttendeeMemo(value: line.value, parameters: line.parameters, attendee: a) }
    return a
  }

  /// How many attendee lines `attendee(_:organizer:)` remembers, by a hash of the value.
  static let recentAttendeeSlots = 64

  /// The slot of `recentAttendees` for an attendee line's value: FNV-1a of its bytes.
  private static func attendeeSlot(_ value: String) -> Int {
    var h: UInt32 = 2_166_136_261
    var copy = value
    copy.withUTF8 { b in
      for c in b { h = (h ^ UInt32(c)) &* 16_777_619 }
    }
    return Int(h % UInt32(recentAttendeeSlots))
  }

  /// A line read by `attendee(_:organizer:)`, and what it read as.
  struct AttendeeMemo {
    var value: String
    var parameters: [ContentParameter]
    var attendee: Attendee

    func matches(_ line: ContentLine) -> Bool { line.value == value && line.parameters == parameters }
  }

  /// Reads an ORGANIZER or ATTENDEE line; sets `clean` to false when it gave a diagnostic.
  private mutating func readAttendee(_ line: ContentLine, clean: inout Bool) -> Attendee {
    var a = Attendee()
    let value = line.value.trimmingCharacters()
    if let email = Self.mailtoAddress(value) {
      a.email = email
    } else if value.hasPrefixIgnoringASCIICase("mailto:") {
      // Cut after the seven ASCII bytes, unless a non-ASCII byte there could extend the
      // colon's character (then by characters, as `dropFirst` counts).
      let utf8 = value.utf8
      let cut = utf8.index(utf8.startIndex, offsetBy: 7)
      a.email = cut == utf8.endIndex || utf8[cut] < 0x80 ? String(value[cut...]) : String(value.dropFirst(7))
    } else if !value.isEmpty {
      a.email = value
      if !value.containsByte(UInt8(ascii: ":")) || value.hasPrefixIgnoringASCIICase("X-") {
        clean = false
        diagnostics.warning(
          "\(line.name) value \"\(value)\" is not a calendar address (mailto: URI); kept as written",
          at: line.valueLocation, code: "syntax")
      }
    }
    var extra: [RawParameter] = []
    for p in line.parameters {
      // Told by length first: a name is compared with at most two strings of its length.
      let n = p.name.utf8.count
      if n == 2 && p.name == "CN" {
        a.name = p.firstValue ?? ""
        continue
      }
      let known: Bool
      if n == 4 && p.name == "ROLE" {
        known = true
        switch Self.upperFirstValue(p) {
        case "REQ-PARTICIPANT": a.role = .required
        case "CHAIR": a.role = .chair
        case "OPT-PARTICIPANT": a.role = .optional
        case "NON-PARTICIPANT": a.role = .nonParticipant
        default: extra.append(RawParameter(name: p.name, values: p.values))
        }
      } else if n == 8 && p.name == "PARTSTAT" {
        known = true
        switch Self.upperFirstValue(p) {
        case "ACCEPTED": a.status = .accepted
        case "NEEDS-ACTION": a.status = .needsAction
        case "DECLINED": a.status = .declined
        case "TENTATIVE": a.status = .tentative
        case "DELEGATED": a.status = .delegated
        default: extra.append(RawParameter(name: p.name, values: p.values))
        }
      } else if n == 6 && p.name == "CUTYPE" {
        known = true
        switch Self.upperFirstValue(p) {
        case "INDIVIDUAL": a.kind = .individual
        case "GROUP": a.kind = .group
        case "RESOURCE": a.kind = .resource
        case "ROOM": a.kind = .room
        case "UNKNOWN": a.kind = .unknown
        default: extra.append(RawParameter(name: p.name, values: p.values))
        }
      } else if n == 4 && p.name == "RSVP" {
        known = true
        switch Self.upperFirstValue(p) {
        case "TRUE": a.rsvp = true
        case "FALSE": a.rsvp = false
        default: extra.append(RawParameter(name: p.name, values: p.values))
        }
      } else {
        known = false
      }
      if !known { extra.append(RawParameter(name: p.name, values: p.values)) }
    }
    if !extra.isEmpty { a.parameters = extra }
    return a
  }

  /// The first value of `p` upper-cased (ASCII letters), or empty.
  private static func upperFirstValue(_ p: ContentParameter) -> String {
    guard let v = p.firstValue else { return "" }
    return v.uppercasedASCII()
  }

  /// The address after `mailto:` (any case), read from the value's bytes in place: the usual
  /// case, and what the general path below does (index arithmetic on the string, its prefix
  /// test and its substring cost several times more). Nil when the value does not start with
  /// `mailto:`, or when a non-ASCII byte follows the colon (that path cuts by characters).
  private static func mailtoAddress(_ value: String) -> String? {
    value.utf8.withContiguousStorageIfAvailable { b -> String? in
      let prefix: StaticString = "mailto:"
      guard b.count >= 7, b.count == 7 || b[7] < 0x80 else { return nil }
      for i in 0..<7 {
        let c = b[i]
        if (c >= 0x41 && c <= 0x5A ? c | 0x20 : c) != prefix.utf8Start[i] { return nil }
      }
      return String(decoding: UnsafeBufferPointer(rebasing: b[7...]), as: UTF8.self)
    } ?? nil
  }

  private mutating func alarm(_ component: Component, into event: inout Event) {
    var reminder = Reminder()
    var hasTrigger = false
    var extra = false
    for line in component.lines {
      switch line.name {
      case "ACTION":
        switch line.value.trimmedUppercased() {
        case "DISPLAY": reminder.action = .display
        case "AUDIO": reminder.action = .audio
        case "EMAIL": reminder.action = .email
        default:
          reminder.action = .unknown
          extra = true
        }
      case "TRIGGER":
        let v = line.value.trimmingCharacters()
        if line.firstParameter("VALUE")?.uppercasedASCII() == "DATE-TIME" || Self.startsWithNumber(v) {
          var used: Set<String> = []
          if let t = parseTime(Substring(v), line: line, &used) {
            reminder.absolute = t
            hasTrigger = true
          }
        } else if let d = duration(v) {
          if v.hasPrefix("P") && (v.contains("P-") || v.contains("T-")) {
            diagnostics.note(
              "TRIGGER \"\(v)\" has its sign after the P; read as \(d)", at: line.valueLocation, code: "syntax")
          }
          reminder.offset = d
          reminder.relativeToEnd = line.firstParameter("RELATED")?.uppercasedASCII() == "END"
          hasTrigger = true
        }
        if !hasTrigger {
          diagnostics.warning("VALARM TRIGGER \"\(v)\" is not a duration or date-time; alarm kept raw", at: line.valueLocation, code: "unmapped")
        }
      case "DESCRIPTION": reminder.description = TextEscaping.unescape(line.value)
      default: extra = true
      }
    }
    if hasTrigger && (reminder.action == .display || reminder.action == .email) && reminder.description == nil {
      diagnostics.warning(
        "VALARM with ACTION:\(reminder.action == .email ? "EMAIL" : "DISPLAY") has no DESCRIPTION (RFC 5545 §3.6.6); the event's summary is written in its place",
        at: component.location, code: "syntax")
    }
    if hasTrigger { event.reminders.append(reminder) }
    if extra || !hasTrigger || !component.children.isEmpty { event.rawComponents.append(Self.raw(component)) }
  }

  /// `v.first?.isNumber`, without making the first character when its first byte is ASCII
  /// (then it is a number exactly when that byte is a digit: `isNumber` reads the first
  /// scalar).
  private static func startsWithNumber(_ v: String) -> Bool {
    guard let b = v.utf8.first else { return false }
    if b < 0x80 { return b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    return v.first.map { $0.isNumber } ?? false
  }

  // MARK: - Raw

  private static func rawProperty(_ line: ContentLine) -> RawProperty {
    RawProperty(
      name: line.name, group: line.group, parameters: line.parameters.map { RawParameter(name: $0.name, values: $0.values) },
      value: line.value, origin: "ics")
  }

  private static func raw(_ component: Component) -> RawComponent {
    RawComponent(
      name: component.name, properties: component.lines.map(rawProperty), components: component.children.map(raw),
      origin: "ics")
  }
}

/// The properties of a VEVENT or VTODO that `mapEvent` maps, each told from the name by its
/// length first: a name is then compared with at most five strings of its own length, rather
/// than with each property in turn until one matches (a string comparison call each), for
/// every line of every event.
enum EventProperty {
  case uid, dtstamp, created, lastModified, completed, dtstart, dtend, summary, description, location
  case organizer, attendee, classification, transp, status, due, duration, recurrenceId, rrule, rdate, exdate
  case cdoBusyStatus, cdoAllDayEvent, sequence, priority, categories, url, geo
  /// Any other name (kept raw).
  case other

  init(_ name: String) {
    switch name.utf8.count {
    case 3:
      switch name {
      case "UID": self = .uid
      case "DUE": self = .due
      case "URL": self = .url
      case "GEO": self = .geo
      default: self = .other
      }
    case 5:
      switch name {
      case "DTEND": self = .dtend
      case "CLASS": self = .classification
      case "RRULE": self = .rrule
      case "RDATE": self = .rdate
      default: self = .other
      }
    case 6:
      switch name {
      case "STATUS": self = .status
      case "TRANSP": self = .transp
      case "EXDATE": self = .exdate
      default: self = .other
      }
    case 7:
      switch name {
      case "DTSTART": self = .dtstart
      case "DTSTAMP": self = .dtstamp
      case "SUMMARY": self = .summary
      case "CREATED": self = .created
      default: self = .other
      }
    case 8:
      switch name {
      case "ATTENDEE": self = .attendee
      case "LOCATION": self = .location
      case "DURATION": self = .duration
      case "SEQUENCE": self = .sequence
      case "PRIORITY": self = .priority
      default: self = .other
      }
    case 9:
      switch name {
      case "ORGANIZER": self = .organizer
      case "COMPLETED": self = .completed
      default: self = .other
      }
    case 10: self = name == "CATEGORIES" ? .categories : .other
    case 11: self = name == "DESCRIPTION" ? .description : .other
    case 13:
      switch name {
      case "LAST-MODIFIED": self = .lastModified
      case "RECURRENCE-ID": self = .recurrenceId
      default: self = .other
      }
    case 26: self = name == "X-MICROSOFT-CDO-BUSYSTATUS" ? .cdoBusyStatus : .other
    case 27: self = name == "X-MICROSOFT-CDO-ALLDAYEVENT" ? .cdoAllDayEvent : .other
    default: self = .other
    }
  }
}

extension ICalendarReader {
  /// RFC 5545 / 7986 / 9073 properties kept raw without a warning.
  static let knownRaw: Set<String> = [
    "ATTACH", "COMMENT", "CONTACT", "RELATED-TO", "REQUEST-STATUS", "RESOURCES", "PERCENT-COMPLETE", "EXRULE",
    "COLOR", "CONFERENCE", "IMAGE", "REFRESH-INTERVAL", "SOURCE", "STRUCTURED-DATA", "STYLED-DESCRIPTION",
    "LOCATION-TYPE", "PARTICIPANT-TYPE", "CALENDAR-ADDRESS", "FREEBUSY", "TZURL", "ACKNOWLEDGED", "PROXIMITY",
    "CONCEPT", "LINK", "REFID", "RESOURCE-TYPE",
  ]
}

extension String {
  fileprivate func replacingBackslashes() -> String { String(self.filter { $0 != "\\" }) }
}


extension String {
  /// Whether the string is `name`, its length compared first: most property names differ in
  /// length from BEGIN and END, and then cost no string comparison.
  fileprivate func isShortName(_ name: String) -> Bool {
    utf8.count == name.utf8.count && self == name
  }

  /// The string, or `fallback` when it is empty.
  fileprivate func nonEmptyOr(_ fallback: String) -> String { isEmpty ? fallback : self }
}

extension Optional {
  /// Whether there is a value, tested where the optional is (see `mapEvent`).
  fileprivate var isSome: Bool {
    if case .some = self { return true }
    return false
  }
}

extension Array {
  /// The array, an empty one left in its place: its storage moves, no element is copied.
  fileprivate mutating func take() -> [Element] {
    var taken: [Element] = []
    swap(&taken, &self)
    return taken
  }
}

/// Diagnostics a reader gave and has not handed on yet, oldest first.
final class DiagnosticQueue: @unchecked Sendable {
  private var items: [Diagnostic] = []
  /// How many were ever given, and how many of them were handed on.
  private(set) var total = 0
  private(set) var handedOn = 0

  var sink: DiagnosticSink { DiagnosticSink { [self] in items.append($0); total += 1 } }

  /// Hands on those given before number `end` (all, for `Int.max`), in order.
  func handOn(upTo end: Int, to output: DiagnosticSink) {
    let count = min(end, total) - handedOn
    guard count > 0 else { return }
    for d in items.prefix(count) { output.emit(d) }
    items.removeFirst(count)
    handedOn += count
  }
}
