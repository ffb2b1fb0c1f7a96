import FerryModel

/// Splits an input into its top-level JSON documents: one Graph page, or several written one
/// after another (what `GraphWriter` writes to standard output, or pages saved by a loop of
/// `curl … >> export.json`), with only white space between them.
///
/// The scan knows strings and nesting, nothing more: a document ends where its outermost
/// `{…}` or `[…]` closes. Anything else at the top level runs to the end of the input, where
/// the parser reports what is wrong with it. Memory is bounded by the largest document.
struct JSONDocumentStream {
  /// One document's bytes and where it starts (1-based line, 1-based byte column).
  struct Document {
    var bytes: [UInt8]
    var line: Int
    var column: Int
    /// Where each item of the page starts: the objects of a top-level array, or of an array
    /// that is a member of the top-level object (Graph's `value`), in order.
    var itemStarts: [(line: Int, column: Int)] = []
  }

  private let input: ByteInput
  private var chunk: [UInt8] = []
  private var index = 0
  private var line = 1
  private var lineStartOffset = 0
  private var offset = 0

  init(input: ByteInput) { self.input = input }

  /// The next document, or nil at the end of the input.
  mutating func next() throws -> Document? {
    var bytes: [UInt8] = []
    var started = false
    var container = false
    var depth = 0
    var inString = false
    var escaped = false
    var startLine = 0
    var startColumn = 0
    // Whether each open container is an array, as deep as items go (three levels).
    var arrays: [Bool] = []
    var itemStarts: [(line: Int, column: Int)] = []
    while true {
      if index >= chunk.count {
        guard let more = try input.read() else { break }
        chunk = more
        index = 0
        continue
      }
      var finished = false
      while index < chunk.count, !finished {
        let b = chunk[index]
        index += 1
        offset += 1
        if b == UInt8(ascii: "\n") {
          line += 1
          lineStartOffset = offset
        }
        if !started {
          switch b {
          case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): continue
          case 0xEF where offset <= 3, 0xBB where offset <= 3, 0xBF where offset <= 3:
            // A UTF-8 byte order mark is not JSON, but every reader skips it; columns start after it.
            lineStartOffset = offset
            continue
          default:
            started = true
            startLine = line
            startColumn = offset - lineStartOffset
            container = b == UInt8(ascii: "{") || b == UInt8(ascii: "[")
            depth = container ? 1 : 0
            if container { arrays = [b == UInt8(ascii: "[")] }
            bytes.append(b)
            continue
          }
        }
        bytes.append(b)
        guard container else { continue }
        if inString {
          if escaped {
            escaped = false
          } else if b == UInt8(ascii: "\\") {
            escaped = true
          } else if b == UInt8(ascii: "\"") {
            inString = false
          }
          continue
        }
        switch b {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          depth += 1
          if depth <= 3 {
            // An object right inside the top array, or inside an array member of the top object.
            if b == UInt8(ascii: "{"), arrays.last == true, depth == (arrays.first == true ? 2 : 3) {
              itemStarts.append((line, offset - lineStartOffset))
            }
            arrays.append(b == UInt8(ascii: "["))
          }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          if depth <= 3, !arrays.isEmpty { arrays.removeLast() }
          depth -= 1
          finished = depth == 0
        default: break
        }
      }
      if finished { return Document(bytes: bytes, line: startLine, column: startColumn, itemStarts: itemStarts) }
    }
    return started ? Document(bytes: bytes, line: startLine, column: startColumn, itemStarts: itemStarts) : nil
  }

}
