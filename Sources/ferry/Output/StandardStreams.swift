import FerryModel

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// Standard output and standard error through write(2).
///
/// `FileHandle.write` traps on any error: a closed or full standard error (`2>&-`,
/// `2>/dev/full`, a cron log on a full disk) crashed ferry with "Illegal instruction" at its
/// first warning and left its temporary files behind. Here a failed write to standard error
/// is ignored (there is nowhere left to say so), and a failed write to standard output is an
/// error, so that a pipeline never takes a lost result for a successful run.
enum StandardStreams {
  /// Writes to standard error; a failure is ignored.
  static func error(_ text: String) {
    _ = writeAll(2, text)
  }

  /// Writes to standard output, after anything `print` buffered.
  static func output(_ text: String) throws {
    if fflush(stdout) != 0 || ferror(stdout) != 0 { throw outputError(errno) }
    if let code = writeAll(1, text) { throw outputError(code) }
  }

  /// Flushes what `print` buffered; nil when everything reached standard output, else the
  /// message to show.
  static func finishOutput() -> String? {
    let failed = fflush(stdout) != 0 || ferror(stdout) != 0
    guard failed else { return nil }
    if errno == EPIPE { brokenPipe() }
    return "ferry: cannot write standard output: \(String(cString: strerror(errno == 0 ? EIO : errno)))"
  }

  /// A standard output or error the caller closed (`>&-`) would be taken by the next file
  /// ferry opens, and `print` would write into it. Standard output is held by /dev/null open
  /// for reading, so that every write to it fails (and is reported); standard error by
  /// /dev/null for writing.
  static func holdClosedDescriptors() {
    for (descriptor, flags) in [(Int32(1), O_RDONLY), (Int32(2), O_WRONLY)] {
      guard fcntl(descriptor, F_GETFD) == -1, errno == EBADF else { continue }
      let opened = open("/dev/null", flags)
      if opened >= 0 && opened != descriptor {
        dup2(opened, descriptor)
        close(opened)
      }
    }
  }

  /// SIGPIPE is ignored (`holdClosedDescriptors` time): killed by it, ferry left its
  /// temporary files (`ferry convert big -o out.csv 2>&1 | head -1`). Now a write to a
  /// reader that went away fails with EPIPE: on standard error it is ignored and the run
  /// goes on; on standard output the run ends as the signal would have ended it (status
  /// 141, nothing printed) once the unfinished files are removed.
  static func ignoreBrokenPipeSignal() {
    signal(SIGPIPE, SIG_IGN)
  }

  /// The reader of standard output went away: remove the unfinished files and exit quietly
  /// with 128 + SIGPIPE, as a process the signal killed.
  static func brokenPipe() -> Never {
    _ = TemporaryFiles.shared.removeAllForTermination()
    _exit(128 + SIGPIPE)
  }

  /// Ends the run as `brokenPipe()` when `error` is a write to standard output that failed
  /// because its reader went away.
  static func exitIfBrokenPipe(_ error: FerryError) {
    if error.kind == .io && error.message.hasPrefix("cannot write \"<stdout>\"")
      && error.message.hasSuffix(String(cString: strerror(EPIPE)))
    {
      brokenPipe()
    }
  }

  private static func outputError(_ code: Int32) -> FerryError {
    if code == EPIPE { brokenPipe() }
    return FerryError(.io, "cannot write \"<stdout>\": \(String(cString: strerror(code == 0 ? EIO : code)))")
  }

  /// nil when every byte was written, else errno.
  private static func writeAll(_ descriptor: Int32, _ text: String) -> Int32? {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += n
    }
    return nil
  }
}

/// Why a text file could not be read, in the system's words ("No such file or directory",
/// "Is a directory", "Permission denied"), not Foundation's ("The operation could not be
/// completed. (NSCocoaErrorDomain error 256.)").
func readFailureReason(_ path: String, _ error: any Error) -> String {
  var info = stat()
  if stat(path, &info) != 0 { return String(cString: strerror(errno)) }
  if (info.st_mode & S_IFMT) == S_IFDIR { return String(cString: strerror(EISDIR)) }
  if access(path, R_OK) != 0 { return String(cString: strerror(errno)) }
  return "not UTF-8 text"
}

/// A help text written as wrapped source lines, made into paragraphs that ArgumentParser
/// wraps to the terminal: it keeps line breaks, so a source line of 88 characters printed
/// as 80 and a lone word ("the", "unless") on the next line. Lines of a paragraph are
/// joined; indented lines (examples) and the line before them ("Examples:") stay as they are.
func prose(_ text: String) -> String {
  text.components(separatedBy: "\n\n").map { paragraph in
    var lines: [String] = []
    for line in paragraph.components(separatedBy: "\n") {
      if let last = lines.last, !line.hasPrefix(" "), !last.hasPrefix(" "), !last.hasSuffix(":"), !line.isEmpty {
        lines[lines.count - 1] = last + " " + line
      } else {
        lines.append(line)
      }
    }
    return lines.joined(separator: "\n")
  }.joined(separator: "\n\n")
}
