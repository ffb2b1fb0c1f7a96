import FerryModel
import FerryTime
import Testing

/// RFC 5545 §3.8.5.3's examples (DTSTART 1997, America/New_York) and one case per BYxxx part.
@Suite("RecurrenceExpander rules")
struct RuleIteratorTests {
  static let ny = "America/New_York"

  func local(
    _ start: String, _ rrule: String, limit: Int = 200, until: String? = nil, zone: String? = ny
  ) -> [String] {
    let t = dt(start)
    let e = series(zone.map { .zoned(t, zone: $0) } ?? .floating(t), rrule)
    let window = ExpansionWindow(fromUTC: nil, untilUTC: until.map(dt))
    return RecurrenceExpander(event: e, window: window, limit: limit).expand().occurrences.map {
      $0.start.localDateTime.description
    }
  }

  @Test("daily for 10 occurrences")
  func dailyCount() {
    let r = local("1997-09-02T09:00:00", "FREQ=DAILY;COUNT=10")
    #expect(r.count == 10)
    #expect(r.first == "1997-09-02T09:00:00")
    #expect(r.last == "1997-09-11T09:00:00")
  }

  @Test("daily until a UTC instant, across the October DST change")
  func dailyUntil() {
    let r = local("1997-09-02T09:00:00", "FREQ=DAILY;UNTIL=19971224T000000Z")
    #expect(r.count == 113)
    #expect(r.last == "1997-12-23T09:00:00")
    #expect(r.allSatisfy { $0.hasSuffix("T09:00:00") })
  }

