import FerryModel

extension Formats {
  /// The VCard family's entries in the registry.
  static var vcardFormats: [Format] { [] }
}
