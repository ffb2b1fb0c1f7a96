import FerryModel
import Testing

@testable import FerryCSV

/// Each Salesforce Classic recurrence type maps to the right RRULE and back.
@Suite struct SalesforceRecurrenceTests {
  /// (fields, the RRULE they mean, a start on which the rule's own day falls).
  static let cases: [(SalesforceRecurrence, String, LocalDate)] = [
    (SalesforceRecurrence(type: .daily, interval: 2), "FREQ=DAILY;INTERVAL=2", LocalDate(year: 2025, month: 1, day: 6)),
    (SalesforceRecurrence(type: .everyWeekday, dayOfWeekMask: 62), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", LocalDate(year: 2025, month: 1, day: 6)),
    (SalesforceRecurrence(type: .weekly, interval: 2, dayOfWeekMask: 2 | 32), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", LocalDate(year: 2025, month: 1, day: 6)),
    (SalesforceRecurrence(type: .weekly, interval: 1, dayOfWeekMask: 1), "FREQ=WEEKLY;BYDAY=SU", LocalDate(year: 2025, month: 1, day: 5)),
    (SalesforceRecurrence(type: .monthly, interval: 3, dayOfMonth: 15), "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", LocalDate(year: 2025, month: 1, day: 15)),
    (SalesforceRecurrence(type: .monthlyNth, interval: 1, dayOfWeekMask: 16, instance: "Second"), "FREQ=MONTHLY;BYDAY=2TH", LocalDate(year: 2025, month: 1, day: 9)),
    (SalesforceRecurrence(type: .monthlyNth, interval: 2, dayOfWeekMask: 32, instance: "Last"), "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR", LocalDate(year: 2025, month: 1, day: 31)),
    (SalesforceRecurrence(type: .monthlyNth, interval: 1, dayOfWeekMask: 62, instance: "First"), "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1", LocalDate(year: 2025, month: 1, day: 1)),
    (SalesforceRecurrence(type: .yearly, dayOfMonth: 4, monthOfYear: "July"), "FREQ=YEARLY;BYMONTHDAY=4;BYMONTH=7", LocalDate(year: 2025, month: 7, day: 4)),
    (SalesforceRecurrence(type: .yearlyNth, dayOfWeekMask: 16, instance: "Fourth", monthOfYear: "November"), "FREQ=YEARLY;BYDAY=4TH;BYMONTH=11", LocalDate(year: 2025, month: 11, day: 27)),
  ]

  @Test(arguments: 0..<cases.count)
  func eachTypeMapsToItsRuleAndBack(index: Int) throws {
    let (fields, text, start) = Self.cases[index]
    let rule = try #require(fields.rule(allDay: false, zone: nil))
    #expect(rule.description == text)
    #expect(RecurrenceRule.parse(text) == rule)
    let back = try SalesforceRecurrence.from(rule, start: start, lastDate: nil).get()
    #expect(back.type == fields.type)
    #expect(back.rule(allDay: false, zone: nil) == rule)
  }

  @Test func endDateBecomesUntil() throws {
    var f = SalesforceRecurrence(type: .daily, interval: 1, endDateOnly: LocalDate(year: 2025, month: 3, day: 31))
    #expect(f.rule(allDay: true, zone: nil)?.until == .date(LocalDate(year: 2025, month: 3, day: 31)))
    #expect(
      f.rule(allDay: false, zone: "America/New_York")?.until
        == .zoned(LocalDateTime(year: 2025, month: 3, day: 31, hour: 23, minute: 59, second: 59), zone: "America/New_York"))
    f.endDateOnly = nil
    #expect(f.rule(allDay: false, zone: nil)?.until == nil)
  }

  @Test func rulesClassicCannotHoldAreRefused() {
    for text in ["FREQ=HOURLY", "FREQ=DAILY;BYDAY=MO", "FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=YEARLY;INTERVAL=2;BYMONTH=1",
      "FREQ=MONTHLY;BYDAY=1MO,2TU", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9"]
    {
      let rule = RecurrenceRule.parse(text)!
      #expect(throws: SalesforceRecurrence.Reason.self, "\(text)") {
        try SalesforceRecurrence.from(rule, start: LocalDate(year: 2025, month: 1, day: 6), lastDate: nil).get()
      }
    }
  }

  @Test func incompleteFieldsAreReported() {
    #expect(SalesforceRecurrence(type: .weekly, dayOfWeekMask: 0).problem != nil)
    #expect(SalesforceRecurrence(type: .monthlyNth, dayOfWeekMask: 2, instance: "Fifth").problem != nil)
    #expect(SalesforceRecurrence(type: .yearly, dayOfMonth: 1, monthOfYear: "Smarch").problem != nil)
  }
}

/// Salesforce timestamps as exports and hand-edited files write them. Found by fuzzing: five
/// fraction digits used to trap on an empty-range loop instead of being read.
@Suite struct SalesforceTimestampTests {
  @Test(arguments: [
    ("2025-04-11T00:00:00.000Z", Int64(1_744_329_600_000)),
    ("2025-04-11T00:00:00.00000Z", 1_744_329_600_000),
    ("2025-04-11T00:00:00.1234567Z", 1_744_329_600_123),
    ("2025-04-11T00:00:00.5Z", 1_744_329_600_500),
    ("2025-04-11T02:00:00+02:00", 1_744_329_600_000),
    ("2025-04-11", 1_744_329_600_000),
  ])
  func reads(_ text: String, _ milliseconds: Int64) {
    #expect(Values.timestamp(text)?.milliseconds == milliseconds)
  }

  @Test(arguments: ["2025-04-11T00:00:99Z", "2025-13-11T00:00:00Z", "2025-04-11T25:00", "2025-04-11T00:00:00+99"])
  func refusesNonsense(_ text: String) {
    #expect(Values.timestamp(text) == nil)
  }
}
