#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A buffered byte sink: standard output, a file written atomically, or memory.
///
/// A file is written to a temporary name beside its final path, fsynced and renamed by
/// `commit()`, so a crash never leaves half a file. `discard()` (or dropping an
/// uncommitted output) removes the temporary file. A symbolic link is followed: the file it
/// points to is replaced and the link stays. A path that is not a regular file (a pipe,
/// `/dev/stdout`, `/dev/null`, a terminal) is written in place, since renaming over it would
/// replace the device or pipe with a file; a directory is refused.
public final class ByteOutput: @unchecked Sendable {
  public enum Target: Sendable {
    case standardOutput
    case file(String)
    case memory
  }

  public let target: Target
  private var fd: Int32 = -1
  private var temporaryPath: String?
  /// The real file the temporary one is renamed onto (the path, or where its link points).
  private var finalPath: String?
  /// Written straight into a pipe or device: nothing to rename or remove.
  private var inPlace = false
  private var buffer: [UInt8] = []
  private var committed = false
  /// Bytes written so far (for reports and benchmarks).
  public private(set) var byteCount = 0
  /// The bytes written, for `.memory`.
  public private(set) var memory: [UInt8] = []

  /// Opens standard output (`path == "-"`) or a temporary file beside `path`.
  public init(path: String) throws {
    if path == "-" {
      target = .standardOutput
      fd = 1
      return
    }
    target = .file(path)
    var real = path
    var info = stat()
    if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) {
      real = String(cString: resolved)
      free(resolved)
    }
    if stat(real, &info) == 0 {
      let kind = info.st_mode & S_IFMT
      if kind == S_IFDIR { throw FerryError(.io, "cannot write \"\(path)\": it is a directory") }
      if kind != S_IFREG {
        let descriptor = open(real, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
          throw FerryError(.io, "cannot open \"\(path)\": \(String(cString: strerror(errno)))")
        }
        fd = descriptor
        inPlace = true
        return
      }
    }
    finalPath = real
    let directory = ByteOutput.directoryOf(real)
    let base = ByteOutput.baseName(real)
    var template = Array("\(directory)/.\(base).ferry-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      throw FerryError(.io, "cannot create \"\(path)\": \(String(cString: strerror(errno)))")
    }
    fd = descriptor
    fchmod(fd, 0o644)
    temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  /// An output that collects bytes in memory.
  public init() {
    target = .memory
  }

  deinit {
    if inPlace && !committed { close(fd) }
    if !committed, let temporaryPath {
      close(fd)
      unlink(temporaryPath)
    }
  }

  public func write(_ bytes: some Sequence<UInt8>) throws {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func write(_ text: String) throws {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func flush() throws {
    guard !buffer.isEmpty else { return }
    byteCount += buffer.count
    if case .memory = target {
      memory.append(contentsOf: buffer)
      buffer.removeAll(keepingCapacity: true)
      return
    }
    var offset = 0
    while offset < buffer.count {
      let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, buffer.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        throw FerryError(.io, "cannot write \"\(displayName)\": \(String(cString: strerror(errno)))")
      }
      offset += n
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes and frees the buffer, for writers that finish one of many files (numbered EWS
  /// batches) long before the destination commits them all.
  public func finishWriting() throws {
    try flush()
    buffer = []
  }

  /// Flushes, fsyncs and renames the temporary file into place.
  public func commit() throws {
    try flush()
    guard !committed else { return }
    committed = true
    if inPlace {
      // A pipe or device: there is no file to make durable (fsync fails on pipes).
      close(fd)
      return
    }
    guard case .file(let named) = target, let temporaryPath else { return }
    let path = finalPath ?? named
    if fsync(fd) != 0 || close(fd) != 0 {
      unlink(temporaryPath)
      throw FerryError(.io, "cannot write \"\(path)\": \(String(cString: strerror(errno)))")
    }
    if rename(temporaryPath, path) != 0 {
      unlink(temporaryPath)
      throw FerryError(.io, "cannot rename into \"\(path)\": \(String(cString: strerror(errno)))")
    }
    // Make the rename itself durable.
    let dir = open(ByteOutput.directoryOf(path), O_RDONLY)
    if dir >= 0 {
      fsync(dir)
      close(dir)
    }
  }

  /// Drops a file that was not committed.
  public func discard() {
    if inPlace && !committed {
      committed = true
      close(fd)
      return
    }
    guard !committed, let temporaryPath else { return }
    committed = true
    close(fd)
    unlink(temporaryPath)
  }

  public var displayName: String {
    switch target {
    case .standardOutput: "<stdout>"
    case .file(let path): path
    case .memory: "<memory>"
    }
  }

  /// The written text, for `.memory` outputs (after `flush()` or `commit()`).
  public var text: String { String(decoding: memory, as: UTF8.self) }

  static func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
  static func baseName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}

/// Where a writer puts its output: one stream, or several named files (a folder of split
/// vCards, numbered EWS batches).
///
/// `open(name:)` gives a new atomic file; `primary` is the single stream used when a writer
/// writes one document.
public final class OutputDestination: @unchecked Sendable {
  /// The `-o` path (`-` for standard output), or a directory for splitting writers.
  public let path: String
  private var opened: [ByteOutput] = []
  private var made: Set<String> = []
  private let memoryFiles: Bool
  /// Files written, by name, when the destination keeps them in memory (tests).
  public private(set) var memoryOutputs: [(name: String, output: ByteOutput)] = []

  public init(path: String) {
    self.path = path
    memoryFiles = false
  }

  /// A destination that keeps everything in memory, for tests.
  public init(memoryNamed name: String = "<memory>") {
    path = name
    memoryFiles = true
  }

  /// The single output stream at `path`.
  public func primary() throws -> ByteOutput {
    if memoryFiles {
      let out = ByteOutput()
      memoryOutputs.append((path, out))
      return out
    }
    let out = try ByteOutput(path: path)
    opened.append(out)
    return out
  }

  /// A new file at `path` with its name replaced by `name` (`out.xml` → `out-0002.xml`),
  /// or inside the directory `path` when `inDirectory` is set.
  public func open(name: String, inDirectory: Bool = false) throws -> ByteOutput {
    if memoryFiles {
      let out = ByteOutput()
      memoryOutputs.append((name, out))
      return out
    }
    let full: String
    if inDirectory {
      try FileSystem.makeDirectory(path)
      full = path + "/" + name
    } else {
      full = ByteOutput.directoryOf(path) + "/" + name
    }
    let out = try ByteOutput(path: full)
    opened.append(out)
    return out
  }

  /// `out.xml` with `-0001` before the extension, for numbered batches.
  public func numberedName(_ number: Int) -> String {
    let base = ByteOutput.baseName(path == "-" ? "out" : path)
    let digits = String(number)
    let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    if let dot = base.lastIndex(of: "."), dot != base.startIndex {
      return "\(base[..<dot])-\(padded)\(base[dot...])"
    }
    return "\(base)-\(padded)"
  }

  /// The files this destination opened, in order (their final paths; `<stdout>` for `-`).
  public var openedPaths: [String] { opened.map(\.displayName) }

  /// Commits every file this destination opened.
  public func commitAll() throws {
    for out in opened { try out.commit() }
    for (_, out) in memoryOutputs { try out.flush() }
  }

  /// Discards every file this destination opened and did not commit.
  public func discardAll() {
    for out in opened { out.discard() }
  }
}

/// Small file-system helpers that the library needs without Foundation's FileManager.
public enum FileSystem {
  /// Creates a directory and its parents; succeeds if it exists.
  public static func makeDirectory(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      current += "/" + part
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw FerryError(.io, "cannot create directory \"\(path)\": \(String(cString: strerror(errno)))")
      }
    }
  }

  public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  public static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// A file name made safe from data: no path separators, no `..`, no control characters,
  /// no characters Windows forbids, at most 100 characters, never empty.
  public static func safeFileName(_ text: String, fallback: String = "record") -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "/", "\\", ":", "*", "?", "\"", "<", ">", "|": out.append("_")
      case _ where scalar.value < 0x20 || scalar.value == 0x7F: continue
      default: out.unicodeScalars.append(scalar)
      }
    }
    while out.hasPrefix(".") || out.hasPrefix(" ") { out.removeFirst() }
    while out.hasSuffix(".") || out.hasSuffix(" ") { out.removeLast() }
    if out.count > 100 { out = String(out.prefix(100)) }
    let reserved: Set<String> = ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "LPT1", "LPT2", "LPT3"]
    if out.isEmpty || reserved.contains(out.uppercased()) { out = fallback + (out.isEmpty ? "" : "_" + out) }
    return out
  }
}

