import FerryContentLines
import Testing

@testable import FerryVCard

/// The one-pass unescaping of TEXT values and structured parts (`VCardVersion.unescape`,
/// `structured`) against the two steps it stands for: line ends to LF, then the version's
/// escapes (`TextEscaping.unescape` for 3.0 and 4.0, `\;` and `\\` only for 2.1).
@Suite("vCard TEXT unescaping")
struct TextValueTests {
  /// The two steps, written plainly.
  static func reference(_ text: String, _ version: VCardVersion) -> String {
    var lf: [UInt8] = []
    var previousCR = false
    for c in text.utf8 {
      if c == 13 {
        lf.append(10)
        previousCR = true
        continue
      }
      if c == 10 && previousCR {
        previousCR = false
        continue
      }
      previousCR = false
      lf.append(c)
    }
    let normalized = String(decoding: lf, as: UTF8.self)
    guard version == .v21 else { return TextEscaping.unescape(normalized) }
    var out: [UInt8] = []
    var escaped = false
    for c in normalized.utf8 {
      if escaped {
        if c != UInt8(ascii: ";") && c != UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
        out.append(c)
        escaped = false
      } else if c == UInt8(ascii: "\\") {
        escaped = true
      } else {
        out.append(c)
      }
    }
    if escaped { out.append(UInt8(ascii: "\\")) }
    return String(decoding: out, as: UTF8.self)
  }

  static let samples: [String] = [
    "", "plain", "a\\,b", "a\\;b", "a\\nb", "a\\Nb", "a\\\\b", "a\\:b", "a\\xb", "end\\", "\\",
    "\\\\\\", "line\r\nbreak", "lone\rcr", "lf\nonly", "\r\r\n", "\\\r\n", "\\\r", "\\\n", "x\\\r\ny",
    "Example Nguyen Holdings\\, Inc.", "1 Main Street\\nSuite 0", "Gr\u{FC}\u{DF}e\\, M\u{FC}nchen\\;",
    "\u{1F600}\\n\u{1F600}\r\n\\", "twenty-four bytes long\\, and then some more text\r\nthat runs on",
  ]

  @Test("one pass gives what line ends and then escapes give", arguments: VCardVersion.allCases)
  func unescape(version: VCardVersion) {
    for sample in Self.samples {
      #expect(version.unescape(sample) == Self.reference(sample, version), "\(sample.debugDescription)")
    }
  }

  @Test("every mix of escapes, line ends and letters, up to four bytes", arguments: VCardVersion.allCases)
  func exhaustive(version: VCardVersion) {
    let alphabet: [UInt8] = [UInt8(ascii: "\\"), 13, 10, UInt8(ascii: "n"), UInt8(ascii: ";"), UInt8(ascii: ",")]
    var pending: [[UInt8]] = [[]]
    while let bytes = pending.popLast() {
      let text = String(decoding: bytes, as: UTF8.self)
      #expect(version.unescape(text) == Self.reference(text, version), "\(text.debugDescription)")
      if bytes.count < 4 { for c in alphabet { pending.append(bytes + [c]) } }
    }
  }

  @Test("structured parts are split at unescaped semicolons and unescaped each", arguments: VCardVersion.allCases)
  func structured(version: VCardVersion) {
    #expect(version.structured("Nguyen;Kofi;;;") == ["Nguyen", "Kofi", "", "", ""])
    #expect(
      version.structured(";;1 Main Street\\nSuite 0;Springfield;IL;62701;Country")
        == ["", "", Self.reference("1 Main Street\\nSuite 0", version), "Springfield", "IL", "62701", "Country"])
    #expect(version.structured("A\\;B;C\r\nD\\") == ["A;B", Self.reference("C\r\nD\\", version)])
    #expect(version.structured("") == [""])
  }
}
