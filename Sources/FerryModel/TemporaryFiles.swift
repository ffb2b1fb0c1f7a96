import Foundation

/// The temporary output files of the process that are neither renamed into place nor
/// removed yet, so that a terminating signal can remove them all.
///
/// `ByteOutput` creates, renames and removes its temporary files through `shared`. The
/// library installs no signal handler: the CLI calls `removeAllForTermination()` from its
/// own handler and then exits. One lock guards the list, and creating a file and renaming a
/// commit's files both happen under it, so the handler never misses a file that exists but
/// is not listed yet, and never stops a commit between two of its renames (it waits for the
/// last one: the output is then complete on disk).
public final class TemporaryFiles: @unchecked Sendable {
  /// The registry `ByteOutput` uses.
  public static let shared = TemporaryFiles()

  /// What `create(prefix:mode:)` made.
  enum Creation {
    case created(descriptor: Int32, path: String)
    /// `open` failed with this `errno`.
    case failed(Int32)
    /// The process is terminating; nothing was created.
    case terminating
  }

  private let lock = NSLock()
  private var pending: Set<String> = []
  private var terminating = false

  /// A registry of its own, for tests; the library uses `shared`.
  public init() {}

  /// The temporary files listed now.
  public var count: Int { lock.withLock { pending.count } }

  /// Whether a terminating signal is being handled: the handler exits the process, so the
  /// rest of the program must not exit first with a status of its own.
  public var isTerminating: Bool { lock.withLock { terminating } }

  /// Creates and lists an empty file named `prefix` plus six random characters.
  ///
  /// `open` applies the umask to `mode` (and a directory's default ACL, which `mkstemp`
  /// followed by `fchmod` would override), so a new output gets the permissions any other
  /// new file would.
  func create(prefix: String, mode: mode_t) -> Creation {
    lock.withLock {
      guard !terminating else { return .terminating }
      for _ in 0..<100 {
        let path = prefix + TemporaryFiles.randomSuffix()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor >= 0 {
          pending.insert(path)
          return .created(descriptor: descriptor, path: path)
        }
        if errno != EEXIST { return .failed(errno) }
      }
      return .failed(EEXIST)
    }
  }

  /// Removes a temporary file that will not be committed.
  func remove(_ path: String) {
    lock.withLock {
      unlink(path)
      pending.remove(path)
    }
  }

  /// Runs `body` (the renames of one commit) while holding the lock, so that a terminating
  /// signal waits until all of them are done rather than leaving half the files renamed.
  ///
  /// `body` calls `settled` with each temporary path it renamed or removed.
  /// - Throws: `FerryError` if the process is already terminating (its files are gone);
  ///   whatever `body` throws.
  func renaming(_ body: (_ settled: (String) -> Void) throws -> Void) throws {
    lock.lock()
    defer { lock.unlock() }
    guard !terminating else { throw FerryError(.io, "interrupted; nothing renamed into place") }
    try body { pending.remove($0) }
  }

  /// Removes every listed file and marks the process as terminating, so that no new
  /// temporary file is created from now on. For the CLI's signal handler.
  ///
  /// - Returns: how many files were removed.
  @discardableResult
  public func removeAllForTermination() -> Int {
    lock.withLock {
      terminating = true
      for path in pending { unlink(path) }
      defer { pending.removeAll() }
      return pending.count
    }
  }

  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

  /// Six letters or digits, as `mkstemp` would use, from one random number (one
  /// `getrandom` call per file, not one per character).
  private static func randomSuffix() -> String {
    var bits = UInt64.random(in: .min ... .max)
    var suffix = ""
    for _ in 0..<6 {
      suffix.append(alphabet[Int(bits % UInt64(alphabet.count))])
      bits /= UInt64(alphabet.count)
    }
    return suffix
  }
}
