import Ferry
import FerryMatch
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// The adversarial fixture (fixtures/match/adversarial.ndjson): people who share a contact
/// point (a role address, a switchboard, a household phone) beside true duplicates of the same
/// shapes. The links must be exactly the true pairs, each rule must be the one that removes
/// its false positive, and the explanation must say why.
@Suite struct AdversarialFixtureTests {
  static func records() throws -> [Record] { try ContactFixtureTests.read("adversarial.ndjson") }

  static func truth() throws -> Set<String> {
    Set(
      try Fixtures.text("match/adversarial.truth.csv").split(whereSeparator: \.isNewline).dropFirst().map {
        let p = $0.split(separator: ",")
        return PairScore.key(String(p[0]), String(p[1]))
      })
  }

  /// The linked pairs (every pair inside a cluster), by record id.
  static func links(_ rules: MatchRules = MatchRules()) throws -> Set<String> {
    let records = try records()
    let matcher = Matcher(rules: rules)
    for r in records { matcher.add(r) }
    var pairs = Set<String>()
    for c in matcher.run().clusters {
      let ids = c.members.map { records[$0].source?.recordId ?? "" }
      for x in 0..<ids.count { for y in (x + 1)..<ids.count { pairs.insert(PairScore.key(ids[x], ids[y])) } }
    }
    return pairs
  }

  /// One pair's explanation.
  static func explain(_ a: String, _ b: String) throws -> (score: Double, rule: String, fields: [FieldComparison]) {
    let records = try records()
    let matcher = Matcher()
    for r in records { matcher.add(r) }
    let i = try #require(records.firstIndex { $0.source?.recordId == a })
    let j = try #require(records.firstIndex { $0.source?.recordId == b })
    return matcher.explain(i, j)
  }

  static func note(_ e: (score: Double, rule: String, fields: [FieldComparison]), _ field: String) -> String {
    e.fields.first { $0.field == field }?.note ?? ""
  }

  @Test func linksAreExactlyTheTruePairs() throws {
    let links = try Self.links()
    let truth = try Self.truth()
    #expect(links.subtracting(truth).sorted() == [], "false links")
    #expect(truth.subtracting(links).sorted() == [], "missed links")
  }

  // The pairs the rules kept apart are reported, each false positive once, and nothing else.
  @Test func heldApartAreTheFalsePositives() throws {
    let records = try Self.records()
    let matcher = Matcher()
    for r in records { matcher.add(r) }
    let held = matcher.run().heldApart.map {
      PairScore.key(records[$0.a].source?.recordId ?? "", records[$0.b].source?.recordId ?? "")
    }
    #expect(
      held.sorted() == [
        "ADVB01a|ADVB01b", "ADVE01a|ADVE01b", "ADVE02a|ADVE02b", "ADVE03a|ADVE03b", "ADVR01a|ADVR01b", "ADVR02a|ADVR02b",
      ])
  }

  // Each rule switched off brings back its own false positives, and only those: the rule is
  // what removes them, and it touches nothing else in the fixture.
  @Test func roleAddressRule() throws {
    var rules = MatchRules()
    rules.roleAddresses = []
    let extra = try Self.links(rules).subtracting(try Self.links())
    #expect(extra.sorted() == ["ADVR01a|ADVR01b", "ADVR02a|ADVR02b"])
    let e = try Self.explain("ADVR01a", "ADVR01b")
    #expect(e.score < 15)
    #expect(Self.note(e, "email") == "role address info@acme.example; not counted alone: the names differ")
    #expect(e.fields.first { $0.field == "email" }?.weight == 0)
    let same = try Self.explain("ADVR04a", "ADVR04b")
    #expect(Self.note(same, "email") == "role address support@initech.example; counted: the names agree")
    #expect(same.rule == "email+name")
  }

  @Test func phoneExtensionRule() throws {
    var rules = MatchRules()
    rules.phoneExtensions = false
    // Two rules hold these pairs apart now: with extensions ignored, the number two given
    // names share is a household's or office's (Fiona / George, Jack / Kira), and Maria /
    // Mario differ in a gender-marking ending. With those off too, the extensions alone
    // hold them.
    #expect(try Self.links(rules) == (try Self.links()))
    rules.householdPhones = false
    rules.genderedGivenNames = false
    var others = MatchRules()
    others.householdPhones = false
    others.genderedGivenNames = false
    let extra = try Self.links(rules).subtracting(try Self.links(others))
    #expect(extra.sorted() == ["ADVE01a|ADVE01b", "ADVE02a|ADVE02b", "ADVE03a|ADVE03b"])
    let colleagues = try Self.explain("ADVE01a", "ADVE01b")
    #expect(Self.note(colleagues, "phone") == "extensions differ (x12, x13)")
    #expect(colleagues.fields.first { $0.field == "phone" }?.level == "differ")
    let switchboard = try Self.explain("ADVE03a", "ADVE03b")
    #expect(Self.note(switchboard, "phone") == "extension on one side only (no extension, x40); not counted alone: the names differ")
    let same = try Self.explain("ADVE04a", "ADVE04b")
    #expect(Self.note(same, "phone") == "extension on one side only (x21, no extension); counted: the names agree")
    #expect(same.rule == "phone-without-extension+name")
    // weaker than the exact number: 6 instead of 12
    #expect(same.fields.first { $0.field == "phone" }?.weight == MatchRules().phoneExtensionOnOneSide)
    #expect(try Self.explain("ADVE05b", "ADVE05c").rule == "phone+name")
  }

  @Test func birthDateVeto() throws {
    var rules = MatchRules()
    rules.birthDateVeto = false
    let extra = try Self.links(rules).subtracting(try Self.links())
    #expect(extra.sorted() == ["ADVB01a|ADVB01b"])
    let e = try Self.explain("ADVB01a", "ADVB01b")
    #expect(e.rule == "vetoed: birth dates differ")
    #expect(e.score < 15)
    #expect(Self.note(e, "birth_date") == "years 32 apart; clearly different dates")
    #expect(abs(e.fields.reduce(0) { $0 + $1.weight } - e.score) < 0.001)
    // Febrl's corruptions are no veto: one digit, day/month swapped, two digits, transposed
    for (a, b) in [("ADVB02a", "ADVB02b"), ("ADVB03a", "ADVB03b"), ("ADVB04a", "ADVB04b"), ("ADVB05a", "ADVB05b")] {
      let link = try Self.explain(a, b)
      #expect(!link.fields.contains { $0.field == "veto" }, "\(a) \(b)")
      #expect(link.rule == "phone+name")
    }
  }

  // An organisation's own contact (no person name) with its info@ address, twice: the role
  // address counts, since the organisations agree; against another organisation it does not.
  @Test func namelessOrganisationsWithARoleAddress() throws {
    func org(_ name: String, _ id: String) -> Record {
      var c = Contact()
      c.organization = name
      c.emails = [EmailAddress("info@acme.example")]
      c.source = SourceIdentity(system: "salesforce", objectType: "Account", recordId: id)
      return .contact(c)
    }
    let matcher = Matcher()
    matcher.add(org("Acme Inc.", "A"))
    matcher.add(org("ACME", "B"))
    matcher.add(org("Globex GmbH", "C"))
    let result = matcher.run()
    #expect(result.clusters.map(\.members) == [[0, 1]])
    let e = matcher.explain(0, 1)
    #expect(Self.note(e, "email") == "role address info@acme.example; counted: no person names, the organisations agree")
    #expect(
      Self.note(matcher.explain(0, 2), "email") == "role address info@acme.example; not counted alone: no person names, the organisations differ")
  }
}
