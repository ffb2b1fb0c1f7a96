import FerryModel

extension ZoneDefinition {
  /// The VTIMEZONE of a tz database zone for `years`, with RRULE-style observances (the
  /// form Outlook reads): each run of yearly onsets on the same rule ("the last Sunday of
  /// March at 01:00 UTC+0") becomes one observance with
  /// `RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`, with UNTIL when a later rule replaces it and
  /// none when it is still in force at the end of `years`. A one-off change is an observance
  /// with no rule. A zone with no change in `years` gets one STANDARD observance from
  /// 1601-01-01, as Outlook writes it.
  ///
  /// - Parameters:
  ///   - iana: the tz database name (`TZID` of the result).
  ///   - years: the calendar years to describe; transitions outside it are left out.
  /// - Returns: nil when the name is unknown.
  public init?(iana: String, years: ClosedRange<Int>) {
    guard let zone = Zone.cached(iana: iana) else { return nil }
    self.init(zone: zone, tzid: iana, years: years)
  }

  /// The VTIMEZONE of any zone for `years` (see `init(iana:years:)`).
  public init(zone: Zone, tzid: String, years: ClosedRange<Int>) {
    // One year more than asked, to see whether the last rule is still in force.
    let transitions = zone.transitions(inYears: years.lowerBound...(years.upperBound + 1))
    let rangeStart = LocalDate(year: years.lowerBound, month: 1, day: 1).daysSinceEpoch * 86400
    guard
      transitions.contains(where: {
        LocalDateTime(secondsSinceEpoch: $0.localBefore).date.year <= years.upperBound
      })
    else {
      let offset = zone.offset(atInstant: rangeStart)
      let name = zone.isDaylight(atInstant: rangeStart) ? nil : zone.transitions.last.flatMap { zone.abbreviation(of: $0) }
      self.init(
        tzid: tzid,
        observances: [
          Observance(
            kind: .standard, start: LocalDateTime(year: 1601, month: 1, day: 1), offsetFrom: offset,
            offsetTo: offset,
            names: name.map { [$0] } ?? [])
        ])
      return
    }
    var observances: [Observance] = []
    for daylight in [false, true] {
      let onsets = transitions.filter { $0.isDaylight == daylight }.map(Onset.init)
      var run: [Onset] = []
      var ordinals: Set<Int> = []
      var fixedDay = true
      func close(final: Bool) {
        let inRange = run.filter { $0.local.date.year <= years.upperBound }
        guard let first = inRange.first, let last = inRange.last else { return }
        let ongoing = final && (run.last?.local.date.year ?? 0) > years.upperBound
        var o = Observance(
          kind: daylight ? .daylight : .standard, start: first.local,
          offsetFrom: first.transition.offsetBefore,
          offsetTo: first.transition.offsetAfter,
          names: first.transition.abbreviation.map { [$0] } ?? [])
        if run.count > 1 {
          var rule = RecurrenceRule(frequency: .yearly)
          rule.byMonth = [first.local.date.month]
          if let n = ordinals.contains(-1) ? -1 : ordinals.filter({ $0 > 0 }).min() {
            rule.byDay = [RecurrenceRule.WeekdayNum(first.weekday, ordinal: n)]
          } else if fixedDay {
            rule.byMonthDay = [first.local.date.day]
          }
          if !ongoing {
            rule.until = .utc(LocalDateTime(secondsSinceEpoch: last.transition.instant))
          }
          o.rule = rule
        }
        observances.append(o)
      }
      for onset in onsets {
        if let previous = run.last {
          let sameRule =
            onset.local.date.year == previous.local.date.year + 1
            && onset.local.date.month == previous.local.date.month
            && onset.local.time == previous.local.time && onset.weekday == previous.weekday
            && onset.transition.offsetBefore == previous.transition.offsetBefore
            && onset.transition.offsetAfter == previous.transition.offsetAfter
          let keptOrdinals = ordinals.intersection(onset.ordinals)
          let keptFixed = fixedDay && onset.local.date.day == previous.local.date.day
          if sameRule && (!keptOrdinals.isEmpty || keptFixed) {
            run.append(onset)
            ordinals = keptOrdinals
            fixedDay = keptFixed
            continue
          }
          close(final: false)
        }
        run = [onset]
        ordinals = onset.ordinals
        fixedDay = true
      }
      close(final: true)
    }
    observances.sort { $0.start < $1.start }
    self.init(tzid: tzid, observances: observances)
  }
}

/// One onset with the facts a yearly rule is made of.
private struct Onset {
  let transition: ZoneTransition
  /// The wall clock just before the change (VTIMEZONE DTSTART is in TZOFFSETFROM).
  let local: LocalDateTime
  let weekday: RecurrenceRule.Weekday
  /// The nth-weekday ordinals that name the day: from the start and from the end of the month.
  let ordinals: Set<Int>

  init(_ t: ZoneTransition) {
    transition = t
    local = LocalDateTime(secondsSinceEpoch: t.localBefore)
    weekday = RecurrenceRule.Weekday(isoNumber: local.date.isoWeekday) ?? .sunday
    let dim = LocalDate.daysIn(month: local.date.month, year: local.date.year)
    var o: Set<Int> = [(local.date.day - 1) / 7 + 1]
    if local.date.day + 7 > dim { o.insert(-1) }
    // Outlook's weeks run 1–4 and "last"; a fifth weekday is only expressible as -1.
    o = o.filter { $0 == -1 || $0 <= 4 }
    ordinals = o
  }
}
