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
/// The named extended properties where ferry keeps the CRM record id, so that later runs
/// find the items ferry made (EWS `t:ExtendedProperty`, Graph `singleValueExtendedProperties`).
///
/// Both live in ferry's own property set (a fixed GUID, so no other application's
/// properties collide): `FerryCrmId` holds the record id (`0035g00000AbCdEAAV`),
/// `FerryCrmSource` the system and object type (`salesforce/Contact`).
public enum FerryCrmProperty {
  /// ferry's MAPI property-set GUID. Never change it: items made by earlier runs carry it.
  public static let propertySetId = "8b1a6a4e-3f1d-4c57-9f0e-5d2b7c9e4a61"
  public static let idName = "FerryCrmId"
  public static let sourceName = "FerryCrmSource"
  /// The Graph property id, `String {guid} Name FerryCrmId`.
  public static var graphIdPropertyId: String { "String {\(propertySetId)} Name \(idName)" }
  public static var graphSourcePropertyId: String { "String {\(propertySetId)} Name \(sourceName)" }
}
