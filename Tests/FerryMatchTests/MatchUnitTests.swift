import FerryMatch
import FerryModel
import Foundation
import Testing

@Suite struct NormalizeTests {
  @Test(arguments: [
    ("(212) 555-0100", "+12125550100", nil as String?),
    ("+1 212-555-0100", "+12125550100", nil),
    ("2125550100", "+12125550100", nil),
    ("1-212-555-0100", "+12125550100", nil),
    ("212.555.0100 x204", "+12125550100", "204"),
    ("+1 (212) 555-0100 ext. 204", "+12125550100", "204"),
    ("212-555-0100;ext=12", "+12125550100", "12"),
    ("+44 20 7946 0958", "+442079460958", nil),
    ("+44 (0)20 7946 0958", "+442079460958", nil),
    ("011 44 20 7946 0958", "+442079460958", nil),
  ])
  func phonesToE164(raw: String, e164: String, ext: String?) {
    let p = Normalize.phone(raw, region: "US")
    #expect(p.e164 == e164)
    #expect(p.extensionDigits == ext)
    #expect(p.original == raw)
  }

  @Test func phoneRegionIsExplicitAndUnparseableIsFlagged() {
    #expect(Normalize.phone("020 7946 0958", region: "GB").e164 == "+442079460958")
    #expect(Normalize.phone("030 1234567", region: "DE").e164 == "+49301234567")
    // a national number that is not a US number is not given a country
    let p = Normalize.phone("020 7946 0958", region: "US")
    #expect(p.e164 == nil)
    #expect(p.problem != nil)
    #expect(Normalize.phone("call reception", region: "US").e164 == nil)
    #expect(Normalize.phone("555-0100", region: "US").e164 == nil)
    #expect(Normalize.phone("2125550100", region: "ZZ").problem?.contains("ZZ") == true)
  }

  @Test func emails() {
    #expect(Normalize.email("  Robert.Smith@Acme.COM ") == "robert.smith@acme.com")
    #expect(Normalize.email("mailto:Bob@Example.com") == "bob@example.com")
    #expect(Normalize.email("<bob@example.com>") == "bob@example.com")
    #expect(Normalize.email("Bob.Smith+crm@gmail.com") == "bob.smith+crm@gmail.com")
    #expect(Normalize.email("Bob.Smith+crm@gmail.com", gmail: true) == "bobsmith@gmail.com")
    #expect(Normalize.email("b.o.b@googlemail.com", gmail: true) == "bob@gmail.com")
    #expect(Normalize.email("bob.smith+x@example.com", gmail: true) == "bob.smith+x@example.com")
    #expect(Normalize.email("not an address") == nil)
  }

  @Test func namesFoldAccentsPrefixesSuffixes() {
    #expect(String(decoding: Normalize.fold("José Álvarez-Núñez"), as: UTF8.self) == "jose alvarez nunez")
    #expect(String(decoding: Normalize.fold("Søren Kierkegård"), as: UTF8.self) == "soren kierkegard")
    #expect(String(decoding: Normalize.fold("O'Brien"), as: UTF8.self) == "obrien")
    let n = Normalize.name(formatted: "Dr. Michael J. Chen Jr.")
    #expect(String(decoding: n.given, as: UTF8.self) == "michael")
    #expect(String(decoding: n.middle, as: UTF8.self) == "j")
    #expect(String(decoding: n.family, as: UTF8.self) == "chen")
    let c = Normalize.name(formatted: "Hughes, Patty")
    #expect(String(decoding: c.given, as: UTF8.self) == "patty")
    #expect(String(decoding: c.family, as: UTF8.self) == "hughes")
    let s = Normalize.name(given: "Nicholas", middle: nil, family: "Van der Berg")
    #expect(String(decoding: s.family, as: UTF8.self) == "vanderberg")
  }

  @Test func nicknames() {
    #expect(Nicknames.count > 1000)
    #expect(Nicknames.related("bob", "robert"))
    #expect(Nicknames.related("bill", "william"))
    #expect(Nicknames.related("peggy", "margaret"))
    #expect(Nicknames.related("bob", "rob"))
    #expect(!Nicknames.related("bob", "william"))
  }

  @Test func organisationsAndAddresses() {
    #expect(Normalize.organization("ACME, Incorporated") == Normalize.organization("Acme Inc."))
    #expect(Normalize.organization("Globex GmbH") == Normalize.organization("globex"))
    #expect(Normalize.organization("Weyland-Yutani Corp.") == Normalize.organization("Weyland Yutani"))
    let a = Normalize.street("12 Main Street Apt 4B"), b = Normalize.street("12 main st #4b")
    #expect(a == b)
    #expect(String(decoding: a.unit, as: UTF8.self) == "4b")
    #expect(Normalize.postalCode("12345-6789") == Normalize.postalCode("12345"))
    #expect(Normalize.postalCode("sw1a 1aa") == Array("SW1A1AA".utf8))
    #expect(Normalize.birthDate(text: "1976-08-07") == Array("19760807".utf8))
    #expect(Normalize.birthDate(year: 1976, month: nil, day: nil) == Array("1976????".utf8))
  }