  @Test("every other day, every 10 days for 5")
  func interval() {
    #expect(
      local("1997-09-02T09:00:00", "FREQ=DAILY;INTERVAL=2", limit: 3) == [
        "1997-09-02T09:00:00", "1997-09-04T09:00:00", "1997-09-06T09:00:00",
      ])
    #expect(
      local("1997-09-02T09:00:00", "FREQ=DAILY;INTERVAL=10;COUNT=5").map { String($0.prefix(10)) }
        == [
          "1997-09-02", "1997-09-12", "1997-09-22", "1997-10-02", "1997-10-12",
        ])
  }

  @Test("every day in January for 3 years (YEARLY BYMONTH BYDAY and DAILY BYMONTH agree)")
  func januaryDays() {
    let a = local(
      "1998-01-01T09:00:00",
      "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA")
    let b = local("1998-01-01T09:00:00", "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1")
    #expect(a.count == 93)
    #expect(a == b)
  }

  @Test("weekly on Tuesday and Thursday for five weeks, WKST=SU")
  func weeklyByDay() {
    let r = local("1997-09-02T09:00:00", "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH")
    #expect(
      r.map { String($0.prefix(10)) } == [
        "1997-09-02", "1997-09-04", "1997-09-09", "1997-09-11", "1997-09-16", "1997-09-18",
        "1997-09-23", "1997-09-25",
        "1997-09-30", "1997-10-02",
      ])
  }

  @Test("WKST changes the weeks an INTERVAL=2 rule keeps")
  func weekStartMatters() {
    let mo = local("1997-08-05T09:00:00", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO").map
    { String($0.prefix(10)) }
    let su = local("1997-08-05T09:00:00", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU").map
    { String($0.prefix(10)) }
    #expect(mo == ["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"])
    #expect(su == ["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"])
  }

  @Test("monthly on the first Friday; on the first and last Sunday; on the second-to-last Monday")
  func monthlyNthWeekday() {
    #expect(
      local("1997-09-05T09:00:00", "FREQ=MONTHLY;COUNT=4;BYDAY=1FR").map { String($0.prefix(10)) }
        == [
          "1997-09-05", "1997-10-03", "1997-11-07", "1997-12-05",
        ])
    #expect(
      local("1997-09-07T09:00:00", "FREQ=MONTHLY;INTERVAL=2;COUNT=6;BYDAY=1SU,-1SU").map {
        String($0.prefix(10))
      } == [
        "1997-09-07", "1997-09-28", "1997-11-02", "1997-11-30", "1998-01-04", "1998-01-25",
      ])
    #expect(
      local("1997-09-22T09:00:00", "FREQ=MONTHLY;COUNT=3;BYDAY=-2MO").map { String($0.prefix(10)) }
        == [
          "1997-09-22", "1997-10-20", "1997-11-17",
        ])
  }

  @Test("BYMONTHDAY with negatives; invalid dates are skipped")
  func monthDays() {
    #expect(
      local("1997-09-28T09:00:00", "FREQ=MONTHLY;BYMONTHDAY=-3", limit: 3).map {
        String($0.prefix(10))
      } == [
        "1997-09-28", "1997-10-29", "1997-11-28",
      ])
    #expect(
      local("1997-09-02T09:00:00", "FREQ=MONTHLY;COUNT=5;BYMONTHDAY=1,-1").map {
        String($0.prefix(10))
      } == [
        "1997-09-02", "1997-09-30", "1997-10-01", "1997-10-31", "1997-11-01",
      ])
    // Feb 30 and 31 do not exist: skipped, not moved.
    #expect(
      local("2024-01-30T09:00:00", "FREQ=MONTHLY;COUNT=4;BYMONTHDAY=30").map {
        String($0.prefix(10))
      } == [
        "2024-01-30", "2024-03-30", "2024-04-30", "2024-05-30",
      ])
    #expect(
      local("2024-01-31T09:00:00", "FREQ=MONTHLY;COUNT=4").map { String($0.prefix(10)) } == [
        "2024-01-31", "2024-03-31", "2024-05-31", "2024-07-31",
      ])
  }

  @Test("BYYEARDAY, BYWEEKNO with WKST, BYMONTH")
  func yearParts() {
    #expect(
      local("1997-01-01T09:00:00", "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200").map {
        String($0.prefix(10))
      } == [
        "1997-01-01", "1997-04-10", "1997-07-19", "2000-01-01", "2000-04-09", "2000-07-18",
        "2003-01-01", "2003-04-10",
        "2003-07-19", "2006-01-01",
      ])
    #expect(
      local("1997-05-12T09:00:00", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", limit: 3).map {
        String($0.prefix(10))
      } == [
        "1997-05-12", "1998-05-11", "1999-05-17",
      ])
    #expect(
      local("1997-06-10T09:00:00", "FREQ=YEARLY;COUNT=6;BYMONTH=6,7").map { String($0.prefix(10)) }
        == [
          "1997-06-10", "1997-07-10", "1998-06-10", "1998-07-10", "1999-06-10", "1999-07-10",
        ])
    // Week 1 with WKST=MO vs SU differ in 2024 (Jan 1 2024 is a Monday).
    #expect(
      local("2024-01-01T09:00:00", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=MO;COUNT=2").map {
        String($0.prefix(10))
      } == [
        "2024-01-01", "2024-01-07",
      ])
    // With WKST=SU, week 1 of 2024 is Dec 31 – Jan 6, and week 1 of 2025 starts on Dec 29, 2024.
    #expect(
      local("2024-01-01T09:00:00", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=SU;COUNT=2").map {
        String($0.prefix(10))
      } == [
        "2024-01-01", "2024-12-29",
      ])
    #expect(
      local("2024-01-01T09:00:00", "FREQ=YEARLY;BYWEEKNO=2;BYDAY=SU;WKST=SU;COUNT=2").map {
        String($0.prefix(10))
      } == [
        "2024-01-01", "2024-01-07",
      ])
    #expect(
      local("2024-01-01T09:00:00", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=MO;COUNT=3").map {
        String($0.prefix(10))
      } == [
        "2024-01-01", "2024-12-23", "2025-12-22",
      ])
  }

  @Test("Friday the 13th; the first Saturday after the first Sunday; US election day")
  func rfcCombinations() {
    #expect(
      local("1997-09-02T09:00:00", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", limit: 4).map {
        String($0.prefix(10))
      } == [
        "1997-09-02", "1998-02-13", "1998-03-13", "1998-11-13",
      ])
    #expect(
      local("1997-09-13T09:00:00", "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", limit: 3)
        .map { String($0.prefix(10)) } == [
          "1997-09-13", "1997-10-11", "1997-11-08",
        ])
    #expect(
      local(
        "1996-11-05T09:00:00",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", limit: 3
      ).map { String($0.prefix(10)) } == [
        "1996-11-05", "2000-11-07", "2004-11-02",
      ])
  }

  @Test("BYSETPOS: the third of Tu/We/Th; the last work day of the month")
  func setPositions() {
    #expect(
      local("1997-09-04T09:00:00", "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3").map {
        String($0.prefix(10))
      } == [
        "1997-09-04", "1997-10-07", "1997-11-06",
      ])
    #expect(
      local("1997-09-29T09:00:00", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", limit: 3).map {
        String($0.prefix(10))
      } == [
        "1997-09-29", "1997-10-30", "1997-11-27",
      ])
  }

  @Test("BYHOUR, BYMINUTE, BYSECOND; HOURLY and MINUTELY")
  func timeParts() {
    #expect(
      local("1997-09-02T09:00:00", "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z") == [
        "1997-09-02T09:00:00", "1997-09-02T12:00:00",
      ])
    #expect(
      local("1997-09-02T09:00:00", "FREQ=MINUTELY;INTERVAL=15;COUNT=6").map { String($0.suffix(8)) }
        == [
          "09:00:00", "09:15:00", "09:30:00", "09:45:00", "10:00:00", "10:15:00",
        ])
    let ninety: [String] = local("1997-09-02T09:00:00", "FREQ=MINUTELY;INTERVAL=90;COUNT=4")
    #expect(
      ninety == [
        "1997-09-02T09:00:00", "1997-09-02T10:30:00", "1997-09-02T12:00:00", "1997-09-02T13:30:00",
      ])
    let everyTwenty = local(
      "1997-09-02T09:00:00", "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", limit: 30)
    #expect(everyTwenty.count == 30)
    #expect(everyTwenty[24] == "1997-09-03T09:00:00")
    #expect(
      local("2024-01-01T00:00:00", "FREQ=DAILY;COUNT=4;BYHOUR=8;BYMINUTE=30;BYSECOND=5,10").map {
        String($0.suffix(8))
      } == [
        "00:00:00", "08:30:05", "08:30:10", "08:30:05",
      ])
    #expect(
      local("2024-01-01T00:00:10", "FREQ=SECONDLY;INTERVAL=20;COUNT=4", zone: nil).map {
        String($0.suffix(8))
      } == [
        "00:00:10", "00:00:30", "00:00:50", "00:01:10",
      ])
  }

  @Test("DTSTART is always the first instance, and counts")
  func startIsFirst() {
    // 1997-09-02 is a Tuesday; the rule wants Fridays.
    #expect(
      local("1997-09-02T09:00:00", "FREQ=WEEKLY;COUNT=3;BYDAY=FR").map { String($0.prefix(10)) }
        == [
          "1997-09-02", "1997-09-05", "1997-09-12",
        ])
  }

  @Test("UNTIL as a date is inclusive; COUNT=0 gives nothing")
  func untilDate() {
    #expect(local("2024-05-01T09:00:00", "FREQ=DAILY;UNTIL=20240503").count == 3)
    #expect(local("2024-05-01T09:00:00", "FREQ=DAILY;COUNT=0").isEmpty)
  }

  @Test("Feb 29 yearly appears only in leap years")
  func leapDay() {
    #expect(
      local("2024-02-29T09:00:00", "FREQ=YEARLY;COUNT=3").map { String($0.prefix(10)) } == [
        "2024-02-29", "2028-02-29", "2032-02-29",
      ])
  }

  @Test("a rule that never matches stops at the window, not never")
  func neverMatches() {
    let r = local(
      "2001-01-01T09:00:00", "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
      until: "2400-01-01T00:00:00")
    #expect(r == ["2001-01-01T09:00:00"])
    let s = local(
      "2001-01-01T09:00:00", "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", until: "2003-01-01T00:00:00")
    #expect(s == ["2001-01-01T09:00:00"])
  }
}
