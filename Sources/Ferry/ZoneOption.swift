import FerryTime

/// `--zone`, checked before any work: a name no writer could resolve would otherwise surface
/// as a warning per writer, after the whole input was read.
public enum ZoneOption {
  /// Whether `name` names a zone ferry can convert with: a tz database name, a Windows id or
  /// an Outlook display name.
  public static func isKnown(_ name: String) -> Bool { TimeZoneResolver.shared.resolve(name) != nil }
}
