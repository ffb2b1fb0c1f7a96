import FerryModel
import FerryTime
import Foundation

/// One canonical record per line, as JSON: `{"contact":{…}}` or `{"event":{…}}`.
///
/// The field names are the model's (`emails[].address`, `start`); times are the strings
/// `EventTime.description` prints. Meant for pipelines and `jq`.
public struct NDJSONReader: RecordReader {
  private let input: ByteInput
  /// The input's name, interned once for every line's location.
  private let source: SourceName
  private let diagnostics: DiagnosticSink
  private var buffer: [UInt8] = []
  private var position = 0
  private var line = 0
  private var done = false
  private let decoder = JSONDecoder()
  private let unknown = UnknownKeys()
  public private(set) var lastRecordLocation: SourceLocation?

  public init(input: ByteInput, diagnostics: DiagnosticSink) {
    self.input = input
    source = SourceName(input.name)
    self.diagnostics = diagnostics
    decoder.userInfo[UnknownKeys.userInfoKey] = unknown
  }

  public mutating func next() throws -> Record? {
    while let lineBytes = try nextLine() {
      line += 1
      var bytes = lineBytes[...]
      if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
      while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") { bytes = bytes.dropLast() }
      if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
      let location = SourceLocation(source: source, line: line, column: 1, record: nil)
      lastRecordLocation = location
      // The fast path reads the lines ferry writes; anything it is not sure of (an unknown
      // key, a malformed line, `1.0` for an integer) is decoded by JSONDecoder, which gives the
      // same record or says what is wrong (see `JSONScanner`).
      if let record = bytes.withUnsafeBufferPointer({ try? JSONScanner.decode(Record.self, from: $0) }) {
        return record
      }
      do {
        unknown.removeAll()
        let record = try decoder.decode(Record.self, from: Data(bytes))
        if !unknown.paths.isEmpty {
          // A misspelt key ("emial") would otherwise vanish without a word.
          let names = unknown.paths.map { "\"\($0)\"" }.joined(separator: ", ")
          diagnostics.warning(
            "unknown field\(unknown.paths.count == 1 ? "" : "s") \(names) ignored (the field names are those `ferry convert --to ndjson` writes)",
            at: location, code: "unmapped")
        }
        return record
      } catch let error as DecodingError {
        diagnostics.error("line is not a ferry record: \(NDJSONReader.describe(error)); skipped", at: location)
      } catch {
        diagnostics.error("line is not JSON; skipped", at: location)
      }
    }
    return nil
  }

  private mutating func nextLine() throws -> [UInt8]? {
    while true {
      if let nl = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
        let line = Array(buffer[position..<nl])
        position = nl + 1
        return line
      }
      if done {
        guard position < buffer.count else { return nil }
        let line = Array(buffer[position...])
        position = buffer.count
        return line
      }
      buffer.removeSubrange(..<position)
      position = 0
      if let chunk = try input.read() { buffer.append(contentsOf: chunk) } else { done = true }
    }
  }

  static func describe(_ error: DecodingError) -> String {
    switch error {
    case .dataCorrupted(let c):
      return c.underlyingError != nil || c.debugDescription.contains("valid JSON") ? "not valid JSON" : c.debugDescription
    case .keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
    case .typeMismatch(_, let c), .valueNotFound(_, let c):
      return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
    @unknown default: return "\(error)"
    }
  }
}

/// Writes one JSON object per line, keys sorted, so output is stable and diffable.
///
/// `--utc` writes event times in UTC (see `Event.inUTC(fallbackZone:)`); a TZID nothing
/// resolves stays as it was, with a warning.
public struct NDJSONWriter: RecordWriter {
  private let output: ByteOutput
  private let encoder: JSONEncoder
  private let options: WriteOptions
  private let diagnostics: DiagnosticSink
  private var count = 0
  private var emitter = JSONEmitter()

  public init(destination: OutputDestination, options: WriteOptions = WriteOptions(), diagnostics: DiagnosticSink = .ignore) throws {
    output = try destination.primary()
    encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    self.options = options
    self.diagnostics = diagnostics
  }

  public mutating func write(_ record: Record) throws {
    count += 1
    var record = record
    if options.calendar.utc, case .event(let e) = record {
      let (converted, unresolved) = e.event.inUTC(fallbackZone: options.calendar.zone)
      for tzid in unresolved {
        diagnostics.warning(
          "--utc: event \"\(e.summary ?? e.uid ?? "")\" has TZID \"\(tzid)\", which ferry cannot resolve (no zone has that name "
            + "and no VTIMEZONE defines it); its times kept with that TZID",
          at: SourceLocation(file: "<output>", line: count, column: 1, record: count), code: "zone")
      }
      record = .event(converted)
    }
    do {
      // Written by the fast path, byte for byte what the encoder writes; a value the encoder
      // refuses (a NaN) goes to it for its error.
      emitter.bytes.removeAll(keepingCapacity: true)
      do {
        try record.emit(&emitter)
      } catch is JSONEmitter.Unrepresentable {
        emitter.bytes = Array(try encoder.encode(record))
      }
      emitter.bytes.append(UInt8(ascii: "\n"))
      try output.write(emitter.bytes)
    } catch let error as FerryError {
      throw error
    } catch {
      throw FerryError(.unrepresentable, "cannot encode record as JSON: \(error)")
    }
  }

  public mutating func finish() throws { try output.flush() }
}

extension Formats {
  static let ndjson = Format(
    name: "ndjson", extensions: ["ndjson", "jsonl"], kinds: [.contact, .event],
    summary: "ferry's canonical records, one JSON object per line (for pipelines and jq)",
    detect: { head, name in
      if let name, name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") { return Detection(confidence: 0.9) }
      var bytes = head[...]
      if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
      guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
        first == UInt8(ascii: "{")
      else { return nil }
      let text = String(decoding: bytes.prefix(64), as: UTF8.self)
      return text.contains("\"contact\"") || text.contains("\"event\"") ? Detection(confidence: 0.95) : nil
    },
    makeReader: { input, _, sink in NDJSONReader(input: input, diagnostics: sink) },
    makeWriter: { destination, options, sink in try NDJSONWriter(destination: destination, options: options, diagnostics: sink) })
}
