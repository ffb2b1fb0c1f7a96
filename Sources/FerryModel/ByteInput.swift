#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A stream of input bytes, read in chunks: a file, standard input, or bytes in memory.
///
/// Readers pull chunks with `read()` and never hold more than they need. `peek(_:)` lets
/// format detection look at the start of a stream without consuming it, which is how
/// ferry detects formats on standard input too.
public final class ByteInput: @unchecked Sendable {
  /// The name used in diagnostics: the path, or `<stdin>`.
  public let name: String
  private var fd: Int32
  private let ownsDescriptor: Bool
  private var memory: [UInt8]
  private var memoryOffset = 0
  private let chunkSize: Int
  private var pending: [UInt8] = []
  private var atEnd = false

  /// Opens a file for reading, or standard input when `path` is `-`.
  public init(path: String, chunkSize: Int = 1 << 16) throws {
    self.chunkSize = chunkSize
    memory = []
    if path == "-" {
      name = "<stdin>"
      fd = 0
      ownsDescriptor = false
    } else {
      name = path
      fd = open(path, O_RDONLY)
      ownsDescriptor = true
      if fd < 0 {
        throw FerryError(.io, "cannot open \"\(path)\": \(String(cString: strerror(errno)))")
      }
      var info = stat()
      if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
        close(fd)
        throw FerryError(.io, "\"\(path)\" is a directory")
      }
    }
  }

  /// Wraps bytes in memory; `chunkSize` sets how many bytes each `read()` returns, so tests
  /// can check that results do not depend on where chunks end.
  public init(bytes: [UInt8], name: String = "<memory>", chunkSize: Int = 1 << 16) {
    self.name = name
    self.chunkSize = max(1, chunkSize)
    memory = bytes
    fd = -1
    ownsDescriptor = false
  }

  public convenience init(string: String, name: String = "<memory>", chunkSize: Int = 1 << 16) {
    self.init(bytes: Array(string.utf8), name: name, chunkSize: chunkSize)
  }

  deinit {
    if ownsDescriptor && fd >= 0 { close(fd) }
  }

  /// The next chunk, or `nil` at the end of the input.
  public func read() throws -> [UInt8]? {
    if !pending.isEmpty {
      let chunk = pending
      pending = []
      return chunk
    }
    return try readRaw()
  }

  /// Appends the next chunk to `bytes`; false at the end of the input. A file's chunk is
  /// read straight into the room after `bytes`' last byte, with no array of its own to make,
  /// copy and free (what `ParallelReader` cuts pieces from: each byte of a big input was
  /// copied once more, through 64 KB arrays, before).
  public func read(appendingTo bytes: inout [UInt8]) throws -> Bool {
    if !pending.isEmpty || fd < 0 {
      guard let chunk = try read() else { return false }
      bytes.append(contentsOf: chunk)
      return true
    }
    if atEnd { return false }
    let size = chunkSize
    let descriptor = fd
    while true {
      var failure: Int32 = 0
      var n = 0
      bytes.append(addingCapacity: size) { span in
        span.withUnsafeMutableBufferPointer { room, count in
          let got = Glibc.read(descriptor, room.baseAddress! + count, room.count - count)
          if got < 0 { failure = errno } else { n = got }
          count += n
        }
      }
      if failure != 0 {
        if failure == EINTR { continue }
        throw FerryError(.io, "cannot read \"\(name)\": \(String(cString: strerror(failure)))")
      }
      if n == 0 {
        atEnd = true
        return false
      }
      return true
    }
  }

  private func readRaw() throws -> [UInt8]? {
    if atEnd { return nil }
    if fd < 0 {
      guard memoryOffset < memory.count else {
        atEnd = true
        return nil
      }
      let end = min(memory.count, memoryOffset + chunkSize)
      // All of it in one chunk (a piece of `ParallelReader`): the array itself, not a copy.
      let chunk = memoryOffset == 0 && end == memory.count ? memory : Array(memory[memoryOffset..<end])
      memoryOffset = end
      return chunk
    }
    while true {
      // Read into the new array's storage as it is made: no zeroing first, no copy after.
      var failure: Int32 = 0
      let buffer = [UInt8](unsafeUninitializedCapacity: chunkSize) { storage, count in
        let n = Glibc.read(fd, storage.baseAddress, chunkSize)
        if n < 0 { failure = errno }
        count = max(0, n)
      }
      if failure != 0 {
        if failure == EINTR { continue }
        throw FerryError(.io, "cannot read \"\(name)\": \(String(cString: strerror(failure)))")
      }
      if buffer.isEmpty {
        atEnd = true
        return nil
      }
      return buffer
    }
  }

  /// Puts `bytes` back in front of what is left to read: the next `read()` gives them
  /// first. (`ParallelReader` hands the bytes of pieces it read ahead back this way.)
  public func pushBack(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    pending = pending.isEmpty ? bytes : bytes + pending
  }

  /// Up to `count` bytes from the current position, without consuming them.
  public func peek(_ count: Int) throws -> [UInt8] {
    while pending.count < count, let chunk = try readRaw() {
      pending.append(contentsOf: chunk)
    }
    return Array(pending.prefix(count))
  }

  /// Everything that is left; for tests and small inputs only.
  public func readAll() throws -> [UInt8] {
    var all: [UInt8] = []
    while let chunk = try read() { all.append(contentsOf: chunk) }
    return all
  }
}
