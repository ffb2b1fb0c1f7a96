/// Changes to single occurrences of a series that already exists in the mailbox: what
/// `ferry push` sends once a mailbox export gives the series' own item id (EWS `ItemId` of
/// the recurring master, Graph event `id`). A created series cannot carry them (EWS
/// `CreateItem` and Graph's `POST /events` take the pattern alone).
///
/// The planner decides which occurrences the mailbox lacks; a writer of field-level updates
/// (EWS, Graph) writes them (`RecordWriter.write(_:replacing:occurrences:)`).
public struct OccurrenceChanges: Sendable, Hashable {
  /// Occurrences to remove, by recurrence id (the series' EXDATEs the mailbox lacks).
  public var deleted: [EventTime]
  /// Occurrences to change: overrides of the series (`recurrenceId` set; a field an
  /// override leaves unset is the master's, `Event.inheriting(from:)`).
  public var modified: [Event]
  /// The series item itself is as the mailbox holds it: only its occurrences are written.
  public var seriesUnchanged: Bool
  /// The mailbox's own ids of single occurrences (Graph instances of a `calendarView`
  /// export: `type` `occurrence` or `exception`), by recurrence id (their `originalStart`).
  /// Graph can address an occurrence only by such an id; EWS computes its own.
  public var instanceIds: [InstanceId]

  public struct InstanceId: Sendable, Hashable {
    public var recurrenceId: EventTime
    public var id: String
    public init(recurrenceId: EventTime, id: String) {
      self.recurrenceId = recurrenceId
      self.id = id
    }
  }

  public init(deleted: [EventTime] = [], modified: [Event] = [], seriesUnchanged: Bool = false, instanceIds: [InstanceId] = []) {
    self.deleted = deleted
    self.modified = modified
    self.seriesUnchanged = seriesUnchanged
    self.instanceIds = instanceIds
  }

  /// Nothing to write for the occurrences.
  public var isEmpty: Bool { deleted.isEmpty && modified.isEmpty }
}
