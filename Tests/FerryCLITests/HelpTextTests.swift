import FerryTestSupport
import Foundation
import Testing

/// The prose of every --help is wrapped by ArgumentParser, not by the source's line breaks
/// (which left lone words such as "the" or "unless" on lines of their own).
@Suite("help texts (real binary)")
struct HelpTextTests {
  @Test("no lone word on a line of a help's description", arguments: ["", "convert", "inspect", "formats", "dedupe", "push", "explain"])
  func wrapped(_ subcommand: String) throws {
    let run = try runFerry((subcommand.isEmpty ? [] : [subcommand]) + ["--help"])
    #expect(run.status == 0)
    let description = Array(run.stdout.components(separatedBy: "\n").prefix { !$0.hasPrefix("USAGE:") })
    #expect(description.count > 2, "\(run.stdout)")
    // A one-word line that the next line of the same paragraph continues: the source's
    // line break, not the wrapping (a paragraph's last word alone on its line is fine).
    let lone = description.indices.dropLast().filter { k in
      let text = description[k].trimmingCharacters(in: .whitespaces)
      let next = description[k + 1]
      return !text.isEmpty && !text.contains(" ") && !text.hasSuffix(":") && !next.isEmpty && !next.hasPrefix(" ")
    }.map { description[$0] }
    #expect(lone.isEmpty, "lines holding one word: \(lone)\n\(run.stdout)")
  }
}
