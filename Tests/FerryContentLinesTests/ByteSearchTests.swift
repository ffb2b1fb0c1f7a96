import FerryContentLines
import Testing

@Suite("ByteSearch")
struct ByteSearchTests {
  @Test("finds the first byte of interest at every offset and length, as a byte loop does")
  func matchesByteLoop() {
    // Bytes next to the targets (0x0B, 0x0C, 0x8A, 0xFF, 0x01) catch a word trick that
    // flags neighbours; lengths up to three words cover the tail loop.
    let alphabet: [UInt8] = [0x0A, 0x0D, 0x00, 0x0B, 0x0C, 0x8A, 0xFF, 0x01, 0x41, 0x5C]
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let count = Int.random(in: 0...24, using: &rng)
      let bytes = (0..<count).map { _ in
        Bool.random(using: &rng) ? UInt8(ascii: "a") : alphabet.randomElement(using: &rng) ?? 0
      }
      let from = Int.random(in: 0...count, using: &rng)
      bytes.withUnsafeBufferPointer { b in
        let three = ByteSearch.firstIndex(in: b, from: from, anyOf: 0x0A, 0x0D, 0x00)
        #expect(three == (bytes[from...].firstIndex { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 } ?? count))
        let five = ByteSearch.firstIndex(in: b, from: from, anyOf: 0x5C, 0xFF, 0x01, 0x8A, 0x41)
        #expect(five == (bytes[from...].firstIndex { [0x5C, 0xFF, 0x01, 0x8A, 0x41].contains($0) } ?? count))
      }
    }
  }
}
