import ArgumentParser
import Ferry
import FerryModel

extension FerryCommand {
  struct Formats: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "formats",
      abstract: "List the formats ferry reads and writes.",
      discussion: prose("""
        Examples:
          ferry formats
          ferry formats --json | jq '.[] | select(.write) | .name'
        """))

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
      let all = Ferry.Formats.all
      if json {
        let rows = all.map {
          FormatRow(
            name: $0.name, variants: $0.variants, extensions: $0.extensions, kinds: $0.kinds.map(\.rawValue).sorted(),
            read: $0.makeReader != nil, write: $0.makeWriter != nil, summary: $0.summary)
        }
        try writeJSONReport(rows, to: "-")
        return
      }
      print("FORMAT     READ WRITE KINDS           VARIANTS")
      for f in all {
        let name = f.name.padding(toLength: 10, withPad: " ", startingAt: 0)
        let kinds = f.kinds.map(\.rawValue).sorted().joined(separator: ",").padding(toLength: 15, withPad: " ", startingAt: 0)
        print("\(name) \(f.makeReader != nil ? "yes " : "no  ") \(f.makeWriter != nil ? "yes  " : "no   ") \(kinds) \(f.variants.joined(separator: " "))")
        print("           \(f.summary)")
      }
    }
  }
}

struct FormatRow: Encodable {
  var name: String
  var variants: [String]
  var extensions: [String]
  var kinds: [String]
  var read: Bool
  var write: Bool
  var summary: String
}
