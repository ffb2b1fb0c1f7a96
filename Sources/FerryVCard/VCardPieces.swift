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
    var p = b.count - begin.utf8CodeUnitCount - 1
    let lowest = max(from, 1)
    while p >= lowest {
      defer { p -= 1 }
      guard b[p] == UInt8(ascii: "B"), LineCuts.isLineEnd(b[p - 1]), LineCuts.matches(begin, in: b, at: p),
        LineCuts.isLineEnd(b[p + begin.utf8CodeUnitCount])
      else { continue }
      var q = LineCuts.endOfLineBefore(p, in: b)
      // Blank lines between two cards (some phones and libical write them) are skipped.
      while q > 0 && q < p && LineCuts.isLineEnd(b[q - 1]) { q = LineCuts.endOfLineBefore(q, in: b) }
      let endStart = q - end.utf8CodeUnitCount
      guard LineCuts.matches(end, in: b, at: endStart), endStart == 0 || LineCuts.isLineEnd(b[endStart - 1]) else {
        continue
      }
      if LineCuts.endsInSoftBreak(LineCuts.endOfLineBefore(endStart, in: b), lineStart: endStart, in: b) { continue }
      return p
    }
    return nil
  }
}
