import FerryModel
import FerryTime
import Testing

@Suite("smoke")
struct SmokeTests {
  @Test func dailyInNewYork() {
    let e = series(.zoned(dt("2024-03-08T09:00:00"), zone: "America/New_York"), "FREQ=DAILY;COUNT=4")
    let occ = RecurrenceExpander(event: e).expand().occurrences
    print(occ.map { "\($0.start) \($0.instant)" })
    #expect(occ.count == 4)
  }
}
