import FerryContentLines
import FerryModel
import FerryTestSupport
import FerryVCard
import Foundation

/// `../shared/<relative>` beside the checkout, or under `$FERRY_SHARED` when the checkout is
/// a worktree somewhere else.
func sharedPath(_ relative: String) -> String {
  let beside = Fixtures.shared(relative)
  if FileManager.default.fileExists(atPath: beside) { return beside }
  if let root = ProcessInfo.processInfo.environment["FERRY_SHARED"] { return root + "/" + relative }
  return beside
}

/// Reads every contact of a vCard text, with the diagnostics.
func readCards(
  _ bytes: [UInt8], name: String = "t.vcf", chunk: Int = 1 << 16, defaultVersion: VCardVersion = .v30
) throws -> (contacts: [Contact], diagnostics: [Diagnostic]) {
  let collector = DiagnosticCollector()
  var reader = VCardReader(
    input: ByteInput(bytes: bytes, name: name, chunkSize: chunk), diagnostics: collector.sink,
    defaultVersion: defaultVersion)
  var out: [Contact] = []
  while let record = try reader.next() { if let c = record.contact { out.append(c) } }
  return (out, collector.diagnostics)
}

func readCards(_ text: String, chunk: Int = 1 << 16) throws -> (contacts: [Contact], diagnostics: [Diagnostic]) {
  try readCards(Array(text.utf8), chunk: chunk)
}

/// Writes contacts as one vCard text.
func writeCards(
  _ contacts: [Contact], version: String, target: String? = nil
) throws -> (text: String, diagnostics: [Diagnostic]) {
  let collector = DiagnosticCollector()
  let destination = OutputDestination(memoryNamed: "out.vcf")
  var writer = try VCardWriter(
    destination: destination, options: WriteOptions(variant: version, target: target), diagnostics: collector.sink)
  for c in contacts { try writer.write(.contact(c)) }
  try writer.finish()
  return (destination.memoryOutputs.first?.output.text ?? "", collector.diagnostics)
}
