import FerryModel
import FerryTime
import Testing

/// Rules that trapped with an arithmetic overflow before the fuzzing work.
@Suite struct RecurrenceFuzzFindingTests {
  @Test(arguments: RecurrenceRule.Frequency.allCases)
  func hugeIntervalGivesOnlyTheFirstOccurrence(frequency: RecurrenceRule.Frequency) {
    var r = RecurrenceRule(frequency: frequency)
    r.interval = Int.max
    var e = Event()
    e.start = .utc(dt("2024-01-01T10:00:00"))
    e.recurrence = Recurrence(rule: r)
    let (occurrences, truncated) = RecurrenceExpander(event: e, window: .year(2024), limit: 10).expand()
    #expect(occurrences.map { $0.start.localDateTime } == [dt("2024-01-01T10:00:00")])
    #expect(!truncated)
  }

  @Test func ruleNumbersAtIntMinimumAreIgnored() {
    var r = RecurrenceRule(frequency: .monthly)
    r.byMonthDay = [Int.min, 15]
    r.byYearDay = [Int.min]
    r.byWeekNumber = [Int.min]
    r.bySetPosition = [Int.min, 1]
    r.count = 2
    var e = Event()
    e.start = .utc(dt("2024-01-15T10:00:00"))
    e.recurrence = Recurrence(rule: r)
    let days = RecurrenceExpander(event: e, window: .year(2024), limit: 10).expand().occurrences.map {
      $0.start.localDateTime.date.day
    }
    #expect(days == [15, 15])
  }
}
