import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// Salesforce CSV → EWS → model keeps every field the EWS contact mapping has a slot for
/// (issue 5, golden round trips), through the registry as `ferry convert` runs it.
@Suite("Salesforce CSV → EWS → model")
struct ExchangeRoundTripTests {
  func read(_ spec: String, _ bytes: [UInt8]) throws -> [Record] {
    let format = try Formats.resolve(FormatSpec(spec))
    let make = try #require(format.makeReader)
    var reader = try make(ByteInput(bytes: bytes, name: "in"), ReadOptions(variant: FormatSpec(spec).variant), .ignore)
    return try reader.collect()
  }

  func write(_ spec: String, _ records: [Record]) throws -> [[UInt8]] {
    let format = try Formats.resolve(FormatSpec(spec))
    let make = try #require(format.makeWriter)
    let destination = OutputDestination(memoryNamed: "out.xml")
    var writer = try make(destination, WriteOptions(variant: FormatSpec(spec).variant), .ignore)
    for r in records { try writer.write(r) }
    try writer.finish()
    try destination.commitAll()
    return destination.memoryOutputs.map(\.output.memory)
  }

  @Test("every mapped Salesforce field survives EWS and back")
  func salesforceThroughEWS() throws {
    let csv = try read("csv:salesforce", Fixtures.bytes("csv/salesforce-contacts.csv"))
    try #require(!csv.isEmpty)
    var back: [Record] = []
    for doc in try write("ews", csv) { back += try read("ews", doc) }
    try #require(back.count == csv.count)
    for (a, b) in zip(csv.compactMap(\.contact), back.compactMap(\.contact)) {
      #expect(b.name.given == a.name.given)
      #expect(b.name.family == a.name.family)
      #expect(b.emails.map(\.address) == Array(a.emails.map(\.address).prefix(3)))
      #expect(Set(b.phones.map(\.number)).isSubset(of: Set(a.phones.map(\.number))))
      #expect(b.organization == a.organization)
      #expect(b.title == a.title)
      #expect(b.department == a.department)
      #expect(b.birthday == a.birthday)
      #expect(b.source?.recordId == a.source?.recordId)
      #expect(b.source?.system == a.source?.system)
      #expect(b.addresses.map(\.locality) == a.addresses.map(\.locality))
      #expect(b.addresses.map(\.postalCode) == a.addresses.map(\.postalCode))
      #expect(b.addresses.map(\.street) == a.addresses.map(\.street))
      for note in a.notes { #expect(b.notes.joined(separator: "\n\n").contains(note)) }
    }
    let dump = ModelDump.dump(back)
    #expect(try Fixtures.golden("ews/salesforce-contacts.ews.dump", actual: dump) == dump)
  }
}