  @Test func similarities() {
    #expect(abs(Similarity.jaroWinkler("martha", "marhta") - 0.961) < 0.001)
    #expect(abs(Similarity.jaroWinkler("dixon", "dicksonx") - 0.813) < 0.001)
    #expect(Similarity.soundex(Array("robert".utf8)) == Similarity.soundex(Array("rupert".utf8)))
    #expect(Similarity.soundex(Array("tymczak".utf8)) != Similarity.soundex(Array("robert".utf8)))
    let x = Normalize.street("101 britten-jones drive gregory heights").rest
    let y = Normalize.street("101 gregory hts britten jones dr").rest
    let s = x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { Similarity.tokenSet(a, $0) } }
    #expect(s > 0.9)
  }
}

@Suite struct MatcherTests {
  static func person(_ given: String, _ family: String, email: String? = nil, phone: String? = nil, org: String? = nil, id: String) -> Record {
    var c = Contact()
    c.name.given = given
    c.name.family = family
    if let email { c.emails = [EmailAddress(email)] }
    if let phone { c.phones = [PhoneNumber(phone)] }
    c.organization = org
    c.source = SourceIdentity(system: "salesforce", recordId: id)
    return .contact(c)
  }

  @Test func chainingIsGuarded() {
    // A~B by e-mail, B~C by phone, but A and C disagree on everything else: the transitive
    // cluster is split and reported.
    let m = Matcher()
    m.add(MatcherTests.person("Robert", "Smith", email: "rs@acme.example", org: "Acme", id: "A"))
    m.add(MatcherTests.person("R", "Smith", email: "rs@acme.example", phone: "212-555-0100", id: "B"))
    m.add(MatcherTests.person("Rachel", "Smithers", phone: "(212) 555-0100", org: "Globex", id: "C"))
    let result = m.run()
    #expect(result.splits.first?.parts == [[0, 1], [2]])
    let sizes = result.clusters.map(\.members.count)
    #expect(result.splits.count == 1)
    #expect(!sizes.contains(3))
    #expect(result.splits.first?.disagreements.first == [0, 2])
  }

  @Test func rulesFileOverridesDefaults() throws {
    let rules = try MatchRules.fromYAML(
      """
      threshold: 30
      gmail: true
      region: gb
      fields:
        email: {exact: 20, differ: -3}
      """)
    #expect(rules.threshold == 30)
    #expect(rules.gmail)
    #expect(rules.region == "GB")
    #expect(rules.weights[.email]?.exact == 20)
    #expect(rules.weights[.email]?.differ == -3)
    #expect(rules.weights[.given] == MatchRules.defaultWeights[.given])
    #expect(throws: RulesError.self) { try MatchRules.fromYAML("fields:\n  shoe_size: {exact: 1}") }
    #expect(throws: RulesError.self) { try MatchRules.fromYAML("threshhold: 3") }
  }

  @Test func rulesFileTunesTheSharedContactPointRules() throws {
    #expect(MatchRules().roleAddresses.isSuperset(of: ["info", "sales", "office", "noreply", "no-reply", "hr"]))
    #expect(!MatchRules().roleAddresses.contains("sam"))
    let rules = try MatchRules.fromYAML(
      """
      role_addresses: [Kontakt, vertrieb]
      phone_extensions: false
      phone_extension_on_one_side: 4
      birth_date_veto: false
      """)
    #expect(rules.roleAddresses == ["kontakt", "vertrieb"])
    #expect(!rules.phoneExtensions)
    #expect(rules.phoneExtensionOnOneSide == 4)
    #expect(!rules.birthDateVeto)
    #expect(throws: RulesError.self) { try MatchRules.fromYAML("role_addresses: info") }
  }

  @Test func thresholdChangesLinks() {
    func clusters(_ t: Double) -> Int {
      var rules = MatchRules()
      rules.threshold = t
      let m = Matcher(rules: rules)
      m.add(MatcherTests.person("Robert", "Smith", org: "Acme Inc", id: "A"))
      m.add(MatcherTests.person("Bob", "Smith", org: "ACME", id: "B"))
      return m.run().clusters.count
    }
    #expect(clusters(15) == 1)
    #expect(clusters(40) == 0)
  }

