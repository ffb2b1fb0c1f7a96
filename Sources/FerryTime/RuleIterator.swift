import FerryModel

/// Expands one RRULE from its DTSTART, lazily, on wall-clock seconds (seconds since 1970 read
/// as if UTC): the engine under `RecurrenceExpander`.
///
/// The algorithm is RFC 5545 §3.3.10's, in the shape python-dateutil uses: walk the periods
/// of the frequency (years, months, WKST-aligned weeks, days, hours, minutes, seconds) by
/// INTERVAL; in each period take every day that passes the day-level parts (BYMONTH,
/// BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY with ordinals counted in the month or year), times
/// every time of day from BYHOUR × BYMINUTE × BYSECOND (DTSTART's fields fill the parts a
/// coarser frequency needs); apply BYSETPOS to that sorted set; emit what is not before
/// DTSTART. Invalid dates (Feb 30) never arise because only real days are walked.
///
/// Differences from dateutil, on purpose: DTSTART is always the first instance and counts
/// toward COUNT (RFC 5545 §3.8.5.3), and BYDAY mixing ordinals and plain days is a union.
public struct RuleIterator: IteratorProtocol, Sendable {
  public typealias Element = Int

  typealias Frequency = RecurrenceRule.Frequency

  let frequency: Frequency
  let interval: Int
  let count: Int?
  /// Inclusive bound on the wall clock.
  let untilLocal: Int?
  /// Inclusive bound on the instant, through `zone`.
  let untilInstant: Int?
  let zone: Zone?
  let start: Int
  /// Periods starting after this wall clock are not walked.
  var horizon: Int

  let monthMask: UInt16
  let weekdayMask: UInt8
  /// `(weekday, ordinal)` pairs from BYDAY with ordinals (MONTHLY/YEARLY only).
  let nthWeekdays: [(weekday: Int, ordinal: Int)]
  let hasByDay: Bool
  let monthDays: [Int]
  let yearDays: [Int]
  let weekNumbers: [Int]
  let hours: [Int]
  let minutes: [Int]
  let seconds: [Int]
  let setPositions: [Int]
  let weekStart: Int
  let nthInYear: Bool
  /// DAILY and coarser: the sorted times of day (seconds).
  let timesOfDay: [Int]
  /// HOURLY: offsets in the hour; MINUTELY: offsets in the minute.
  let offsetsInPeriod: [Int]

  /// A sub-daily rule whose BYxxx values INTERVAL can never reach yields only DTSTART.
  let unreachable: Bool

  var buffer: [Int] = []
  var bufferIndex = 0
  var emitted = 0
  var finished = false
  var startPending: Bool
  let includesStart: Bool
  /// YEARLY: year; MONTHLY: year*12 + month-1; WEEKLY: day number of the WKST-aligned week
  /// start; DAILY: day number; HOURLY/MINUTELY/SECONDLY: hour/minute/second number.
  var period: Int
  var lastDay = Int.min
  var lastDayMatched = false

