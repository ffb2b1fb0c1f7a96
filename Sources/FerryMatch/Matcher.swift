import Dispatch
import FerryModel

/// A linked pair: two records (by their index in the order they were added), the total
/// weight, the rule that names the evidence and the field comparisons behind it.
public struct MatchLink: Sendable, Hashable, Codable {
  public var a: Int
  public var b: Int
  public var score: Double
  public var rule: String
  public var fields: [FieldComparison]

  /// True when the link rests on a contact point that counted (an identifier, or an e-mail
  /// address or phone number that matched; a role address or shared number only when the
  /// names agree), not on names, addresses and organisations alone. Push adoption asks this.
  public var restsOnContactPoint: Bool { ContactScorer.restsOnContactPoint(fields) }
}

/// Records that are one entity.
public struct MatchCluster: Sendable, Hashable, Codable {
  /// 1-based, in order of the cluster's first record.
  public var id: Int
  public var members: [Int]
  /// Per member: the best link score inside the cluster and its rule.
  public var scores: [Double]
  public var rules: [String]
}

/// A transitive group whose members did not all agree with each other, and the groups it
/// was split into.
public struct ClusterSplit: Sendable, Hashable, Codable {
  public var members: [Int]
  public var parts: [[Int]]
  /// The disagreeing pairs (lowest first) that forced the split.
  public var disagreements: [[Int]]
}

/// The outcome of one matching pass.
public struct MatchResult: Sendable {
  public var links: [MatchLink]
  public var clusters: [MatchCluster]
  public var splits: [ClusterSplit]
  /// How many pair comparisons were made (far fewer than n(n-1)/2).
  public var comparisons: Int
  public var recordCount: Int
  /// cluster id per record (0 for none).
  public var clusterOf: [Int]
  /// Contact pairs that the shared-contact-point rules kept below the threshold (a role
  /// address or a number behind a switchboard that did not count, extensions that differ, a
  /// birth-date veto): linked if those rules were off. Explained, like links; sorted by `a`.
  public var heldApart: [MatchLink] = []
}

/// The duplicate matcher: add records (contacts and events, from one or two sets), then
/// `run`. Pure: records in, links and clusters out; it keeps only compact keys.
public final class Matcher: @unchecked Sendable {
  public let rules: MatchRules
  let contacts: ContactKeys
  let events = EventKeys()
  /// For each record added: contact (true) or event, and its index in that store.
  var kinds: [Bool] = []
  var localIndex: [Int32] = []
  var contactGlobal: [Int32] = []
  var eventGlobal: [Int32] = []
  /// The set each record belongs to (0: inputs, 1: `--against`).
  public private(set) var sets: [UInt8] = []

  public init(rules: MatchRules = MatchRules()) {
    self.rules = rules
    contacts = ContactKeys(rules: rules)
  }

  public var count: Int { kinds.count }

  /// Marks phone numbers as shared by several people (an office switchboard), read in the
  /// rules' region; numbers that cannot be read are ignored. A match through a marked number
  /// counts only when the names agree, like a role address. Call before `run`.
  public func markShared(phones: some Sequence<String>) {
    for raw in phones {
      guard let e = Normalize.phone(raw, region: rules.region).e164 else { continue }
      contacts.sharedPhones.insert(Array(e.utf8).withUnsafeBufferPointer { Similarity.hash($0) })
    }
  }

  /// Adds a record; returns the problems found in it (unparseable phone numbers), for the
  /// caller to report with the record's location.
  @discardableResult
  public func add(_ record: Record, set: Int = 0) -> [String] {
    sets.append(UInt8(truncatingIfNeeded: set))
    switch record {
    case .contact(let c):
      kinds.append(true)
      localIndex.append(Int32(contactGlobal.count))
      contactGlobal.append(Int32(kinds.count - 1))
      return contacts.add(c.contact, rules: rules).map {
        "phone \"\($0.original)\" \($0.problem ?? "cannot be read"); not used for matching"
      }
    case .event(let e):
      kinds.append(false)
      localIndex.append(Int32(eventGlobal.count))
      eventGlobal.append(Int32(kinds.count - 1))
      events.add(e.event, rules: rules)
      return []
    }
  }

