import FerryModel
import Testing

@testable import FerryGraph

/// Positions and messages for broken Graph JSON, which Foundation reports without either.
@Suite struct JSONSyntaxTests {
  @Test(arguments: [
    (#"{"value":[{"givenName":"A"}]}"#, nil),
    ("{\n  \"value\": [\n    {\"givenName\": \"A\" \"surname\": \"B\"}\n  ]\n}", "3:23 expected ',' or '}', found '\"'"),
    ("{\"value\": [1, 2", "1:16 the text ends inside an array"),
    ("{\"a\": tru}", "1:7 expected true, found '}'"),
    ("{\"a\": \"x\ny\"}", "1:9 a line break inside a string (write it as \\n)"),
    ("{\"a\": 01}", "1:8 expected ',' or '}', found '1'"),
    ("{\"é\": \"ü\" x}", "1:11 expected ',' or '}', found 'x'"),
    ("[1,]", "1:4 expected a value after ',', found ']'"),
  ] as [(String, String?)])
  func firstError(text: String, expected: String?) {
    let p = JSONSyntax.firstError(in: Array(text.utf8))
    #expect(p.map { "\($0.line):\($0.column) \($0.message)" } == expected)
  }

  @Test func trailingCommas() {
    #expect(JSONSyntax.trailingComma(in: Array(#"{"value":[{"givenName":"A",}]}"#.utf8))?.column == 27)
    #expect(JSONSyntax.trailingComma(in: Array(#"{"value":[1,2]}"#.utf8)) == nil)
  }

  @Test func readerReportsThePosition() throws {
    let collected = DiagnosticCollector()
    do {
      _ = try GraphReader(input: ByteInput(string: "{\"value\": [\n{\"givenName\": \"A\",,}]}", name: "page.json"), diagnostics: collected.sink)
      Issue.record("broken JSON was read")
    } catch let error as FerryError {
      #expect(error.location == SourceLocation(file: "page.json", line: 2, column: 19))
      #expect(error.message.hasPrefix("input is not JSON: expected a quoted member name"))
    }
    var reader = try GraphReader(
      input: ByteInput(string: #"{"value":[{"givenName":"A",}]}"#, name: "page.json"), diagnostics: collected.sink)
    #expect(try reader.next()?.contact?.name.given == "A")
    #expect(collected.diagnostics.contains { $0.message.hasPrefix("a comma before '}'") && $0.location?.column == 27 })
  }
}

/// Inputs the fuzzer's slow-input checks found.
@Suite struct JSONSyntaxFuzzFindingTests {
  @Test func trailingCommaAtTheEndOfALongLineHasItsColumn() {
    let text = "[" + String(repeating: "1,", count: 1000) + "]"
    let comma = JSONSyntax.trailingComma(in: Array(text.utf8))
    #expect(comma.map { "\($0.line):\($0.column)" } == "1:2001")
  }

  /// A one-line page (as Graph writes them) once cost a column computation per comma: 3,000
  /// contacts took seconds, 100,000 commas minutes.
  @Test func commasOnOneLongLineCostLinearTime() {
    let text = "[" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]"
    let clock = ContinuousClock()
    var result: JSONSyntax.Problem?
    let elapsed = clock.measure { result = JSONSyntax.trailingComma(in: Array(text.utf8)) }
    #expect(result == nil)
    #expect(elapsed < .seconds(10), "scanning 100,000 commas took \(elapsed)")
  }
}
