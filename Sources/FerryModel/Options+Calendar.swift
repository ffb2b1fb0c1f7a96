/// Options shared by everything that reads or writes calendars.
public struct CalendarOptions: Sendable {
  /// `--series keep|expand|skip`.
  public enum SeriesPolicy: String, Sendable, CaseIterable { case keep, expand, skip }
  public var series: SeriesPolicy = .keep
  /// `--expand-from` / `--expand-until`; nil means today and one year ahead. With neither
  /// given, a finite series that a writer has to expand on its own (calendar CSV, a rule
  /// Outlook cannot hold) is expanded whole.
  public var expandFrom: LocalDate?
  public var expandUntil: LocalDate?
  /// `--utc`: write every time in UTC.
  public var utc = false
  /// `--zone`: the zone for writers with no zone support (Outlook calendar CSV), and for
  /// readers of floating local times (Google calendar CSV). An IANA name.
  public var zone: String?
  /// `--invite-attendees`: keep attendees on targets that would invite them (Graph).
  public var inviteAttendees = false
  /// The iCalendar METHOD to write (`PUBLISH`, the default, or `CANCEL` for the deletes
  /// `ferry push` writes); nil means the writer's default. EWS and Graph writers take
  /// `ExchangeWriteOptions.operation` instead.
  public var method: String?
  public init() {}
}
