import Testing

@testable import FerryModel

/// `UTF8Check` against the standard library's validating initializer, which it replaces on
/// the hot path: the same verdict on edge cases and on many random byte strings.
@Suite struct UTF8CheckTests {
  private func verdict(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { UTF8Check.isValid($0) } }

  @Test func edgeCases() {
    let cases: [([UInt8], Bool)] = [
      ([], true),
      (Array("plain ASCII, longer than eight bytes".utf8), true),
      (Array("Müller, 東京, 😀".utf8), true),
      ([0xC0, 0x80], false),  // overlong NUL
      ([0xC1, 0xBF], false),  // overlong
      ([0xE0, 0x9F, 0x80], false),  // overlong three-byte form
      ([0xED, 0xA0, 0x80], false),  // surrogate U+D800
      ([0xED, 0x9F, 0xBF], true),  // U+D7FF
      ([0xF4, 0x90, 0x80, 0x80], false),  // past U+10FFFF
      ([0xF4, 0x8F, 0xBF, 0xBF], true),  // U+10FFFF
      ([0xF0, 0x8F, 0xBF, 0xBF], false),  // overlong four-byte form
      ([0xF5, 0x80, 0x80, 0x80], false),
      ([0xE2, 0x82], false),  // truncated at the end
      (Array("abcdefgh".utf8) + [0xE2, 0x82], false),  // truncated after an ASCII word
      ([0x80], false),  // lone continuation
      ([0xE9], false),  // Windows-1252 "é"
      (Array("Caf".utf8) + [0xE9] + Array(" au lait".utf8), false),
    ]
    for (bytes, expected) in cases {
      #expect(verdict(bytes) == expected, "\(bytes)")
      #expect(verdict(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
    }
  }

  @Test func agreesWithTheStandardLibraryOnRandomBytes() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
    var checked = 0
    var valid = 0
    for _ in 0..<20_000 {
      let count = Int.random(in: 0...12, using: &generator)
      let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
      let expected = String(validating: bytes, as: UTF8.self) != nil
      #expect(verdict(bytes) == expected, "\(bytes)")
      checked += 1
      if expected { valid += 1 }
    }
    #expect(checked == 20_000)
    #expect(valid > 100)  // the alphabet makes valid strings too, not only invalid ones
    #expect(UTF8Check.string(Array("Zoë".utf8)[...]) == "Zoë")
    #expect(UTF8Check.string([0xFF][...]) == nil)
  }
}