  /// Finds duplicates. Comparisons run on `threads` threads.
  public func run(threads: Int = 2) -> MatchResult {
    var pairs: [(Int32, Int32, Float)] = []
    var comparisons = 0
    var held: [(Int32, Int32, Float)] = []
    if contacts.count > 1 {
      let (p, c) = contactPairs(threads: max(1, threads))
      for q in p {
        let pair = (contactGlobal[Int(q.0)], contactGlobal[Int(q.1)], abs(q.2))
        if q.2 < 0 { held.append(pair) } else { pairs.append(pair) }
      }
      comparisons += c
    }
    if events.count > 1 {
      let (p, c) = events.pairs(rules: rules)
      pairs += p.map { (eventGlobal[Int($0.0)], eventGlobal[Int($0.1)], $0.2) }
      comparisons += c
    }
    var result = cluster(pairs: pairs, comparisons: comparisons)
    result.heldApart = held.map { (a, b, _) in
      let e = explain(Int(a), Int(b))
      return MatchLink(a: Int(a), b: Int(b), score: (e.score * 100).rounded() / 100, rule: e.rule, fields: e.fields)
    }
    return result
  }

  // MARK: blocking

  /// One blocking pass: a key per record (or several), compared inside equal keys with a
  /// window over a secondary order. A key of 0 means no key.
  struct Pass {
    var name: String
    /// When false, the window runs over the whole sorted order (sorted neighbourhood).
    var exactKey: Bool
    var keys: (Int) -> [UInt64]
    var secondary: (Int) -> UInt64
  }

  func passes() -> [Pass] {
    let k = contacts
    let s = ContactKeys.slot
    func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { a == 0 || b == 0 ? 0 : (a &* 0x9E37_79B9_7F4A_7C15) ^ b ^ 1 }
    func tokens(_ r: Int, _ slot: Int) -> [UInt64] {
      k.withField(r, slot) { p in Similarity.split(p).map { Similarity.hash(UnsafeBufferPointer(rebasing: p[$0])) } }
    }
    func phoneNumbers(_ r: Int) -> [UInt64] {
      k.withField(r, s(.phone)) { p in
        Similarity.split(p).map { t in
          let end = p[t].firstIndex(of: UInt8(ascii: "x")) ?? t.upperBound
          return Similarity.hash(UnsafeBufferPointer(rebasing: p[t.lowerBound..<end]))
        }
      }
    }
    func h(_ r: Int, _ slot: Int) -> UInt64 { k.isEmpty(r, slot) ? 0 : k.hash(r, slot) }
    func year(_ r: Int) -> UInt64 {
      k.withField(r, s(.birthDate)) { p in
        p.count == 8 && p[0] != 0x3F ? Similarity.hash(UnsafeBufferPointer(rebasing: p[0..<4])) : 0
      }
    }
    let given = s(.given), family = s(.family)
    return [
      Pass(name: "email", exactKey: true, keys: { tokens($0, s(.email)) }, secondary: { k.prefix($0, family) }),
      // the number without its extension: a direct line and its switchboard are compared
      Pass(name: "phone", exactKey: true, keys: { phoneNumbers($0) }, secondary: { k.prefix($0, family) }),
      Pass(name: "identifier", exactKey: true, keys: { [h($0, s(.identifier))] }, secondary: { k.prefix($0, family) }),
      Pass(
        name: "family-sound+postcode", exactKey: true,
        keys: { [combine(UInt64(k.familySoundex[$0]), h($0, s(.postalCode)))] }, secondary: { k.prefix($0, given) }),
      Pass(
        name: "name-sounds", exactKey: true,
        keys: {
          let a = UInt64(k.givenSoundex[$0]), b = UInt64(k.familySoundex[$0])
          return [combine(min(a, b), max(a, b))]
        }, secondary: { k.prefix($0, s(.postalCode)) }),
      Pass(
        name: "family-sound+birth-year", exactKey: true, keys: { [combine(UInt64(k.familySoundex[$0]), year($0))] },
        secondary: { k.prefix($0, given) }),
      Pass(name: "birthdate", exactKey: true, keys: { [h($0, s(.birthDate))] }, secondary: { k.prefix($0, family) }),
      Pass(
        name: "postcode+number", exactKey: true, keys: { [combine(h($0, s(.postalCode)), h($0, s(.streetNumber)))] },
        secondary: { k.prefix($0, family) }),
      Pass(
        name: "given-sound+locality", exactKey: true, keys: { [combine(UInt64(k.givenSoundex[$0]), h($0, s(.locality)))] },
        secondary: { k.prefix($0, family) }),
      Pass(name: "organization+given", exactKey: true, keys: { [combine(h($0, s(.organization)), UInt64(k.givenSoundex[$0]))] },
        secondary: { k.prefix($0, family) }),
      Pass(name: "sorted-family", exactKey: false, keys: { _ in [1] }, secondary: { k.prefix($0, family) }),
      Pass(name: "sorted-given", exactKey: false, keys: { _ in [1] }, secondary: { k.prefix($0, given) }),
      Pass(name: "sorted-street", exactKey: false, keys: { _ in [1] }, secondary: { k.prefix($0, s(.street)) }),
    ]
  }

