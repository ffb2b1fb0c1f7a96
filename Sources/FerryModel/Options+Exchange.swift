/// Options for EWS and Graph writing.
public struct ExchangeWriteOptions: Sendable {
  /// `--exchange-version`, written as RequestServerVersion.
  public var serverVersion = "Exchange2013_SP1"
  /// `--batch`: items per request document (EWS; Graph is capped at 20 per `$batch`).
  public var batchSize = 100
  /// The contacts folder to create contacts in (distinguished id or display name).
  public var contactsFolder: String?
  /// The calendar folder for calendar items.
  public var calendarFolder: String?
  /// The mailbox (`users/{id}` for Graph, the SMTP address for EWS impersonation).
  public var mailbox: String?
  /// What the documents do: create (default), update or delete.
  public enum Operation: String, Sendable { case create, update, delete }
  public var operation: Operation = .create
  public init() {}
}
