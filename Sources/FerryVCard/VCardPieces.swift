import FerryContentLines
import FerryModel

extension VCardReader {
  /// How `ParallelReader` cuts a vCard input into pieces and reads each one.
  public static func pieces(defaultVersion: VCardVersion = .v30, charset: String? = nil) -> PieceFormat {
    PieceFormat(
      lastCut: { bytes, from in lastCut(in: bytes, from: from) },
      makeReader: { input, start, sink in
        // vCard has no preamble: every card stands alone.
        VCardReader(input: input, diagnostics: sink, defaultVersion: defaultVersion, charset: charset, firstLine: start.firstLine)
      },
      oncePerInput: { $0.message == ContentLineReader.blankLineInFoldMessage })
  }

  /// Where the last card at or after `from` seems to start at the top level: the start of a
  /// line `BEGIN:VCARD` whose line before is `END:VCARD` (blank lines between them allowed),
  /// and whose line before that does
  /// not end in `=` (a quoted-printable value could run on over both). Only a guess: the
  /// reader of the piece before tells whether it really ended there.
  public static func lastCut(in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    let begin: StaticString = "BEGIN:VCARD"
    let end: StaticString = "END:VCARD"
    func matches(_ literal: StaticString, at i: Int) -> Bool {
      let n = literal.utf8CodeUnitCount
      guard i >= 0, i + n <= b.count else { return false }
      let l = literal.utf8Start
      for k in 0..<n where b[i + k] != l[k] { return false }
      return true
    }
    func isLineEnd(_ c: UInt8) -> Bool { c == 10 || c == 13 }
    /// The end of the line before the one starting at `i` (after its text, before its line end).
    func endOfLineBefore(_ i: Int) -> Int {
      var q = i
      if q > 0 && b[q - 1] == 10 {
        q -= 1
        if q > 0 && b[q - 1] == 13 { q -= 1 }
      } else if q > 0 && b[q - 1] == 13 {
        q -= 1
      }
      return q
    }
    var p = b.count - begin.utf8CodeUnitCount - 1
    let lowest = max(from, 1)
    while p >= lowest {
      defer { p -= 1 }
      guard b[p] == UInt8(ascii: "B"), isLineEnd(b[p - 1]), matches(begin, at: p),
        isLineEnd(b[p + begin.utf8CodeUnitCount])
      else { continue }
      var q = endOfLineBefore(p)
      // Blank lines between two cards (some phones and libical write them) are skipped.
      while q > 0 && q < p && isLineEnd(b[q - 1]) { q = endOfLineBefore(q) }
      let endStart = q - end.utf8CodeUnitCount
      guard matches(end, at: endStart), endStart == 0 || isLineEnd(b[endStart - 1]) else { continue }
      let r = endOfLineBefore(endStart)
      if r > 0 && r < endStart && b[r - 1] == UInt8(ascii: "=") { continue }
      return p
    }
    return nil
  }
}
