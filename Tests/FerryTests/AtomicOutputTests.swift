import Ferry
import FerryModel
import Foundation
import Testing

private final class Received: @unchecked Sendable {
  var bytes: [UInt8] = []
}

@Suite("atomic output")
struct AtomicOutputTests {
  func tempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-atomic-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test("a file appears only on commit, and nothing is left behind on discard")
  func commitAndDiscard() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.txt"
    let out = try ByteOutput(path: path)
    try out.write(String(repeating: "x", count: 200_000))
    try out.flush()
    #expect(!FileManager.default.fileExists(atPath: path))
    try out.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8).count == 200_000)

    let again = try ByteOutput(path: path)
    try again.write("partial")
    again.discard()
    #expect(try String(contentsOfFile: path, encoding: .utf8).count == 200_000)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])
  }

  @Test("a conversion that fails part-way leaves no output file")
  func failedConversion() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let good = dir + "/a.ndjson"
    try #"{"contact":{"name":{"given":"A"}}}"#.write(toFile: good, atomically: true, encoding: .utf8)
    let conversion = Conversion(
      inputs: [good, dir + "/missing.ndjson"], from: FormatSpec("ndjson"), to: FormatSpec("ndjson"),
      output: dir + "/out.ndjson")
    #expect(throws: FerryError.self) { try conversion.run(diagnostics: .ignore) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.ndjson"])
  }

  @Test("a device or a pipe is written in place, never replaced by a file")
  func specialFiles() throws {
    let out = try ByteOutput(path: "/dev/null")
    try out.write("discarded")
    try out.commit()
    var info = stat()
    #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)

    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let fifo = dir + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    // The other end reads until end of file with plain read(2), so the writer never meets a
    // closed pipe (SIGPIPE).
    // Should it happen anyway, fail this test rather than kill the test process.
    signal(SIGPIPE, SIG_IGN)
    let received = Received()
    let done = DispatchSemaphore(value: 0)
    let reader = Thread {
      let fd = open(fifo, O_RDONLY)
      var chunk = [UInt8](repeating: 0, count: 256)
      while fd >= 0 {
        let n = read(fd, &chunk, chunk.count)
        if n <= 0 { break }
        received.bytes += chunk[0..<n]
      }
      if fd >= 0 { close(fd) }
      done.signal()
    }
    reader.start()
    let piped = try ByteOutput(path: fifo)
    try piped.write("through the pipe\n")
    try piped.commit()
    done.wait()
    #expect(String(decoding: received.bytes, as: UTF8.self) == "through the pipe\n")
    #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    #expect(throws: FerryError.self) { try ByteOutput(path: dir) }
  }

  @Test("a symbolic link is followed: the file it names is replaced and the link stays")
  func symlink() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "old".write(toFile: dir + "/real.txt", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: "real.txt")
    let out = try ByteOutput(path: dir + "/link.txt")
    try out.write("new")
    try out.commit()
    #expect(try String(contentsOfFile: dir + "/real.txt", encoding: .utf8) == "new")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.txt") == "real.txt")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["link.txt", "real.txt"])
  }

  @Test("numbered names for batches")
  func numbered() {
    #expect(OutputDestination(path: "dir/out.xml").numberedName(2) == "out-0002.xml")
    #expect(OutputDestination(path: "out").numberedName(12) == "out-0012")
  }
}
