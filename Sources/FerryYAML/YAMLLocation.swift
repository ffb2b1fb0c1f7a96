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
    case .duplicatedKeysInMapping(let duplicates, let context)?:
      // Yams marks the mapping; the key's second appearance is what to fix.
      if let key = duplicates.sorted().first, let (line, column) = secondKey(key, in: text, from: context.mark.line) {
        return SourceLocation(file: file, text: text, line: line, scalarColumn: column)
      }
      return SourceLocation(file: file, text: text, line: context.mark.line, scalarColumn: context.mark.column)
    case .reader(_, let offset?, _, _)?:
      return SourceLocation(file: file, text: text, characterOffset: offset)
    default:
      return SourceLocation(file: file, line: 1, column: 1)
    }
  }

  /// What Yams found wrong, without the position (the location says it) or the document
  /// Yams quotes after a duplicate key: `mapping values are not allowed in this context`,
  /// `duplicate key "threshold"`.
  public static func problem(_ error: any Error) -> String {
    switch error as? YamlError {
    case .scanner(let context, let problem, _, _)?, .parser(let context, let problem, _, _)?,
      .composer(let context, let problem, _, _)?:
      guard let context, !context.text.isEmpty else { return problem }
      return "\(problem) (\(context.text))"
    case .duplicatedKeysInMapping(let duplicates, _)?:
      let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
      return duplicates.count == 1 ? "duplicate key \(keys)" : "duplicate keys \(keys)"
    case .reader(let problem, _, _, _)?:
      return problem
    default:
      return "\(error)"
    }
  }

  /// The line and column (1-based, in characters) where `key:` starts a line the second time
  /// from line `from` on, at the indentation of its first appearance.
  private static func secondKey(_ key: String, in text: String, from: Int) -> (Int, Int)? {
    var first: Int?
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= from {
      let indent = line.prefix { $0 == " " }.count
      let rest = line.dropFirst(indent)
      guard rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") else { continue }
      if let first {
        if indent == first { return (index + 1, indent + 1) }
      } else {
        first = indent
      }
    }
    return nil
  }
}
