/// The RFC 4180 syntax core: a resumable byte state machine (the `csv-core` split).
///
/// Feed it any slice of the input with `feed(_:)`; it returns how many bytes it consumed
/// and whether a record is complete. It never looks back at earlier chunks, so where the
/// chunks end does not change the result. The record under construction lives in `data`
/// (the field bytes, quotes removed, concatenated) and `ends` (the end offset of each
/// field in `data`); both buffers are reused from record to record.
///
/// What it accepts: quoted fields with delimiters, doubled quotes and line breaks inside;
/// CRLF, LF and CR line ends; blank lines between records are skipped. Lenient like
/// Python's `csv`: a quote inside an unquoted field is kept as text, and text after a
/// closing quote is appended (both set `irregularQuote` for a warning). A NUL byte stops
/// the machine with `.binary`: CSV text never holds one.
///
/// Not copyable: it gathers the record in buffers of its own (`Run`), which a copy would share.
public struct CSVCore: ~Copyable, Sendable {
  public enum Step: Sendable, Equatable {
    /// Everything given was consumed; feed more (or call `finish()` at the end).
    case needInput
    /// A record is complete in `data` / `ends`; read it, then call `startRecord()`.
    case record
    /// A NUL byte at `nulLine`:`nulColumn`.
    case binary
  }

  enum State: UInt8 {
    /// Before the first byte of a record (blank lines are skipped here).
    case recordStart
    /// Before the first byte of a field that is not the first.
    case fieldStart
    case unquoted
    case quoted
    /// Just after a quote inside a quoted field: `""`, end of field, or irregular text.
    case quoteInQuoted
  }

  public let delimiter: UInt8
  /// The field bytes of the current record, concatenated (made from `bytes` when asked,
  /// once a record is complete).
  public var data: [UInt8] { bytes.array }
  /// The end offset in `data` of each field so far.
  public var ends: [Int] { fieldEnds.array }
  /// Where the record's bytes and field ends are gathered: buffers of their own, filled
  /// without the uniqueness and capacity checks of an array's `append` (one of each a field
  /// cost about a third of reading a record), reused from record to record.
  private let bytes = Run<UInt8>(capacity: 4096)
  private let fieldEnds = Run<Int>(capacity: 128)
  /// The fields of the current record that start with a quote, in order. With them the start
  /// of every field follows from the field bytes (`CSVRow.start(ofField:)` works it out when a
  /// diagnostic asks, so the hot path only notes each quoted field): a record starts at column
  /// 1 of `recordLine`; an unquoted field is as long in the input as in `data`; a quoted one
  /// has its two quotes, each quote in `data` doubled, and its line breaks as written.
  public private(set) var quotedFields: [Int] = []
  /// The start of each field where that rule fails: after text that followed a closing quote
  /// (`"ab"c`, irregular, so rare).
  public private(set) var marks: [FieldMark] = []
  /// Whether the next field needs a mark (the current one had text after its closing quote).
  var markNextField = false

  /// The start of field `field` of a record: its 1-based physical line and column (UTF-8
  /// bytes from the start of that line).
  public struct FieldMark: Sendable, Equatable {
    public var field: Int
    public var line: Int
    public var column: Int
    public init(field: Int, line: Int, column: Int) {
      self.field = field
      self.line = line
      self.column = column
    }
  }

  /// Set when a quote was used irregularly in this record (`ab"c`, `"ab"c`).
  public private(set) var irregularQuote = false

  var state = State.recordStart
  /// A CR ended the last line: an LF right after it belongs to the same line end.
  var afterCR = false
  /// Bit mask table: which bytes stop the unquoted fast path.
  private var stops: [Bool]

  /// The 1-based physical line the machine is on.
  public private(set) var line = 1
  /// Bytes consumed in total, and where the current line started.
  public private(set) var offset = 0
  var lineStart = 0
  /// Where the current record started.
  public private(set) var recordLine = 1
  /// Where the open quote of the current quoted field is (for "unterminated quote").
  public private(set) var quoteLine = 0
  public private(set) var quoteColumn = 0
  /// Where the NUL byte is, after `.binary`.
  public private(set) var nulLine = 0
  public private(set) var nulColumn = 0

  public init(delimiter: UInt8 = UInt8(ascii: ",")) {
    self.delimiter = delimiter
    var stops = [Bool](repeating: false, count: 256)
    for b in [delimiter, .quote, .cr, .lf, .nul] { stops[Int(b)] = true }
    self.stops = stops
    quotedFields.reserveCapacity(128)
  }

  /// Whether the machine is inside a quoted field (at the end of input: unterminated).
  public var inQuotedField: Bool { state == .quoted }

