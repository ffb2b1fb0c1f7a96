import FerryModel

extension Formats {
  /// The CSV family's entries in the registry.
  static var csvFormats: [Format] { [] }
}
