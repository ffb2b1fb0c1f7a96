import Foundation
import Testing

@testable import FerryModel

/// `ByteInput.read(appendingTo:)` reads a file's chunks straight into the caller's array:
/// whatever the chunk size, and after a peek or a push-back, the bytes appended are the
/// file's, once each, in order.
@Suite("ByteInput: reading into an array")
struct ByteInputTests {
  static let content: [UInt8] = (0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }

  private func withFile(_ body: (String) throws -> Void) throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-input-\(UUID().uuidString)").path
    try Data(Self.content).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(path)
  }

  @Test("a file's bytes, once each, in order", arguments: [1, 7, 4096, 1 << 16, 1 << 20])
  func wholeFile(chunkSize: Int) throws {
    try withFile { path in
      let input = try ByteInput(path: path, chunkSize: chunkSize)
      var bytes: [UInt8] = [1, 2, 3]
      var reads = 0
      while try input.read(appendingTo: &bytes) { reads += 1 }
      #expect(bytes == [1, 2, 3] + Self.content)
      #expect(reads == (Self.content.count + chunkSize - 1) / chunkSize)
      #expect(try !input.read(appendingTo: &bytes))
      #expect(try input.read() == nil)
    }
  }

  @Test("after a peek and a push-back")
  func afterPeekAndPushBack() throws {
    try withFile { path in
      let input = try ByteInput(path: path, chunkSize: 1000)
      #expect(try input.peek(2500) == Array(Self.content.prefix(2500)))
      var bytes: [UInt8] = []
      #expect(try input.read(appendingTo: &bytes))
      input.pushBack(Array(bytes.suffix(10)))
      bytes.removeLast(10)
      while try input.read(appendingTo: &bytes) {}
      #expect(bytes == Self.content)
    }
  }

  @Test("bytes in memory, in chunks")
  func memory() throws {
    let input = ByteInput(bytes: Self.content, chunkSize: 4099)
    var bytes: [UInt8] = []
    while try input.read(appendingTo: &bytes) {}
    #expect(bytes == Self.content)
  }
}
