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
      diagnostics.warning(
        "task\(name) written as a calendar item" + (lost.isEmpty ? "" : "; its \(lost.joined(separator: " and ")) have no place there"),
        at: location, code: "unmapped")
    }
    return true
  }
}
