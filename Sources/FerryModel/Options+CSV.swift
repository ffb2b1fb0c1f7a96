/// Options for CSV reading.
public struct CSVReadOptions: Sendable {
  /// Forced delimiter; nil means sniff comma, semicolon and tab.
  public var delimiter: UInt8?
  /// `--mapping FILE` for the generic `csv` profile.
  public var mappingFile: String?
  /// `--input-date-format`: how slashed dates in the input are ordered (an Outlook export made
  /// with British or European settings writes `31/7/1980`). nil: month first, as en-US Outlook
  /// writes them; dotted dates are always day first, ISO dates always read.
  public var dateFormat: CSVDateFormat?
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
  /// How Outlook's CSV profiles (contacts and calendar) write dates: Outlook reads them with
  /// the importing machine's short-date format, which is not the same everywhere.
  public var dateFormat: CSVDateFormat = .monthDayYear
  public init() {}
}

/// The date layouts Outlook's importer reads, by the importing machine's locale.
public enum CSVDateFormat: String, Sendable, CaseIterable {
  /// `7/31/1980`: en-US (the default, as Outlook's own English exports).
  case monthDayYear = "M/D/YYYY"
  /// `31/7/1980`: en-GB and most of Europe with slashes.
  case dayMonthYear = "D/M/YYYY"
  /// `31.7.1980`: de-DE and other dotted locales.
  case dayMonthYearDots = "D.M.YYYY"
  /// `1980-07-31`: ISO 8601 (sv-SE, and what most other locales also accept).
  case iso = "YYYY-MM-DD"

  public func text(year: Int, month: Int, day: Int) -> String {
    switch self {
    case .monthDayYear: "\(month)/\(day)/\(year)"
    case .dayMonthYear: "\(day)/\(month)/\(year)"
    case .dayMonthYearDots: "\(day).\(month).\(year)"
    case .iso:
      "\(year < 1000 ? String(repeating: "0", count: 4 - String(year).count) : "")\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
  }
}
