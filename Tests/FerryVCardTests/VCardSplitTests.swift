import FerryModel
import FerryVCard
import Foundation
import Testing

@Suite("VCardWriter --split")
struct VCardSplitTests {
  private func contact(_ given: String, _ family: String = "") -> Contact {
    var c = Contact()
    c.name.given = given
    c.name.family = family.isEmpty ? nil : family
    return c
  }

  /// The file names a split run gives, in order (a memory destination records them).
  private func splitNames(_ contacts: [Contact]) throws -> [String] {
    let destination = OutputDestination(memoryNamed: "cards")
    var options = WriteOptions(target: "outlook")
    options.vcard.splitDirectory = "cards"
    var writer = try VCardWriter(destination: destination, options: options, diagnostics: .ignore)
    for c in contacts { try writer.write(.contact(c)) }
    try writer.finish()
    return destination.memoryOutputs.map(\.name)
  }

  @Test("same names are numbered; a name that is already a numbered one is skipped")
  func numbering() throws {
    let names = try splitNames([
      contact("Jane", "Doe"), contact("Jane Doe (2)"), contact("Jane", "Doe"), contact("jane", "doe"),
      contact("Jane", "Doe"), contact("Jane Doe (3)"),
    ])
    #expect(
      names == [
        "Jane Doe.vcf", "Jane Doe (2).vcf", "Jane Doe (3).vcf", "jane doe (4).vcf", "Jane Doe (5).vcf",
        "Jane Doe (3) (2).vcf",
      ])
  }

  @Test("20,000 contacts of one name get 20,000 distinct names")
  func manySameNames() throws {
    let names = try splitNames(Array(repeating: contact("Jane", "Doe"), count: 20_000))
    #expect(Set(names.map { $0.lowercased() }).count == 20_000)
    #expect(names.last == "Jane Doe (20000).vcf")
  }
}
