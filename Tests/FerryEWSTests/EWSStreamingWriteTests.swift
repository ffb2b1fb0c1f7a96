import CLibXML2
import FerryModel
import Testing

@testable import FerryEWS

/// The writer's direct paths (`EWSItemFields.writeMerged`, `XMLTextWriterSink.start(prefix:_:)`,
/// the one-pass `text`) against the tree-building ones they replace, and the reader's name cache.
@Suite struct EWSStreamingWriteTests {
  private static func bytes(_ write: (XMLTextWriterSink) -> Void) throws -> String {
    let sink = try #require(XMLTextWriterSink())
    sink.startDocument()
    sink.start("t:Items")
    sink.attribute("xmlns:t", EWSNamespace.types)
    write(sink)
    sink.end()
    sink.endDocument()
    #expect(!sink.failed)
    return String(decoding: sink.drain(), as: UTF8.self)
  }

  /// Both ways of writing one item's fields, as text.
  private static func both(_ fields: [EWSField]) throws -> (tree: String, direct: String) {
    let tree = try bytes { $0.write(XMLElement(name: "Contact", children: EWSItemFields.merged(fields))) }
    let direct = try bytes { sink in
      sink.start("t:Contact")
      EWSItemFields.writeMerged(fields, to: sink)
      sink.end()
    }
    return (tree, direct)
  }

  @Test func contactFieldsWriteAsTheMergedTree() throws {
    var c = Contact()
    c.name.given = "Ada"
    c.name.family = "Lovelace-Byron"
    c.emails = [EmailAddress("ada@example.com"), EmailAddress("ada@home.example")]
    c.phones = [PhoneNumber("+1 555 0100", types: ["work"]), PhoneNumber("+1 555 0101", types: ["cell"])]
    c.addresses = [
      PostalAddress(street: "1 Main St", locality: "Lyon", postalCode: "69001", country: "France", types: ["work"]),
      PostalAddress(street: "2 Side St", locality: "Paris", types: ["home"]),
    ]
    c.instantMessaging = [IMHandle(handle: "ada@im.example")]
    c.notes = ["first line\u{1}with a control character & an ampersand"]
    c.categories = ["CRM", "Key <account>"]
    let fields = try EWSDocuments(options: WriteOptions(), diagnostics: .ignore).fields(.contact(c))
    let (tree, direct) = try Self.both(fields)
    #expect(direct == tree)
    #expect(direct.contains("<t:PhysicalAddresses>"))
    #expect(direct.contains("first linewith a control character &amp; an ampersand"))
  }

  /// Fields of one dictionary that are not next to each other, and an entry with children
  /// whose key a text entry already has: the container still goes where its first field is.
  @Test func scatteredDictionaryFieldsMergeAsTheTreeDoes() throws {
    func entry(_ key: String, text: String = "", children: [XMLElement] = []) -> XMLElement {
      XMLElement(name: "Entry", attributes: [("Key", key)], text: text, children: children)
    }
    func field(_ container: String, _ entries: [XMLElement]) -> EWSField {
      EWSField(path: EWSItemFields.uri("x"), node: XMLElement(name: container, children: entries))
    }
    let fields = [
      field("EmailAddresses", [entry("EmailAddress1", text: "a@example.com")]),
      EWSField(path: EWSItemFields.uri("contacts:GivenName"), node: EWSItemFields.leaf("GivenName", "Ada")),
      field("PhysicalAddresses", [entry("Home", children: [EWSItemFields.leaf("Street", "1 Main St")])]),
      field("EmailAddresses", [entry("EmailAddress2", text: "b@example.com")]),
      field("PhysicalAddresses", [entry("Business", children: [EWSItemFields.leaf("City", "Lyon")])]),
      field("PhysicalAddresses", [entry("Home", children: [EWSItemFields.leaf("City", "Paris")])]),
      field("EmailAddresses", [entry("EmailAddress1", children: [EWSItemFields.leaf("Extra", "x")])]),
      field("EmailAddresses", [entry("EmailAddress1", text: "again@example.com")]),
      field(
        "PhoneNumbers",
        [entry("A", children: [EWSItemFields.leaf("One", "1")]), entry("A", children: [EWSItemFields.leaf("Two", "2")])]),
      field("PhoneNumbers", [entry("A", children: [EWSItemFields.leaf("Three", "3")]), entry("B", text: "b")]),
      field("PhoneNumbers", [entry("B", children: [EWSItemFields.leaf("Four", "4")]), entry("B", children: [EWSItemFields.leaf("Five", "5")])]),
    ]
    let (tree, direct) = try Self.both(fields)
    #expect(direct == tree)
    #expect(direct.components(separatedBy: "<t:EmailAddresses>").count == 2)
  }

  @Test func longPrefixedNamesAreWrittenWhole() throws {
    let long = String(repeating: "N", count: 200)
    let text = try Self.bytes { sink in
      sink.start(prefix: "t:", "PhoneticFirstName")
      sink.end()
      sink.start(prefix: "t:", long)
      sink.end()
    }
    #expect(text.contains("<t:PhoneticFirstName/>"))
    #expect(text.contains("<t:\(long)/>"))
  }

  @Test func readerNamesComeBackEqualForEveryItem() throws {
    var xml = "<?xml version=\"1.0\"?><Items xmlns:t=\"\(EWSNamespace.types)\">"
    for i in 0..<50 {
      xml += "<t:Contact><t:GivenName>G\(i)</t:GivenName><t:PhoneticLastName>P\(i)</t:PhoneticLastName></t:Contact>"
    }
    xml += "</Items>"
    let records = try readEWS(Array(xml.utf8))
    #expect(records.count == 50)
    for (i, r) in records.enumerated() {
      guard case .contact(let c) = r else {
        Issue.record("not a contact")
        continue
      }
      #expect(c.name.given == "G\(i)")
      #expect(c.name.phoneticFamily == "P\(i)")
    }
  }
}
