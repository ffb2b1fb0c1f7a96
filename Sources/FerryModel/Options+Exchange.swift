/// Options for EWS and Graph writing.
public struct ExchangeWriteOptions: Sendable {
  /// `--exchange-version`, written as RequestServerVersion: one of `serverVersions`.
  public var serverVersion = "Exchange2013_SP1"
  /// The `RequestServerVersion` values the EWS schema allows (`t:ExchangeVersionType` in
  /// types.xsd), in its spelling.
  public static let serverVersions = [
    "Exchange2007", "Exchange2007_SP1", "Exchange2009", "Exchange2010", "Exchange2010_SP1", "Exchange2010_SP2", "Exchange2012",
    "Exchange2013", "Exchange2013_SP1", "Exchange2015", "Exchange2016", "V2015_10_05", "V2016_01_06", "V2016_04_13",
    "V2016_07_13", "V2016_10_10",
  ]
  /// The schema's spelling of a server version named in any case (`exchange2013` →
  /// `Exchange2013`), or nil when the schema has no such version.
  public static func serverVersion(named name: String) -> String? {
    serverVersions.first { $0.lowercased() == name.lowercased() }
  }
  /// Whether the version predates `StartTimeZone`/`EndTimeZone` (Exchange 2010 brought them;
  /// Exchange 2007 has only `MeetingTimeZone`).
  public var serverVersionLacksStartTimeZone: Bool { serverVersion.lowercased().hasPrefix("exchange2007") }
  /// `--batch`: items per request document (EWS; Graph is capped at 20 per `$batch`).
  public var batchSize = 100
  /// The contacts folder to create contacts in (distinguished id or display name).
  public var contactsFolder: String?
  /// The calendar folder for calendar items.
  public var calendarFolder: String?
  /// The mailbox (`users/{id}` for Graph, the SMTP address for EWS impersonation).
  public var mailbox: String?
  /// What the documents do: create (default), update or delete.
  public enum Operation: String, Sendable, CaseIterable { case create, update, delete }
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