  struct Entry: Comparable {
    var key: UInt64
    var secondary: UInt64
    var index: Int32
    static func < (a: Entry, b: Entry) -> Bool {
      a.key != b.key ? a.key < b.key : a.secondary != b.secondary ? a.secondary < b.secondary : a.index < b.index
    }
  }

  /// The contact pairs at or above the threshold, and (with a negative score) the pairs the
  /// shared-contact-point rules held below it; and the number of comparisons.
  func contactPairs(threads: Int) -> ([(Int32, Int32, Float)], Int) {
    let n = contacts.count
    let scorer = ContactScorer(keys: contacts, rules: rules)
    let window = max(2, rules.window)
    let sortedWindow = max(2, rules.window / 2)
    var found: [(Int32, Int32, Float)] = []
    var comparisons = 0
    let all = passes()
    // Pairs already compared: for each exact-key pass and record, the start of the small block
    // (no larger than the window, so every pair in it was compared) the record sits in, or
    // `none`. Two records with the same block in an earlier pass are not scored again.
    let exactCount = all.filter(\.exactKey).count
    let none = UInt32.max
    var blocks = [UInt32](repeating: none, count: n * max(1, exactCount))
    var slot = 0
    for pass in all {
      var entries: [Entry] = []
      entries.reserveCapacity(n)
      for r in 0..<n {
        let sec = pass.secondary(r)
        for key in pass.keys(r) where key != 0 { entries.append(Entry(key: key, secondary: sec, index: Int32(r))) }
      }
      if entries.count < 2 { continue }
      entries.sort()
      let current = pass.exactKey ? slot : exactCount
      let chunks = threads
      let size = (entries.count + chunks - 1) / chunks
      let results = UnsafeMutableBufferPointer<([(Int32, Int32, Float)], Int)>.allocate(capacity: chunks)
      results.initialize(repeating: ([], 0))
      let exact = pass.exactKey
      let stride = max(1, exactCount)
      entries.withUnsafeBufferPointer { buffer in blocks.withUnsafeBufferPointer { seen in
        let shared = Shared(entries: buffer, results: results, blocks: seen)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
          let e = shared.entries
          let b = shared.blocks
          var local: [(Int32, Int32, Float)] = []
          var count = 0
          var scratch: [FieldComparison] = []
          let lo = c * size, hi = min(e.count, lo + size)
          if lo < hi {
            for p in lo..<hi {
              let end = min(e.count, p + (exact ? window : sortedWindow))
              var q = p + 1
              while q < end {
                if exact && e[q].key != e[p].key { break }
                let i = Int(e[p].index), j = Int(e[q].index)
                var again = false
                if current > 0 {
                  let bi = i &* stride, bj = j &* stride
                  for t in 0..<current where b[bi &+ t] != none && b[bi &+ t] == b[bj &+ t] {
                    again = true
                    break
                  }
                }
                if i != j && !again {
                  count += 1
                  var held = 0.0
                  let score = scorer.score(i, j, into: &scratch, held: &held)
                  if score >= rules.threshold {
                    local.append((Int32(min(i, j)), Int32(max(i, j)), Float(score)))
                  } else if held > 0 && score + held >= rules.threshold {
                    // held apart by the shared-contact-point rules: kept, marked by a negative score
                    local.append((Int32(min(i, j)), Int32(max(i, j)), -Float(max(score, 0.001))))
                  }
                }
                q += 1
              }
            }
          }
          shared.results[c] = (local, count)
        }
      } }
      if pass.exactKey {
        var start = 0
        while start < entries.count {
          var end = start + 1
          while end < entries.count && entries[end].key == entries[start].key { end += 1 }
          if end - start <= window {
            for p in start..<end where blocks[Int(entries[p].index) &* stride &+ slot] == none {
              blocks[Int(entries[p].index) &* stride &+ slot] = UInt32(truncatingIfNeeded: start)
            }
          }
          start = end
        }
        slot += 1
      }
      for c in 0..<chunks {
        found += results[c].0
        comparisons += results[c].1
      }
      results.deinitialize()
      results.deallocate()
    }
    found.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    var unique: [(Int32, Int32, Float)] = []
    unique.reserveCapacity(found.count)
    for p in found where unique.last.map({ $0.0 != p.0 || $0.1 != p.1 }) ?? true { unique.append(p) }
    return (unique, comparisons)
  }

  // MARK: scoring one pair

  /// The score of two records (indices as added), with the field comparisons behind it.
  public func explain(_ a: Int, _ b: Int) -> (score: Double, rule: String, fields: [FieldComparison]) {
    if kinds[a] && kinds[b] {
      var details: [FieldComparison] = []
      let scorer = ContactScorer(keys: contacts, rules: rules)
      let s = scorer.score(Int(localIndex[a]), Int(localIndex[b]), explain: true, into: &details)
      return (s, ContactScorer.rule(for: details), details)
    }
    if !kinds[a] && !kinds[b] {
      return events.explain(Int(localIndex[a]), Int(localIndex[b]), rules: rules)
    }
    return (-.infinity, "different kinds", [])
  }

  // MARK: clustering

  func cluster(pairs: [(Int32, Int32, Float)], comparisons: Int) -> MatchResult {
    let n = count
    var parent = Array(0..<n)
    func find(_ x: Int) -> Int {
      var x = x
      while parent[x] != x {
        parent[x] = parent[parent[x]]
        x = parent[x]
      }
      return x
    }
    for (a, b, _) in pairs {
      let ra = find(Int(a)), rb = find(Int(b))
      if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
    var groups: [Int: [Int]] = [:]
    var linked = Set<Int32>()
    for (a, b, _) in pairs {
      linked.insert(a)
      linked.insert(b)
    }
    for r in linked.sorted() { groups[find(Int(r)), default: []].append(Int(r)) }
    var pairsBy: [Int: [(Int32, Int32, Float)]] = [:]
    for p in pairs { pairsBy[find(Int(p.0)), default: []].append(p) }

    var finalGroups: [[Int]] = []
    var splits: [ClusterSplit] = []
    for root in groups.keys.sorted() {
      guard let members = groups[root] else { continue }
      if members.count <= 2 {
        finalGroups.append(members)
        continue
      }
      let (parts, disagreements) = guardChaining(members: members, links: pairsBy[root] ?? [])
      if parts.count > 1 {
        splits.append(ClusterSplit(members: members, parts: parts, disagreements: disagreements))
      }
      finalGroups += parts.filter { $0.count >= 1 }
    }
    // links that survive inside final clusters, explained
    var clusterOf = [Int](repeating: 0, count: n)
    finalGroups = finalGroups.filter { $0.count >= 2 }.sorted { $0[0] < $1[0] }
    for (k, g) in finalGroups.enumerated() { for m in g { clusterOf[m] = k + 1 } }
    var links: [MatchLink] = []
    var best = [Double](repeating: -.infinity, count: n)
    var bestRuleOf: [Int: String] = [:]
    for (a, b, _) in pairs where clusterOf[Int(a)] != 0 && clusterOf[Int(a)] == clusterOf[Int(b)] {
      let e = explain(Int(a), Int(b))
      links.append(MatchLink(a: Int(a), b: Int(b), score: (e.score * 100).rounded() / 100, rule: e.rule, fields: e.fields))
      for m in [Int(a), Int(b)] where e.score > best[m] {
        best[m] = e.score
        bestRuleOf[m] = e.rule
      }
    }
    let clusters = finalGroups.enumerated().map { k, g in
      MatchCluster(
        id: k + 1, members: g, scores: g.map { (best[$0] * 100).rounded() / 100 }, rules: g.map { bestRuleOf[$0] ?? "" })
    }
    return MatchResult(
      links: links, clusters: clusters, splits: splits, comparisons: comparisons, recordCount: n, clusterOf: clusterOf)
  }

  /// Complete-linkage guard: links are merged strongest first, and two groups join only when
  /// no pair across them scores below the cluster floor.
  func guardChaining(members: [Int], links: [(Int32, Int32, Float)]) -> ([[Int]], [[Int]]) {
    if members.count > 300 {
      // too large to check every pair: keep only links well above the threshold
      var parent: [Int: Int] = [:]
      func find(_ x: Int) -> Int {
        var x = x
        while let p = parent[x], p != x { x = p }
        return x
      }
      for m in members { parent[m] = m }
      for (a, b, s) in links where Double(s) >= rules.threshold + 10 {
        let ra = find(Int(a)), rb = find(Int(b))
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
      }
      var parts: [Int: [Int]] = [:]
      for m in members { parts[find(m), default: []].append(m) }
      return (parts.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }, [])
    }
    var score: [Int: [Int: Double]] = [:]
    func pairScore(_ a: Int, _ b: Int) -> Double {
      if let s = score[a]?[b] { return s }
      let s = explain(a, b).score
      score[a, default: [:]][b] = s
      score[b, default: [:]][a] = s
      return s
    }
    var disagreements: [(Double, Int, Int)] = []
    for x in 0..<members.count {
      for y in (x + 1)..<members.count {
        let s = pairScore(members[x], members[y])
        if s < rules.clusterFloor { disagreements.append((s, members[x], members[y])) }
      }
    }
    if disagreements.isEmpty { return ([members], []) }
    var group: [Int: Int] = [:]
    var parts: [Int: [Int]] = [:]
    for m in members {
      group[m] = m
      parts[m] = [m]
    }
    for (a, b, _) in links.sorted(by: { $0.2 > $1.2 }) {
      guard let ga = group[Int(a)], let gb = group[Int(b)], ga != gb, let pa = parts[ga], let pb = parts[gb] else { continue }
      var ok = true
      outer: for x in pa {
        for y in pb where pairScore(x, y) < rules.clusterFloor {
          ok = false
          break outer
        }
      }
      if !ok { continue }
      let (keep, drop) = ga < gb ? (ga, gb) : (gb, ga)
      parts[keep] = (parts[keep] ?? []) + (parts[drop] ?? [])
      parts[drop] = nil
      for m in parts[keep] ?? [] { group[m] = keep }
    }
    let result = parts.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    return (result, disagreements.sorted { $0.0 < $1.0 }.map { [$0.1, $0.2] })
  }
}

