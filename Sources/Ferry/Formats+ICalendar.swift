import FerryModel

extension Formats {
  /// The ICalendar family's entries in the registry.
  static var icalendarFormats: [Format] { [] }
}
