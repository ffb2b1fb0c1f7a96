import Foundation

/// Runs a reader on its own thread, a few batches ahead of the consumer, so that parsing
/// and writing (or planning) use both cores of a small machine.
///
/// The consumer sees exactly what the wrapped reader would give it, in the same order:
/// the same records, the same `lastRecordLocation` for each, the same thrown error at the
/// same point, and the same diagnostics in the same place relative to what the consumer
/// itself emits. The reader's diagnostics are held and replayed on the consumer's thread,
/// each just before the record that was being read when it was emitted, so sinks are still
/// called from one thread at a time and golden stderr does not change.
///
/// Memory stays bounded: about `2 × depth + 2` batches of `batchSize` records exist at once
/// (queued, being filled, being consumed, and spent ones waiting to be freed).
///
///     let relay = DiagnosticRelay(sink)
///     let inner = try open(path, diagnostics: relay.sink)   // opening reports straight away
///     var reader = PrefetchingReader(inner, relay: relay)   // from here on, replayed in order
///     while let record = try reader.next() { try writer.write(record) }
public struct PrefetchingReader: RecordReader {
  private let channel: Channel
  private let lifetime: Lifetime
  private var batch: Batch?
  private var position = 0
  /// Records handed to the consumer so far.
  private var delivered = 0
  private let diagnostics: DiagnosticSink
  public private(set) var lastRecordLocation: SourceLocation?

  /// - Parameters:
  ///   - reader: a reader made with `relay.sink`; from now on only the reading thread uses it.
  ///   - relay: the reader's sink; it records from now on, and this reader replays.
  ///   - batchSize: records per hand-over.
  ///   - depth: batches read ahead at most.
  public init(_ reader: any RecordReader, relay: DiagnosticRelay, batchSize: Int = 1024, depth: Int = 4) {
    self.diagnostics = relay.target
    let channel = Channel(depth: depth)
    self.channel = channel
    lifetime = Lifetime(channel)
    relay.record(into: channel)
    let box = ReaderBox(reader)
    let thread = Thread {
      if let reader = box.take() { channel.produce(batchSize: batchSize, reader: reader) }
    }
    thread.name = "ferry-reader"
    thread.stackSize = 8 << 20
    thread.start()
  }

  public mutating func next() throws -> Record? {
    while true {
      if batch != nil && position < batch!.records.count {
        let record = batch!.records[position]
        lastRecordLocation = batch!.locations[position]
        position += 1
        replay(upTo: delivered)
        delivered += 1
        return record
      }
      if let b = batch, b.isLast {
        replay(upTo: Int.max)
        if let error = b.error { throw error }
        return nil
      }
      // The spent batch goes back to the reading thread, which frees its records there:
      // freeing a million records costs the consumer's core seconds otherwise. It is moved,
      // not copied: a copy left here could be the last reference, and freeing memory of the
      // reading thread's malloc arena from this thread makes both threads fight over its lock.
      batch = channel.take(returning: &batch)
      position = 0
      pending.append(contentsOf: batch!.diagnostics)
    }
  }

  private var pending: [(index: Int, diagnostic: Diagnostic)] = []
  private var replayed = 0

  private mutating func replay(upTo index: Int) {
    while replayed < pending.count, pending[replayed].index <= index {
      diagnostics.emit(pending[replayed].diagnostic)
      replayed += 1
    }
    if replayed == pending.count {
      pending.removeAll(keepingCapacity: true)
      replayed = 0
    }
  }

  /// Stops the reading thread when the consumer gives up early (an error while writing);
  /// `next()` then returns what is already queued, and nil after it.
  public func cancel() { channel.cancel() }

  private final class ReaderBox: @unchecked Sendable {
    var reader: (any RecordReader)?
    init(_ reader: any RecordReader) { self.reader = reader }
    /// The reader, moved out: the reading thread then holds the only copy.
    func take() -> (any RecordReader)? {
      defer { reader = nil }
      return reader
    }
  }

