import FerryModel
import Foundation

/// What ferry does on SIGINT, SIGTERM and SIGHUP: remove every temporary output file, leave
/// the previous outputs as they were, and exit with 128 + the signal (130 for Ctrl-C).
///
/// The signals are ignored at the process level and delivered to DispatchSource handlers,
/// which run on an ordinary thread: taking a lock, unlinking and printing are not allowed in
/// a raw signal handler. A signal that arrives while a commit renames its files waits for
/// the last rename (`TemporaryFiles.renaming`), so a folder is never left half renamed; the
/// run then exits with 128 + signal all the same. The push ledger needs nothing here: its
/// transaction is not committed, and SQLite rolls it back on the next open.
enum Interruption {
  /// Installs the handlers; keep the returned sources alive for as long as they should act.
  ///
  /// A signal the parent already ignores stays ignored (`nohup ferry push …` must survive
  /// the terminal closing, and shells ignore SIGINT for background jobs).
  static func install() -> [any DispatchSourceSignal] {
    var sources: [any DispatchSourceSignal] = []
    for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
      let previous = signal(signalNumber, SIG_IGN)
      if isIgnore(previous) { continue }
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler { terminate(signalNumber) }
      source.resume()
      sources.append(source)
    }
    return sources
  }

  /// Removes the temporary files, says so, and exits without running `atexit` handlers or
  /// destructors, which would race with the thread still converting.
  private static func terminate(_ signalNumber: Int32) -> Never {
    let removed = TemporaryFiles.shared.removeAllForTermination()
    let files = removed == 1 ? "1 unfinished file" : "\(removed) unfinished files"
    // On a terminal, first clear the progress line (and the echoed ^C).
    let clear = isatty(2) != 0 ? "\r\u{1B}[K" : ""
    let message =
      "\(clear)ferry: interrupted by \(name(of: signalNumber)); removed \(files), earlier output left as it was\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    _exit(128 + signalNumber)
  }

  private static func name(of signalNumber: Int32) -> String {
    switch signalNumber {
    case SIGINT: "SIGINT"
    case SIGTERM: "SIGTERM"
    case SIGHUP: "SIGHUP"
    default: "signal \(signalNumber)"
    }
  }

  /// C function pointers are not Equatable in Swift; compare their addresses.
  private static func isIgnore(_ handler: (@convention(c) (Int32) -> Void)?) -> Bool {
    guard let handler else { return false }
    return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
  }
}
