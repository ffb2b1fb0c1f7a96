import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import GRDB
import Testing

@testable import FerryPush

/// A series with excluded and changed occurrences is created as its pattern alone (EWS
/// CreateItem cannot carry them); a later run given the mailbox export, which holds the
/// series' ItemId, sends what the mailbox lacks as occurrence deletes and updates, once.
@Suite("series occurrences in the mailbox")
struct SeriesOccurrenceTests {
  static let crmId = "00U000000000003EAA"

  func sandbox() throws -> PushSandbox {
    let box = try PushSandbox()
    box.to = ["ews"]
    box.settings.includeReps = [.init(email: "alice.rep@example.com", folder: "alice")]
    return box
  }

  func export(_ box: PushSandbox, _ name: String) {
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: Fixtures.path("push/\(name)"))]
  }

  func text(_ box: PushSandbox, _ path: String) -> String {
    String(decoding: box.files()[path] ?? [], as: UTF8.self)
  }

  func occurrenceRows(_ box: PushSandbox) throws -> [String] {
    try DatabaseQueue(path: box.ledger).read { db in
      try Row.fetchAll(db, sql: "SELECT occurrence, action, run_id FROM occurrences ORDER BY occurrence").map {
        "\($0[0] as String) \($0[1] as String) \($0[2] as Int)"
      }
    }
  }

  static let series = "push/series-exceptions.ndjson"

  @Test("first run creates the series alone; the second sends the occurrences; the third sends nothing")
  func threeRuns() throws {
    let box = try sandbox()
    let (first, _) = try box.push([Self.series])
    #expect(first.totals.create == 1)
    #expect(first.entries.first?.occurrences == nil)
    let created = text(box, "alice/run-0001/events-create.xml")
    #expect(created.contains("<m:CreateItem"))
    #expect(!created.contains("OccurrenceItemId"))
    #expect(try occurrenceRows(box).isEmpty)

    export(box, "alice-series-export.xml")
    let (second, applied) = try box.push([Self.series])
    #expect(second.totals.update == 1)
    let entry = try #require(second.entries.first { $0.crmId == Self.crmId })
    #expect(entry.reason == "1 excluded and 1 changed occurrences of the series not yet in the mailbox")
    #expect(entry.occurrences?.seriesUnchanged == true)
    #expect(applied.files["alice"] == ["alice/run-0002/events-update-0001.xml", "alice/run-0002/events-update-0002.xml"])
    let update = text(box, "alice/run-0002/events-update-0001.xml")
    let delete = text(box, "alice/run-0002/events-update-0002.xml")
    #expect(update.contains(#"<t:OccurrenceItemId RecurringMasterId="AAMkSeriesMaster=" ChangeKey="DwAAAAFirst" InstanceIndex="4"/>"#))
    #expect(update.contains("<t:Location>Room 2</t:Location>"))
    #expect(update.contains("<t:Start>2026-11-24T10:00:00-05:00</t:Start>"))
    #expect(!update.contains("<t:ItemId "))
    #expect(delete.contains("<m:DeleteItem"))
    #expect(delete.contains(#"<t:OccurrenceItemId RecurringMasterId="AAMkSeriesMaster=" InstanceIndex="3"/>"#))
    #expect(try occurrenceRows(box) == ["utc:2026-11-16T14:00:00 delete 2", "utc:2026-11-23T14:00:00 update 2"])

    // Rerun with the same (older) export: the ledger knows what was sent.
    let third = try box.plan([Self.series])
    #expect(third.isEmpty)
    // And with a new export showing them in the mailbox.
    export(box, "alice-series-export-after.xml")
    #expect(try box.plan([Self.series]).isEmpty)
  }

  @Test("a changed occurrence changed again in the CRM is sent again, alone")
  func changedAgain() throws {
    let box = try sandbox()
    try box.push([Self.series])
    export(box, "alice-series-export.xml")
    try box.push([Self.series])
    let crm = try String(contentsOfFile: Fixtures.path(Self.series), encoding: .utf8)
    let changed = box.directory + "/series-room3.ndjson"
    try crm.replacingOccurrences(of: "Room 2", with: "Room 3").write(toFile: changed, atomically: true, encoding: .utf8)
    let (plan, applied) = try box.push([changed])
    let entry = try #require(plan.entries.first { $0.crmId == Self.crmId })
    #expect(entry.action == .update)
    #expect(entry.reason.contains("1 changed occurrence"))
    #expect(entry.occurrences?.deleted.isEmpty == true)
    #expect(entry.occurrences?.modified.first?.location == "Room 3")
    #expect(applied.files["alice"] == ["alice/run-0003/events-update.xml"])
  }

  @Test("with no ledger, an export showing the deleted occurrence sends only the changed one")
  func lostLedger() throws {
    let box = try sandbox()
    export(box, "alice-series-export-after.xml")
    let plan = try box.plan([Self.series])
    let entry = try #require(plan.entries.first { $0.crmId == Self.crmId })
    #expect(entry.action == .update)
    #expect(entry.occurrences?.deleted.isEmpty == true)
    #expect(entry.occurrences?.modified.count == 1)
  }

  @Test("a series whose times change loses its occurrences in the mailbox: they are sent again")
  func seriesTimesChanged() throws {
    let box = try sandbox()
    try box.push([Self.series])
    export(box, "alice-series-export.xml")
    try box.push([Self.series])
    let crm = try String(contentsOfFile: Fixtures.path(Self.series), encoding: .utf8)
    let later = box.directory + "/series-later.ndjson"
    try crm.replacingOccurrences(of: "2026-11-02T09:30:00", with: "2026-11-02T09:45:00")
      .write(toFile: later, atomically: true, encoding: .utf8)
    let entry = try #require(try box.plan([later]).entries.first { $0.crmId == Self.crmId })
    #expect(entry.action == .update)
    #expect(entry.reason.hasPrefix("changed in the CRM since run 2; with 1 excluded and 1 changed occurrences"))
    #expect(entry.occurrences?.seriesUnchanged == false)
  }

  @Test("a ledger from before the occurrences table plans, and is migrated when written")
  func oldLedger() throws {
    let box = try sandbox()
    try box.push([Self.series])
    let queue = try DatabaseQueue(path: box.ledger)
    try queue.write { db in
      try db.execute(sql: "DROP TABLE occurrences")
      try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'occurrences'")
    }
    export(box, "alice-series-export.xml")
    #expect(try box.plan([Self.series]).totals.update == 1)
    try box.push([Self.series])
    #expect(try occurrenceRows(box).count == 2)
  }

  @Test("the run that deletes the series forgets its occurrences")
  func deleteForgets() throws {
    let box = try sandbox()
    box.settings.deletions = .propagate
    try box.push([Self.series])
    export(box, "alice-series-export.xml")
    try box.push([Self.series])
    let other = try box.lines(of: "push/crm.ndjson", containing: "003000000000001AAA")
    let (plan, _) = try box.push([other])
    #expect(plan.with(.delete).map(\.crmId) == [Self.crmId])
    #expect(try occurrenceRows(box).isEmpty)
  }

  @Test("graph: with the series alone the occurrences wait, with its calendarView instances they are PATCHed and DELETEd once")
  func graph() throws {
    let box = try sandbox()
    box.to = ["graph"]
    let (first, _) = try box.push([Self.series])
    #expect(first.totals.create == 1)
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: Fixtures.path("push/alice-series-graph.json"))]
    let waiting = try box.plan([Self.series])
    #expect(waiting.isEmpty)
    #expect(waiting.unsentOccurrences.map(\.count) == [2])
    #expect(waiting.unsentOccurrences.first?.crmId == Self.crmId)
    box.settings.providerExports.append(
      .init(mailbox: "alice.rep@example.com", path: Fixtures.path("push/alice-series-calendarview.json")))
    let (second, applied) = try box.push([Self.series])
    #expect(second.unsentOccurrences.isEmpty)
    #expect(second.totals.update == 1)
    // The calendarView instances are no items of their own: nothing adopted, nothing missing.
    #expect(second.totals.create == 0)
    #expect(second.providerChanges.isEmpty)
    #expect(applied.files["alice"] == ["alice/run-0002/events-update.json"])
    let json = try JSONSerialization.jsonObject(with: Data(box.files()["alice/run-0002/events-update.json"] ?? []))
    let requests = try #require((json as? [String: Any])?["requests"] as? [[String: Any]])
    #expect(requests.map { "\($0["method"] ?? "") \($0["url"] ?? "")" } == [
      "PATCH /users/alice.rep@example.com/events/GOCC4", "DELETE /users/alice.rep@example.com/events/GOCC3",
    ])
    let body = try #require(requests.first?["body"] as? [String: Any])
    #expect(Set(body.keys) == ["start", "end", "location"])
    #expect((body["start"] as? [String: Any])?["dateTime"] as? String == "2026-11-24T10:00:00")
    #expect(try occurrenceRows(box).count == 2)
    #expect(try box.plan([Self.series]).isEmpty)
  }

  @Test("ews: a changed occurrence outside the pattern is reported each run, never recorded as sent")
  func outsideThePattern() throws {
    let box = try sandbox()
    try box.push([Self.series])
    let crm = try String(contentsOfFile: Fixtures.path(Self.series), encoding: .utf8)
    let stray = box.directory + "/series-stray.ndjson"
    // The changed occurrence names a Wednesday: no occurrence of a Monday series.
    try crm.replacingOccurrences(of: "\"recurrenceId\": \"2026-11-23T09:00:00", with: "\"recurrenceId\": \"2026-11-25T09:00:00")
      .write(toFile: stray, atomically: true, encoding: .utf8)
    export(box, "alice-series-export.xml")
    let (plan, _) = try box.push([stray])
    let entry = try #require(plan.entries.first { $0.crmId == Self.crmId })
    #expect(entry.reason == "changed in the CRM since run 1; with 1 excluded occurrence the mailbox lacks")
    #expect(plan.unsentOccurrences.map(\.count) == [1])
    #expect(plan.unsentOccurrences.first?.reason.contains("no occurrences of it") == true)
    #expect(try occurrenceRows(box) == ["utc:2026-11-16T14:00:00 delete 2"])
    let again = try box.plan([stray])
    #expect(again.isEmpty)
    #expect(again.unsentOccurrences.count == 1)
  }

  @Test("a changed occurrence the CRM drops after ferry sent it is reported once, kept in the mailbox and forgotten")
  func droppedInTheCRM() throws {
    let box = try sandbox()
    try box.push([Self.series])
    export(box, "alice-series-export.xml")
    try box.push([Self.series])
    let crm = try String(contentsOfFile: Fixtures.path(Self.series), encoding: .utf8)
    guard let overrides = crm.range(of: ", \"overrides\": [") else { throw CocoaError(.fileReadCorruptFile) }
    let dropped = box.directory + "/series-no-override.ndjson"
    try (String(crm[..<overrides.lowerBound]) + "}}}\n").write(toFile: dropped, atomically: true, encoding: .utf8)
    let (plan, _) = try box.push([dropped])
    let entry = try #require(plan.entries.first { $0.crmId == Self.crmId })
    #expect(entry.action == .update)
    #expect(entry.reason == "changed in the CRM since run 2")
    let kept = try #require(plan.unsentOccurrences.first)
    #expect(kept.sent)
    #expect(kept.count == 1)
    #expect(kept.reason.contains("kept in the mailbox"))
    #expect(try occurrenceRows(box) == ["utc:2026-11-16T14:00:00 delete 2"])
    let next = try box.plan([dropped])
    #expect(next.isEmpty)
    #expect(next.unsentOccurrences.isEmpty)
  }

  @Test("an export whose series makes other occurrences than the CRM's gets none sent, unless this run updates the series")
  func otherPattern() throws {
    let box = try sandbox()
    try box.push([Self.series])
    // The mailbox's series has eight occurrences, the CRM's ten (and the same fingerprint).
    let export = box.directory + "/eight.xml"
    let xml = try String(contentsOfFile: Fixtures.path("push/alice-series-export.xml"), encoding: .utf8)
    try xml.replacingOccurrences(of: "<t:NumberOfOccurrences>10<", with: "<t:NumberOfOccurrences>8<")
      .write(toFile: export, atomically: true, encoding: .utf8)
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: export)]
    let waiting = try box.plan([Self.series])
    #expect(waiting.isEmpty)
    #expect(waiting.unsentOccurrences.first?.reason.contains("another pattern") == true)
    // A CRM change updates the series (its pattern with it): every occurrence goes along,
    // even one the export lists as deleted.
    let after = box.directory + "/eight-after.xml"
    let afterXML = try String(contentsOfFile: Fixtures.path("push/alice-series-export-after.xml"), encoding: .utf8)
    try afterXML.replacingOccurrences(of: "<t:NumberOfOccurrences>10<", with: "<t:NumberOfOccurrences>8<")
      .write(toFile: after, atomically: true, encoding: .utf8)
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: after)]
    let crm = try String(contentsOfFile: Fixtures.path(Self.series), encoding: .utf8)
    let renamed = box.directory + "/renamed.ndjson"
    try crm.replacingOccurrences(of: "\"location\": \"Phone bridge\"", with: "\"location\": \"Bridge 2\"")
      .write(toFile: renamed, atomically: true, encoding: .utf8)
    let entry = try #require(try box.plan([renamed]).entries.first { $0.crmId == Self.crmId })
    #expect(entry.action == .update)
    #expect(entry.occurrences?.deleted.count == 1)
    #expect(entry.occurrences?.modified.count == 1)
  }
}
