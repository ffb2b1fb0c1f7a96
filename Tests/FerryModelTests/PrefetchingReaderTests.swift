import FerryModel
import Testing

/// A reader that yields `count` contacts named 0, 1, …, warns while reading every third,
/// and throws after `failAfter` records when asked to.
private struct CountingReader: RecordReader {
  let count: Int
  let failAfter: Int?
  let sink: DiagnosticSink
  var index = 0
  var lastRecordLocation: FerryModel.SourceLocation?

  mutating func next() throws -> Record? {
    if let failAfter, index == failAfter {
      throw FerryError(.malformedInput, "broken at \(index)")
    }
    guard index < count else { return nil }
    if index % 3 == 0 { sink.warning("reading \(index)") }
    var c = Contact()
    c.formattedName = String(index)
    lastRecordLocation = FerryModel.SourceLocation(file: "in", line: index + 1, column: 1)
    index += 1
    return .contact(c)
  }
}

/// Runs `body` over a reader, sequentially or prefetched, and logs what the consumer sees:
/// records, the location of each, and diagnostics from reader and consumer in one stream.
private func transcript(prefetch: Bool, count: Int, failAfter: Int? = nil, batchSize: Int = 4) -> [String] {
  var log: [String] = []
  let sink = DiagnosticSink { log.append("diag \($0.message)") }
  let relay = DiagnosticRelay(sink)
  let inner = CountingReader(count: count, failAfter: failAfter, sink: prefetch ? relay.sink : sink)
  var reader: any RecordReader = prefetch ? PrefetchingReader(inner, relay: relay, batchSize: batchSize, depth: 2) : inner
  do {
    while let r = try reader.next() {
      log.append("record \(r.contact?.formattedName ?? "") at \(reader.lastRecordLocation?.line ?? 0)")
      if (Int(r.contact?.formattedName ?? "") ?? 0) % 5 == 0 { sink.warning("writing \(r.contact?.formattedName ?? "")") }
    }
    log.append("end")
  } catch {
    log.append("error \(error)")
  }
  return log
}

@Suite("PrefetchingReader")
struct PrefetchingReaderTests {
  @Test("the consumer sees what a plain reader gives: records, locations, diagnostics in order", arguments: [1, 4, 7, 256])
  func sameAsSequential(batchSize: Int) {
    let plain = transcript(prefetch: false, count: 100)
    let prefetched = transcript(prefetch: true, count: 100, batchSize: batchSize)
    #expect(plain.count == 100 + 34 + 20 + 1)
    #expect(prefetched == plain)
  }

  @Test("an error thrown by the reader arrives after the records before it")
  func errorInPlace() {
    let plain = transcript(prefetch: false, count: 100, failAfter: 42)
    let prefetched = transcript(prefetch: true, count: 100, failAfter: 42)
    #expect(plain.last?.contains("broken at 42") == true)
    #expect(prefetched == plain)
  }

  @Test("an empty input ends at once")
  func empty() {
    #expect(transcript(prefetch: true, count: 0) == ["end"])
  }

  @Test("a consumer that stops early does not hang the reading thread")
  func stopsEarly() throws {
    let relay = DiagnosticRelay(.ignore)
    var reader = PrefetchingReader(
      CountingReader(count: 1_000_000, failAfter: nil, sink: relay.sink), relay: relay, batchSize: 16, depth: 2)
    for _ in 0..<10 { _ = try reader.next() }
    reader.cancel()
    // What was already queued comes out, then the input ends: no wait for the other million.
    var more = 0
    while try reader.next() != nil { more += 1 }
    #expect(more < 1_000_000 - 10)
  }
}