  @Test func eventsByUIDTimeAndSeries() {
    func event(_ uid: String?, _ summary: String, _ start: LocalDateTime, attendees: [String] = [], rule: RecurrenceRule? = nil) -> Record {
      var e = Event()
      e.uid = uid
      e.summary = summary
      e.start = .zoned(start, zone: "America/New_York")
      e.attendees = attendees.map { Attendee(email: $0) }
      if let rule { e.recurrence = Recurrence(rule: rule) }
      return .event(e)
    }
    let m = Matcher()
    let t = LocalDateTime(year: 2026, month: 3, day: 9, hour: 10)
    m.add(event("u1", "Quarterly review", t))  // 0
    m.add(event("u1", "Quarterly review (moved)", LocalDateTime(year: 2026, month: 3, day: 10, hour: 9)))  // 1: same UID
    m.add(event(nil, "RE: Lunch with Acme", t, attendees: ["a@acme.example", "b@x.example"]))  // 2
    m.add(event("other", "Lunch with ACME", LocalDateTime(year: 2026, month: 3, day: 9, hour: 10, minute: 5), attendees: ["A@Acme.example"]))  // 3
    m.add(event("z", "Lunch with Acme", LocalDateTime(year: 2026, month: 3, day: 9, hour: 13), attendees: ["a@acme.example"]))  // 4: too late
    var weekly = RecurrenceRule(frequency: .weekly)
    weekly.byDay = [.init(.monday), .init(.wednesday)]
    m.add(event("s", "Standup", LocalDateTime(year: 2026, month: 3, day: 2, hour: 9), rule: weekly))  // 5: series from Mon 2 March
    m.add(event(nil, "Standup", LocalDateTime(year: 2026, month: 3, day: 11, hour: 9)))  // 6: Wed 11 March, an occurrence
    m.add(event(nil, "Standup", LocalDateTime(year: 2026, month: 3, day: 12, hour: 9)))  // 7: Thursday: not one
    let result = m.run()
    let groups = Set(result.clusters.map { $0.members })
    #expect(groups.contains([0, 1]))
    #expect(groups.contains([2, 3]))
    #expect(groups.contains([5, 6]))
    #expect(result.clusterOf[4] == 0)
    #expect(result.clusterOf[7] == 0)
    let rules = Set(result.links.map(\.rule))
    #expect(rules == ["same-uid", "time+subject+people", "series-instance"])
  }

  @Test("an instance matches a monthly series through the recurrence engine, across DST")
  func instanceAgainstExpandedSeries() {
    func event(_ summary: String, _ start: LocalDateTime, rule: RecurrenceRule? = nil, excluded: [EventTime] = []) -> Record {
      var e = Event()
      e.summary = summary
      e.start = .zoned(start, zone: "America/New_York")
      e.end = .zoned(start.adding(seconds: 3600), zone: "America/New_York")
      if let rule { e.recurrence = Recurrence(rule: rule, exceptionDates: excluded) }
      return .event(e)
    }
    // The last Friday of every month at 16:00 New York time: arithmetic cannot test this one.
    var monthly = RecurrenceRule(frequency: .monthly)
    monthly.byDay = [.init(.friday, ordinal: -1)]
    let m = Matcher()
    m.add(event("Board prep", LocalDateTime(year: 2026, month: 1, day: 30, hour: 16), rule: monthly,
      excluded: [.zoned(LocalDateTime(year: 2026, month: 4, day: 24, hour: 16), zone: "America/New_York")]))  // 0
    m.add(event("Board prep", LocalDateTime(year: 2026, month: 3, day: 27, hour: 16)))  // 1: last Friday of March (after DST)
    m.add(event("Board prep", LocalDateTime(year: 2026, month: 3, day: 20, hour: 16)))  // 2: a Friday, not the last
    m.add(event("Board prep", LocalDateTime(year: 2026, month: 4, day: 24, hour: 16)))  // 3: excluded by EXDATE
    let result = m.run()
    #expect(result.clusterOf[0] != 0 && result.clusterOf[0] == result.clusterOf[1])
    #expect(result.clusterOf[2] == 0)
    #expect(result.clusterOf[3] == 0)
    #expect(result.links.map(\.rule) == ["series-instance"])
  }
}

