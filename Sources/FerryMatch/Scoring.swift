/// How one field of a pair compared: the level reached, the similarity behind it and the
/// weight it added.
public struct FieldComparison: Sendable, Hashable, Codable {
  public var field: String
  /// `exact`, `close`, `partial`, `differ`; fields missing on either side are not listed.
  public var level: String
  public var similarity: Double
  public var weight: Double
  /// A remark: `nickname`, `swapped`, `initial`, `same local part`.
  public var note: String?
}

/// Scores contact pairs with the rules' weights.
struct ContactScorer: @unchecked Sendable {
  let keys: ContactKeys
  let rules: MatchRules
  /// The field order of the cheap-first evaluation, with their weights.
  let order: [(ContactField, Int, FieldWeights)]
  /// maxRemaining[k]: the most that fields k… can still add.
  let maxRemaining: [Double]
  let wGiven: FieldWeights
  let wFamily: FieldWeights
  let slotGiven = ContactKeys.slot(.given)
  let slotFamily = ContactKeys.slot(.family)
  let slotOrganization = ContactKeys.slot(.organization)
  let wOrganization: FieldWeights
  /// Whether any phone number is marked shared (read once, not per pair).
  let anyShared: Bool
  /// The keys' arrays, held here as constants: reading a class's stored array per pair costs a
  /// runtime exclusivity check each time (seen in the 100k profile).
  let arena: [UInt8]
  let spans: [UInt64]
  let flags: [UInt8]

  init(keys: ContactKeys, rules: MatchRules) {
    self.keys = keys
    self.rules = rules
    let fields: [ContactField] = [
      .identifier, .birthDate, .email, .phone, .postalCode, .streetNumber, .region, .unit, .given, .family, .middle,
      .organization, .locality, .street,
    ]
    order = fields.map { ($0, ContactKeys.slot($0), rules.weights[$0] ?? FieldWeights(exact: 0, close: 0, partial: 0, differ: 0)) }
    var rem = [Double](repeating: 0, count: fields.count + 1)
    for k in stride(from: fields.count - 1, through: 0, by: -1) {
      rem[k] = rem[k + 1] + max(0, order[k].2.exact, order[k].2.close)
    }
    maxRemaining = rem
    wGiven = rules.weights[.given] ?? FieldWeights(exact: 0, close: 0, partial: 0, differ: 0)
    wFamily = rules.weights[.family] ?? FieldWeights(exact: 0, close: 0, partial: 0, differ: 0)
    anyShared = !keys.sharedPhones.isEmpty
    wOrganization = rules.weights[.organization] ?? FieldWeights(exact: 0, close: 0, partial: 0, differ: 0)
    arena = keys.arena
    spans = keys.spans
    flags = keys.flags
  }

  @inline(__always)
  func pick(_ w: FieldWeights, _ level: Int) -> Double {
    switch level {
    case 0: w.exact
    case 1: w.close
    case 2: w.partial
    default: w.differ
    }
  }

  /// The pair's total weight; stops early (with a total below the threshold) once the
  /// threshold cannot be reached. With `explain`, also every field's comparison.
  ///
  /// Three rules guard against shared contact points (see docs/MATCHING.md):
  /// - a role address (`info@…`), a phone number with an extension on one side only, and a
  ///   number marked as shared (`Matcher.markShared`) count only when the names agree (see
  ///   `names`); otherwise they add nothing and the explanation says why;
  /// - numbers whose extensions differ are different phones (level `differ`);
  /// - birth dates that clearly differ (`clearlyDifferentDates`) veto the pair unless an
  ///   identifier, a personal e-mail address or any part of the address agrees.
  func score(_ i: Int, _ j: Int, explain: Bool = false, into details: inout [FieldComparison]) -> Double {
    var held = 0.0
    return score(i, j, explain: explain, into: &details, held: &held)
  }

