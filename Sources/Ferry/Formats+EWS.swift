import FerryModel

extension Formats {
  /// The EWS family's entries in the registry.
  static var ewsFormats: [Format] { [] }
}
