import FerryModel
import Testing

/// Values at the edge of `Int` that trapped (`abs(Int.min)`) before the fuzzing work.
@Suite struct ModelFuzzFindingTests {
  static let minimum = String(Int.min)

  @Test(arguments: ["BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS", "BYMONTH", "BYHOUR"])
  func ruleNumbersAtIntMinimumAreOutOfRange(part: String) {
    var problems: [String] = []
    let rule = RecurrenceRule.parse("FREQ=MONTHLY;\(part)=\(Self.minimum),2", problem: { problems.append($0) })
    #expect(rule != nil)
    #expect(problems == ["RRULE \(part) value \"\(Self.minimum)\" is out of range; skipped"])
  }

  @Test func byDayOrdinalAtIntMinimumIsABadOrdinal() {
    var problems: [String] = []
    let rule = RecurrenceRule.parse("FREQ=YEARLY;BYDAY=\(Self.minimum)MO,1TU", problem: { problems.append($0) })
    #expect(rule?.byDay.map(\.weekday) == [.tuesday])
    #expect(problems == ["RRULE BYDAY value \"\(Self.minimum)MO\" has a bad ordinal; skipped"])
  }

  @Test func extremeYearsAndDurationsPrint() {
    #expect(PartialDate(year: Int.min, month: 1, day: 1).description == "\(Self.minimum)-01-01")
    #expect(EventDuration(totalSeconds: Int.min).isNegative)
  }
}
