/// Byte tests for the cutters that split a content-line input into pieces at record
/// boundaries (`VCardReader.lastCut`, `ICalendarReader.lastCut`): on raw bytes, before any
/// line is read.
public enum LineCuts {
  /// LF or CR.
  @inlinable
  public static func isLineEnd(_ c: UInt8) -> Bool { c == 10 || c == 13 }

  /// Whether the bytes of `literal` stand in `b` at `i`.
  public static func matches(_ literal: StaticString, in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
    let n = literal.utf8CodeUnitCount
    guard i >= 0, i + n <= b.count else { return false }
    let l = literal.utf8Start
    for k in 0..<n where b[i + k] != l[k] { return false }
    return true
  }

  /// The end of the text of the line before the one starting at `i` (where its line end,
  /// LF, CRLF or CR, begins).
  public static func endOfLineBefore(_ i: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
    var q = i
    if q > 0 && b[q - 1] == 10 {
      q -= 1
      if q > 0 && b[q - 1] == 13 { q -= 1 }
    } else if q > 0 && b[q - 1] == 13 {
      q -= 1
    }
    return q
  }

  /// Whether the line ending at `end` (see `endOfLineBefore`) and starting after a line end
  /// ends in `=`: a vCard 2.1 or vCalendar 1.0 quoted-printable value may continue past it.
  public static func endsInSoftBreak(_ end: Int, lineStart: Int, in b: UnsafeBufferPointer<UInt8>) -> Bool {
    end > 0 && end < lineStart && b[end - 1] == UInt8(ascii: "=")
  }
}
