import FerryModel
import FerryTime

/// Compact keys of events: UID, start minute, normalised subject, people, series rule.
final class EventKeys: @unchecked Sendable {
  struct Key {
    var uid: String?
    var recurrenceId: Int?
    /// Wall-clock minutes since 1970 (UTC for UTC times, local for zoned and floating ones).
    var start: Int?
    var zone: String?
    var subject: [UInt8]
    var people: Set<String>
    var organizer: String?
    var series: Series?
    /// Any other series (monthly and yearly rules, BYSETPOS, RDATE, several rules): the
    /// parts of the event the recurrence engine needs, expanded on demand around an instance.
    var expandable: Event?
    var isSeries: Bool { series != nil || expandable != nil }
  }

  /// A rule simple enough to test an instance against without expanding it: DAILY or
  /// WEEKLY (optionally with BYDAY), interval, COUNT/UNTIL, no other BY parts.
  struct Series {
    var daily: Bool
    var interval: Int
    var weekdays: Set<Int>
    var untilMinute: Int?
    var count: Int?
    var excluded: Set<Int>
  }

  var keys: [Key] = []
  var count: Int { keys.count }

  static func minutes(_ t: EventTime) -> Int { t.localDateTime.secondsSinceEpoch / 60 }

  static func subject(_ s: String?) -> [UInt8] {
    var t = Normalize.tokens(Normalize.fold(s ?? ""))
    // reply/forward prefixes and bracketed tags are not part of the subject
    while let f = t.first, t.count > 1, ["re", "fw", "fwd", "aw", "wg", "tr", "updated", "canceled", "cancelled", "invitation"].contains(Normalize.string(f)) {
      t.removeFirst()
    }
    return Array(t.joined(separator: [0x20]))
  }

  func add(_ e: Event, rules: MatchRules) {
    var people = Set<String>()
    for a in e.attendees { if let m = a.email, let n = Normalize.email(m, gmail: rules.gmail) { people.insert(n) } }
    let org = e.organizer?.email.flatMap { Normalize.email($0, gmail: rules.gmail) }
    if let org { people.insert(org) }
    var series: Series?
    if let rule = e.recurrence?.rule, e.recurrence?.extraRules.isEmpty ?? true, e.recurrence?.dates.isEmpty ?? true,
      rule.frequency == .daily || rule.frequency == .weekly, rule.bySecond.isEmpty, rule.byMinute.isEmpty,
      rule.byHour.isEmpty, rule.byMonthDay.isEmpty, rule.byYearDay.isEmpty, rule.byWeekNumber.isEmpty,
      rule.byMonth.isEmpty, rule.bySetPosition.isEmpty, rule.byDay.allSatisfy({ $0.ordinal == nil })
    {
      series = Series(
        daily: rule.frequency == .daily, interval: max(1, rule.interval),
        weekdays: Set(rule.byDay.map { $0.weekday.isoNumber }), untilMinute: rule.until.map(EventKeys.minutes),
        count: rule.count, excluded: Set((e.recurrence?.exceptionDates ?? []).map(EventKeys.minutes)))
    }
    var expandable: Event?
    if series == nil, let recurrence = e.recurrence, recurrence.rule != nil || !recurrence.dates.isEmpty, e.start != nil {
      // Keep only what expansion reads, so a whole-set pass holds no descriptions.
      var slim = Event(kind: e.kind)
      slim.start = e.start
      slim.end = e.end
      slim.duration = e.duration
      slim.isAllDay = e.isAllDay
      slim.recurrence = Recurrence(
        rule: recurrence.rule, extraRules: recurrence.extraRules, dates: recurrence.dates,
        exceptionDates: recurrence.exceptionDates)
      expandable = slim
    }
    keys.append(
      Key(
        uid: e.uid?.isEmpty == false ? e.uid : nil, recurrenceId: e.recurrenceId.map(EventKeys.minutes),
        start: e.start.map(EventKeys.minutes), zone: e.start?.zone, subject: EventKeys.subject(e.summary), people: people,
        organizer: org, series: series, expandable: expandable))
  }

  /// Whether `instance` starts on an occurrence of the series `s` (same wall time and zone):
  /// arithmetic for simple DAILY/WEEKLY rules, the recurrence engine (FerryTime) for the rest.
  func isOccurrence(_ s: Key, _ instance: Key) -> Bool {
    guard let s0 = s.start, let t = instance.start, t >= s0, s.zone == instance.zone else { return false }
    guard let rule = s.series else {
      guard let master = s.expandable else { return false }
      // A day either side covers any zone offset between the wall clock and UTC.
      let window = ExpansionWindow(from: (t - 1440) * 60, until: (t + 1441) * 60)
      return RecurrenceExpander(event: master, window: window, limit: 64).contains {
        EventKeys.minutes($0.start) == t
      }
    }
    if rule.excluded.contains(t) { return false }
    if let u = rule.untilMinute, t > u { return false }
    let diff = t - s0
    guard diff % 1440 == 0 else { return false }
    let days = diff / 1440
    if rule.daily {
      guard days % rule.interval == 0 else { return false }
      if let c = rule.count, days / rule.interval >= c { return false }
      return true
    }
    let weekday = LocalDate(daysSinceEpoch: t / 1440).isoWeekday
    let startWeekday = LocalDate(daysSinceEpoch: s0 / 1440).isoWeekday
    let allowed = rule.weekdays.isEmpty ? [startWeekday] : rule.weekdays
    guard allowed.contains(weekday) else { return false }
    // weeks counted from the series' week (Monday start)
    let week0 = (s0 / 1440 - (startWeekday - 1)) / 7
    let week = (t / 1440 - (weekday - 1)) / 7
    guard (week - week0) % rule.interval == 0 else { return false }
    if let c = rule.count {
      // occurrences before t: whole periods times weekdays, plus earlier weekdays this week
      let periods = (week - week0) / rule.interval
      let before = periods * allowed.count + allowed.filter { $0 < weekday }.count - allowed.filter { $0 < startWeekday }.count
      if before >= c { return false }
    }
    return true
  }

