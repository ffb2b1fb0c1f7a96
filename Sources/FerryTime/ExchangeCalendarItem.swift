import FerryModel

/// What Exchange (EWS CreateItem and Graph `POST /events`) needs of an event before it can
/// be created, shared by both writers.
public enum ExchangeCalendarItem {
  /// Whether `event` can go out as a calendar item. An event with no start cannot (Exchange
  /// requires Start and End) and is skipped with a warning. A task (VTODO, Salesforce Task)
  /// with a start goes out as a calendar item, with a warning naming what only a task has.
  public static func canCreate(_ event: Event, diagnostics: DiagnosticSink, location: SourceLocation) -> Bool {
    let what = event.kind == .task ? "task" : "event"
    let name = event.summary.map { " \"\($0)\"" } ?? ""
    guard event.start != nil else {
      let extra = event.kind == .task ? " (ferry writes tasks only as calendar items, which need a start)" : ""
      diagnostics.warning("\(what)\(name) has no start; skipped\(extra)", at: location, code: "skipped")
      return false
    }
    if event.kind == .task {
      var lost: [String] = []
      if event.due != nil { lost.append("due date") }
      if event.completed != nil || event.status == .completed { lost.append("completion") }
      let verb = lost.count == 1 ? "has" : "have"
      diagnostics.warning(
        "task\(name) written as a calendar item" + (lost.isEmpty ? "" : "; its \(lost.joined(separator: " and ")) \(verb) no place there"),
        at: location, code: "unmapped")
    }
    return true
  }

  /// The reminder an item with one reminder slot keeps (EWS `ReminderMinutesBeforeStart`,
  /// Graph `reminderMinutesBeforeStart`, Outlook's calendar CSV), and how many alarms are
  /// left without a place.
  ///
  /// Of the alarms the target can hold (`fits`; by default those relative to the start), a
  /// DISPLAY or AUDIO one wins over an EMAIL one, since the slot is a pop-up: an e-mail days
  /// ahead followed by a pop-up 15 minutes ahead becomes a 15-minute reminder. A lone alarm
  /// that fits is kept whatever its action.
  public static func reminder(of event: Event) -> (reminder: Reminder?, unplaced: Int) {
    reminder(of: event) { minutesBeforeStart($0, of: event) != nil }
  }

  /// `reminder(of:)` for a target whose one slot holds the alarms `fits` accepts.
  public static func reminder(
    of event: Event, fits: (Reminder) -> Bool
  ) -> (reminder: Reminder?, unplaced: Int) {
    let candidates = event.reminders.filter(fits)
    let chosen = candidates.first { $0.action == .display || $0.action == .audio } ?? candidates.first
    return (chosen, event.reminders.count - (chosen == nil ? 0 : 1))
  }

  /// Minutes before the start, as a one-slot reminder holds it: an offset from the start, or
  /// an absolute time before a start whose instant is known (Salesforce's `ReminderDateTime`
  /// is always absolute); nil for one relative to the end, or an absolute time after the start.
  public static func minutesBeforeStart(_ reminder: Reminder, of event: Event) -> Int? {
    if let offset = reminder.offset {
      // One after the start has no form; it rings at the start (0), as it always did.
      return reminder.relativeToEnd ? nil : max(0, -offset.totalSeconds / 60)
    }
    guard let at = reminder.absolute, let start = event.start else { return nil }
    let zones = ExchangeZones(event: event, fallbackZone: nil)
    guard case .utc(let a) = zones.time(at, utc: true), case .utc(let s) = zones.time(start, utc: true) else { return nil }
    let seconds = s.secondsSinceEpoch - a.secondsSinceEpoch
    return seconds >= 0 ? seconds / 60 : nil
  }

  /// Notes the alarms `reminder(of:fits:)` found no place for, naming how many and which
  /// one was kept; nothing when every alarm has its place.
  public static func noteUnplacedReminders(
    of event: Event, kept: Reminder?, unplaced: Int, target: String, diagnostics: DiagnosticSink, location: SourceLocation?
  ) {
    guard unplaced > 0 else { return }
    let what = event.kind == .task ? "task" : "event"
    let name = event.summary.map { " \"\($0)\"" } ?? ""
    let total = event.reminders.count
    let counted = total == 1 ? "its alarm has" : unplaced == total ? "its \(total) alarms have" : "\(unplaced) of its \(total) alarms \(unplaced == 1 ? "has" : "have")"
    var message = "\(what)\(name): \(counted) no place in \(target), which holds one reminder"
    if let kept {
      message += "; kept the \(kept.action.rawValue) alarm"
      if let offset = kept.offset {
        let minutes = -offset.totalSeconds / 60
        message += minutes >= 0 ? " \(minutes) minutes before the \(kept.relativeToEnd ? "end" : "start")" : " \(-minutes) minutes after the \(kept.relativeToEnd ? "end" : "start")"
      }
    } else {
      message += " before the start"
    }
    diagnostics.note(message, at: location, code: "unmapped")
  }
}
