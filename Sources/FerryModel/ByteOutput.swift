#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A buffered byte sink: standard output, a file written atomically, or memory.
///
/// A file is written to a temporary name beside its final path, made durable and renamed by
/// `commit()`, so a crash never leaves half a file. `discard()` (or dropping an
/// uncommitted output) removes the temporary file; every temporary file is listed in
/// `TemporaryFiles.shared`, so that a terminating signal can remove it too. A new file gets
/// the permissions the umask allows (as any new file); a file that is replaced keeps its
/// permission bits and, where the user may set them, its owner and group. A symbolic link
/// is followed: the file it points to is replaced and the link stays. A path that is not a
/// regular file (a pipe, `/dev/stdout`, `/dev/null`, a terminal) is written in place, since
/// renaming over it would replace the device or pipe with a file; a directory is refused.
public final class ByteOutput: @unchecked Sendable {
  public enum Target: Sendable {
    case standardOutput
    case file(String)
    case memory
  }

  public let target: Target
  /// The open descriptor; `-1` once `finishWriting()` or `commit()` closed the temporary file.
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
  /// Where the writeback of a temporary file was last started (see `startWriteback()`).
  private var writebackStart = 0

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
    var replaced: stat?
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
      replaced = info
    }
    finalPath = real
    let prefix = "\(ByteOutput.directoryOf(real))/.\(ByteOutput.baseName(real)).ferry-"
    // Never wider than the file it replaces, even for the moment before `keepAttributes`.
    let mode = replaced.map { $0.st_mode & 0o777 } ?? 0o666
    switch TemporaryFiles.shared.create(prefix: prefix, mode: mode) {
    case .created(let descriptor, let temporary):
      fd = descriptor
      temporaryPath = temporary
    case .failed(let code):
      throw FerryError(.io, "cannot create \"\(path)\": \(String(cString: strerror(code)))")
    case .terminating:
      throw FerryError(.io, "cannot create \"\(path)\": ferry is being interrupted")
    }
    if let replaced { ByteOutput.keepAttributes(of: replaced, on: fd) }
  }

  /// Gives the new file the permission bits of the file it replaces and, where allowed, its
  /// owner and group (an administrator's shared `contacts.csv` stays group-readable).
  ///
  /// Set-user-ID and set-group-ID bits are not carried over: an output is data.
  private static func keepAttributes(of replaced: stat, on descriptor: Int32) {
    if replaced.st_uid != geteuid() || replaced.st_gid != getegid() {
      // Only root may give a file away; a member of the group may still give it the group.
      if fchown(descriptor, replaced.st_uid, replaced.st_gid) != 0 {
        _ = fchown(descriptor, uid_t.max, replaced.st_gid)
      }
    }
    // After fchown, which may clear mode bits; the umask does not apply to fchmod.
    _ = fchmod(descriptor, replaced.st_mode & 0o777)
  }

  /// An output that collects bytes in memory.
  public init() {
    target = .memory
  }

  deinit {
    if inPlace && !committed { close(fd) }
    if !committed, let temporaryPath {
      if fd >= 0 { close(fd) }
      TemporaryFiles.shared.remove(temporaryPath)
    }
  }

  public func write(_ bytes: some Sequence<UInt8>) throws {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { try flush() }
  }

  /// Writes the bytes of a writer's own buffer. A run of `directSize` bytes or more, with
  /// nothing buffered before it, goes to the file from where it is: the writers hand over
  /// 64 KB at a time, and copying each into `buffer` first copied every byte written once
  /// more. (Concrete, unlike `write(_:)` for any sequence, which is not specialized in the
  /// writers' modules.)
  public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
    if buffer.isEmpty && bytes.count >= Self.directSize {
      if case .memory = target {
        byteCount += bytes.count
        memory.append(contentsOf: bytes)
        return
      }
      try writeOut(UnsafeRawBufferPointer(bytes))
      return
    }
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.directSize { try flush() }
  }

  /// `write(_:)` for an array, through its buffer.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBufferPointer { try write($0) }
  }

  /// The size at which `buffer` is written out, and from which a run handed to `write` is
  /// written without going through it.
  static let directSize = 1 << 16

  public func write(_ text: String) throws {
    var text = text
    text.withUTF8 { buffer.append(contentsOf: $0) }
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func flush() throws {
    guard !buffer.isEmpty else { return }
    if case .memory = target {
      byteCount += buffer.count
      memory.append(contentsOf: buffer)
      buffer.removeAll(keepingCapacity: true)
      return
    }
    try buffer.withUnsafeBytes { try writeOut($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Writes `bytes` to the descriptor, whole, and counts them.
  private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
    byteCount += bytes.count
    var offset = 0
    while offset < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw FerryError(.io, "cannot write \"\(displayName)\": \(String(cString: strerror(errno)))")
      }
      offset += n
    }
    if temporaryPath != nil && byteCount - writebackStart >= ByteOutput.writebackStep { startWriteback() }
  }

  /// A big file is made durable as it is written: every `writebackStep` bytes, the kernel is
  /// asked to start writing the new ones to disk (`sync_file_range`, which does not wait),
  /// so that `commit()`'s fsync finds little left to wait for (for a 600 MB file, a quarter
  /// of a second less at the end).
  private func startWriteback() {
    guard let syncFileRange = ByteOutput.syncFileRange, fd >= 0 else { return }
    _ = syncFileRange(fd, Int64(writebackStart), Int64(byteCount - writebackStart), ByteOutput.syncFileRangeWrite)
    writebackStart = byteCount
  }

  static let writebackStep = 8 << 20
  /// `SYNC_FILE_RANGE_WRITE` of `<fcntl.h>`.
  static let syncFileRangeWrite: UInt32 = 2

  /// Linux's `sync_file_range(2)`, which the Glibc module does not import; nil elsewhere.
  private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
    #if os(Linux)
      guard let symbol = dlsym(nil, "sync_file_range") else { return nil }
      return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    #else
      return nil
    #endif
  }()

  /// Flushes, frees the buffer and closes the temporary file, for writers that finish one
  /// of many files (one vCard per contact, numbered EWS batches) long before the destination
  /// commits them all: a pending file then holds no descriptor, only its name.
  ///
  /// Later writes are a programmer error; `commit()` and `discard()` work as before.
  public func finishWriting() throws {
    try flush()
    buffer = []
    guard temporaryPath != nil, fd >= 0 else { return }
    let status = close(fd)
    fd = -1
    if status != 0 { throw FerryError(.io, "cannot write \"\(displayName)\": \(String(cString: strerror(errno)))") }
  }

  /// Flushes, fsyncs and renames the temporary file into place.
  public func commit() throws {
    try flush()
    guard !committed else { return }
    if inPlace || temporaryPath == nil {
      committed = true
      // A pipe or device: there is no file to make durable (fsync fails on pipes).
      if inPlace { close(fd) }
      return
    }
    try makeDurable()
    try TemporaryFiles.shared.renaming { settled in try moveIntoPlace(settled: settled) }
    ByteOutput.syncDirectory(ByteOutput.directoryOf(renamedPath))
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
    if fd >= 0 { close(fd) }
    fd = -1
    TemporaryFiles.shared.remove(temporaryPath)
  }

  // MARK: - Committing in steps (`OutputDestination.commitAll`)

  /// A temporary file that still has to be renamed into place.
  var awaitsRename: Bool { !committed && !inPlace && temporaryPath != nil }

  /// A temporary file that `finishWriting()` closed: its data is not durable yet.
  var isClosedUnsynced: Bool { awaitsRename && fd < 0 }

  /// Where the temporary file goes.
  var renamedPath: String {
    if let finalPath { return finalPath }
    if case .file(let named) = target { return named }
    return displayName
  }

  /// Makes the temporary file's data durable: fsync on the open descriptor, or on a new
  /// one after `finishWriting()` closed it (fsync works on any descriptor of the file).
  func makeDurable() throws {
    guard let temporaryPath else { return }
    let descriptor = fd >= 0 ? fd : open(temporaryPath, O_RDONLY | O_CLOEXEC)
    fd = -1
    var failure: Int32 = 0
    if descriptor < 0 || fsync(descriptor) != 0 { failure = errno }
    if descriptor >= 0 && close(descriptor) != 0 && failure == 0 { failure = errno }
    if failure != 0 {
      throw FerryError(.io, "cannot write \"\(renamedPath)\": \(String(cString: strerror(failure)))")
    }
  }

  /// Renames the (durable, closed) temporary file onto its final path; inside
  /// `TemporaryFiles.renaming`, which hands in `settled`.
  func moveIntoPlace(settled: (String) -> Void) throws {
    guard awaitsRename, let temporaryPath else { return }
    committed = true
    let path = renamedPath
    if fd >= 0 { close(fd) }
    fd = -1
    if rename(temporaryPath, path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      settled(temporaryPath)
      throw FerryError(.io, "cannot rename into \"\(path)\": \(reason)")
    }
    settled(temporaryPath)
  }

  /// Makes the renames in a directory durable (best effort: some file systems refuse it).
  static func syncDirectory(_ directory: String) {
    let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
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
/// writes one document. Nothing is renamed into place before `commitAll()`. A writer that
/// makes many files calls `finishWriting()` on each, so that a pending file keeps no
/// descriptor: any number of files fits in the descriptor limit, and memory grows only with
/// the list of pending names.
public final class OutputDestination: @unchecked Sendable {
  /// The `-o` path (`-` for standard output), or a directory for splitting writers.
  public let path: String
  private var opened: [ByteOutput] = []
  private var madeDirectory = false
  /// Names of the files opened inside `path` (`inDirectory`), lower-cased → as written.
  private(set) var namesInDirectory: [String: String] = [:]
  private let memoryFiles: Bool
  /// Files written, by name, when the destination keeps them in memory (tests).
  public private(set) var memoryOutputs: [(name: String, output: ByteOutput)] = []

  /// Above this many closed files, one `syncfs` beats one `fsync` each (each is a journal
  /// commit; 20,000 of them took minutes on a virtual disk).
  static let syncFileSystemThreshold = 16

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
      if !madeDirectory {
        try FileSystem.makeDirectory(path)
        madeDirectory = true
      }
      full = path.hasSuffix("/") ? path + name : path + "/" + name
      namesInDirectory[name.lowercased()] = name
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

  /// Commits every file this destination opened: all of them are made durable first, then
  /// renamed in one go (a terminating signal waits for the last rename), then each
  /// directory is synced once.
  ///
  /// If a rename fails, the files renamed before it stay and the rest are left for
  /// `discardAll()`.
  public func commitAll() throws {
    for out in opened { try out.flush() }
    let pending = opened.filter(\.awaitsRename)
    try OutputDestination.makeDurable(pending)
    try TemporaryFiles.shared.renaming { settled in
      for out in pending { try out.moveIntoPlace(settled: settled) }
    }
    var directories: Set<String> = []
    for out in pending where directories.insert(ByteOutput.directoryOf(out.renamedPath)).inserted {
      ByteOutput.syncDirectory(ByteOutput.directoryOf(out.renamedPath))
    }
    // Standard output, pipes and devices: flushed above, closed here.
    for out in opened { try out.commit() }
    for (_, out) in memoryOutputs { try out.flush() }
  }

  /// Discards every file this destination opened and did not commit.
  public func discardAll() {
    for out in opened { out.discard() }
  }

  /// fsync for a few files; for many files closed by `finishWriting()`, one `syncfs` per
  /// directory's file system, which writes them all in one journal commit.
  private static func makeDurable(_ pending: [ByteOutput]) throws {
    let closed = pending.filter(\.isClosedUnsynced)
    guard closed.count > syncFileSystemThreshold, let syncFileSystem = FileSystem.syncFileSystem else {
      for out in pending { try out.makeDurable() }
      return
    }
    for out in pending where !out.isClosedUnsynced { try out.makeDurable() }
    var directories: Set<String> = []
    for out in closed where directories.insert(ByteOutput.directoryOf(out.renamedPath)).inserted {
      let directory = ByteOutput.directoryOf(out.renamedPath)
      let descriptor = Glibc.open(directory, O_RDONLY | O_CLOEXEC)
      if descriptor < 0 || syncFileSystem(descriptor) != 0 {
        let reason = String(cString: strerror(errno))
        if descriptor >= 0 { close(descriptor) }
        throw FerryError(.io, "cannot write the files in \"\(directory)\": \(reason)")
      }
      close(descriptor)
    }
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

  /// `syncfs(2)` where the C library has it (Linux; the Glibc module does not export it):
  /// it writes every dirty file of one file system and, since Linux 5.8, reports their
  /// write-back errors. `nil` elsewhere, where the caller fsyncs file by file.
  static let syncFileSystem: (@convention(c) (Int32) -> Int32)? = {
    #if os(Linux)
      // A null handle is RTLD_DEFAULT: the symbol as the program already links it.
      guard let symbol = dlsym(nil, "syncfs") else { return nil }
      return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    #else
      return nil
    #endif
  }()

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
