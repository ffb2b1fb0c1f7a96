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
