/// Options for CSV reading.
public struct CSVReadOptions: Sendable {
  /// Forced delimiter; nil means sniff comma, semicolon and tab.
  public var delimiter: UInt8?
  /// `--mapping FILE` for the generic `csv` profile.
  public var mappingFile: String?
  public init() {}
}

/// Options for CSV writing.
public struct CSVWriteOptions: Sendable {
  /// Neutralise cells that a spreadsheet would run as a formula (OWASP). On by default.
  public var formulaProtection = true
  /// Write a UTF-8 BOM; nil means the profile's default (on for profiles people open in Excel).
  public var byteOrderMark: Bool?
  public var delimiter: UInt8 = UInt8(ascii: ",")
  /// `--mapping FILE` for the generic `csv` profile.
  public var mappingFile: String?
  public init() {}
}
