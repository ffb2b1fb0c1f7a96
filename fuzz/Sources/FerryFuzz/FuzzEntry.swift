#if canImport(Glibc)
import Glibc
#endif
import Ferry
import FerryModel

/// What one run of the harness exercises, from `FERRY_FUZZ_TARGET`.
enum FuzzTarget: String {
  case vcard, ics, csv, ews, graph, ndjson
  /// Reads with format detection, then writes every record with every writer.
  case roundtrip

  /// `roundtrip` when the variable is not set; an unknown name stops the run.
  static let current: FuzzTarget = {
    guard let name = getenv("FERRY_FUZZ_TARGET").map({ String(cString: $0) }) else { return .roundtrip }
    guard let target = FuzzTarget(rawValue: name) else {
      let message = "FERRY_FUZZ_TARGET=\(name) is not one of vcard, ics, csv, ews, graph, ndjson, roundtrip\n"
      _ = message.withCString { write(2, $0, strlen($0)) }
      exit(2)
    }
    return target
  }()
}

/// The writers `roundtrip` feeds: every format and variant that writes, with the options
/// that change what a writer does with a record (series expanded for iCalendar).
let writerSpecs: [(spec: String, options: WriteOptions)] = {
  var expand = WriteOptions()
  expand.calendar.series = .expand
  expand.calendar.expandFrom = LocalDate(year: 2024, month: 1, day: 1)
  expand.calendar.expandUntil = LocalDate(year: 2025, month: 12, day: 31)
  return [
    ("vcard:3.0", WriteOptions()), ("vcard:4.0", WriteOptions()), ("vcard:2.1", WriteOptions()),
    ("ics", WriteOptions()), ("ics", expand), ("csv:outlook", WriteOptions()), ("csv:google", WriteOptions()),
    ("csv:exchange", WriteOptions()), ("csv:outlook-calendar", WriteOptions()), ("ews", WriteOptions()),
    ("graph", WriteOptions()), ("ndjson", WriteOptions()),
  ]
}()

/// Reads every record of `bytes` with `format` (or the detected one), reporting into a
/// collector; thrown `FerryError`s are the expected end of bad input.
func readAll(_ bytes: [UInt8], format: String?) -> [Record] {
  let diagnostics = DiagnosticCollector()
  let input = ByteInput(bytes: bytes, name: "fuzz", chunkSize: 4096)
  var options = ReadOptions()
  let chosen: Format
  if let format {
    guard let f = Formats.named(format) else { return [] }
    chosen = f
  } else {
    guard let (f, detection) = Formats.detect(head: Array(bytes.prefix(64 * 1024)), fileName: nil) else { return [] }
    chosen = f
    options.variant = detection.variant
  }
  guard let make = chosen.makeReader else { return [] }
  var records: [Record] = []
  do {
    var reader = try make(input, options, diagnostics.sink)
    while let record = try reader.next() {
      records.append(record)
      _ = reader.lastRecordLocation
    }
  } catch {
    // A FerryError ends the input: that is a diagnostic, not a crash.
  }
  return records
}

/// Writes `records` with every writer, into memory.
func writeAll(_ records: [Record]) {
  for (spec, options) in writerSpecs {
    let formatSpec = FormatSpec(spec)
    guard let format = try? Formats.resolve(formatSpec), let make = format.makeWriter else { continue }
    var options = options
    options.variant = formatSpec.variant
    let destination = OutputDestination(memoryNamed: "fuzz-out")
    do {
      var writer = try make(destination, options, DiagnosticSink.ignore)
      for record in records where format.kinds.contains(record.kind) {
        try writer.write(record)
      }
      try writer.finish()
    } catch {
      // Thrown errors are reported problems, not crashes.
    }
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  switch FuzzTarget.current {
  case .roundtrip:
    writeAll(readAll(bytes, format: nil))
  case let target:
    _ = readAll(bytes, format: target.rawValue)
  }
  return 0
}

/// libFuzzer's driver, for when SwiftPM names the executable's entry point itself.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable target's `main` to `<Module>_main` (so that tests can import
/// the module), which would hide libFuzzer's `main`: this one hands over to libFuzzer.
@_cdecl("FerryFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var argc = argc
  var argv = argv
  return withUnsafeMutablePointer(to: &argc) { argcPointer in
    withUnsafeMutablePointer(to: &argv) { argvPointer in
      runFuzzerDriver(argcPointer, argvPointer, fuzzTestOneInput)
    }
  }
}
