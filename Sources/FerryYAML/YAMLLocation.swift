import FerryModel
import Yams

/// Positions in a YAML file (a `--mapping` file, push settings) for error messages: Yams marks
/// count columns in Unicode scalars, `SourceLocation` in UTF-8 bytes.
public enum YAMLLocation {
  /// Where a node starts; the start of the file when there is no node (an empty document).
  public static func of(_ node: Node?, in text: String, file: String) -> SourceLocation {
    guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
    return SourceLocation(file: file, text: text, line: mark.line, scalarColumn: mark.column)
  }

  /// Where Yams found a syntax error; the start of the file when it does not say.
  public static func of(_ error: any Error, in text: String, file: String) -> SourceLocation {
    switch error as? YamlError {
    case .scanner(_, _, let mark, _)?, .parser(_, _, let mark, _)?, .composer(_, _, let mark, _)?:
      return SourceLocation(file: file, text: text, line: mark.line, scalarColumn: mark.column)
    case .duplicatedKeysInMapping(_, let context)?:
      return SourceLocation(file: file, text: text, line: context.mark.line, scalarColumn: context.mark.column)
    case .reader(_, let offset?, _, _)?:
      return SourceLocation(file: file, text: text, characterOffset: offset)
    default:
      return SourceLocation(file: file, line: 1, column: 1)
    }
  }
}