/// Buffers handed to the comparison threads: each thread writes only its own result slot.
private struct Shared: @unchecked Sendable {
  let entries: UnsafeBufferPointer<Matcher.Entry>
  let results: UnsafeMutableBufferPointer<([(Int32, Int32, Float)], Int)>
  let blocks: UnsafeBufferPointer<UInt32>
}

extension Matcher {
  /// Contact links across the two sets only: each pair has one record added with `set: 0`
  /// (`a`) and one with another set (`b`), scores at least the threshold, and carries its
  /// score (rounded to 0.01) and rule. Pairs inside one set are dropped; no clustering is done,
  /// so a caller can make its own one-to-one choice. Sorted by `a`, then `b`.
  public func crossSetLinks(threads: Int = 2) -> [MatchLink] { crossSetPairs(threads: threads).links }

  /// `crossSetLinks`, and the cross-set pairs the shared-contact-point and veto rules held
  /// below the threshold (as `MatchResult.heldApart`), each explained; both sorted by `a`,
  /// then `b`.
  public func crossSetPairs(threads: Int = 2) -> (links: [MatchLink], heldApart: [MatchLink]) {
    guard contacts.count > 1 else { return ([], []) }
    let (pairs, _) = contactPairs(threads: max(1, threads))
    var links: [MatchLink] = []
    var held: [MatchLink] = []
    for (i, j, score) in pairs {
      var a = Int(contactGlobal[Int(i)]), b = Int(contactGlobal[Int(j)])
      guard sets[a] != sets[b] else { continue }
      if sets[a] != 0 { swap(&a, &b) }
      let e = explain(a, b)
      let link = MatchLink(a: a, b: b, score: (e.score * 100).rounded() / 100, rule: e.rule, fields: e.fields)
      if score >= 0 && e.score >= rules.threshold {
        links.append(link)
      } else if score < 0 {
        held.append(link)
      }
    }
    return (links.sorted { ($0.a, $0.b) < ($1.a, $1.b) }, held.sorted { ($0.a, $0.b) < ($1.a, $1.b) })
  }
}
