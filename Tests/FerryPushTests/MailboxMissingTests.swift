import FerryModel
import FerryPush
import Foundation
import Testing

/// An item ferry made that the mailbox export no longer holds (the user deleted it, or the
/// admin never imported it) is reported, and left so.
@Suite("push: items missing from the mailbox export")
struct MailboxMissingTests {
  @Test("an export that carries ferry's ids reports the missing item; one that cannot carry them (Outlook CSV) reports nothing")
  func missing() throws {
    let box = try PushSandbox()
    box.settings.objects = .contacts
    box.settings.includeReps = [.init(email: "alice.rep@example.com")]
    try box.push()
    let pushed = try #require(box.files().first { $0.key.hasSuffix("run-0001/contacts.ndjson") })
    let kept = String(decoding: pushed.value, as: UTF8.self).split(separator: "\n").filter { !$0.contains("Linus") }
    let export = box.directory + "/mailbox.ndjson"
    try (kept.joined(separator: "\n") + "\n").write(toFile: export, atomically: true, encoding: .utf8)
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: export)]
    let plan = try box.plan()
    #expect(plan.providerChanges.map(\.crmId) == ["003000000000006AAA"])
    #expect(plan.providerChanges.first?.missing == true)
    #expect(plan.entries.allSatisfy { $0.action == .unchanged || $0.action == .skip })

    // The same mailbox as an Outlook CSV export: no UID column, so nothing can be told missing.
    let csv = box.directory + "/mailbox.csv"
    try "First Name,Last Name,E-mail Address\r\nAda,Lovelace,ada@analytical.example\r\n".write(toFile: csv, atomically: true, encoding: .utf8)
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: csv)]
    #expect(try box.plan().providerChanges.filter(\.missing).isEmpty)
  }
}
