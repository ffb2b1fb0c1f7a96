import Ferry
import FerryModel
import FerryTestSupport
import FerryVCard
import Foundation
import Testing

@Suite("vCard through the conversion pipeline")
struct VCardConversionTests {
  @Test("Salesforce CSV → vCard for Outlook, split: one readable 2.1 card per contact")
  func salesforceSplit() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-split-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var options = WriteOptions(target: "outlook")
    options.vcard.splitDirectory = dir
    let conversion = Conversion(
      inputs: [Fixtures.path("csv/salesforce-contacts.csv")], from: nil, to: FormatSpec("vcard"), output: dir,
      writeOptions: options)
    let summary = try conversion.run(diagnostics: .ignore)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    #expect(files.count == summary.recordsWritten)
    #expect(summary.recordsWritten > 10)
    #expect(Set(files.map { $0.lowercased() }).count == files.count)
    var sources: Set<String> = []
    for file in files {
      #expect(file.hasSuffix(".vcf"))
      #expect(!file.contains("/"))
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file)))
      #expect(bytes.starts(with: Array("BEGIN:VCARD\r\nVERSION:2.1\r\n".utf8)))
      let (contacts, diagnostics) = try readCards(bytes, name: file)
      #expect(contacts.count == 1)
      #expect(diagnostics.isEmpty, "\(diagnostics)")
      let contact = try #require(contacts.first)
      #expect(file.hasPrefix(FileSystem.safeFileName(contact.displayName, fallback: "contact")))
      #expect(contact.formattedName != nil)
      for e in contact.emails { #expect(!e.types.isEmpty) }
      for p in contact.phones { #expect(!p.types.isEmpty) }
      if let id = contact.source?.recordId { sources.insert(id) }
    }
    #expect(sources.count == files.count)
  }

  @Test("vCard is detected by content, with its version")
  func detection() throws {
    let format = try #require(Formats.named("vcf"))
    let head = Array("\u{FEFF}\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN:A\r\nEND:VCARD\r\n".utf8)
    #expect(format.detect?(head, nil) == Detection(confidence: 1, variant: "2.1"))
    #expect(format.detect?(Array("Id,Name\r\n1,BEGIN:VCARD\r\n".utf8), nil) == nil)
    #expect(Formats.detect(head: head, fileName: nil)?.format.name == "vcard")
  }
}
