import FerryModel

extension Formats {
  /// The Graph family's entries in the registry.
  static var graphFormats: [Format] { [] }
}