  /// Numbers lines from `firstLine` on, from the next byte fed (which starts a line): for a
  /// reader that reads a piece of a bigger input after its header (`CSVReader.pieces`).
  public mutating func restartLines(at firstLine: Int) {
    // A piece starts after a line end, never between the CR and LF of one.
    afterCR = false
    line = firstLine
    lineStart = offset
    recordLine = firstLine
  }

  /// Whether the machine is between records: after a line end, nothing of a record begun.
  public var isBetweenRecords: Bool { state == .recordStart }

  /// Clears the record buffers after the caller took a record.
  public mutating func startRecord() {
    bytes.count = 0
    fieldEnds.count = 0
    // Most records have no quoted field and no mark: nothing to clear then.
    if !quotedFields.isEmpty { quotedFields.removeAll(keepingCapacity: true) }
    if !marks.isEmpty { marks.removeAll(keepingCapacity: true) }
    markNextField = false
    irregularQuote = false
    state = .recordStart
  }

  /// Ends the input: returns true when a last record (with no line end) is complete in the
  /// buffers. An unterminated quoted field is closed at the end (`inQuotedField` tells).
  public mutating func finish() -> Bool {
    switch state {
    case .recordStart: return false
    case .fieldStart:
      // The input ends just after a delimiter: an empty last field, starting there.
      if markNextField { marks.append(FieldMark(field: fieldEnds.count, line: line, column: offset - lineStart + 1)) }
      fieldEnds.append(bytes.count)
      return true
    case .unquoted, .quoted, .quoteInQuoted:
      fieldEnds.append(bytes.count)
      return true
    }
  }

  /// Consumes bytes until a record completes or the input runs out.
  public mutating func feed(_ input: UnsafeBufferPointer<UInt8>) -> (consumed: Int, step: Step) {
    var i = 0
    let n = input.count
    while i < n {
      let b = input[i]
      switch state {
      case .recordStart:
        if b == .lf {
          if afterCR { lineStart = offset + i + 1 } else { newLine(at: i) }
          afterCR = false
          i += 1
          continue
        }
        if b == .cr {
          newLine(at: i)
          afterCR = true
          i += 1
          continue
        }
        afterCR = false
        recordLine = line
        state = .fieldStart
        continue  // look at the same byte as a field start
      case .fieldStart:
        if markNextField {
          markNextField = false
          marks.append(FieldMark(field: fieldEnds.count, line: line, column: offset + i - lineStart + 1))
        }
        if b == .quote {
          quotedFields.append(fieldEnds.count)
          state = .quoted
          quoteLine = line
          quoteColumn = offset + i - lineStart + 1
          i += 1
          continue
        }
        state = .unquoted
        continue
      case .unquoted:
        // Unquoted fields one after another, without a round through this switch for each
        // (its jump, mispredicted field after field, cost more than reading a short field).
        unquoted: while true {
          // Fast path: a run of ordinary bytes up to the byte that stops it, found eight bytes
          // at a time (`CSVCore.nextStop`); the input's last few bytes one by one.
          var j = CSVCore.nextStop(input, from: i, delimiter: delimiter)
          while j < n && !stops[Int(input[j])] { j += 1 }
          if j > i {
            bytes.append(UnsafeBufferPointer(rebasing: input[i..<j]))
            i = j
            if i == n { break unquoted }
          }
          let c = input[i]
          if c == delimiter {
            fieldEnds.append(bytes.count)
            i += 1
            // The next field, unless it opens with a quote (or needs a mark, as `fieldStart`
            // gives), is read on here.
            if i < n && input[i] != .quote && !markNextField { continue unquoted }
            state = .fieldStart
            break unquoted
          } else if c == .lf || c == .cr {
            return endRecord(at: i, cr: c == .cr)
          } else if c == .quote {
            irregularQuote = true
            bytes.append(c)
            i += 1
            if i == n { break unquoted }
          } else {
            return binary(at: i)
          }
        }
      case .quoted:
        var j = i
        while j < n {
          let c = input[j]
          if c == .quote || c == .lf || c == .cr || c == .nul { break }
          j += 1
        }
        if j > i {
          // Text after a CR: a later LF is a line break of its own.
          afterCR = false
          bytes.append(UnsafeBufferPointer(rebasing: input[i..<j]))
          i = j
          if i == n { break }
        }
        let c = input[i]
        if c == .quote {
          state = .quoteInQuoted
        } else if c == .nul {
          return binary(at: i)
        } else {
          // A line break inside the field: kept as written, counted as a line.
          if c == .lf {
            // The LF of a CRLF: the line was counted at the CR; it starts after the LF.
            if afterCR { lineStart = offset + i + 1 } else { newLine(at: i) }
            afterCR = false
          } else {
            newLine(at: i)
            afterCR = true
          }
          bytes.append(c)
          i += 1
          continue
        }
        afterCR = false
        i += 1
      case .quoteInQuoted:
        if b == .quote {
          bytes.append(.quote)
          state = .quoted
          i += 1
        } else if b == delimiter {
          fieldEnds.append(bytes.count)
          state = .fieldStart
          i += 1
        } else if b == .lf || b == .cr {
          return endRecord(at: i, cr: b == .cr)
        } else if b == .nul {
          return binary(at: i)
        } else {
          irregularQuote = true
          markNextField = true
          state = .unquoted
        }
      }
    }
    offset += n
    return (n, .needInput)
  }