  /// `score`, and in `held` the weight these three rules took away (what a match ignoring
  /// roles, extensions and the veto would have added): a pair whose total plus `held` reaches
  /// the threshold is one the rules held apart.
  func score(
    _ i: Int, _ j: Int, explain: Bool = false, into details: inout [FieldComparison], held: inout Double
  ) -> Double {
    var total = 0.0
    held = 0
    let fc = ContactKeys.fieldCount
    let flagsI = flags[i], flagsJ = flags[j]
    return arena.withUnsafeBufferPointer { arena -> Double in
      @inline(__always) func field(_ r: Int, _ slot: Int) -> UnsafeBufferPointer<UInt8> {
        let s = spans[r &* fc &+ slot]
        let o = Int(s >> 16), n = Int(s & 0xFFFF)
        return UnsafeBufferPointer(rebasing: arena[o..<(o + n)])
      }
      var namesDone = false
      var agree = false
      var nameless = false
      /// The given names' level (-1 when missing on either side), and whether they differ
      /// only in a gender-marking ending (`mario`, `maria`).
      var givenLevel = -1
      var gendered = false
      /// Scores the names now (once); returns whether they agree. Two records with no person
      /// name at all (an organisation's own contact) agree when their organisations do.
      func scoreNames() -> Bool {
        if !namesDone {
          namesDone = true
          let gi = field(i, slotGiven), gj = field(j, slotGiven), fi = field(i, slotFamily), fj = field(j, slotFamily)
          let n = names(gi, gj, fi, fj, explain: explain, into: &details)
          total += n.weight
          agree = n.agree
          givenLevel = n.givenLevel
          gendered = n.gendered
          if gi.count == 0 && gj.count == 0 && fi.count == 0 && fj.count == 0 {
            nameless = true
            let oi = field(i, slotOrganization), oj = field(j, slotOrganization)
            agree = oi.count > 0 && oj.count > 0 && Similarity.jaroWinkler(oi, oj) >= wOrganization.closeAt
          }
        }
        return agree
      }
      // what may lift a birth-date veto
      var vetoPending = false
      var identifierAgrees = false
      var personalEmail = false
      var addressAgrees = false
      // a number the two share: their address is then no evidence against a veto (one
      // household or office shares both)
      var phoneAgrees = false
      var birthAgrees = false
      for (k, entry) in order.enumerated() {
        if !explain && total + held + maxRemaining[k] < rules.threshold { return total }
        let (f, slot, w) = entry
        if f == .given || f == .family {
          _ = scoreNames()
          continue
        }
        let a = field(i, slot), b = field(j, slot)
        if a.count == 0 || b.count == 0 { continue }
        var level = 3
        var sim = 0.0
        var note: String?
        /// Set for a weak contact point: the weight it adds when the names agree.
        var weak: (weight: Double, what: String)?
        switch f {
        case .email:
          let role = (flagsI | flagsJ) & ContactKeys.Flag.roleEmail != 0
          if role {
            switch sharedEmail(a, b) {
            case .personal:
              level = 0
              sim = 1
            case .role(let address):
              level = 0
              sim = 1
              weak = (w.exact, explain ? "role address \(address)" : "")
            case .none: break
            }
          } else if shareToken(a, b) {
            level = 0
            sim = 1
          }
          if level == 3 {
            if containsGmail(a) && containsGmail(b) && shareGmailCanonical(a, b) {
              level = 1
              sim = 0.9
              note = ContactScorer.gmailVariant
            } else if shareLocalPart(a, b, role: role) {
              level = 1
              sim = 0.5
              note = "same local part"
            }
          }
          if level == 0 && weak == nil { personalEmail = true }
        case .phone:
          if (flagsI | flagsJ) & ContactKeys.Flag.phoneExtension != 0 || anyShared {
            let c = comparePhones(a, b)
            switch c.outcome {
            case .same:
              level = 0
              sim = 1
              phoneAgrees = true
              if let shared = c.shared { weak = (w.exact, explain ? "phone \(shared) is shared by several contacts" : "") }
            case .extensionOnOneSide:
              level = 1
              sim = 0.75
              phoneAgrees = true
              weak = (rules.phoneExtensionOnOneSide, explain ? "\(ContactScorer.extensionOnOneSide) (\(c.detail))" : "")
            case .extensionsDiffer:
              level = 3
              sim = 0
              note = explain ? "extensions differ (\(c.detail))" : nil
              held += w.exact - w.differ
            case .lastDigits:
              level = 1
              sim = 0.7
              note = "same last 7 digits"
            case .differ: break
            }
          } else if shareToken(a, b) {
            level = 0
            sim = 1
            phoneAgrees = true
          } else if shareLastDigits(a, b, 7) {
            level = 1
            sim = 0.7
            note = "same last 7 digits"
          }
        case .identifier, .postalCode, .streetNumber, .unit, .region:
          if Similarity.memEqual(a, b) {
            level = 0
            sim = 1
          } else if f != .region && Similarity.withinOneEdit(a, b) {
            level = 1
            sim = 0.8
          }
          if level <= 1 && f == .identifier { identifierAgrees = true }
          if level <= 1 && f == .postalCode { addressAgrees = true }
        case .birthDate:
          (level, sim, note) = birth(a, b)
          if level <= 1 { birthAgrees = true }
          if rules.birthDateVeto && level == 3 && clearlyDifferentDates(a, b) {
            vetoPending = true
            note = note.map { $0 + "; clearly different dates" } ?? "clearly different dates"
          }
        case .street:
          sim = Similarity.tokenSet(a, b)
          level = sim >= 0.999 ? 0 : sim >= w.closeAt ? 1 : sim >= w.partialAt ? 2 : 3
          if level <= 1 { addressAgrees = true }
        default:
          sim = explain ? Similarity.jaroWinkler(a, b) : Similarity.jaroWinkler(a, b, floor: w.partialAt)
          level = sim >= 0.999 ? 0 : sim >= w.closeAt ? 1 : sim >= w.partialAt ? 2 : 3
          if level <= 1 && f == .locality { addressAgrees = true }
        }
        var weight = pick(w, level)
        if f == .phone && level == 0 && weak == nil && rules.householdPhones && !scoreNames() && givenLevel == 3 {
          // one number, two given names that differ: a household or an office, not one person
          weight = 0
          if explain {
            note = (note.map { $0 + "; " } ?? "") + ContactScorer.householdPhone
          }
          held += w.exact
        }
        if let weak {
          if scoreNames() {
            weight = weak.weight
            if explain { note = weak.what + (nameless ? "; counted: no person names, the organisations agree" : "; counted: the names agree") }
          } else {
            weight = 0
            if explain {
              note = weak.what + "; " + (nameless ? "not counted alone: no person names, the organisations differ" : ContactScorer.notCountedAlone)
            }
          }
          held += w.exact - weight
        }
        total += weight
        if explain {
          details.append(
            FieldComparison(field: f.rawValue, level: levelName(level), similarity: round3(sim), weight: weight, note: note))
        }
      }
      if rules.genderedGivenNames && gendered && !identifierAgrees && !personalEmail && !birthAgrees {
        // Mario and Maria Garcia at one number or address: a typo, or two people of one
        // household. Only something personal (an identifier, a personal e-mail, the birth
        // date) tells; without it the pair is held just below the threshold, like a veto.
        let vetoed = min(total, rules.threshold - 1)
        if explain && vetoed < total {
          details.append(
            FieldComparison(
              field: "veto", level: "differ", similarity: 0, weight: vetoed - total,
              note: ContactScorer.genderedVeto))
        }
        held += total - vetoed
        total = vetoed
      }
      if vetoPending && !identifierAgrees && !personalEmail && !(addressAgrees && !phoneAgrees) {
        // Just below the threshold: the pair is not linked, but it is no disagreement for the
        // chaining guard (Febrl replaces whole birth dates in about 5% of its true pairs; a
        // split would cost those clusters; see docs/MATCHING.md).
        let vetoed = min(total, rules.threshold - 1)
        if explain {
          details.append(
            FieldComparison(
              field: "veto", level: "differ", similarity: 0, weight: vetoed - total,
              note: phoneAgrees && addressAgrees
                ? "birth dates clearly differ, and no identifier or personal e-mail agrees (the shared phone makes the address a household's)"
                : "birth dates clearly differ, and no identifier, personal e-mail or address agrees"))
        }
        held += total - vetoed
        total = vetoed
      }
      return total
    }
  }

