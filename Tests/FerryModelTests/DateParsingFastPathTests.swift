import FerryModel
import FerryTestSupport
import Testing

/// `LocalDate(iso:)` and `LocalDateTime(iso:)` read their usual shapes straight from the
/// bytes; held here to the rules of the general path on every shape of digits, including
/// impossible dates and times.
@Suite struct DateParsingFastPathTests {
  static func reference(date text: String) -> LocalDate? {
    let digits = text.filter { $0 != "-" }
    guard digits.count == 8, let n = Int(digits) else { return nil }
    let d = LocalDate(year: n / 10000, month: n / 100 % 100, day: n % 100)
    return d.isValid ? d : nil
  }

  @Test func datesAndTimes() {
    var rng = SeededGenerator(seed: 77)
    func two(_ limit: UInt64) -> String {
      let v = Int(rng.next() % limit)
      return v < 10 ? "0\(v)" : "\(v)"
    }
    var valid = 0
    for _ in 0..<20_000 {
      let year = String(1000 + Int(rng.next() % 9000))
      let month = two(14), day = two(33), hour = two(26), minute = two(61), second = two(62)
      let dashed = "\(year)-\(month)-\(day)"
      let basic = "\(year)\(month)\(day)"
      let expected = Self.reference(date: dashed)
      #expect(LocalDate(iso: dashed) == expected, "\(dashed)")
      #expect(LocalDate(iso: basic) == expected, "\(basic)")
      #expect(LocalDate(iso: Substring(dashed)) == expected)
      let text = "\(dashed)T\(hour):\(minute):\(second)"
      let (h, m, s) = (Int(hour)!, Int(minute)!, Int(second)!)
      let expectedTime: LocalDateTime? =
        expected != nil && h <= 24 && m <= 59 && s <= 60 ? LocalDateTime(date: expected!, time: LocalTime(hour: h, minute: m, second: s)) : nil
      #expect(LocalDateTime(iso: text) == expectedTime, "\(text)")
      // The basic form goes through the general path: the two agree.
      #expect(LocalDateTime(iso: "\(basic)T\(hour)\(minute)\(second)") == expectedTime)
      if expectedTime != nil { valid += 1 }
    }
    #expect(valid > 1000 && valid < 20_000)
    // Shapes the fast path does not take still parse, or fail, as before.
    #expect(LocalDate(iso: "2024-3-9") == nil)
    #expect(LocalDate(iso: "２０２４-03-09") == nil)
    #expect(LocalDateTime(iso: "2024-03-09 10:00") == LocalDateTime(year: 2024, month: 3, day: 9, hour: 10))
    #expect(LocalDateTime(iso: "2024-03-09T10:00:0x") == nil)
    #expect(EventTime(text: "2024-03-09T10:00:00[Europe/Berlin]") == .zoned(LocalDateTime(year: 2024, month: 3, day: 9, hour: 10), zone: "Europe/Berlin"))
  }
}

@Suite struct RawParameterNameTests {
  @Test func namesCompareWithoutCase() {
    let p = RawProperty(
      name: "ItemId", parameters: [RawParameter(name: "ChangeKey", values: ["CK1"]), RawParameter(name: "Straße", values: ["x"])],
      value: "id", origin: "ews")
    #expect(p.parameter("changekey") == ["CK1"])
    #expect(p.parameter("CHANGEKEY") == ["CK1"])
    #expect(p.parameter("ChangeKe") == nil)
    #expect(p.parameter("ChangeKez") == nil)
    #expect(p.parameter("straße") == ["x"])
    #expect(p.parameter("STRAßE") == ["x"])
  }
}