  /// - Parameters:
  ///   - rule: the RRULE.
  ///   - start: DTSTART's wall clock, in seconds since 1970 read as UTC.
  ///   - zone: the zone of DTSTART, for a UTC `UNTIL`; nil for floating, date and UTC series.
  ///   - includeStart: emit DTSTART first and count it (RFC 5545), even when the rule would
  ///     not produce it.
  ///   - horizon: the wall clock after which no period is walked (a guard against rules
  ///     with no end).
  public init(
    rule: RecurrenceRule, start: Int, zone: Zone?, includeStart: Bool = true, horizon: Int
  ) {
    frequency = rule.frequency
    // An INTERVAL longer than 10,000 years of periods reaches nothing after DTSTART's period;
    // clamped so that stepping by it cannot overflow (`INTERVAL=9223372036854775807` trapped).
    interval = min(max(1, rule.interval), RuleIterator.maximumInterval(rule.frequency))
    count = rule.count.map { max(0, $0) }
    self.start = start
    self.zone = zone
    startPending = includeStart
    includesStart = includeStart
    var untilLocal: Int?
    var untilInstant: Int?
    switch rule.until {
    case .date(let d)?: untilLocal = d.daysSinceEpoch * 86400 + 86399
    case .utc(let t)?:
      if zone != nil {
        untilInstant = t.secondsSinceEpoch
      } else {
        untilLocal = t.secondsSinceEpoch
      }
    case .floating(let t)?: untilLocal = t.secondsSinceEpoch
    case .zoned(let t, _)?: untilLocal = t.secondsSinceEpoch
    case nil: break
    }
    self.untilLocal = untilLocal
    self.untilInstant = untilInstant
    var h = horizon
    if let untilLocal { h = min(h, untilLocal + 86400) }
    if let untilInstant { h = min(h, untilInstant + 2 * 86400) }
    self.horizon = h

    let startDate = LocalDate(daysSinceEpoch: RuleIterator.floorDiv(start, 86400))
    let startSecond = RuleIterator.floorMod(start, 86400)
    let startHour = startSecond / 3600
    let startMinute = startSecond / 60 % 60
    let startSec = startSecond % 60

    var byMonth = rule.byMonth.filter { (1...12).contains($0) }
    var byMonthDay = rule.byMonthDay.filter { $0 != 0 && $0.magnitude <= 31 }
    var plainDays: UInt8 = 0
    var nth: [(Int, Int)] = []
    let ordinalsApply = rule.frequency == .monthly || rule.frequency == .yearly
    for entry in rule.byDay {
      if let n = entry.ordinal, n != 0, ordinalsApply {
        nth.append((entry.weekday.isoNumber, n))
      } else {
        plainDays |= 1 << UInt8(entry.weekday.isoNumber)
      }
    }
    let byYearDay = rule.byYearDay.filter { $0 != 0 && $0.magnitude <= 366 }
    let byWeekNo = rule.byWeekNumber.filter { $0 != 0 && $0.magnitude <= 53 }
    if byWeekNo.isEmpty && byYearDay.isEmpty && byMonthDay.isEmpty && rule.byDay.isEmpty {
      switch rule.frequency {
      case .yearly:
        if byMonth.isEmpty { byMonth = [startDate.month] }
        byMonthDay = [startDate.day]
      case .monthly: byMonthDay = [startDate.day]
      case .weekly: plainDays = 1 << UInt8(startDate.isoWeekday)
      default: break
      }
    }
    var mask: UInt16 = 0
    for m in byMonth { mask |= 1 << UInt16(m) }
    monthMask = mask
    weekdayMask = plainDays
    nthWeekdays = nth.map { (weekday: $0.0, ordinal: $0.1) }
    hasByDay = plainDays != 0 || !nth.isEmpty
    monthDays = byMonthDay
    yearDays = byYearDay
    weekNumbers = byWeekNo
    nthInYear = rule.frequency == .yearly && byMonth.isEmpty
    weekStart = rule.weekStart?.isoNumber ?? 1

    let coarserThanHourly = [.yearly, .monthly, .weekly, .daily].contains(rule.frequency)
    let coarserThanMinutely = coarserThanHourly || rule.frequency == .hourly
    let coarserThanSecondly = coarserThanMinutely || rule.frequency == .minutely
    var hours = Array(Set(rule.byHour.filter { (0...23).contains($0) })).sorted()
    var minutes = Array(Set(rule.byMinute.filter { (0...59).contains($0) })).sorted()
    var seconds = Array(Set(rule.bySecond.filter { (0...60).contains($0) })).sorted()
    if hours.isEmpty && coarserThanHourly { hours = [startHour] }
    if minutes.isEmpty && coarserThanMinutely { minutes = [startMinute] }
    if seconds.isEmpty && coarserThanSecondly { seconds = [startSec] }
    // A leap second (60) is read as the next second's first instant, as dateutil cannot hold it.
    self.hours = hours
    self.minutes = minutes
    self.seconds = seconds
    setPositions = rule.bySetPosition.filter { $0 != 0 && $0.magnitude <= 366 * 86400 }

    var times: [Int] = []
    var offsets: [Int] = []
    switch rule.frequency {
    case .yearly, .monthly, .weekly, .daily:
      for h in hours {
        for m in minutes { for s in seconds { times.append(h * 3600 + m * 60 + s) } }
      }
    case .hourly:
      for m in minutes { for s in seconds { offsets.append(m * 60 + s) } }
    case .minutely:
      offsets = seconds
    case .secondly:
      offsets = [0]
    }
    timesOfDay = times
    offsetsInPeriod = offsets

    // The field a sub-daily frequency steps through takes only the values congruent to
    // DTSTART's modulo gcd(INTERVAL, base): `FREQ=MINUTELY;INTERVAL=2;BYMINUTE=3` from an even
    // minute never matches, and walking it would only burn time to the horizon.
    func reachable(_ values: [Int], from value: Int, base: Int) -> Bool {
      if values.isEmpty { return true }
      let g = RuleIterator.gcd(rule.interval > 0 ? rule.interval : 1, base)
      return values.contains { ($0 - value) % g == 0 }
    }
    switch rule.frequency {
    case .hourly: unreachable = !reachable(hours, from: startHour, base: 24)
    case .minutely: unreachable = !reachable(minutes, from: startMinute, base: 60)
    case .secondly: unreachable = !reachable(seconds, from: startSec, base: 60)
    default: unreachable = false
    }

    switch rule.frequency {
    case .yearly: period = startDate.year
    case .monthly: period = startDate.year * 12 + startDate.month - 1
    case .weekly:
      let dn = startDate.daysSinceEpoch
      period = dn - (startDate.isoWeekday - weekStart + 7) % 7
    case .daily: period = startDate.daysSinceEpoch
    case .hourly: period = RuleIterator.floorDiv(start, 3600)
    case .minutely: period = RuleIterator.floorDiv(start, 60)
    case .secondly: period = start
    }
  }

