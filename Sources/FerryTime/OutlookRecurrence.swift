import FerryModel

/// Which recurrences Outlook and Exchange can hold (MS-OXCICAL §2.1.3.1.1.20.13 and the
/// recurrence patterns of MS-OXOCAL): daily every N days; weekly on a set of weekdays;
/// monthly on a day of the month or on the nth (1–4 or last) weekday; yearly likewise in one
/// month. COUNT or UNTIL or no end, and EXDATEs and overrides. Nothing finer than a day, no
/// BYYEARDAY, BYWEEKNO, BYHOUR/BYMINUTE/BYSECOND, no second RRULE, and RDATE only beside an
/// RRULE.
public enum OutlookRecurrence {
  /// Reasons a recurrence cannot be kept as a series in Outlook, each lower-case; empty when
  /// it can. The series policy `keep` expands the series when this is not empty.
  ///
  /// - Parameter start: the series' DTSTART, when known (a yearly rule's month must agree).
  public static func compatibility(_ recurrence: Recurrence, start: EventTime? = nil) -> [String] {
    var reasons: [String] = []
    if !recurrence.extraRules.isEmpty { reasons.append("more than one RRULE") }
    guard let rule = recurrence.rule else {
      if !recurrence.dates.isEmpty { reasons.append("RDATE without an RRULE") }
      return reasons
    }
    switch rule.frequency {
    case .secondly, .minutely, .hourly:
      reasons.append("FREQ=\(rule.frequency.rawValue) is finer than a day")
    default: break
    }
    if !rule.bySecond.isEmpty || !rule.byMinute.isEmpty || !rule.byHour.isEmpty {
      reasons.append("BYHOUR, BYMINUTE or BYSECOND")
    }
    if !rule.byYearDay.isEmpty { reasons.append("BYYEARDAY") }
    if !rule.byWeekNumber.isEmpty { reasons.append("BYWEEKNO") }
    if !rule.extraParts.isEmpty {
      reasons.append("rule parts \(rule.extraParts.map(\.name).joined(separator: ", "))")
    }
    if rule.count != nil && rule.until != nil { reasons.append("both COUNT and UNTIL") }
    if let count = rule.count, count > 999 {
      reasons.append("COUNT=\(count) is over Outlook's 999")
    }
    let plainDays = rule.byDay.filter { $0.ordinal == nil }
    let ordinalDays = rule.byDay.filter { $0.ordinal != nil }
    let validNth: (Int) -> Bool = { (1...4).contains($0) || $0 == -1 }

    switch rule.frequency {
    case .daily:
      let weekdays = Set(rule.byDay.map(\.weekday))
      let workWeek: Set<RecurrenceRule.Weekday> = [
        .monday, .tuesday, .wednesday, .thursday, .friday,
      ]
      if !rule.byDay.isEmpty && !(weekdays == workWeek && ordinalDays.isEmpty && rule.interval == 1)
      {
        reasons.append("FREQ=DAILY with BYDAY other than every weekday")
      }
      if !rule.byMonthDay.isEmpty || !rule.byMonth.isEmpty || !rule.bySetPosition.isEmpty {
        reasons.append("FREQ=DAILY with BYMONTHDAY, BYMONTH or BYSETPOS")
      }
      if rule.interval > 999 {
        reasons.append("INTERVAL=\(rule.interval) is over Outlook's 999 days")
      }
    case .weekly:
      if !ordinalDays.isEmpty { reasons.append("FREQ=WEEKLY with ordinal BYDAY") }
      if !rule.byMonthDay.isEmpty || !rule.byMonth.isEmpty || !rule.bySetPosition.isEmpty {
        reasons.append("FREQ=WEEKLY with BYMONTHDAY, BYMONTH or BYSETPOS")
      }
      if rule.interval > 99 {
        reasons.append("INTERVAL=\(rule.interval) is over Outlook's 99 weeks")
      }
    case .monthly, .yearly:
      let yearly = rule.frequency == .yearly
      if yearly {
        if rule.byMonth.count > 1 { reasons.append("FREQ=YEARLY with more than one BYMONTH") }
        if rule.byMonth.isEmpty && !(rule.byDay.isEmpty && rule.byMonthDay.isEmpty) {
          reasons.append("FREQ=YEARLY with BYDAY or BYMONTHDAY but no BYMONTH")
        }
      } else if !rule.byMonth.isEmpty {
        reasons.append("FREQ=MONTHLY with BYMONTH")
      }
      if !rule.byMonthDay.isEmpty {
        if rule.byMonthDay.count > 1 { reasons.append("more than one BYMONTHDAY") }
        if let d = rule.byMonthDay.first, !((1...31).contains(d) || d == -1) {
          reasons.append("BYMONTHDAY=\(d) (Outlook holds 1 to 31 and -1)")
        }
        if !rule.byDay.isEmpty { reasons.append("BYMONTHDAY together with BYDAY") }
        if !rule.bySetPosition.isEmpty { reasons.append("BYSETPOS with BYMONTHDAY") }
      } else if !ordinalDays.isEmpty {
        // The nth-weekday form: one ordinal weekday (`2TU`, `-1FR`).
        if ordinalDays.count > 1 || !plainDays.isEmpty {
          reasons.append("more than one ordinal BYDAY")
        }
        if let n = ordinalDays.first?.ordinal, !validNth(n) {
          reasons.append("BYDAY ordinal \(n) (Outlook holds 1 to 4 and -1)")
        }
        if !rule.bySetPosition.isEmpty { reasons.append("BYSETPOS with an ordinal BYDAY") }
      } else if !plainDays.isEmpty {
        // `BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1`: the nth of a set of days (last weekday).
        if rule.bySetPosition.count != 1 {
          reasons.append("BYDAY without an ordinal needs exactly one BYSETPOS here")
        } else if let n = rule.bySetPosition.first, !validNth(n) {
          reasons.append("BYSETPOS=\(n) (Outlook holds 1 to 4 and -1)")
        }
      } else if !rule.bySetPosition.isEmpty {
        reasons.append("BYSETPOS without BYDAY")
      }
      if !yearly && rule.interval > 99 {
        reasons.append("INTERVAL=\(rule.interval) is over Outlook's 99 months")
      }
      // A day some months (or years) lack: RFC 5545 skips them, Outlook moves the
      // occurrence to the month's last day.
      let onDay = rule.byMonthDay.first ?? (rule.byDay.isEmpty && rule.bySetPosition.isEmpty ? start?.localDateTime.date.day : nil)
      if let day = onDay, day > 28 {
        if !yearly {
          reasons.append("day \(day) of the month, which some months lack (Outlook would move it to their last day)")
        } else if let month = rule.byMonth.first ?? start?.localDateTime.date.month, month == 2 || day == 31 && [4, 6, 9, 11].contains(month) {
          reasons.append("day \(day) of month \(month), which not every year has (Outlook would move it)")
        }
      }
      if yearly, let month = rule.byMonth.first, let start, start.localDateTime.date.month != month,
        rule.byDay.isEmpty && rule.byMonthDay.isEmpty
      {
        reasons.append(
          "FREQ=YEARLY;BYMONTH=\(month) without a day, in a month other than DTSTART's")
      }
    default:
      break
    }
    return reasons
  }
}

/// Reasons a recurrence cannot be kept as an Outlook/Exchange series; empty when it can
/// (see `OutlookRecurrence.compatibility(_:start:)`).
public func outlookCompatibility(_ recurrence: Recurrence, start: EventTime? = nil) -> [String] {
  OutlookRecurrence.compatibility(recurrence, start: start)
}