@Suite struct MergeTests {
  @Test func mergeLosesNoValue() {
    var a = Contact()
    a.name = PersonName(given: "Robert", family: "Smith")
    a.emails = [EmailAddress("robert@acme.example"), EmailAddress("rs@home.example"), EmailAddress("r@x.example")]
    a.phones = [PhoneNumber("(212) 555-0100")]
    a.title = "CEO"
    a.source = SourceIdentity(system: "salesforce", recordId: "003A")
    var b = Contact()
    b.name = PersonName(given: "Bob", family: "Smith")
    b.emails = [EmailAddress("Robert@Acme.example"), EmailAddress("bob.smith@gmail.com")]
    b.phones = [PhoneNumber("+1 212-555-0100"), PhoneNumber("917-555-0111")]
    b.title = "Chief Executive"
    b.organization = "Acme Inc."
    b.birthday = PartialDate(year: 1970, month: 5, day: 1)
    b.source = SourceIdentity(system: "outlook", recordId: "PRV1")
    let order = Survivorship.order([.contact(b), .contact(a)], prefer: .crm)
    #expect(order == [1, 0])
    let (merged, overflow) = Survivorship.merge(
      order.map { [Record.contact(b), .contact(a)][$0] }, limits: MergeLimits(emails: 3))
    guard let m = merged.contact else {
      Issue.record("not a contact")
      return
    }
    #expect(m.name.given == "Robert")
    #expect(m.organization == "Acme Inc.")
    #expect(m.birthday == PartialDate(year: 1970, month: 5, day: 1))
    #expect(m.emails.map(\.address) == ["robert@acme.example", "rs@home.example", "r@x.example"])
    #expect(m.phones.map(\.number) == ["(212) 555-0100", "917-555-0111"])
    // what had no slot is in the notes, and every input value is somewhere in the output
    #expect(m.notes.contains { $0.contains("bob.smith@gmail.com") })
    #expect(m.notes.contains { $0.contains("Chief Executive") })
    #expect(m.notes.contains { $0.contains("Bob") })
    #expect(overflow.count == 3)
    let text = "\(m)"
    for value in ["Robert", "Bob", "Smith", "robert@acme.example", "rs@home.example", "r@x.example", "bob.smith@gmail.com",
      "(212) 555-0100", "917-555-0111", "CEO", "Chief Executive", "Acme Inc.", "PRV1"]
    {
      #expect(text.contains(value), "lost \(value)")
    }
  }

  @Test func modesAndAgainstPolicies() throws {
    let records: [Record] = [
      MatcherTests.person("Robert", "Smith", email: "rs@acme.example", id: "A"),
      MatcherTests.person("Bob", "Smith", email: "RS@acme.example", phone: "212-555-0100", id: "B"),
      MatcherTests.person("Jane", "Doe", email: "jd@x.example", id: "C"),
      MatcherTests.person("Jane", "Doe", email: "JD@x.example", id: "D"),  // against set
    ]
    let sets: [UInt8] = [0, 0, 0, 1]
    let m = Matcher()
    for (r, s) in zip(records, sets) { m.add(r, set: Int(s)) }
    let result = m.run()
    #expect(result.clusters.count == 2)
    var options = DedupeOptions()
    // report: nothing changes (the against record is never written)
    options.mode = .report
    options.onDuplicate = .allow
    #expect(Deduplication.apply(records: records, sets: sets, result: result, options: options).records == Array(records[0..<3]))
    options.mode = .merge
    let merged = Deduplication.apply(records: records, sets: sets, result: result, options: options)
    #expect(merged.records.count == 2)
    #expect(merged.records[0].contact?.phones.count == 1)
    options.mode = .drop
    #expect(Deduplication.apply(records: records, sets: sets, result: result, options: options).records.count == 2)
    // replace + merge: the CRM record takes the existing copy's UID and keeps its values
    var existing = records[3].contact!
    existing.uid = "PROVIDER-UID"
    existing.phones = [PhoneNumber("+1 646 555 0199", types: ["cell"])]
    existing.notes = ["met at the fair"]
    var withCopy = records
    withCopy[3] = .contact(existing)
    options.mode = .merge
    options.onDuplicate = .replace
    let replaced = Deduplication.apply(records: withCopy, sets: sets, result: result, options: options)
    let jane = try #require(replaced.records.compactMap(\.contact).first { $0.name.given == "Jane" })
    #expect(jane.uid == "PROVIDER-UID")
    #expect(jane.emails.first?.address == "jd@x.example")
    #expect(jane.phones.map(\.number) == ["+1 646 555 0199"])
    #expect(jane.notes.contains("met at the fair"))
    options.mode = .drop
    let dropped = Deduplication.apply(records: withCopy, sets: sets, result: result, options: options)
    #expect(dropped.records.compactMap(\.contact).first { $0.name.given == "Jane" }?.phones.isEmpty == true)
    options.onDuplicate = .skip
    let skipped = Deduplication.apply(records: records, sets: sets, result: result, options: options)
    #expect(skipped.records.count == 1)
    #expect(skipped.actions.contains { $0.record == 2 && $0.kind == .skipped })
  }
}