  // MARK: - Iteration

  public mutating func next() -> Int? {
    if finished { return nil }
    if startPending {
      startPending = false
      if count == 0 {
        finished = true
        return nil
      }
      emitted += 1
      if let count, emitted >= count { finished = true }
      return start
    }
    while true {
      while bufferIndex < buffer.count {
        let c = buffer[bufferIndex]
        bufferIndex += 1
        if c < start || (c == start && includesStart) { continue }
        if let untilLocal, c > untilLocal {
          finished = true
          return nil
        }
        if let untilInstant, let zone, zone.instant(forLocalSeconds: c) > untilInstant {
          finished = true
          return nil
        }
        emitted += 1
        if let count, emitted >= count { finished = true }
        return c
      }
      if !fillNextPeriod() {
        finished = true
        return nil
      }
    }
  }

  /// Moves the walk forward so that the next period is the one holding `local` (or later),
  /// skipping the periods before it. Only for rules without COUNT (skipped periods would
  /// count); DTSTART, if still pending, is kept.
  public mutating func skip(toLocal local: Int) {
    guard count == nil, !finished else { return }
    let date = LocalDate(daysSinceEpoch: RuleIterator.floorDiv(local, 86400))
    let target: Int
    switch frequency {
    case .yearly: target = date.year
    case .monthly: target = date.year * 12 + date.month - 1
    case .weekly: target = date.daysSinceEpoch - 6
    case .daily: target = date.daysSinceEpoch
    case .hourly: target = RuleIterator.floorDiv(local, 3600)
    case .minutely: target = RuleIterator.floorDiv(local, 60)
    case .secondly: target = local
    }
    let step = frequency == .weekly ? 7 * interval : interval
    if target > period {
      let k = (target - period) / step
      if k > 0 {
        period += k * step
        buffer.removeAll(keepingCapacity: true)
        bufferIndex = 0
      }
    }
  }

  /// The number of periods of `frequency` in 10,000 years: a larger INTERVAL behaves the same.
  static func maximumInterval(_ frequency: RecurrenceRule.Frequency) -> Int {
    switch frequency {
    case .yearly: 10_000
    case .monthly: 120_000
    case .weekly: 530_000
    case .daily: 3_660_000
    case .hourly: 3_660_000 * 24
    case .minutely: 3_660_000 * 1440
    case .secondly: 3_660_000 * 86400
    }
  }