  /// The note of a weak contact point that did not count.
  static let notCountedAlone = "not counted alone: the names differ"

  /// The note of a phone number two people with different given names share.
  static let householdPhone = "not counted: the given names differ (a household or office number)"

  /// The note of the veto on given names that differ in a gender-marking ending.
  static let genderedVeto =
    "given names differ in a gender-marking ending, and no identifier, personal e-mail or birth date agrees"

  enum SharedEmail {
    case none
    case personal
    /// Only role addresses are shared (the first one, for the explanation).
    case role(String)
  }

  /// Which addresses two records share, when one of them has a role address.
  func sharedEmail(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> SharedEmail {
    var role: String?
    for x in Similarity.split(a) {
      for y in Similarity.split(b) where x.count == y.count && a[x].elementsEqual(b[y]) {
        let token = UnsafeBufferPointer(rebasing: a[x])
        if !ContactKeys.isRole(token, roles: keys.roleAddresses) { return .personal }
        if role == nil { role = String(decoding: token, as: UTF8.self) }
      }
    }
    return role.map { .role($0) } ?? .none
  }

  struct PhoneComparison {
    enum Outcome: Int { case same, extensionOnOneSide, extensionsDiffer, lastDigits, differ }
    var outcome: Outcome = .differ
    /// The shared number, when it is marked as shared.
    var shared: String?
    /// The extensions, for the explanation (`x12, no extension`).
    var detail = ""
  }

  /// Compares phone lists token by token, extensions included (`+12125550100x12`); the best
  /// outcome of any pair of numbers wins.
  func comparePhones(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> PhoneComparison {
    var best = PhoneComparison()
    let x = UInt8(ascii: "x")
    func ext(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ cut: Int) -> String {
      cut < r.upperBound ? String(decoding: UnsafeBufferPointer(rebasing: p[cut..<r.upperBound]), as: UTF8.self) : "no extension"
    }
    for ra in Similarity.split(a) {
      let ca = a[ra].firstIndex(of: x) ?? ra.upperBound
      let mainA = UnsafeBufferPointer(rebasing: a[ra.lowerBound..<ca])
      for rb in Similarity.split(b) {
        let cb = b[rb].firstIndex(of: x) ?? rb.upperBound
        let mainB = UnsafeBufferPointer(rebasing: b[rb.lowerBound..<cb])
        var c = PhoneComparison()
        if Similarity.memEqual(mainA, mainB) {
          let extA = UnsafeBufferPointer(rebasing: a[ca..<ra.upperBound])
          let extB = UnsafeBufferPointer(rebasing: b[cb..<rb.upperBound])
          if Similarity.memEqual(extA, extB) {
            c.outcome = .same
            if anyShared && keys.sharedPhones.contains(Similarity.hash(mainA)) {
              c.shared = String(decoding: mainA, as: UTF8.self)
            }
          } else {
            c.outcome = extA.count == 0 || extB.count == 0 ? .extensionOnOneSide : .extensionsDiffer
            c.detail = ext(a, ra, ca) + ", " + ext(b, rb, cb)
          }
        } else if mainA.count >= 7 && mainB.count >= 7
          && mainA[(mainA.count - 7)...].elementsEqual(mainB[(mainB.count - 7)...])
        {
          c.outcome = .lastDigits
        }
        // a number that is not shared beats one that is
        if c.outcome.rawValue < best.outcome.rawValue || (c.outcome == .same && best.outcome == .same && c.shared == nil) {
          best = c
        }
      }
    }
    return best
  }

  /// Both dates complete and far apart: at least three of the eight digits differ, and the
  /// difference is neither a day/month swap nor one typo (`birth` already grades those as
  /// `close`). Febrl's corruptions (one digit, two digits, a transposition) stay below this.
  func clearlyDifferentDates(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == 8 && b.count == 8, !a.contains(0x3F), !b.contains(0x3F) else { return false }
    var diffs = 0
    for k in 0..<8 where a[k] != b[k] { diffs += 1 }
    return diffs >= 3 || yearsApart(a, b) >= 10
  }

  /// The distance in years of two complete `yyyymmdd` dates; 0 when either year is unknown.
  func yearsApart(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    guard a.count == 8 && b.count == 8 else { return 0 }
    var ya = 0, yb = 0
    for k in 0..<4 {
      guard a[k] >= 0x30 && a[k] <= 0x39 && b[k] >= 0x30 && b[k] <= 0x39 else { return 0 }
      ya = ya * 10 + Int(a[k] - 0x30)
      yb = yb * 10 + Int(b[k] - 0x30)
    }
    return abs(ya - yb)
  }

  /// Two neighbouring digits swapped, the rest equal (`1990` / `1909`).
  func neighbourSwap(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var k = 0
    while k < a.count && a[k] == b[k] { k += 1 }
    guard k + 1 < a.count, a[k] == b[k + 1], a[k + 1] == b[k] else { return false }
    return a[(k + 2)...].elementsEqual(b[(k + 2)...])
  }

  func levelName(_ l: Int) -> String { ["exact", "close", "partial", "differ"][l] }
  func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

  /// Given and family names together, so that swapped names and nicknames are seen.
  func names(
    _ gi: UnsafeBufferPointer<UInt8>, _ gj: UnsafeBufferPointer<UInt8>, _ fi: UnsafeBufferPointer<UInt8>,
    _ fj: UnsafeBufferPointer<UInt8>, explain: Bool, into details: inout [FieldComparison]
  ) -> (weight: Double, agree: Bool, givenLevel: Int, gendered: Bool) {
    let wg = wGiven, wf = wFamily
    func level(_ sim: Double, _ w: FieldWeights) -> Int { sim >= 0.999 ? 0 : sim >= w.closeAt ? 1 : sim >= w.partialAt ? 2 : 3 }
    // Without `explain`, a similarity that cannot reach the level that matters is only bounded
    // (the levels, and the swapped-names comparison below, come out the same).
    @inline(__always) func jw(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ floor: Double) -> Double {
      explain ? Similarity.jaroWinkler(a, b) : Similarity.jaroWinkler(a, b, floor: floor)
    }
    var simG = gi.count > 0 && gj.count > 0 ? jw(gi, gj, wg.partialAt) : -1
    var simF = fi.count > 0 && fj.count > 0 ? jw(fi, fj, wf.partialAt) : -1
    var noteG: String?
    var noteF: String?
    var lg = simG < 0 ? -1 : level(simG, wg)
    var lf = simF < 0 ? -1 : level(simF, wf)
    var gendered = false
    if lg >= 1 && gi.count > 0 && gj.count > 0 {
      if gi.count == 1 || gj.count == 1 {
        if gi[0] == gj[0] {
          lg = 2
          noteG = "initial"
        }
      } else if rules.genderedGivenNames && ContactScorer.genderMarked(gi, gj) {
        // before nicknames: Louis and Louise share the nickname Lou, not the name
        gendered = true
        noteG = "gender-marking ending"
      } else if Nicknames.related(gi, gj) {
        lg = 0
        noteG = "nickname"
      }
    }
    // swapped given and family names
    if (lg > 1 || lf > 1) && gi.count > 0 && gj.count > 0 && fi.count > 0 && fj.count > 0 {
      let s1 = jw(gi, fj, wg.closeAt), s2 = jw(fi, gj, wf.closeAt)
      let swapped = (level(s1, wg) <= 1 ? 1 : 0) + (level(s2, wf) <= 1 ? 1 : 0)
      if swapped == 2 && min(s1, s2) > min(simG, simF) {
        simG = s1
        simF = s2
        lg = max(1, level(s1, wg))
        lf = max(1, level(s2, wf))
        noteG = "swapped"
        noteF = "swapped"
        gendered = false
      }
    }
    var total = 0.0
    if lg >= 0 {
      let w = pick(wg, lg)
      total += w
      if explain { details.append(FieldComparison(field: "given", level: levelName(lg), similarity: round3(simG), weight: w, note: noteG)) }
    }
    if lf >= 0 {
      let w = pick(wf, lf)
      total += w
      if explain { details.append(FieldComparison(field: "family", level: levelName(lf), similarity: round3(simF), weight: w, note: noteF)) }
    }
    // Agree: both names on both sides, each the same after normalisation (or a nickname).
    return (total, lg == 0 && lf == 0, lg, gendered)
  }

  /// Given names that are one name with a gender-marking ending (see docs/MATCHING.md): the
  /// last letter `o` against `a` (`mario`, `maria`); an `a` added to a name ending in `el`,
  /// `an`, `in`, `ert`, `aul` or `arl` (`daniel`, `daniela`; `julian`, `juliana`; `robert`,
  /// `roberta`); or an `e` added after `n` or `s` (`louis`, `louise`; `justin`, `justine`).
  /// The shorter name has at least four letters. An `a` after any other ending is left out:
  /// Febrl's truncated names (`kirr`, `matild`, `kayl`) look like that.
  /// Endings of given names whose feminine form adds an `a`.
  static let masculineEndings: [[UInt8]] = ["el", "an", "in", "ert", "aul", "arl"].map { Array($0.utf8) }

  static func genderMarked(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let (s, l) = a.count <= b.count ? (a, b) : (b, a)
    guard s.count >= 4, l.count - s.count <= 1, s[0] == l[0], s[s.count - 2] == l[s.count - 2],
      s.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }), l.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A })
    else { return false }
    let o = UInt8(ascii: "o"), aa = UInt8(ascii: "a"), e = UInt8(ascii: "e")
    if s.count == l.count {
      guard s[0..<(s.count - 1)].elementsEqual(l[0..<(l.count - 1)]) else { return false }
      let x = s[s.count - 1], y = l[l.count - 1]
      return (x == o && y == aa) || (x == aa && y == o)
    }
    guard l.count == s.count + 1, l[0..<s.count].elementsEqual(s) else { return false }
    let last = s[s.count - 1], added = l[l.count - 1]
    if added == aa {
      return masculineEndings.contains { end in s.count > end.count && s[(s.count - end.count)...].elementsEqual(end) }
    }
    if added == e { return last == UInt8(ascii: "n") || last == UInt8(ascii: "s") }
    return false
  }

  /// yyyymmdd with `?` for unknown parts.
  func birth(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> (Int, Double, String?) {
    if Similarity.memEqual(a, b) { return (0, 1, nil) }
    guard a.count == 8 && b.count == 8 else { return (3, 0, nil) }
    // day and month swapped
    if a[0..<4].elementsEqual(b[0..<4]) && a[4..<6].elementsEqual(b[6..<8]) && a[6..<8].elementsEqual(b[4..<6]) {
      return (1, 0.9, "day and month swapped")
    }
    var diffs = 0
    for k in 0..<8 where a[k] != b[k] { diffs += 1 }
    if neighbourSwap(a, b) { return (1, 0.875, nil) }
    // One digit off, but in the year's decade or century (1952 / 1982): a generation apart,
    // not a typo.
    if yearsApart(a, b) >= 10 { return (3, Double(8 - diffs) / 8, "years \(yearsApart(a, b)) apart") }
    if diffs == 1 || Similarity.withinOneEdit(a, b) { return (1, 0.875, nil) }
    // two parts of three equal
    let ya = a[0..<4].elementsEqual(b[0..<4]), ma = a[4..<6].elementsEqual(b[4..<6]), da = a[6..<8].elementsEqual(b[6..<8])
    if (ya ? 1 : 0) + (ma ? 1 : 0) + (da ? 1 : 0) == 2 { return (2, 0.67, nil) }
    return (3, Double(8 - diffs) / 8, nil)
  }

  func shareToken(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    if Similarity.memEqual(a, b) { return true }
    if !a.contains(0x20) && !b.contains(0x20) { return false }
    let ta = Similarity.split(a), tb = Similarity.split(b)
    if ta.count == 1 && tb.count == 1 { return false }
    for x in ta {
      for y in tb where x.count == y.count && a[x].elementsEqual(b[y]) { return true }
    }
    return false
  }

  func containsGmail(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
    // "gmail.com" or "googlemail.com": look for "mail.com"
    let needle: [UInt8] = Array("mail.com".utf8)
    if p.count < needle.count { return false }
    for s in 0...(p.count - needle.count) where p[s] == 0x6D {
      var ok = true
      for k in 1..<needle.count where p[s + k] != needle[k] {
        ok = false
        break
      }
      if ok { return true }
    }
    return false
  }

  /// Gmail ignores dots and `+tags` in the local part: such addresses are the same mailbox.
  func shareGmailCanonical(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    func canonical(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> [UInt8]? {
      let s = p[r]
      guard let at = s.firstIndex(of: 0x40) else { return nil }
      let domain = s[(at + 1)...]
      guard domain.elementsEqual("gmail.com".utf8) || domain.elementsEqual("googlemail.com".utf8) else { return nil }
      var local: [UInt8] = []
      for c in s[s.startIndex..<at] {
        if c == 0x2B { break }
        if c != 0x2E { local.append(c) }
      }
      return local
    }
    let ca = Similarity.split(a).compactMap { canonical(a, $0) }
    if ca.isEmpty { return false }
    for y in Similarity.split(b) {
      if let cb = canonical(b, y), ca.contains(cb) { return true }
    }
    return false
  }

  /// Two addresses with the same local part (5 characters or more) at different domains; with
  /// `role`, role addresses are left out (`sales@a` and `sales@b` are not one person).
  func shareLocalPart(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, role: Bool = false) -> Bool {
    if !role && !a.contains(0x20) && !b.contains(0x20) {
      guard let x = a.firstIndex(of: 0x40), let y = b.firstIndex(of: 0x40), x >= 5, x == y else { return false }
      return a[0..<x].elementsEqual(b[0..<y])
    }
    for x in Similarity.split(a) {
      guard let at = a[x].firstIndex(of: 0x40) else { continue }
      let local = a[x.lowerBound..<at]
      if local.count < 5 { continue }
      if role && ContactKeys.isRole(UnsafeBufferPointer(rebasing: a[x]), roles: keys.roleAddresses) { continue }
      for y in Similarity.split(b) {
        guard let at2 = b[y].firstIndex(of: 0x40) else { continue }
        if b[y.lowerBound..<at2].elementsEqual(local) { return true }
      }
    }
    return false
  }

  func shareLastDigits(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ n: Int) -> Bool {
    if !a.contains(0x20) && !b.contains(0x20) {
      guard a.count >= n && b.count >= n else { return false }
      return a[(a.count - n)...].elementsEqual(b[(b.count - n)...])
    }
    for x in Similarity.split(a) where x.count >= n {
      for y in Similarity.split(b) where y.count >= n {
        if a[(x.upperBound - n)..<x.upperBound].elementsEqual(b[(y.upperBound - n)..<y.upperBound]) { return true }
      }
    }
    return false
  }

  /// Names the strongest evidence of a linked pair. A role address or shared number that did
  /// not count (weight 0) is no evidence.
  static func rule(for details: [FieldComparison]) -> String {
    func lvl(_ f: String) -> String? { details.first { $0.field == f }?.level }
    func counted(_ f: String, _ level: String) -> Bool { details.contains { $0.field == f && $0.level == level && $0.weight > 0 } }
    if details.contains(where: { $0.field == "veto" && $0.note == genderedVeto }) { return "vetoed: gender-marking given names" }
    if details.contains(where: { $0.field == "veto" }) { return "vetoed: birth dates differ" }
    let nameOK = (lvl("given") == "exact" || lvl("given") == "close") || (lvl("family") == "exact" || lvl("family") == "close")
    if lvl("identifier") == "exact" && nameOK { return "identifier+name" }
    if counted("email", "exact") { return nameOK ? "email+name" : "email" }
    if counted("phone", "exact") { return nameOK ? "phone+name" : "phone" }
    if counted("email", "close") && nameOK { return "email-variant+name" }
    if details.contains(where: { $0.field == "phone" && $0.weight > 0 && $0.note?.hasPrefix(extensionOnOneSide) == true }) {
      return "phone-without-extension+name"
    }
    if nameOK && (lvl("birth_date") == "exact" || lvl("birth_date") == "close") { return "name+birthdate" }
    if nameOK && (lvl("street") != nil || lvl("postal_code") != nil) { return "name+address" }
    if nameOK && lvl("organization") == "exact" { return "name+organization" }
    return "weighted-fields"
  }

  /// The note of two Gmail addresses that differ only in dots and `+tags`.
  static let gmailVariant = "same gmail address without dots and +tags"

  /// The start of the note of a number with an extension on one side only.
  static let extensionOnOneSide = "extension on one side only"

  /// True when the link rests on a contact point that counted: an identifier, an e-mail
  /// address or a phone number that matched exactly (a role address or shared number only
  /// when the names agree), a Gmail address without its dots and `+tags`, or the same number
  /// with an extension on one side when the names agree. Names, addresses and organisations
  /// alone are not enough.
  static func restsOnContactPoint(_ details: [FieldComparison]) -> Bool {
    details.contains { d in
      guard d.weight > 0 else { return false }
      switch d.field {
      case "identifier": return d.level == "exact"
      // a Gmail address without its dots and +tags is the same mailbox
      case "email": return d.level == "exact" || d.note == gmailVariant
      case "phone": return d.level == "exact" || d.note?.hasPrefix(extensionOnOneSide) == true
      default: return false
      }
    }
  }
}
