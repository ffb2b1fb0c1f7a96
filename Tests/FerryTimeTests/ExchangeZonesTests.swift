import FerryModel
import FerryTime
import Testing

/// A VTIMEZONE as the iCalendar reader keeps it raw on an event.
func vtimezone(_ tzid: String, _ observances: [(kind: String, start: String, from: String, to: String, rule: String)]) -> RawComponent {
  RawComponent(
    name: "VTIMEZONE", properties: [RawProperty(name: "TZID", value: tzid, origin: "ics")],
    components: observances.map { o in
      RawComponent(
        name: o.kind,
        properties: [
          RawProperty(name: "DTSTART", value: o.start, origin: "ics"),
          RawProperty(name: "TZOFFSETFROM", value: o.from, origin: "ics"),
          RawProperty(name: "TZOFFSETTO", value: o.to, origin: "ics"),
          RawProperty(name: "RRULE", value: o.rule, origin: "ics"),
        ], origin: "ics")
    }, origin: "ics")
}

/// Outlook 2003's "Pacific": the April–October rule of before 2007, which no tz database
/// zone follows today.
let outlookPacific = vtimezone(
  "Pacific",
  [
    ("STANDARD", "19501029T020000", "-0700", "-0800", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ("DAYLIGHT", "19500402T020000", "-0800", "-0700", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
  ])

/// An Outlook custom zone with two eras: US Eastern before and after the 2007 change.
let customizedEastern = vtimezone(
  "Customized Time Zone 1",
  [
    ("STANDARD", "19671029T020000", "-0400", "-0500", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10;UNTIL=20061029T060000Z"),
    ("DAYLIGHT", "19870405T020000", "-0500", "-0400", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4;UNTIL=20060402T070000Z"),
    ("STANDARD", "20071104T020000", "-0400", "-0500", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
    ("DAYLIGHT", "20070311T020000", "-0500", "-0400", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
  ])

func zonedEvent(_ start: String, _ end: String, zone: String, definitions: [RawComponent] = []) -> Event {
  var e = Event()
  e.summary = "Lunch"
  e.start = .zoned(dt(start), zone: zone)
  e.end = .zoned(dt(end), zone: zone)
  e.rawComponents = definitions
  return e
}

@Suite("ExchangeZones")
struct ExchangeZonesTests {
  @Test("a raw VTIMEZONE reads back as a definition with its observances")
  func definitionFromComponent() throws {
    let d = try #require(ZoneDefinition(component: outlookPacific))
    #expect(d.tzid == "Pacific")
    #expect(d.observances.map(\.kind) == [.standard, .daylight])
    #expect(d.observances.map(\.offsetTo) == [-8 * 3600, -7 * 3600])
    #expect(d.observances[1].rule?.byMonth == [4])
    #expect(ZoneDefinition(component: RawComponent(name: "VTIMEZONE", properties: [], origin: "ics")) == nil)
  }

  @Test("a TZID only the event's VTIMEZONE defines converts by it, named by the Windows zone of its year")
  func definitionOnly() throws {
    let e = zonedEvent("2004-04-15T12:00:00", "2004-04-15T13:00:00", zone: "Pacific", definitions: [outlookPacific])
    let zones = ExchangeZones(event: e, fallbackZone: nil)
    guard case .zoned(let local, let zone) = zones.time(try #require(e.start)) else {
      Issue.record("not zoned")
      return
    }
    #expect(zone.windowsName == "Pacific Standard Time")
    #expect(zone.offset(atLocal: local) == -7 * 3600)
    guard case .utc(let utc) = zones.time(try #require(e.start), utc: true) else {
      Issue.record("not converted to UTC")
      return
    }
    #expect(utc == dt("2004-04-15T19:00:00"))
    #expect(zones.unresolvedZones.isEmpty)
  }

  @Test("an Outlook custom zone with eras converts by the era in force", arguments: [
    ("2005-06-15T09:00:00", -4 * 3600), ("2005-03-20T09:00:00", -5 * 3600), ("2025-03-20T09:00:00", -4 * 3600),
  ])
  func eras(_ start: String, _ offset: Int) throws {
    let e = zonedEvent(start, start, zone: "Customized Time Zone 1", definitions: [customizedEastern])
    guard case .zoned(let local, let zone) = ExchangeZones(event: e, fallbackZone: nil).time(try #require(e.start)) else {
      Issue.record("not zoned")
      return
    }
    #expect(zone.offset(atLocal: local) == offset)
    #expect(zone.windowsName == "Eastern Standard Time")
  }

  @Test("a TZID nothing resolves is reported, and read in --zone when one is given")
  func unresolved() throws {
    let e = zonedEvent("2025-06-10T14:00:00", "2025-06-10T15:00:00", zone: "tzone://Microsoft/Custom")
    let plain = ExchangeZones(event: e, fallbackZone: nil)
    #expect(plain.unresolvedZones == ["tzone://Microsoft/Custom"])
    guard case .floating(let wall) = plain.time(try #require(e.start)) else {
      Issue.record("an unresolved zone is not a wall clock")
      return
    }
    #expect(wall == dt("2025-06-10T14:00:00"))
    let collector = DiagnosticCollector()
    plain.warnUnresolved(collector.sink, at: nil)
    #expect(
      collector.diagnostics.map(\.message) == [
        "event \"Lunch\" has TZID \"tzone://Microsoft/Custom\", which ferry cannot resolve (no zone has that name and no VTIMEZONE defines it); its times written as if in UTC"
      ])
    let berlin = ExchangeZones(event: e, fallbackZone: "Europe/Berlin")
    guard case .zoned(_, let zone) = berlin.time(try #require(e.start)) else {
      Issue.record("--zone not used")
      return
    }
    #expect(zone.windowsName == "W. Europe Standard Time")
  }

  @Test("a UTC UNTIL becomes its date in the start's zone")
  func localUntil() throws {
    var e = zonedEvent("2025-01-06T20:00:00", "2025-01-06T21:00:00", zone: "America/New_York")
    var r = RecurrenceRule(frequency: .daily)
    r.until = .utc(dt("2025-01-31T04:59:59"))
    e.recurrence = Recurrence(rule: r)
    #expect(ExchangeZones(event: e, fallbackZone: nil).localUntil(r).until == .date(day("2025-01-30")))
  }

  @Test("all-day events keep their dates; floating times are flagged")
  func allDayAndFloating() throws {
    var e = Event()
    e.isAllDay = true
    e.start = .date(day("2025-06-10"))
    e.end = .date(day("2025-06-11"))
    let zones = ExchangeZones(event: e, fallbackZone: "Europe/Berlin")
    guard case .date(let d, let windows) = zones.time(try #require(e.start)) else {
      Issue.record("not a date")
      return
    }
    #expect(d == day("2025-06-10"))
    #expect(windows == "W. Europe Standard Time")
    #expect(!zones.hasFloatingTimes)
    var f = Event()
    f.start = .floating(dt("2025-06-10T14:00:00"))
    #expect(ExchangeZones(event: f, fallbackZone: nil).hasFloatingTimes)
  }

  @Test("--utc: zoned times and VTIMEZONE-only zones become UTC; unresolved TZIDs are returned")
  func eventInUTC() throws {
    var e = zonedEvent("2004-04-15T12:00:00", "2004-04-15T13:00:00", zone: "Pacific", definitions: [outlookPacific])
    var r = RecurrenceRule(frequency: .weekly)
    r.until = .floating(dt("2004-06-15T12:00:00"))
    e.recurrence = Recurrence(rule: r, exceptionDates: [.zoned(dt("2004-04-22T12:00:00"), zone: "Pacific")])
    let (utc, unresolved) = e.inUTC(fallbackZone: nil)
    #expect(unresolved.isEmpty)
    #expect(utc.start == .utc(dt("2004-04-15T19:00:00")))
    #expect(utc.end == .utc(dt("2004-04-15T20:00:00")))
    #expect(utc.recurrence?.rule?.until == .utc(dt("2004-06-15T19:00:00")))
    #expect(utc.recurrence?.exceptionDates == [.utc(dt("2004-04-22T19:00:00"))])
    #expect(utc.rawComponents.isEmpty)
    let odd = zonedEvent("2025-06-10T14:00:00", "2025-06-10T15:00:00", zone: "Europe/Germany")
    let (kept, missing) = odd.inUTC(fallbackZone: nil)
    #expect(missing == ["Europe/Germany"])
    #expect(kept.start == odd.start)
  }
}

@Suite("ExchangeCalendarItem")
struct ExchangeCalendarItemTests {
  static func alarm(_ text: String, _ action: Reminder.Action) -> Reminder {
    Reminder(offset: EventDuration(text: text), action: action)
  }

  @Test("the single reminder slot prefers a display alarm over an earlier e-mail one, and says what had no place")
  func reminderChoice() {
    var e = Event()
    e.summary = "Review"
    e.reminders = [Self.alarm("-P6DT15H", .email), Self.alarm("-PT15H", .display)]
    let (kept, unplaced) = ExchangeCalendarItem.reminder(of: e)
    #expect(kept?.action == .display)
    #expect(kept?.offset?.totalSeconds == -15 * 3600)
    #expect(unplaced == 1)
    let collector = DiagnosticCollector()
    ExchangeCalendarItem.noteUnplacedReminders(
      of: e, kept: kept, unplaced: unplaced, target: "a Graph event", diagnostics: collector.sink, location: nil)
    #expect(
      collector.diagnostics.map(\.message) == [
        "event \"Review\": 1 of its 2 alarms has no place in a Graph event, which holds one reminder; kept the display alarm 900 minutes before the start"
      ])
  }

  @Test("a lone alarm is kept whatever its action, with no note")
  func loneAlarm() {
    var e = Event()
    e.reminders = [Self.alarm("-PT30M", .email)]
    let (kept, unplaced) = ExchangeCalendarItem.reminder(of: e)
    #expect(kept?.action == .email)
    #expect(unplaced == 0)
  }

  @Test("a task's lost fields agree with their verb", arguments: [
    (true, false, "task \"Call\" written as a calendar item; its due date has no place there"),
    (true, true, "task \"Call\" written as a calendar item; its due date and completion have no place there"),
  ])
  func taskGrammar(_ due: Bool, _ completed: Bool, _ message: String) {
    var e = Event(kind: .task)
    e.summary = "Call"
    e.start = .utc(dt("2025-06-10T14:00:00"))
    if due { e.due = .utc(dt("2025-06-11T14:00:00")) }
    if completed { e.status = .completed }
    let collector = DiagnosticCollector()
    #expect(ExchangeCalendarItem.canCreate(e, diagnostics: collector.sink, location: SourceLocation(file: "t", line: 1, column: 1)))
    #expect(collector.diagnostics.map(\.message) == [message])
  }
}