  /// Where the first byte from `start` on that stops an unquoted field (the delimiter, a
  /// quote, CR, LF or NUL) is, found eight bytes at a time; or the start of the last bytes too
  /// few for a word, from which the caller scans on byte by byte. (On a big-endian machine,
  /// the start of the word that holds it.)
  @inline(__always)
  static func nextStop(_ input: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> Int {
    guard let base = input.baseAddress else { return start }
    let n = input.count
    var j = start
    let d = UInt64(delimiter) &* ones
    while j + 8 <= n {
      let marks = stopMarks(UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self), delimiter: d, orNUL: true)
      if marks != 0 {
        #if _endian(little)
          // The lowest mark is the first stopping byte (in memory order: the low bytes first).
          return j + marks.trailingZeroBitCount >> 3
        #else
          return j
        #endif
      }
      j += 8
    }
    return j
  }

  /// Where the first eight-byte word from `start` on that holds the delimiter, a quote, CR or
  /// LF (and NUL when `orNUL`) begins, or the start of the last bytes too few for a word.
  /// The writer's quoting test.
  @inline(__always)
  static func firstWord(_ input: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8, orNUL: Bool) -> Int {
    guard let base = input.baseAddress else { return start }
    let n = input.count
    var j = start
    let d = UInt64(delimiter) &* ones
    while j + 8 <= n {
      if stopMarks(UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self), delimiter: d, orNUL: orNUL) != 0 { return j }
      j += 8
    }
    return j
  }

  private static let ones: UInt64 = 0x0101_0101_0101_0101

  /// The high bit of every byte of `w` that is the delimiter (repeated in every byte of `d`),
  /// a quote, CR or LF (or NUL, with `orNUL`), and maybe of bytes above one of those: a byte
  /// of `w` equals the byte repeated in `m` when `w ^ m` has a zero byte there, and the
  /// zero-byte test can mark a byte above a zero byte too (a borrow), never one below. So the
  /// lowest mark, and whether there is any, are right.
  @inline(__always)
  static func stopMarks(_ w: UInt64, delimiter d: UInt64, orNUL: Bool) -> UInt64 {
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
    let marks =
      zeroBytes(w ^ d) | zeroBytes(w ^ (UInt64(UInt8.quote) &* ones)) | zeroBytes(w ^ (UInt64(UInt8.cr) &* ones))
      | zeroBytes(w ^ (UInt64(UInt8.lf) &* ones))
    return orNUL ? marks | zeroBytes(w) : marks
  }

  /// Ends the record at the line end at `i` (a CR when `cr`), which is consumed.
  private mutating func endRecord(at i: Int, cr: Bool) -> (consumed: Int, step: Step) {
    fieldEnds.append(bytes.count)
    newLine(at: i)
    afterCR = cr
    state = .recordStart
    offset += i + 1
    return (i + 1, .record)
  }

  private mutating func newLine(at i: Int) {
    line += 1
    lineStart = offset + i + 1
  }

  private mutating func binary(at i: Int) -> (consumed: Int, step: Step) {
    nulLine = line
    nulColumn = offset + i - lineStart + 1
    offset += i
    return (i, .binary)
  }
}

/// A growable run of plain values (bytes, offsets) for `CSVCore`: appended to without the
/// checks of `Array.append`, emptied by setting `count` to 0, and turned into an array once
/// per record.
final class Run<Element: BitwiseCopyable>: @unchecked Sendable {
  private(set) var base: UnsafeMutablePointer<Element>
  private var capacity: Int
  /// How many values are in the run (set to 0 to empty it).
  var count = 0

  init(capacity: Int) {
    self.capacity = max(16, capacity)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  // `count` is read once into a local: read again after the store of a value, it had to
  // wait for that store (which could have changed it, as far as the compiler knows).
  @inline(__always)
  func append(_ value: Element) {
    let n = count
    if n == capacity { grow(to: n + 1) }
    (base + n).initialize(to: value)
    count = n + 1
  }

  @inline(__always)
  func append(_ values: UnsafeBufferPointer<Element>) {
    guard let from = values.baseAddress else { return }
    let n = count
    if n + values.count > capacity { grow(to: n + values.count) }
    (base + n).initialize(from: from, count: values.count)
    count = n + values.count
  }

  /// The values as an array.
  var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

  private func grow(to needed: Int) {
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
    newBase.initialize(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }
}
