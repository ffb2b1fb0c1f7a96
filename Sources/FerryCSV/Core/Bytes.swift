/// Names for the bytes the CSV syntax layer looks at (STYLE.md §4: no bare hex).
extension UInt8 {
  static let comma = UInt8(ascii: ",")
  static let semicolon = UInt8(ascii: ";")
  static let tab = UInt8(ascii: "\t")
  static let quote = UInt8(ascii: "\"")
  static let cr = UInt8(ascii: "\r")
  static let lf = UInt8(ascii: "\n")
  static let nul: UInt8 = 0
  static let apostrophe = UInt8(ascii: "'")
  static let space = UInt8(ascii: " ")
}
