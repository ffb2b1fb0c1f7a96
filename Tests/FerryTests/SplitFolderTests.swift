import Ferry
import FerryModel
import Foundation
import Testing

/// `--split DIR` run again into a folder that holds the cards of an earlier run.
@Suite("split folder: files of earlier runs")
struct SplitFolderTests {
  let dir: String
  var cards: String { dir + "/cards" }

  init() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-split-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  }

  /// An NDJSON file of contacts with these given names.
  func input(_ givenNames: [String], named name: String = "in.ndjson") throws -> String {
    let path = dir + "/" + name
    let lines = givenNames.map { #"{"contact":{"name":{"given":"\#($0)"}}}"# + "\n" }
    try lines.joined().write(toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  func convert(_ inputs: [String], clean: Bool = false) throws -> [Diagnostic] {
    var options = WriteOptions(target: "outlook")
    options.vcard.splitDirectory = cards
    options.vcard.removeOtherFiles = clean
    let conversion = Conversion(
      inputs: inputs, from: FormatSpec("ndjson"), to: FormatSpec("vcard"), output: cards, writeOptions: options)
    let collector = DiagnosticCollector()
    _ = try conversion.run(diagnostics: collector.sink)
    return collector.diagnostics.filter { $0.code == "split" }
  }

  func folder() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: cards).sorted() }

  @Test("a second, smaller run warns with the count of cards it did not write and keeps them")
  func warns() throws {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(try convert([input(["Ann", "Bob", "Cid", "Dee"])]).isEmpty)
    let diagnostics = try convert([input(["Ann"])])
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.severity == .warning)
    #expect(
      diagnostics.first?.message
        == "\(cards) holds 3 other .vcf files that this run did not write (\"Bob.vcf\", \"Cid.vcf\", \"Dee.vcf\"); an import of the folder takes them too; --clean removes them"
    )
    #expect(try folder() == ["Ann.vcf", "Bob.vcf", "Cid.vcf", "Dee.vcf"])
  }

  @Test("--clean removes only the .vcf files this run did not write, after it committed")
  func cleans() throws {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try convert([input(["Ann", "Bob", "Cid"])])
    try "keep".write(toFile: cards + "/README.txt", atomically: false, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: cards + "/archive.vcf", withIntermediateDirectories: false)
    try "old".write(toFile: cards + "/archive.vcf/Old.vcf", atomically: false, encoding: .utf8)
    let diagnostics = try convert([input(["Bob"])], clean: true)
    #expect(diagnostics.map(\.message) == ["removed 2 .vcf files that this run did not write from \(cards)"])
    #expect(diagnostics.first?.severity == .note)
    #expect(try folder() == ["Bob.vcf", "README.txt", "archive.vcf"])
    #expect(FileManager.default.fileExists(atPath: cards + "/archive.vcf/Old.vcf"))
  }

  @Test("--clean removes nothing when the run fails")
  func failedRun() throws {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try convert([input(["Ann", "Bob"])])
    #expect(throws: FerryError.self) { try convert([input(["Cid"]), dir + "/missing.ndjson"], clean: true) }
    #expect(try folder() == ["Ann.vcf", "Bob.vcf"])
  }

  @Test("--clean removes nothing when the run wrote no file, and says so; an empty export stops before")
  func emptyRun() throws {
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try convert([input(["Ann", "Bob"])])
    // An export whose only line is not a record: read, reported, nothing to write.
    let broken = dir + "/broken.ndjson"
    try "not a record\n".write(toFile: broken, atomically: false, encoding: .utf8)
    let diagnostics = try convert([broken], clean: true)
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.message.hasSuffix("--clean removed nothing, since this run wrote no file") == true)
    #expect(try folder() == ["Ann.vcf", "Bob.vcf"])
    // An empty one is an error before anything is written or removed.
    #expect(throws: FerryError.self) { try convert([input([], named: "empty.ndjson")], clean: true) }
    #expect(try folder() == ["Ann.vcf", "Bob.vcf"])
  }
}
