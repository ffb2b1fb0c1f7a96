import FerryModel
import Foundation

/// Reads the records of planned entries ahead of the applier, on another thread.
///
/// A first push spools nearly every planned record; reading one back (decoding it) costs
/// about as much as writing it, so the two overlap: this thread decodes the next few hundred
/// records while the applier writes the ones before. At most `depth` chunks of `chunkSize`
/// records wait, so memory stays bounded. Records come out in the order of `indexes`, each
/// with what `PlanEntry.loadRecord()` gave for it (its error too, at its place).
final class RecordPrefetch: @unchecked Sendable {
  private let condition = NSCondition()
  /// Chunks decoded and not yet taken, oldest first.
  private var ready: [[Result<Record?, any Error>]] = []
  private var stopped = false
  private var current: [Result<Record?, any Error>] = []
  private var position = 0

  init(entries: [PlanEntry], indexes: [Int], chunkSize: Int = 256, depth: Int = 4) {
    let thread = Thread { [self] in
      var start = 0
      while start < indexes.count {
        let end = min(start + chunkSize, indexes.count)
        let chunk = indexes[start..<end].map { i in Result { try entries[i].loadRecord() } }
        condition.lock()
        while ready.count >= depth && !stopped { condition.wait() }
        if stopped {
          condition.unlock()
          return
        }
        ready.append(chunk)
        condition.broadcast()
        condition.unlock()
        start = end
      }
    }
    thread.stackSize = 1 << 22
    thread.start()
  }

  /// The next record; call exactly once per index given.
  func next() throws -> Record? {
    if position == current.count {
      condition.lock()
      while ready.isEmpty { condition.wait() }
      current = ready.removeFirst()
      condition.broadcast()
      condition.unlock()
      position = 0
    }
    defer { position += 1 }
    return try current[position].get()
  }

  /// Lets the thread end without decoding the rest (the applier stopped early).
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
  }
}
