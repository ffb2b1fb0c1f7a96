import Testing

@testable import FerryGraph

@Suite("Graph PATCH: how a removed property is cleared")
struct GraphClearingTests {
  @Test("strings to null, lists to [], objects to empty strings (contentType stays text), numbers left")
  func clearing() throws {
    let old = JSONValue.object([
      ("givenName", .string("Grace")), ("companyName", .string("Navy Labs")), ("businessPhones", .array([.string("1")])),
      ("businessAddress", .object([("street", .string("1 Main")), ("city", .string("Arlington"))])),
      ("body", .object([("contentType", .string("html")), ("content", .string("<p>x</p>"))])),
      ("reminderMinutesBeforeStart", .number(15)),
    ])
    let new = JSONValue.object([("givenName", .string("Grace"))])
    let cleared = GraphWriter.clearing(new, previous: old)
    #expect(cleared["companyName"] == .null)
    #expect(cleared["businessPhones"] == .array([]))
    #expect(cleared["businessAddress"] == .object([("street", .string("")), ("city", .string(""))]))
    #expect(cleared["body"] == .object([("contentType", .string("text")), ("content", .string(""))]))
    #expect(cleared["reminderMinutesBeforeStart"] == nil)
    #expect(cleared["givenName"] == .string("Grace"))
  }
}
