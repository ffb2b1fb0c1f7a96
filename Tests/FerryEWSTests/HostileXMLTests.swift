import FerryModel
import Foundation
import Testing

@testable import FerryEWS

/// Hostile inputs get a clear, positioned error in bounded time (issue 5, acceptance).
@Suite("EWSReader hostile XML")
struct HostileXMLTests {
  func expectError(_ bytes: [UInt8], contains text: String, seconds: Double = 10) throws -> FerryError {
    let start = Date()
    var caught: FerryError?
    do {
      _ = try readEWS(bytes)
    } catch let error as FerryError {
      caught = error
    }
    let error = try #require(caught)
    #expect(Date().timeIntervalSince(start) < seconds)
    #expect(error.kind == .malformedInput)
    #expect(error.message.lowercased().contains(text.lowercased()), "\(error.message)")
    #expect((error.location?.line ?? 0) >= 1)
    #expect((error.location?.column ?? 0) >= 1)
    return error
  }

  /// libxml2 stops the entity loop while reading the internal subset, before ferry sees the
  /// DOCTYPE; either way nothing is expanded.
  @Test("billion laughs is refused")
  func billionLaughs() throws {
    var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
    for i in 1...9 { xml += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1 == 0 ? "" : String(i - 1));", count: 10) + "\">\n" }
    xml += "]>\n<t:Contact xmlns:t=\"\(EWSNamespace.types)\"><t:GivenName>&lol9;</t:GivenName></t:Contact>"
    let e = try expectError(Array(xml.utf8), contains: "xml")
    #expect(e.message.contains("DOCTYPE") || e.message.contains("entity"))
  }

  @Test("an external entity pointing at a local file is never read")
  func xxe() throws {
    let xml = """
      <?xml version="1.0"?>
      <!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <t:Contact xmlns:t="\(EWSNamespace.types)"><t:GivenName>&x;</t:GivenName></t:Contact>
      """
    let e = try expectError(Array(xml.utf8), contains: "DOCTYPE")
    #expect(!e.message.contains("root:"))
  }

  @Test("10,000 nesting levels stop at libxml2's depth limit")
  func deepNesting() throws {
    let xml = "<t:Items xmlns:t=\"\(EWSNamespace.types)\">" + String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000) + "</t:Items>"
    _ = try expectError(Array(xml.utf8), contains: "depth")
  }

  @Test("a 100 MB text node stops at libxml2's text limit")
  func hugeText() throws {
    let bytes =
      Array("<t:Contact xmlns:t=\"\(EWSNamespace.types)\"><t:GivenName>".utf8)
      + [UInt8](repeating: UInt8(ascii: "a"), count: 100_000_000) + Array("</t:GivenName></t:Contact>".utf8)
    _ = try expectError(bytes, contains: "huge", seconds: 20)
  }

  @Test("invalid UTF-8 is an error at its line")
  func invalidUTF8() throws {
    var bytes = Array("<t:Contact xmlns:t=\"\(EWSNamespace.types)\">\n<t:GivenName>A".utf8)
    bytes += [0xC3, 0x28, 0xFF]
    bytes += Array("</t:GivenName></t:Contact>".utf8)
    let e = try expectError(bytes, contains: "utf-8")
    #expect(e.location?.line == 2)
  }

  @Test("truncated input is an error, not a silent end")
  func truncated() throws {
    let xml = "<t:Items xmlns:t=\"\(EWSNamespace.types)\"><t:Contact><t:GivenName>A</t:GivenName>"
    _ = try expectError(Array(xml.utf8), contains: "malformed")
  }
}
