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
  func score(_ i: Int, _ j: Int, explain: Bool = false, into details: inout [FieldComparison]) -> Double {
    var total = 0.0
    let fc = ContactKeys.fieldCount
    return keys.arena.withUnsafeBufferPointer { arena -> Double in
      @inline(__always) func field(_ r: Int, _ slot: Int) -> UnsafeBufferPointer<UInt8> {
        let s = keys.spans[r &* fc &+ slot]
        let o = Int(s >> 16), n = Int(s & 0xFFFF)
        return UnsafeBufferPointer(rebasing: arena[o..<(o + n)])
      }
      var namesDone = false
      for (k, entry) in order.enumerated() {
        if !explain && total + maxRemaining[k] < rules.threshold { return total }
        let (f, slot, w) = entry
        if (f == .given || f == .family) && namesDone { continue }
        if f == .given || f == .family {
          namesDone = true
          let gi = field(i, slotGiven), gj = field(j, slotGiven)
          let fi = field(i, slotFamily), fj = field(j, slotFamily)
          total += names(gi, gj, fi, fj, explain: explain, into: &details)
          continue
        }
        let a = field(i, slot), b = field(j, slot)
        if a.count == 0 || b.count == 0 { continue }
        var level = 3
        var sim = 0.0
        var note: String?
        switch f {
        case .email, .phone:
          // any shared value
          if shareToken(a, b) {
            level = 0
            sim = 1
          } else if f == .email && (a.contains(0x40) && containsGmail(a) && containsGmail(b)) && shareGmailCanonical(a, b) {
            level = 1
            sim = 0.9
            note = "same gmail address without dots and +tags"
          } else if f == .email && shareLocalPart(a, b) {
            level = 1
            sim = 0.5
            note = "same local part"
          } else if f == .phone && shareLastDigits(a, b, 7) {
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
        case .birthDate:
          (level, sim, note) = birth(a, b)
        case .street:
          sim = Similarity.tokenSet(a, b)
          level = sim >= 0.999 ? 0 : sim >= w.closeAt ? 1 : sim >= w.partialAt ? 2 : 3
        default:
          sim = explain ? Similarity.jaroWinkler(a, b) : Similarity.jaroWinkler(a, b, floor: w.partialAt)
          level = sim >= 0.999 ? 0 : sim >= w.closeAt ? 1 : sim >= w.partialAt ? 2 : 3
        }
        let weight = pick(w, level)
        total += weight
        if explain {
          details.append(
            FieldComparison(field: f.rawValue, level: levelName(level), similarity: round3(sim), weight: weight, note: note))
        }
      }
      return total
    }
  }

  func levelName(_ l: Int) -> String { ["exact", "close", "partial", "differ"][l] }
  func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

  /// Given and family names together, so that swapped names and nicknames are seen.
  func names(
    _ gi: UnsafeBufferPointer<UInt8>, _ gj: UnsafeBufferPointer<UInt8>, _ fi: UnsafeBufferPointer<UInt8>,
    _ fj: UnsafeBufferPointer<UInt8>, explain: Bool, into details: inout [FieldComparison]
  ) -> Double {
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
    if lg >= 1 && gi.count > 0 && gj.count > 0 {
      if gi.count == 1 || gj.count == 1 {
        if gi[0] == gj[0] {
          lg = 2
          noteG = "initial"
        }
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
    return total
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

  func shareLocalPart(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    if !a.contains(0x20) && !b.contains(0x20) {
      guard let x = a.firstIndex(of: 0x40), let y = b.firstIndex(of: 0x40), x >= 5, x == y else { return false }
      return a[0..<x].elementsEqual(b[0..<y])
    }
    for x in Similarity.split(a) {
      guard let at = a[x].firstIndex(of: 0x40) else { continue }
      let local = a[x.lowerBound..<at]
      if local.count < 5 { continue }
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

  /// Names the strongest evidence of a linked pair.
  static func rule(for details: [FieldComparison]) -> String {
    func lvl(_ f: String) -> String? { details.first { $0.field == f }?.level }
    let nameOK = (lvl("given") == "exact" || lvl("given") == "close") || (lvl("family") == "exact" || lvl("family") == "close")
    if lvl("identifier") == "exact" && nameOK { return "identifier+name" }
    if lvl("email") == "exact" { return nameOK ? "email+name" : "email" }
    if lvl("phone") == "exact" { return nameOK ? "phone+name" : "phone" }
    if lvl("email") == "close" && nameOK { return "email-variant+name" }
    if nameOK && (lvl("birth_date") == "exact" || lvl("birth_date") == "close") { return "name+birthdate" }
    if nameOK && (lvl("street") != nil || lvl("postal_code") != nil) { return "name+address" }
    if nameOK && lvl("organization") == "exact" { return "name+organization" }
    return "weighted-fields"
  }
}
