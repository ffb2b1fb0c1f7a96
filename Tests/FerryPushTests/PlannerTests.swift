import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryPush

@Suite("Planner and Applier")
struct PlannerTests {
  @Test("push twice: the second plan is empty and writes no files")
  func idempotence() throws {
    let box = try PushSandbox()
    let (first, applied) = try box.push()
    #expect(first.totals.create == 22)  // every contact and event with an owner
    #expect(first.totals.skipped == 1)  // the contact with no owner
    #expect(!applied.files.isEmpty)
    let filesAfterFirst = box.files()
    let (second, again) = try box.push()
    #expect(second.isEmpty)
    #expect(second.totals.unchanged == first.totals.create)
    #expect(again.files.isEmpty)
    #expect(box.files() == filesAfterFirst)
  }

  @Test("a plan that spools its records to disk writes the same files and ledger as one held in memory")
  func spooled() throws {
    let memory = try PushSandbox()
    let spooling = try PushSandbox()
    for (box, limit) in [(memory, 100_000), (spooling, 3)] {
      var run = try box.run()
      run.spoolMemoryLimit = limit
      let plan = try run.plan(diagnostics: .ignore)
      let spooled = plan.entries.filter { if case .spooled = $0.stored { true } else { false } }
      #expect(spooled.count == (limit == 3 ? plan.totals.create - 3 : 0))
      for entry in spooled { #expect(try entry.loadRecord()?.source?.recordId == entry.crmId) }
      _ = try run.apply(plan, diagnostics: .ignore)
    }
    #expect(!memory.files().isEmpty)
    #expect(spooling.files() == memory.files())
    #expect(try spooling.ledgerDump() == memory.ledgerDump())
  }

  @Test(
    "the spool's binary form gives back every record exactly",
    arguments: ["push/crm.ndjson", "ics/features.ics", "ics/overrides-apart.ics", "ics/dst.ics", "vcard/rfc6350-full-4.0.vcf",
      "vcard/outlook-2016-contact-2.1.vcf", "vcard/apple-icloud-contact-3.0.vcf"])
  func spoolCoding(fixture: String) throws {
    var (reader, _, _, _) = try InputOpener.open(
      path: Fixtures.path(fixture), from: nil, options: ReadOptions(), diagnostics: .ignore)
    let records = try reader.collect()
    #expect(!records.isEmpty)
    for r in records {
      // NDJSON's contract too: the model's Codable keeps every field.
      #expect(try JSONDecoder().decode(Record.self, from: JSONEncoder().encode(r)) == r)
      let bytes = try SpoolCoding.encode(r)
      #expect(try SpoolCoding.decode(Record.self, from: bytes) == r)
    }
    let spool = RecordSpool(memoryLimit: 0)
    let refs = try records.map { try spool.append($0) }
    #expect(try refs.map { try spool.load($0) } == records)
  }

  @Test("a changed phone gives exactly one update")
  func oneUpdate() throws {
    let box = try PushSandbox()
    try box.push()
    let (plan, applied) = try box.push(["push/crm-phone-changed.ndjson"])
    #expect(plan.totals.update == 1)
    #expect(plan.totals.create == 0 && plan.totals.delete == 0)
    let update = try #require(plan.with(.update).first)
    #expect(update.crmId == "003000000000002AAA")
    #expect(update.record?.contact?.phones.first?.number == "(212) 555-0199")
    #expect(applied.files.values.joined().contains { $0.hasSuffix("run-0002/contacts.ndjson") })
    #expect(try box.plan(["push/crm-phone-changed.ndjson"]).isEmpty)
  }

  @Test("a CRM event deleted: one delete with propagate, none with off")
  func deletions() throws {
    for mode in PushSettings.Deletions.allCases {
      let box = try PushSandbox()
      box.settings.deletions = mode
      try box.push()
      let (plan, applied) = try box.push(["push/crm-event-deleted.ndjson"])
      #expect(plan.totals.create == 0 && plan.totals.update == 0)
      if mode == .propagate {
        #expect(plan.totals.delete == 1)
        let delete = try #require(plan.with(.delete).first)
        #expect(delete.crmId == "00U000000000007EAA")
        #expect(delete.reason == "deleted in the CRM")
        #expect(delete.record?.event?.status == .cancelled)
        let listPath = try #require(applied.files["bob.rep@example.com"]?.first)
        let list = try #require(box.files()[listPath])
        #expect(String(decoding: list, as: UTF8.self).contains("00U000000000007EAA"))
        #expect(try box.plan(["push/crm-event-deleted.ndjson"]).isEmpty)
      } else {
        #expect(plan.totals.delete == 0)
        #expect(plan.with(.skip).contains { $0.crmId == "00U000000000007EAA" && $0.reason.contains("deletions: off") })
        #expect(applied.files.isEmpty)
      }
    }
  }

  @Test("filter exit is told apart from deletion and needs its own opt-in")
  func filterExit() throws {
    for optIn in [false, true] {
      let box = try PushSandbox()
      box.settings.deletions = .propagate
      box.settings.deletionsOnFilterExit = optIn
      try box.push()
      box.settings.contactFilter = "family != Hopper"
      let plan = try box.plan()
      let grace = try #require(plan.entries.first { $0.crmId == "003000000000002AAA" })
      if optIn {
        #expect(grace.action == .delete)
        #expect(grace.reason == "left the sync: filters.contacts does not match")
      } else {
        #expect(grace.action == .skip)
        #expect(grace.reason.contains("deletions_on_filter_exit is off"))
      }
      #expect(plan.totals.delete == (optIn ? 1 : 0))
    }
  }

  @Test("adoption: five mailbox contacts formatted differently give five updates, no creates")
  func adoption() throws {
    let box = try PushSandbox()
    box.settings.includeReps = [.init(email: "alice.rep@example.com")]
    box.settings.objects = .contacts
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: Fixtures.path("push/alice-mailbox.ndjson"))]
    let (plan, _) = try box.push()
    let updates = plan.with(.update)
    #expect(updates.count == 5)
    #expect(Set(updates.map(\.crmId)) == Set((1...5).map { "00300000000000\($0)AAA" }))
    #expect(updates.allSatisfy { $0.origin == .adopted && $0.providerId?.hasPrefix("AAMkAGI2TG93") == true })
    #expect(plan.totals.create == 1)  // Linus Pauling is not in the mailbox
    #expect(updates.allSatisfy { $0.record?.contact?.uid == $0.providerId })
    // Adopted items are never deleted, even with propagate.
    box.settings.deletions = .propagate
    box.settings.providerExports = []
    let gone = try box.plan(["push/crm-event-deleted.ndjson"])
    #expect(gone.totals.delete == 0)
  }

  @Test("a lost ledger: items carrying ferry's id are found in the mailbox and updated, not duplicated")
  func embeddedId() throws {
    let box = try PushSandbox()
    box.settings.objects = .contacts
    try box.push()
    let written = box.files().filter { $0.key.hasSuffix("contacts.ndjson") }.values.map { String(decoding: $0, as: UTF8.self) }
    let mailbox = box.directory + "/mailbox.ndjson"
    try written.joined().write(toFile: mailbox, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: box.ledger)
    box.settings.providerExports = [.init(path: mailbox)]
    let plan = try box.plan()
    #expect(plan.totals.create == 0)
    #expect(plan.totals.update == 12)
    #expect(plan.with(.update).allSatisfy { $0.origin == .created && $0.providerId == Planner.ferryUID($0.crmId) })
  }

  @Test("changes made in the mailbox are reported and overwritten")
  func providerChange() throws {
    let box = try PushSandbox()
    box.settings.objects = .contacts
    try box.push()
    var edited = Contact()
    edited.name = PersonName(given: "Ada", family: "Lovelace-Byron")
    edited.emails = [EmailAddress("ada@analytical.example")]
    edited.uid = Planner.ferryUID("003000000000001AAA")
    let mailbox = box.directory + "/mailbox.ndjson"
    let destination = OutputDestination(path: mailbox)
    var writer = try NDJSONWriter(destination: destination)
    try writer.write(.contact(edited))
    try writer.finish()
    try destination.commitAll()
    box.settings.providerExports = [.init(mailbox: "alice.rep@example.com", path: mailbox)]
    let plan = try box.plan()
    #expect(plan.providerChanges.filter { !$0.missing }.map(\.crmId) == ["003000000000001AAA"])
    // This export holds Ada alone: alice's other contacts ferry made are reported missing.
    #expect(plan.providerChanges.filter(\.missing).map(\.crmId) == (2...6).map { "00300000000000\($0)AAA" })
    let ada = try #require(plan.entries.first { $0.crmId == "003000000000001AAA" })
    #expect(ada.action == .update)
    #expect(ada.reason.contains("changed in the mailbox"))
    #expect(plan.totals.update == 1)
  }

  @Test("private events: skip, busy-only, full; privacy is always written")
  func privateEvents() throws {
    for mode in PushSettings.PrivateEvents.allCases {
      let box = try PushSandbox()
      box.settings.privateEvents = mode
      let plan = try box.plan()
      let dentist = try #require(plan.entries.first { $0.crmId == "00U000000000002EAA" })
      switch mode {
      case .skip:
        #expect(dentist.action == .skip)
        #expect(dentist.reason == "private event (private_events: skip)")
      case .busyOnly:
        let e = try #require(dentist.record?.event)
        #expect(e.summary == "Busy" && e.location == nil && e.description == nil && e.attendees.isEmpty)
        #expect(e.privacy == .private && e.start != nil)
      case .full:
        let e = try #require(dentist.record?.event)
        #expect(e.summary == "Dentist" && e.location == "Dr. Smile" && e.privacy == .private)
      }
      let conference = try #require(plan.entries.first { $0.crmId == "00U000000000009EAA" })
      #expect(conference.record?.event?.privacy == .public)
    }
  }

  @Test("private events: a series' changed occurrences are shaped like the series, and a private occurrence of a public series on its own")
  func privateOccurrences() throws {
    for mode in PushSettings.PrivateEvents.allCases {
      let box = try PushSandbox()
      box.settings.privateEvents = mode
      let plan = try box.plan(["push/private-series.ndjson"])
      let therapy = try #require(plan.entries.first { $0.crmId == "00U000000000099EAA" })
      let sync = try #require(plan.entries.first { $0.crmId == "00U000000000098EAA" })
      let syncEvent = try #require(sync.record?.event)
      switch mode {
      case .skip:
        #expect(therapy.action == .skip)
        // The private occurrence is left out of the public series: an excluded date, no override.
        #expect(syncEvent.recurrence?.overrides.isEmpty == true)
        #expect(syncEvent.recurrence?.exceptionDates == [.utc(LocalDateTime(year: 2026, month: 12, day: 10, hour: 15))])
        #expect(syncEvent.summary == "Team sync")
      case .busyOnly:
        let o = try #require(therapy.record?.event?.recurrence?.overrides.first)
        // The override named no privacy: it is as private as its series, with no details.
        #expect(o.summary == "Busy" && o.description == nil && o.location == nil && o.privacy == .private)
        #expect(o.start != nil && o.recurrenceId != nil)
        let p = try #require(syncEvent.recurrence?.overrides.first)
        #expect(p.summary == "Busy" && p.description == nil && p.location == nil && p.privacy == .private)
        #expect(syncEvent.summary == "Team sync" && syncEvent.description == "Quarterly planning")
      case .full:
        let o = try #require(therapy.record?.event?.recurrence?.overrides.first)
        #expect(o.summary == "Therapy session (moved)")
        #expect(syncEvent.recurrence?.overrides.first?.summary == "Medical appointment")
      }
    }
  }

  @Test("series: skip drops recurring events; keep passes them to the writer")
  func series() throws {
    let box = try PushSandbox()
    box.settings.series = .skip
    let skipPlan = try box.plan()
    let skipped = try #require(skipPlan.entries.first { $0.crmId == "00U000000000003EAA" })
    #expect(skipped.action == .skip && skipped.reason == "recurring series (series: skip)")
    box.settings.series = .keep
    let keepPlan = try box.plan()
    let kept = try #require(keepPlan.entries.first { $0.crmId == "00U000000000003EAA" })
    #expect(kept.action == .create && kept.record?.event?.recurrence?.rule?.frequency == .weekly)
  }

  @Test("relate_events: e-mail, name, owner tie-break, unresolved; related-only uses it")
  func relate() throws {
    let box = try PushSandbox()
    box.settings.events = .relatedOnly
    let plan = try box.plan()
    func event(_ n: Int) -> PlanEntry? { plan.entries.first { $0.crmId == "00U0000000000\(n < 10 ? "0" : "")\(n)EAA" } }
    // Ada's e-mail belongs to two contacts; the event owner's (Alice's) wins.
    #expect(event(1)?.record?.event?.attendees.first?.crmId == "003000000000001AAA")
    // By name, case and spacing ignored.
    #expect(event(6)?.record?.event?.attendees.first?.crmId == "003000000000002AAA")
    #expect(event(7)?.record?.event?.attendees.first?.crmId == "003000000000007AAA")
    #expect(plan.unresolved.isEmpty)  // the stranger's lunch is not pushed under related-only
    box.settings.events = .all
    let all = try box.plan()
    #expect(all.unresolved.map(\.attendee) == ["stranger@nowhere.example"])
    #expect(all.unresolved.first?.rep == "alice.rep@example.com")
    box.settings.events = .relatedOnly
    #expect(event(4)?.action == .skip)
    #expect(event(4)?.reason.contains("related-only") == true)
    #expect(event(9)?.action == .skip)  // no attendees, no related records
    box.settings.relateEvents = false
    let unrelated = try box.plan()
    #expect(unrelated.unresolved.isEmpty)
    #expect(unrelated.entries.first { $0.crmId == "00U000000000006EAA" }?.action == .skip)
  }

  @Test("reps include and exclude, and one folder per rep")
  func reps() throws {
    let box = try PushSandbox()
    box.settings.includeReps = [.init(any: "Bob Rep"), .init(id: "005000000000003", folder: "carol")]
    box.settings.excludeReps = [.init(email: "CAROL.rep@example.com")]
    let plan = try box.plan()
    #expect(plan.reps.map(\.folder) == ["bob.rep@example.com"])
    #expect(plan.skippedReasons[""]?["owner is not among reps.include"] == 12)
    #expect(plan.skippedReasons[""]?["rep excluded (reps.exclude)"] == 2)
  }

  @Test("deny_fields removes sensitive columns before hashing and writing")
  func deny() throws {
    let box = try PushSandbox()
    let (plan, applied) = try box.push()
    #expect(plan.deniedFields["alice.rep@example.com"] == ["Tax_ID__c": 1, "SSN__c": 1])
    #expect(plan.deniedFields["bob.rep@example.com"] == ["Bank_Account_Number__c": 1])
    let text = box.files().values.map { String(decoding: $0, as: UTF8.self) }.joined()
    #expect(!text.contains("078-05-1120") && !text.contains("12-3456789") && !text.contains("000123456789"))
    #expect(text.contains("Lead_Source"))
    #expect(!applied.files.isEmpty)
  }

  @Test("the plan order is stable: rep, kind, CRM id")
  func order() throws {
    let box = try PushSandbox()
    let a = try box.plan().entries.map { "\($0.rep ?? "-") \($0.kind) \($0.crmId) \($0.action)" }
    let b = try box.plan().entries.map { "\($0.rep ?? "-") \($0.kind) \($0.crmId) \($0.action)" }
    #expect(a == b)
    #expect(a.first == "alice.rep@example.com contact 003000000000001AAA create")
    #expect(a.last?.hasPrefix("- contact 003000000000012AAA skip") == true)
  }

  @Test("a dry run writes nothing, the ledger included")
  func dryRun() throws {
    let box = try PushSandbox()
    _ = try box.plan()
    #expect(!FileManager.default.fileExists(atPath: box.ledger))
    #expect(box.files().isEmpty)
  }

  @Test("settings from the fixture sync.yaml, with positions for errors")
  func settings() throws {
    let s = try PushSettings(yaml: try Fixtures.text("push/sync.yaml"), file: "sync.yaml")
    #expect(s.includeReps.count == 2 && s.includeReps[0].folder == "alice")
    #expect(s.excludeReps == [.init(name: "Carol Rep")])
    #expect(s.privateEvents == .busyOnly && s.deletions == .propagate && !s.deletionsOnFilterExit)
    #expect(s.denyFields == ["@default", "Lead_Source"])
    #expect(s.filterOrigins.events?.line ?? 0 > 1)
    #expect(throws: FerryError.self) { try PushSettings(yaml: "deletion: propagate\n") }
    do {
      _ = try PushSettings(yaml: "objects: both\nfilters:\n  contacts: 'email exits'\n", file: "s.yaml")
      let s = try PushSettings(yaml: "objects: both\nfilters:\n  contacts: 'email exits'\n", file: "s.yaml")
      _ = try Planner(settings: s, targets: [:], ledger: LedgerSnapshot(), today: LocalDate(year: 2026, month: 1, day: 1))
      Issue.record("bad filter accepted")
    } catch let error as FerryError {
      #expect(error.location?.file == "s.yaml")
      #expect(error.location?.line == 3)
      #expect(error.location?.column == 20)  // "exits", after `  contacts: 'email `
    }
  }

  @Test("--to: one target per kind; a kind nothing can hold is a usage error")
  func targets() throws {
    let t = try PushTargets.resolve(to: ["ndjson"], profile: "outlook", objects: .both)
    #expect(t[.contact]?.key == "ndjson/outlook" && t[.event]?.key == "ndjson/outlook")
    #expect(throws: FerryError.self) { try PushTargets.resolve(to: ["ndjson", "ndjson"], profile: nil, objects: .both) }
    #expect(throws: FerryError.self) { try PushTargets.resolve(to: [], profile: nil, objects: .both) }
    #expect(throws: FerryError.self) { try PushTargets.resolve(to: ["nosuch"], profile: nil, objects: .both) }
  }
}

