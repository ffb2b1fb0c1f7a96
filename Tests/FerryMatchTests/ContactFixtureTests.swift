import Ferry
import FerryMatch
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// The e-mail and phone fixture (fixtures/match): CRM and provider contacts with known
/// duplicates, read through the registry.
@Suite struct ContactFixtureTests {
  static func read(_ name: String) throws -> [Record] {
    var (reader, _, _, _) = try InputOpener.open(
      path: Fixtures.path("match/" + name), from: nil, options: ReadOptions(), diagnostics: .ignore)
    var out: [Record] = []
    while let r = try reader.next() { out.append(r) }
    return out
  }

  static func truth() throws -> [(String, String)] {
    try Fixtures.text("match/truth.csv").split(whereSeparator: \.isNewline).dropFirst().map {
      let p = $0.split(separator: ",")
      return (String(p[0]), String(p[1]))
    }
  }

  static func run(rules: MatchRules = MatchRules()) throws -> (PairScore, MatchResult, [Record]) {
    let crm = try read("crm.ndjson"), provider = try read("provider.ndjson")
    let matcher = Matcher(rules: rules)
    for r in crm { matcher.add(r, set: 0) }
    for r in provider { matcher.add(r, set: 1) }
    let result = matcher.run()
    let all = crm + provider
    let clusters = result.clusters.map { $0.members.map { all[$0].source?.recordId ?? "" } }
    return (PairScore(clusters: clusters, truth: try truth()), result, all)
  }

  @Test func precisionAndRecall() throws {
    let (score, result, all) = try ContactFixtureTests.run()
    print("e-mail/phone fixture, default rules: \(score)")
    for c in result.clusters {
      print("  " + c.members.enumerated().map { "\(all[$1].source?.recordId ?? "?") \(c.rules[$0]) \(c.scores[$0])" }.joined(separator: ", "))
    }
    #expect(score.precision >= 0.98)
    #expect(score.recall >= 0.98)
  }

  @Test func gmailOptionStillExact() throws {
    var rules = MatchRules()
    rules.gmail = true
    let (score, _, _) = try ContactFixtureTests.run(rules: rules)
    print("e-mail/phone fixture, --gmail: \(score)")
    #expect(score.precision >= 0.98)
    #expect(score.recall >= 0.98)
  }

  @Test func everyLinkNamesItsRuleAndFields() throws {
    let (_, result, _) = try ContactFixtureTests.run()
    #expect(!result.links.isEmpty)
    for link in result.links {
      #expect(!link.rule.isEmpty && link.rule != "none")
      #expect(!link.fields.isEmpty)
      #expect(abs(link.fields.reduce(0) { $0 + $1.weight } - link.score) < 0.05)
    }
  }
}
