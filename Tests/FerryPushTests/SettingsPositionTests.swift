import FerryModel
import FerryPush
import Testing

@Suite("push settings errors carry the file, line and column")
struct SettingsPositionTests {
  func error(_ yaml: String) -> FerryError? {
    do {
      _ = try PushSettings(yaml: yaml, file: "sync.yaml")
      return nil
    } catch let e as FerryError {
      return e
    } catch {
      return FerryError(.io, "\(error)")
    }
  }

  @Test("a YAML syntax error is placed where Yams found it, not at 1:1")
  func syntax() throws {
    let e = try #require(error("objects: both\ndeletions: propagate\n  series: expand\n"))
    #expect(e.kind == .usage)
    #expect(e.message.hasPrefix("settings are not valid YAML: "))
    #expect(e.location?.file == "sync.yaml")
    #expect(e.location?.line == 3)
    #expect(e.location?.column == 9)
  }

  @Test("an unclosed quote: placed at the line Yams stopped on")
  func unclosedQuote() throws {
    let e = try #require(error("objects: both\nout: \"out/push\nledger: l.sqlite\n"))
    #expect(e.location?.file == "sync.yaml")
    #expect(e.location?.line ?? 0 >= 2)
    #expect(e.location != FerryModel.SourceLocation(file: "sync.yaml", line: 1, column: 1))
  }

  @Test("columns count UTF-8 bytes after non-ASCII text on the same line")
  func byteColumns() throws {
    let prefix = "reps:\n  - {name: Jürgen Groß, "
    let e = try #require(error(prefix + "team: b}\n"))
    #expect(e.message == "unknown rep key \"team\"; expected id, email, name or folder")
    #expect(e.location?.line == 2)
    let line = "  - {name: Jürgen Groß, "
    #expect(e.location?.column == line.utf8.count + 1)
    #expect(line.utf8.count == line.unicodeScalars.count + 2)
  }

  @Test("a bad value is placed at the value")
  func value() throws {
    let e = try #require(error("objects: both\nseries: sometimes\n"))
    #expect(e.location == FerryModel.SourceLocation(file: "sync.yaml", line: 2, column: 9))
    #expect(e.message.hasPrefix("\"series\" is \"sometimes\"; expected one of "))
  }
}

@Suite("push settings remember where each key's value is")
struct SettingsKeyLocationTests {
  @Test("every top-level key's value, for errors found after reading")
  func keyLocations() throws {
    let s = try PushSettings(yaml: "to: [ews]\n# Jörg's zone\nzone:   Mars/Base\nexchange_version: 'Exchange2099'\n", file: "s.yaml")
    #expect(s.keyLocations["to"] == FerryModel.SourceLocation(file: "s.yaml", line: 1, column: 5))
    #expect(s.keyLocations["zone"] == FerryModel.SourceLocation(file: "s.yaml", line: 3, column: 9))
    // A quoted value's location is its quote.
    #expect(s.keyLocations["exchange_version"] == FerryModel.SourceLocation(file: "s.yaml", line: 4, column: 19))
    #expect(s.keyLocations["mapping"] == nil)
    // Not part of what is hashed for the runs table.
    var moved = s
    moved.keyLocations = [:]
    #expect(moved.canonicalText == s.canonicalText)
  }
}