@Suite("Push targets")
struct PushTargetTests {
  @Test("vcard for Outlook: one file per contact; deletes go to deletions.csv")
  func vcardOutlook() throws {
    let box = try PushSandbox()
    box.to = ["vcard"]
    box.settings.target = "outlook"
    box.settings.objects = .contacts
    box.settings.deletions = .propagate
    box.settings.includeReps = [.init(email: "alice.rep@example.com", folder: "alice")]
    let (_, applied) = try box.push()
    #expect(applied.files["alice"] == ["alice/run-0001/contacts"])
    let cards = box.files().filter { $0.key.hasPrefix("alice/run-0001/contacts/") }
    #expect(cards.count == 6)
    let ada = try #require(cards.first { String(decoding: $0.value, as: UTF8.self).contains("Lovelace") })
    let text = String(decoding: ada.value, as: UTF8.self)
    #expect(text.contains("BEGIN:VCARD") && text.contains("ferry-003000000000001AAA@ferry"))
    #expect(!text.contains("12-3456789"))  // Tax_ID__c is deny-listed
    // Grace leaves the CRM: the importer cannot delete, so she is listed.
    box.settings.contactFilter = "family != Hopper"
    box.settings.deletionsOnFilterExit = true
    let (plan, second) = try box.push()
    #expect(plan.totals.delete == 1)
    #expect(second.files["alice"] == ["alice/run-0002/deletions.csv"])
    let list = String(decoding: box.files()["alice/run-0002/deletions.csv"] ?? [], as: UTF8.self)
    #expect(list.hasPrefix("Kind,CrmId,ProviderId,Name,Reason\r\n"))
    #expect(list.contains("contact,003000000000002AAA,ferry-003000000000002AAA@ferry,Grace Hopper,"))
  }

