import FerryModel
import FerryPush
import FerryTestSupport
import Foundation
import Testing

/// A field the CRM no longer has is cleared in the mailbox: EWS updates carry
/// `DeleteItemField`, Graph PATCH bodies set it to null (or an empty list). Only for items
/// ferry created; what an adopted item held before ferry is the user's.
@Suite("push: updates clear what the CRM removed")
struct UpdateClearsFieldsTests {
  /// The CRM export with Grace Hopper's company and phone removed.
  static func graceCleared(in box: PushSandbox) throws -> String {
    let lines = try String(contentsOfFile: Fixtures.path("push/crm.ndjson"), encoding: .utf8).split(separator: "\n")
    let edited = try lines.map { line -> String in
      guard line.contains("003000000000002AAA") else { return String(line) }
      var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      var contact = try #require(object["contact"] as? [String: Any])
      contact["organization"] = nil
      contact["phones"] = []
      object["contact"] = contact
      return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
    let path = box.directory + "/crm-grace-cleared.ndjson"
    try (edited.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func update(to target: String, export: String) throws -> String {
    let box = try PushSandbox()
    box.to = [target]
    box.settings.objects = .contacts
    box.settings.includeReps = [.init(email: "alice.rep@example.com")]
    try box.push()
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: Fixtures.path(export))]
    let (plan, _) = try box.push([try Self.graceCleared(in: box)])
    #expect(plan.with(.update).map(\.crmId) == ["003000000000002AAA"])
    let file = try #require(box.files().first { $0.key.contains("run-0002/contacts-update") })
    return String(decoding: file.value, as: UTF8.self)
  }

  @Test("EWS: DeleteItemField for the company and the business phone")
  func ews() throws {
    let xml = try update(to: "ews", export: "push/alice-ews-export.xml")
    #expect(xml.contains("<t:DeleteItemField>\n              <t:FieldURI FieldURI=\"contacts:CompanyName\"/>"))
    #expect(xml.contains("<t:IndexedFieldURI FieldURI=\"contacts:PhoneNumber\" FieldIndex=\"BusinessPhone\"/>"))
    #expect(xml.components(separatedBy: "<t:DeleteItemField>").count - 1 == 2)
  }

  @Test("Graph: the PATCH body sets companyName to null and businessPhones to []")
  func graph() throws {
    let json = try update(to: "graph", export: "push/alice-graph-export.json")
    let batch = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let requests = try #require(batch["requests"] as? [[String: Any]])
    #expect(requests.count == 1)
    #expect(requests.first?["method"] as? String == "PATCH")
    let body = try #require(requests.first?["body"] as? [String: Any])
    #expect(body["companyName"] is NSNull)
    #expect((body["businessPhones"] as? [Any])?.isEmpty == true)
    #expect(body["givenName"] as? String == "Grace")
  }

  @Test("an adopted item is updated without clearing what it held before ferry")
  func adoptedKeepsFields() throws {
    let box = try PushSandbox()
    box.to = ["ews"]
    box.settings.objects = .contacts
    box.settings.includeReps = [.init(email: "alice.rep@example.com")]
    try box.push()
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: Fixtures.path("push/alice-ews-export.xml"))]
    let plan = try box.plan([try UpdateClearsFieldsTests.graceCleared(in: box)])
    let grace = try #require(plan.entries.first { $0.crmId == "003000000000002AAA" })
    #expect(grace.origin == .created && grace.previous != nil)
    // The same update of an item ferry adopted carries no previous copy.
    let fresh = try PushSandbox()
    fresh.settings.objects = .contacts
    fresh.settings.includeReps = [.init(email: "alice.rep@example.com")]
    fresh.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: Fixtures.path("push/alice-mailbox.ndjson"))]
    let adopted = try fresh.plan().with(.update)
    #expect(!adopted.isEmpty)
    #expect(adopted.allSatisfy { $0.origin == .adopted && $0.previous == nil })
  }
}
