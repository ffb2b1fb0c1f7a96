import FerryModel
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on a ledger for the length of one push: an `flock` on the file
/// `<ledger>.lock` beside it.
///
/// Taken before crash recovery and planning and held until the ledger transaction has
/// committed, so that two pushes on one ledger never plan from the same state (both would be
/// "run 1", and one would remove the other's run folder as unfinished). A second push fails
/// at once instead of waiting. The kernel drops the lock when the process ends, however it
/// ends, so a crashed push leaves no stale lock; the lock file itself stays (removing it
/// would let a third process lock a new file while a second still holds the old one).
///
///     let lock = try LedgerLock(ledgerPath: "ferry-ledger.sqlite")
///     defer { lock.release() }
public final class LedgerLock {
  /// The lock file: the ledger's path with `.lock` added.
  public let path: String
  private var descriptor: Int32

  /// Takes the lock, creating the ledger's folder and the lock file when needed.
  ///
  /// - Throws: `FerryError(.io)` when another process holds the lock, or the lock file
  ///   cannot be opened.
  public init(ledgerPath: String) throws {
    path = ledgerPath + ".lock"
    if let slash = ledgerPath.lastIndex(of: "/"), slash != ledgerPath.startIndex {
      try FileSystem.makeDirectory(String(ledgerPath[..<slash]))
    }
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else {
      let reason = String(cString: strerror(errno))
      throw FerryError(.io, "cannot open the ledger's lock file \"\(path)\": \(reason)")
    }
    var result: Int32
    repeat { result = flock(descriptor, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
    guard result == 0 else {
      let busy = errno == EWOULDBLOCK
      let reason = String(cString: strerror(errno))
      close(descriptor)
      descriptor = -1
      throw FerryError(
        .io,
        busy
          ? "the ledger \"\(ledgerPath)\" is in use by another ferry push (lock \"\(path)\"); run again when it has finished"
          : "cannot lock the ledger \"\(ledgerPath)\" (lock \"\(path)\"): \(reason)")
    }
  }

  /// Gives the lock up; closing the descriptor drops the `flock`.
  public func release() {
    guard descriptor >= 0 else { return }
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}