  @Test("EWS and Graph: a document per operation, contacts and events in one target")
  func exchange() throws {
    for format in ["ews", "graph"] {
      let box = try PushSandbox()
      box.to = [format]
      box.settings.includeReps = [.init(email: "bob.rep@example.com", folder: "bob")]
      let (_, applied) = try box.push()
      let ext = format == "ews" ? "xml" : "json"
      let names = Set(box.files().keys.filter { $0.hasPrefix("bob/run-0001/") })
      #expect(names.contains { $0.hasPrefix("bob/run-0001/contacts-create") && $0.hasSuffix(ext) }, "\(names)")
      #expect(names.contains { $0.hasPrefix("bob/run-0001/events-create") && $0.hasSuffix(ext) }, "\(names)")
      #expect(applied.files["bob"]?.isEmpty == false)
      let text = box.files().filter { $0.key.hasPrefix("bob/run-0001/events-create") }.values.map { String(decoding: $0, as: UTF8.self) }.joined()
      #expect(text.contains("Design review with Barbara"))
      if format == "ews" { #expect(text.contains("SendToNone")) }
      #expect(!text.contains("Numbers before the board"))  // confidential: busy-only placeholder
    }
  }

  @Test("csv:outlook: an import file for contacts")
  func csv() throws {
    let box = try PushSandbox()
    box.to = ["csv:outlook"]
    box.settings.objects = .contacts
    box.settings.includeReps = [.init(email: "bob.rep@example.com", folder: "bob")]
    let (plan, _) = try box.push()
    #expect(plan.totals.create == 5)
    let file = try #require(box.files()["bob/run-0001/contacts.csv"])
    let text = String(decoding: file, as: UTF8.self)
    #expect(text.contains("First Name") && text.contains("Liskov"))
  }

  @Test("vcard + ics: METHOD:PUBLISH, SEQUENCE up on update, METHOD:CANCEL for deletes")
  func ics() throws {
    let box = try PushSandbox()
    box.to = ["vcard", "ics"]
    box.settings.deletions = .propagate
    box.settings.includeReps = [.init(email: "bob.rep@example.com", folder: "bob")]
    try box.push()
    let first = String(decoding: box.files()["bob/run-0001/events.ics"] ?? [], as: UTF8.self)
    #expect(first.contains("METHOD:PUBLISH"))
    #expect(first.contains("UID:ferry-00U000000000007EAA@ferry"))
    #expect(first.contains("CLASS:PUBLIC") && first.contains("CLASS:CONFIDENTIAL"))
    let (plan, _) = try box.push(["push/crm-event-deleted.ndjson"])
    #expect(plan.totals.delete == 1)
    let cancel = String(decoding: box.files()["bob/run-0002/events-cancel.ics"] ?? [], as: UTF8.self)
    #expect(cancel.contains("METHOD:CANCEL"))
    #expect(cancel.contains("UID:ferry-00U000000000007EAA@ferry"))
    #expect(cancel.contains("STATUS:CANCELLED") && cancel.contains("SEQUENCE:1"))
  }
}

@Suite("push settings: writer options")
struct PushWriterSettingsTests {
  @Test("zone, exchange_version, batch, mapping and input_encoding are settings keys; a bad batch names its line")
  func keys() throws {
    let s = try PushSettings(
      yaml: "zone: Europe/Berlin\nexchange_version: Exchange2016\nbatch: 50\nmapping: map.yaml\ninput_encoding: windows-1252\n")
    #expect(s.zone == "Europe/Berlin")
    #expect(s.exchangeVersion == "Exchange2016")
    #expect(s.batch == 50)
    #expect(s.mapping == "map.yaml")
    #expect(s.inputEncoding == "windows-1252")
    #expect(s.canonicalText.contains("zone=Europe/Berlin"))
    #expect(throws: FerryError.self) { try PushSettings(yaml: "to: [ews]\nbatch: 0\n") }
    do {
      _ = try PushSettings(yaml: "to: [ews]\nbatch: many\n", file: "sync.yaml")
    } catch let error as FerryError {
      #expect(error.location?.line == 2)
      #expect(error.message.contains("\"batch\" is \"many\""))
    }
  }
}
