import Foundation
import Testing

@testable import FerryModel

/// A fresh folder under the temporary directory; removed by the caller.
private func temporaryFolder() throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-output-\(UUID().uuidString)").path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

private func names(in dir: String) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
}

private func mode(of path: String) -> mode_t {
  var info = stat()
  return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
}

/// The process umask, read without changing it (`umask(2)` can only set it, and other
/// tests create files at the same time).
private func currentUmask() throws -> mode_t {
  let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
  let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
  return try #require(mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8))
}

private func openDescriptors() throws -> Int {
  try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
}

@Suite("OutputDestination: many files")
struct OutputDestinationManyFilesTests {
  @Test("3,000 finished files hold no descriptors, appear only on commit, with their bytes")
  func manyFiles() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let folder = dir + "/cards"
    let destination = OutputDestination(path: folder)
    let before = try openDescriptors()
    for i in 0..<3_000 {
      let out = try destination.open(name: "card \(i).vcf", inDirectory: true)
      try out.write("card \(i)\n")
      try out.finishWriting()
    }
    // Other tests of this process open files meanwhile, hence a margin, far below 3,000.
    #expect(try openDescriptors() - before < 100)
    let pending = try names(in: folder)
    #expect(pending.count == 3_000)
    #expect(pending.allSatisfy { $0.hasPrefix(".card ") && $0.contains(".vcf.ferry-") })

    try destination.commitAll()
    let written = try names(in: folder)
    #expect(written.count == 3_000)
    #expect(!written.contains { $0.contains(".ferry-") })
    #expect(try String(contentsOfFile: folder + "/card 2999.vcf", encoding: .utf8) == "card 2999\n")
    #expect(destination.openedPaths.count == 3_000)
  }

  @Test("discarding finished files removes every temporary file and writes nothing")
  func discardFinished() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let destination = OutputDestination(path: dir)
    for i in 0..<40 {
      let out = try destination.open(name: "c\(i).vcf", inDirectory: true)
      try out.write("x")
      try out.finishWriting()
    }
    #expect(try names(in: dir).count == 40)
    destination.discardAll()
    #expect(try names(in: dir).isEmpty)
  }

  @Test("a primary stream and finished batches commit together", arguments: [3, 40])
  func mixed(batches: Int) throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let destination = OutputDestination(path: dir + "/out.xml")
    for n in 1...batches {
      let out = try destination.open(name: destination.numberedName(n))
      try out.write("batch \(n)")
      try out.finishWriting()
    }
    let primary = try destination.primary()
    try primary.write("primary")
    try destination.commitAll()
    #expect(try String(contentsOfFile: dir + "/out.xml", encoding: .utf8) == "primary")
    #expect(try String(contentsOfFile: dir + "/out-0002.xml", encoding: .utf8) == "batch 2")
    #expect(try names(in: dir).count == batches + 1)
  }

  @Test("files of this run are told apart from other .vcf files in the folder")
  func otherFiles() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for name in ["old.vcf", "OLD2.VCF", "keep.txt", "written.vcf"] {
      try "old".write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
    }
    try FileManager.default.createDirectory(atPath: dir + "/folder.vcf", withIntermediateDirectories: false)
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.vcf", withDestinationPath: "old.vcf")
    let destination = OutputDestination(path: dir + "/")
    let out = try destination.open(name: "written.vcf", inDirectory: true)
    try out.write("new")
    try out.finishWriting()
    try destination.commitAll()
    let others = destination.otherFiles(withExtension: "vcf")
    #expect(others == ["OLD2.VCF", "old.vcf"])
    #expect(destination.removeFiles(others).isEmpty)
    #expect(try names(in: dir) == ["folder.vcf", "keep.txt", "link.vcf", "written.vcf"])
  }
}

@Suite("ByteOutput: permissions")
struct ByteOutputPermissionTests {
  @Test("a new file gets 0666 less the umask, not a fixed 0644")
  func newFile() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let out = try ByteOutput(path: dir + "/new.txt")
    try out.write("x")
    try out.commit()
    #expect(mode(of: dir + "/new.txt") == 0o666 & ~(try currentUmask()))
  }

  @Test("a replaced file keeps its mode", arguments: [0o640, 0o600, 0o604, 0o664] as [mode_t])
  func replacedMode(existing: mode_t) throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.txt"
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(chmod(path, existing) == 0)
    let out = try ByteOutput(path: path)
    try out.write("new")
    try out.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    #expect(mode(of: path) == existing)
  }

  @Test("a replaced file keeps its owner and group where the user may set them")
  func replacedOwner() throws {
    // Only root may give a file to another user.
    guard geteuid() == 0 else { return }
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.txt"
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(chown(path, 65534, 65534) == 0)
    #expect(chmod(path, 0o640) == 0)
    let out = try ByteOutput(path: path)
    try out.write("new")
    try out.commit()
    var info = stat()
    #expect(stat(path, &info) == 0)
    #expect(info.st_uid == 65534 && info.st_gid == 65534)
    #expect(info.st_mode & 0o7777 == 0o640)
  }
}

@Suite("TemporaryFiles")
struct TemporaryFilesTests {
  @Test("termination removes every listed file, and no file is created after it")
  func termination() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let registry = TemporaryFiles()
    var paths: [String] = []
    for _ in 0..<3 {
      guard case .created(let descriptor, let path) = registry.create(prefix: dir + "/.out.ferry-", mode: 0o666) else {
        Issue.record("not created")
        return
      }
      close(descriptor)
      paths.append(path)
    }
    #expect(Set(paths).count == 3)
    #expect(registry.count == 3)
    registry.remove(paths[0])
    #expect(registry.count == 2)
    #expect(registry.removeAllForTermination() == 2)
    #expect(try names(in: dir).isEmpty)
    guard case .terminating = registry.create(prefix: dir + "/.late.ferry-", mode: 0o666) else {
      Issue.record("a file was created while terminating")
      return
    }
    #expect(throws: FerryError.self) { try registry.renaming { _ in } }
    #expect(try names(in: dir).isEmpty)
  }
}

/// Big runs handed to `write` go to the file from where they are (nothing buffered before
/// them); small ones are buffered. Mixed in every order, the file and the memory output hold
/// every byte once, in order, and `byteCount` counts them.
@Suite("ByteOutput: buffered and direct writes")
struct ByteOutputDirectWriteTests {
  static func pieces() -> [[UInt8]] {
    let sizes = [10, ByteOutput.directSize, 3, ByteOutput.directSize + 17, ByteOutput.directSize - 1, 1, 5 * ByteOutput.directSize, 0, 2]
    return sizes.enumerated().map { i, n in (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) } }
  }

  @Test("a file gets every byte once, in order", arguments: [false, true])
  func file(asBuffers: Bool) throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let out = try ByteOutput(path: dir + "/out.bin")
    var expected: [UInt8] = []
    for piece in Self.pieces() {
      if asBuffers { try piece.withUnsafeBufferPointer { try out.write($0) } } else { try out.write(piece) }
      try out.write("-")
      expected += piece + [UInt8(ascii: "-")]
    }
    try out.commit()
    #expect(out.byteCount == expected.count)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/out.bin"))) == expected)
  }

  @Test("a memory output gets every byte once, in order")
  func memory() throws {
    let out = ByteOutput()
    var expected: [UInt8] = []
    for piece in Self.pieces() {
      try out.write(piece)
      try out.write(AnySequence(piece.prefix(3)))
      expected += piece + piece.prefix(3)
    }
    try out.flush()
    #expect(out.memory == expected)
    #expect(out.byteCount == expected.count)
  }
}
