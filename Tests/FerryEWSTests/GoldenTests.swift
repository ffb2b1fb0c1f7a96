import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryEWS

/// Goldens: `sample.xml` → `sample.dump` (reader), model → `sample.expected.xml` (writer).
/// `FERRY_ACCEPT=1` rewrites them.
@Suite("EWS goldens")
struct GoldenTests {
  @Test("the mailbox export reads to its dump and writes to its expected documents")
  func mailboxExport() throws {
    let collector = DiagnosticCollector()
    let records = try readEWS(Fixtures.bytes("ews/mailbox-export-items.xml"), sink: collector.sink)
    #expect(records.count == 9)
    let dump = ModelDump.dump(records)
    #expect(try Fixtures.golden("ews/mailbox-export-items.dump", actual: dump) == dump)
    let written = try writeEWS(records).map { "=== \($0.name)\n" + $0.text }.joined()
    #expect(try Fixtures.golden("ews/mailbox-export-items.expected.xml", actual: written) == written)
    #expect(try validateWithSchema(try writeEWS(records).map(\.text), tag: "golden") == nil)
  }
}
