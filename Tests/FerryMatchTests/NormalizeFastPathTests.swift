@testable import FerryMatch
import FerryTestSupport
import Testing

/// `Normalize.phone` and `Normalize.email` read ASCII text on bytes (the matcher normalises
/// millions of them); the Foundation versions stay as the reference and for other text. Both
/// must give the same result on every input.
@Suite struct NormalizeFastPathTests {
  /// Random ASCII text built from the pieces the parsers look for.
  static func samples(_ pieces: [String], count: Int, seed: UInt64) -> [String] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
      var s = ""
      for _ in 0..<(1 + Int(rng.next() % 9)) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
      return s
    }
  }

  @Test func phonesAgreeWithTheReference() {
    let pieces = [
      "+", "+1", "+44", "+49 ", "0", "00", "011", "1", "212", "555", "0100", "7946", "0958", "(0)", "(", ")", "-", ".", " ", "\t",
      "x", "X", " x", " ext", "ext.", "EXT", "extension", ";ext=", "#", "a", "Tel", "  ", "1234567", "20", "\r\n", "33", "353",
    ]
    var tried = 0
    for raw in Self.samples(pieces, count: 20_000, seed: 2026) + ["", " ", "x", "+", "#1", "1#", "ext 1", "1 ext", " +1 212 555 0100"] {
      for region in ["US", "GB", "de", "FR", "ZZ"] {
        #expect(Normalize.asciiPhone(raw, region: region) == Normalize.phoneReference(raw, region: region), "\(raw) \(region)")
        tried += 1
      }
    }
    #expect(tried > 100_000)
  }

  @Test func emailsAgreeWithTheReference() {
    let pieces = [
      "ada", "Ada", ".", "+tag", "@", "@@", "gmail.com", "GoogleMail.com", "example.org", "mailto:", "MAILTO:", "<", ">", " ", "\t",
      "\r\n", "\u{0B}", "x", "_", "-", "..", "com.",
    ]
    for raw in Self.samples(pieces, count: 20_000, seed: 6) + ["", "@", "a@", "@b", "<>", "<a@b>", " mailto:<A@B.com.> "] {
      for gmail in [false, true] {
        #expect(Normalize.asciiEmail(raw, gmail: gmail) == Normalize.emailReference(raw, gmail: gmail), "\(raw) \(gmail)")
      }
    }
  }

  @Test func nonASCIIGoesThroughTheReference() {
    #expect(Normalize.phone("+1 212 555 0100 ｘ12", region: "US") == Normalize.phoneReference("+1 212 555 0100 ｘ12", region: "US"))
    #expect(Normalize.email(" Zoë@Example.COM ") == "zoë@example.com")
  }
}