  /// Cancels the reading thread when the last copy of the reader goes away.
  private final class Lifetime: @unchecked Sendable {
    let channel: Channel
    init(_ channel: Channel) { self.channel = channel }
    deinit { channel.cancel() }
  }

  struct Batch: @unchecked Sendable {
    var records: [Record] = []
    var locations: [SourceLocation?] = []
    var diagnostics: [(index: Int, diagnostic: Diagnostic)] = []
    var isLast = false
    var error: (any Error)?
  }

  /// The bounded hand-over between the reading thread and the consumer.
  final class Channel: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Batch] = []
    /// Batches the consumer is done with, for the reading thread to free.
    private var spent: [Batch] = []
    private var cancelled = false
    private let depth: Int
    /// Owned by the reading thread: diagnostics of the batch being filled.
    private var recorded: [(index: Int, diagnostic: Diagnostic)] = []

    /// Index of the record being read, for the diagnostics emitted while reading it.
    private var produced = 0

    init(depth: Int) { self.depth = max(1, depth) }

    /// Called on the reading thread through `DiagnosticRelay`.
    func recordDiagnostic(_ d: Diagnostic) { recorded.append((produced, d)) }

    func cancel() {
      condition.lock()
      cancelled = true
      condition.broadcast()
      condition.unlock()
    }

    func produce(batchSize: Int, reader: any RecordReader) {
      var reader = reader
      var current = Batch()
      current.records.reserveCapacity(batchSize)
      do {
        while let record = try reader.next() {
          current.records.append(record)
          current.locations.append(reader.lastRecordLocation)
          produced += 1
          if current.records.count == batchSize {
            current.diagnostics = recorded
            recorded = []
            var full = Batch()
            full.records.reserveCapacity(batchSize)
            swap(&full, &current)
            guard put(&full) else { return }
          }
        }
      } catch {
        current.error = error
      }
      current.diagnostics = recorded
      recorded = []
      current.isLast = true
      _ = put(&current)
    }

    /// Waits for room; false when the consumer has gone. Frees the batches the consumer
    /// handed back, on this thread and outside the lock.
    private func put(_ batch: inout Batch) -> Bool {
      var garbage: [Batch] = []
      condition.lock()
      while queue.count >= depth && !cancelled { condition.wait() }
      let accepted = !cancelled
      if accepted {
        // Moved in: the reading thread keeps no reference the consumer could outlive.
        queue.append(Batch())
        swap(&queue[queue.count - 1], &batch)
        condition.broadcast()
      }
      swap(&garbage, &spent)
      condition.unlock()
      garbage.removeAll()
      return accepted
    }

    func take(returning old: inout Batch?) -> Batch {
      condition.lock()
      defer { condition.unlock() }
      if old != nil {
        // Swapped in, so that the only reference ends up in `spent`.
        spent.append(Batch())
        swap(&spent[spent.count - 1], &old!)
        old = nil
      }
      while queue.isEmpty && !cancelled { condition.wait() }
      guard !queue.isEmpty else {
        // Cancelled: the reading thread has stopped; the input ends here.
        var last = Batch()
        last.isLast = true
        return last
      }
      let batch = queue.removeFirst()
      condition.broadcast()
      return batch
    }
  }
}

/// The sink a prefetched reader is made with: it passes diagnostics straight through until
/// `PrefetchingReader` takes the reader over, then records them for in-order replay.
public final class DiagnosticRelay: @unchecked Sendable {
  public let target: DiagnosticSink
  private var channel: PrefetchingReader.Channel?

  public init(_ target: DiagnosticSink) { self.target = target }

  public var sink: DiagnosticSink {
    DiagnosticSink { [self] d in
      if let channel { channel.recordDiagnostic(d) } else { target.emit(d) }
    }
  }

  func record(into channel: PrefetchingReader.Channel) { self.channel = channel }
}