  /// Fills `buffer` with the next period that has candidates; false past the horizon.
  mutating func fillNextPeriod() -> Bool {
    if unreachable { return false }
    buffer.removeAll(keepingCapacity: true)
    bufferIndex = 0
    while buffer.isEmpty {
      switch frequency {
      case .yearly:
        let first = LocalDate(year: period, month: 1, day: 1).daysSinceEpoch
        if first * 86400 > horizon { return false }
        fillYear(period, firstDay: first)
        period += interval
      case .monthly:
        let y = RuleIterator.floorDiv(period, 12)
        let m = period - y * 12 + 1
        let first = LocalDate(year: y, month: m, day: 1).daysSinceEpoch
        if first * 86400 > horizon { return false }
        if monthMask == 0 || monthMask & (1 << UInt16(m)) != 0 {
          fillDays(from: first, count: LocalDate.daysIn(month: m, year: y))
        }
        period += interval
      case .weekly:
        if period * 86400 > horizon { return false }
        fillDays(from: period, count: 7)
        period += 7 * interval
      case .daily:
        if period * 86400 > horizon { return false }
        fillDays(from: period, count: 1)
        period += interval
      case .hourly, .minutely, .secondly:
        if !fillSubDaily() { return false }
      }
      if !buffer.isEmpty && !setPositions.isEmpty { applySetPositions() }
    }
    return true
  }

  mutating func fillYear(_ year: Int, firstDay: Int) {
    var dn = firstDay
    for m in 1...12 {
      let dim = LocalDate.daysIn(month: m, year: year)
      if monthMask != 0 && monthMask & (1 << UInt16(m)) == 0 {
        dn += dim
        continue
      }
      for d in 1...dim where dayMatches(dn + d - 1, year: year, month: m, day: d) {
        appendTimes(day: dn + d - 1)
      }
      dn += dim
    }
  }

  mutating func fillDays(from first: Int, count n: Int) {
    var date = LocalDate(daysSinceEpoch: first)
    for dn in first..<(first + n) {
      if dayMatches(dn, year: date.year, month: date.month, day: date.day) { appendTimes(day: dn) }
      // Step the civil date without a division per day.
      if date.day < LocalDate.daysIn(month: date.month, year: date.year) {
        date.day += 1
      } else if date.month < 12 {
        date = LocalDate(year: date.year, month: date.month + 1, day: 1)
      } else {
        date = LocalDate(year: date.year + 1, month: 1, day: 1)
      }
    }
  }

  @inline(__always)
  mutating func appendTimes(day dn: Int) {
    let base = dn * 86400
    for t in timesOfDay { buffer.append(base + t) }
  }

  /// One HOURLY/MINUTELY/SECONDLY period (or a skip over periods that cannot match).
  mutating func fillSubDaily() -> Bool {
    let unit = frequency == .hourly ? 3600 : frequency == .minutely ? 60 : 1
    let periodStart = period * unit
    if periodStart > horizon { return false }
    let dn = RuleIterator.floorDiv(periodStart, 86400)
    if dn != lastDay {
      let date = LocalDate(daysSinceEpoch: dn)
      lastDayMatched = dayMatches(dn, year: date.year, month: date.month, day: date.day)
      lastDay = dn
    }
    if !lastDayMatched {
      // Jump to the first period of a later day.
      let nextDay = (dn + 1) * 86400
      let steps = max(1, (nextDay - periodStart + unit * interval - 1) / (unit * interval))
      period += steps * interval
      return true
    }
    let secondOfDay = periodStart - dn * 86400
    let hour = secondOfDay / 3600
    if !hours.isEmpty && !hours.contains(hour) {
      let nextHour = dn * 86400 + (hour + 1) * 3600
      let steps = max(1, (nextHour - periodStart + unit * interval - 1) / (unit * interval))
      period += steps * interval
      return true
    }
    let minuteOfDay = secondOfDay / 60
    if frequency != .hourly, !minutes.isEmpty, !minutes.contains(minuteOfDay % 60) {
      let nextMinute = dn * 86400 + (minuteOfDay + 1) * 60
      let steps = max(1, (nextMinute - periodStart + unit * interval - 1) / (unit * interval))
      period += steps * interval
      return true
    }
    switch frequency {
    case .hourly:
      for o in offsetsInPeriod { buffer.append(periodStart + o) }
    case .minutely:
      let minute = secondOfDay / 60 % 60
      if minutes.isEmpty || minutes.contains(minute) {
        for o in offsetsInPeriod { buffer.append(periodStart + o) }
      }
    default:
      let minute = secondOfDay / 60 % 60
      let second = secondOfDay % 60
      if (minutes.isEmpty || minutes.contains(minute))
        && (seconds.isEmpty || seconds.contains(second))
      {
        buffer.append(periodStart)
      }
    }
    period += interval
    return true
  }

