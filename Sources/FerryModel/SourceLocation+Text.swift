extension SourceLocation {
  /// A location from a parser that counts columns in Unicode scalars (libyaml, through Yams,
  /// for mapping and settings files): the column becomes UTF-8 bytes, as every
  /// `SourceLocation` counts them. `line` and `scalarColumn` are 1-based; a line break is LF,
  /// CRLF or CR, as YAML has it. A line past the end of `text` keeps the column as given.
  public init(file: String, text: String, line: Int, scalarColumn: Int, property: String? = nil) {
    self.init(
      file: file, line: max(line, 1), column: SourceLocation.utf8Column(in: text, line: line, scalarColumn: scalarColumn),
      property: property)
  }

  /// A location `characterOffset` characters (`Character`s, as Yams counts a reader error's
  /// offset) into `text`.
  public init(file: String, text: String, characterOffset: Int) {
    var line = 1
    var column = 1
    var previousCR = false
    // A CRLF is one `Character` of two scalars: one line break.
    for c in text.prefix(max(characterOffset, 0)).unicodeScalars {
      if c == "\n" && previousCR {
        previousCR = false
        continue
      }
      previousCR = c == "\r"
      if c == "\n" || c == "\r" {
        line += 1
        column = 1
      } else {
        column += c.utf8.count
      }
    }
    self.init(file: file, line: line, column: column)
  }

  static func utf8Column(in text: String, line: Int, scalarColumn: Int) -> Int {
    guard line >= 1, scalarColumn >= 1 else { return max(scalarColumn, 1) }
    var current = 1
    var scalars = text.unicodeScalars[...]
    // Skip to the start of the line.
    while current < line {
      guard let i = scalars.firstIndex(where: { $0 == "\n" || $0 == "\r" }) else { return scalarColumn }
      let isCR = scalars[i] == "\r"
      scalars = scalars[scalars.index(after: i)...]
      if isCR, scalars.first == "\n" { scalars = scalars.dropFirst() }
      current += 1
    }
    var column = 1
    for (n, c) in scalars.enumerated() {
      if n == scalarColumn - 1 || c == "\n" || c == "\r" { return column + (scalarColumn - 1 - n) }
      column += c.utf8.count
    }
    return column + max(0, scalarColumn - 1 - scalars.count)
  }
}
