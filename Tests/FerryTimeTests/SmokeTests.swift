import FerryModel
import FerryTime
import Testing

@Suite("smoke")
struct SmokeTests {
  @Test func dailyInNewYork() {
    let e = series(
      .zoned(dt("2024-03-08T09:00:00"), zone: "America/New_York"), "FREQ=DAILY;COUNT=4")
    let occ = RecurrenceExpander(event: e).expand().occurrences
    #expect(occ.count == 4)
  }
}

@Suite("Expanded changed occurrences")
struct ExpandedOverrideTests {
  @Test("an instance from an override has the series' details the override does not change")
  func instancesInherit() {
    var e = Event()
    e.summary = "Jour fixe"
    e.location = "Raum 2"
    e.privacy = .private
    e.start = .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9), zone: "Europe/Berlin")
    e.end = .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 10), zone: "Europe/Berlin")
    var o = Event()
    o.recurrenceId = .zoned(LocalDateTime(year: 2026, month: 3, day: 9, hour: 9), zone: "Europe/Berlin")
    o.start = .zoned(LocalDateTime(year: 2026, month: 3, day: 10, hour: 14), zone: "Europe/Berlin")
    o.end = .zoned(LocalDateTime(year: 2026, month: 3, day: 10, hour: 15), zone: "Europe/Berlin")
    o.location = "Raum 5"
    var rule = RecurrenceRule(frequency: .weekly)
    rule.count = 3
    e.recurrence = Recurrence(rule: rule, overrides: [o])
    var options = CalendarOptions()
    options.expandFrom = LocalDate(year: 2026, month: 3, day: 1)
    let (events, _) = ExchangeRecurrencePattern.instances(of: e, options: options, today: LocalDate(year: 2026, month: 3, day: 1))
    #expect(events.count == 3)
    let moved = events.first { $0.start?.localDateTime.date == LocalDate(year: 2026, month: 3, day: 10) }
    #expect(moved?.summary == "Jour fixe")
    #expect(moved?.privacy == .private)
    #expect(moved?.location == "Raum 5")
  }
}
