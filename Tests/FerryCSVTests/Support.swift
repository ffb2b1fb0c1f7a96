import FerryCSV
import FerryModel
import FerryTestSupport
import Foundation

/// What reading an input gave: the records, the diagnostics, and the thrown error if any.
struct ReadResult: Equatable {
  var records: [Record]
  var diagnostics: [Diagnostic]
  var error: FerryError?
}

func read(
  _ bytes: [UInt8], chunkSize: Int = 1 << 16, name: String = "<memory>", variant: String? = nil,
  configure: (inout ReadOptions) -> Void = { _ in }
) -> ReadResult {
  let collector = DiagnosticCollector()
  var options = ReadOptions(variant: variant)
  configure(&options)
  var records: [Record] = []
  do {
    var reader = try CSVReader(
      input: ByteInput(bytes: bytes, name: name, chunkSize: chunkSize), options: options, diagnostics: collector.sink)
    while let r = try reader.next() { records.append(r) }
    return ReadResult(records: records, diagnostics: collector.diagnostics, error: nil)
  } catch let e as FerryError {
    return ReadResult(records: records, diagnostics: collector.diagnostics, error: e)
  } catch {
    return ReadResult(records: records, diagnostics: collector.diagnostics, error: FerryError(.io, "\(error)"))
  }
}

func read(_ text: String, variant: String? = nil) -> ReadResult { read(Array(text.utf8), variant: variant) }

func fixture(_ name: String) throws -> [UInt8] { try Fixtures.bytes("csv/" + name) }

/// Writes records with a profile and returns the bytes and diagnostics.
func write(
  _ records: [Record], variant: String?, configure: (inout WriteOptions) -> Void = { _ in }
) throws -> (bytes: [UInt8], diagnostics: [Diagnostic]) {
  let collector = DiagnosticCollector()
  var options = WriteOptions(variant: variant)
  configure(&options)
  let destination = OutputDestination(memoryNamed: "out.csv")
  var writer = try CSVWriter(destination: destination, options: options, diagnostics: collector.sink)
  for r in records { try writer.write(r) }
  try writer.finish()
  try destination.commitAll()
  return (destination.memoryOutputs.first?.output.memory ?? [], collector.diagnostics)
}

/// Rows of CSV text as string arrays (through ferry's own syntax layer, no profile).
func rows(_ bytes: [UInt8]) throws -> [[String]] {
  let reader = try CSVRowReader(
    input: ByteInput(bytes: bytes), delimiter: nil, encodingName: nil, diagnostics: .ignore)
  var out: [[String]] = []
  while let row = try reader.next() {
    out.append((0..<row.count).map { i in
      row.data.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[row.range(i)]), as: UTF8.self) }
    })
  }
  return out
}

extension Array where Element == UInt8 {
  var text: String { String(decoding: self, as: UTF8.self) }
}

extension Fixtures {
  /// The bytes of a file at an absolute path.
  static func bytesAt(_ path: String) throws -> [UInt8] { try ByteInput(path: path).readAll() }
}

/// A file in the shared folder: `$FERRY_SHARED` when set (a worktree whose `../shared` is
/// elsewhere), else `Fixtures.shared`.
func sharedBytes(_ relative: String) throws -> [UInt8] {
  if let base = ProcessInfo.processInfo.environment["FERRY_SHARED"] {
    return try Fixtures.bytesAt(base + "/" + relative)
  }
  return try Fixtures.bytesAt(Fixtures.shared(relative))
}