  mutating func applySetPositions() {
    let n = buffer.count
    var picked: [Int] = []
    for p in setPositions {
      let i = p > 0 ? p - 1 : n + p
      if i >= 0 && i < n { picked.append(buffer[i]) }
    }
    picked.sort()
    var unique: [Int] = []
    for v in picked where unique.last != v { unique.append(v) }
    buffer = unique
  }

  // MARK: - Day filter

  /// Whether a day passes BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY.
  @inline(__always)
  func dayMatches(_ dn: Int, year: Int, month: Int, day: Int) -> Bool {
    if monthMask != 0 && monthMask & (1 << UInt16(month)) == 0 { return false }
    let weekday = ((dn % 7 + 7) % 7 + 3) % 7 + 1
    if hasByDay {
      var ok = weekdayMask & (1 << UInt8(weekday)) != 0
      if !ok && !nthWeekdays.isEmpty {
        let positive: Int
        let negative: Int
        if nthInYear {
          let yday = dn - LocalDate(year: year, month: 1, day: 1).daysSinceEpoch + 1
          let ylen = LocalDate.isLeap(year) ? 366 : 365
          positive = (yday - 1) / 7 + 1
          negative = -((ylen - yday) / 7 + 1)
        } else {
          let dim = LocalDate.daysIn(month: month, year: year)
          positive = (day - 1) / 7 + 1
          negative = -((dim - day) / 7 + 1)
        }
        for e in nthWeekdays
        where e.weekday == weekday && (e.ordinal == positive || e.ordinal == negative) {
          ok = true
          break
        }
      }
      if !ok { return false }
    }
    if !monthDays.isEmpty {
      let dim = LocalDate.daysIn(month: month, year: year)
      let negative = day - dim - 1
      if !monthDays.contains(where: { $0 == day || $0 == negative }) { return false }
    }
    if !yearDays.isEmpty {
      let yday = dn - LocalDate(year: year, month: 1, day: 1).daysSinceEpoch + 1
      let ylen = LocalDate.isLeap(year) ? 366 : 365
      let negative = yday - ylen - 1
      if !yearDays.contains(where: { $0 == yday || $0 == negative }) { return false }
    }
    if !weekNumbers.isEmpty {
      let (number, total) = weekNumber(of: dn, weekday: weekday)
      let negative = number - total - 1
      if !weekNumbers.contains(where: { $0 == number || $0 == negative }) { return false }
    }
    return true
  }

  /// The RFC 5545 week number of a day (weeks start on WKST; week 1 is the first with at
  /// least four days in the year) and the number of weeks in that week's year.
  func weekNumber(of dn: Int, weekday: Int) -> (Int, Int) {
    let weekFirstDay = dn - (weekday - weekStart + 7) % 7
    let weekYear = LocalDate(daysSinceEpoch: weekFirstDay + 3).year
    let first = week1Start(weekYear)
    let next = week1Start(weekYear + 1)
    return ((weekFirstDay - first) / 7 + 1, (next - first) / 7)
  }

  func week1Start(_ year: Int) -> Int {
    let jan1 = LocalDate(year: year, month: 1, day: 1)
    let k = (jan1.isoWeekday - weekStart + 7) % 7
    return jan1.daysSinceEpoch - k + (k > 3 ? 7 : 0)
  }

  static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }

  @inline(__always)
  static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
  @inline(__always)
  static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }
}