/// Writes a stream of whole documents (EWS requests, Graph `$batch` files): a single document
/// goes to the destination's own path; from the second on, every document goes to a numbered
/// file (`out-0001.xml`, `out-0002.xml`, …), the first one included.
///
/// Standard output has no neighbours to number: documents that a reader can take one after
/// another (JSON values, which `jq` reads as a stream) are written there in order; other
/// kinds (XML, one root per document) are refused from the second document on, before
/// anything reached standard output.
public struct NumberedDocuments {
  private let destination: OutputDestination
  private var held: [UInt8]?
  /// Whether documents may follow one another on standard output.
  private let concatenates: Bool
  /// The format, for a refusal ("EWS").
  private let what: String
  private var stream: ByteOutput?
  /// Documents written so far.
  public private(set) var count = 0

  public init(destination: OutputDestination, concatenatesOnStandardOutput: Bool = false, what: String) {
    self.destination = destination
    self.concatenates = concatenatesOnStandardOutput
    self.what = what
  }

  /// Writes one finished document.
  public mutating func write(_ bytes: [UInt8]) throws {
    count += 1
    if destination.path == "-" {
      try writeToStandardOutput(bytes)
      return
    }
    if count == 1 {
      held = bytes
      return
    }
    if let first = held {
      try writeFile(first, name: destination.numberedName(1))
      held = nil
    }
    try writeFile(bytes, name: destination.numberedName(count))
  }

  private mutating func writeToStandardOutput(_ bytes: [UInt8]) throws {
    if count == 1 && !concatenates {
      held = bytes
      return
    }
    if !concatenates {
      throw FerryError(
        .unrepresentable,
        "\(what) output needs more than one request document (one per --batch records), and standard output takes one: give -o FILE (written as FILE-0001, FILE-0002, …) or a larger --batch"
      )
    }
    if stream == nil { stream = try destination.primary() }
    try stream?.write(bytes)
    if bytes.last != UInt8(ascii: "\n") { try stream?.write([UInt8(ascii: "\n")]) }
    try stream?.flush()
  }

  /// Writes a lone document to the destination's own path.
  public mutating func finish() throws {
    guard let first = held else { return }
    let out = try destination.primary()
    try out.write(first)
    try out.flush()
    held = nil
  }

  private func writeFile(_ bytes: [UInt8], name: String) throws {
    let out = try destination.open(name: name)
    try out.write(bytes)
    try out.finishWriting()
  }
}