  func overlap(_ a: Key, _ b: Key) -> Double {
    if a.people.isEmpty && b.people.isEmpty { return 1 }
    if a.people.isEmpty || b.people.isEmpty { return 0.5 }
    let common = a.people.intersection(b.people).count
    return Double(common) / Double(min(a.people.count, b.people.count))
  }

  func explain(_ i: Int, _ j: Int, rules: MatchRules) -> (score: Double, rule: String, fields: [FieldComparison]) {
    let a = keys[i], b = keys[j]
    var f: [FieldComparison] = []
    if let u = a.uid, u == b.uid {
      if a.recurrenceId == b.recurrenceId {
        f.append(FieldComparison(field: "uid", level: "exact", similarity: 1, weight: 20, note: nil))
        return (20, "same-uid", f)
      }
      f.append(FieldComparison(field: "uid", level: "exact", similarity: 1, weight: 0, note: "different recurrence ids"))
      return (0, "none", f)
    }
    let subject = a.subject.withUnsafeBufferPointer { pa in b.subject.withUnsafeBufferPointer { Similarity.tokenSet(pa, $0) } }
    let people = overlap(a, b)
    f.append(FieldComparison(field: "subject", level: subject >= 0.999 ? "exact" : subject >= rules.eventSubjectSimilarity ? "close" : "differ", similarity: (subject * 1000).rounded() / 1000, weight: subject >= rules.eventSubjectSimilarity ? 6 : -10, note: nil))
    f.append(FieldComparison(field: "people", level: people >= 0.999 ? "exact" : people > 0 ? "partial" : "differ", similarity: (people * 1000).rounded() / 1000, weight: people > 0 ? 4 * people : -6, note: nil))
    var score = (subject >= rules.eventSubjectSimilarity ? 6 : -10) + (people > 0 ? 4 * people : -6)
    if a.isSeries && !b.isSeries && b.recurrenceId == nil || b.isSeries && !a.isSeries && a.recurrenceId == nil {
      let (s, inst) = a.isSeries ? (a, b) : (b, a)
      let ok = isOccurrence(s, inst)
      f.append(FieldComparison(field: "start", level: ok ? "exact" : "differ", similarity: ok ? 1 : 0, weight: ok ? 6 : -20, note: "instance against series rule"))
      score += ok ? 6 : -20
      return (score, ok && score >= rules.threshold ? "series-instance" : "none", f)
    }
    guard let sa = a.start, let sb = b.start else { return (score - 10, "none", f) }
    let d = abs(sa - sb)
    let within = d <= rules.eventToleranceMinutes && a.isSeries == b.isSeries
    let sim = within ? 1 - Double(d) / Double(max(1, rules.eventToleranceMinutes) + 1) : 0
    f.append(FieldComparison(field: "start", level: d == 0 ? "exact" : within ? "close" : "differ", similarity: (sim * 1000).rounded() / 1000, weight: within ? 6 : -20, note: a.zone != b.zone ? "different zones; wall clocks compared" : nil))
    score += within ? 6 : -20
    return (score, score >= rules.threshold ? "time+subject+people" : "none", f)
  }

  func pairs(rules: MatchRules) -> ([(Int32, Int32, Float)], Int) {
    var out: [(Int32, Int32, Float)] = []
    var comparisons = 0
    func consider(_ i: Int, _ j: Int) {
      comparisons += 1
      let e = explain(i, j, rules: rules)
      if e.rule != "none" { out.append((Int32(min(i, j)), Int32(max(i, j)), Float(e.score))) }
    }
    // same UID
    var byUID: [String: [Int]] = [:]
    for (k, key) in keys.enumerated() { if let u = key.uid { byUID[u, default: []].append(k) } }
    for (_, list) in byUID where list.count > 1 {
      for x in 0..<list.count { for y in (x + 1)..<list.count { consider(list[x], list[y]) } }
    }
    // starts within the tolerance
    let timed = keys.indices.filter { keys[$0].start != nil }.sorted { (keys[$0].start ?? 0) < (keys[$1].start ?? 0) }
    for p in 0..<timed.count {
      var q = p + 1
      while q < timed.count, let t = keys[timed[q]].start, let s = keys[timed[p]].start, t - s <= rules.eventToleranceMinutes {
        let i = timed[p], j = timed[q]
        if keys[i].uid == nil || keys[i].uid != keys[j].uid { consider(i, j) }
        q += 1
      }
    }
    // a single instance against a series with the same subject
    var bySubject: [[UInt8]: [Int]] = [:]
    for (k, key) in keys.enumerated() where !key.subject.isEmpty { bySubject[key.subject, default: []].append(k) }
    for (_, list) in bySubject where list.count > 1 {
      for s in list where keys[s].isSeries {
        for i in list where i != s && !keys[i].isSeries && keys[i].recurrenceId == nil {
          if keys[s].uid != nil && keys[s].uid == keys[i].uid { continue }
          consider(s, i)
        }
      }
    }
    out.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    var unique: [(Int32, Int32, Float)] = []
    for p in out where unique.last.map({ $0.0 != p.0 || $0.1 != p.1 }) ?? true { unique.append(p) }
    return (unique, comparisons)
  }
}
