/// String similarities on bytes (ASCII after `Normalize.fold`).
public enum Similarity {
  /// Jaro-Winkler similarity in 0…1 (prefix scale 0.1, up to 4 characters).
  public static func jaroWinkler(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
    let la = a.count, lb = b.count
    if la == 0 || lb == 0 { return la == lb ? 1 : 0 }
    if la == lb && memEqual(a, b) { return 1 }
    let range = max(0, max(la, lb) / 2 - 1)
    if la > 64 || lb > 64 { return jaroWinklerLong(a, b, range) }
    var flagsA: UInt64 = 0
    var flagsB: UInt64 = 0
    var matches = 0
    for i in 0..<la {
      let lo = max(0, i - range), hi = min(lb - 1, i + range)
      if lo > hi { continue }
      let c = a[i]
      var j = lo
      while j <= hi {
        if flagsB & (1 << UInt64(j)) == 0 && b[j] == c {
          flagsA |= 1 << UInt64(i)
          flagsB |= 1 << UInt64(j)
          matches += 1
          break
        }
        j += 1
      }
    }
    if matches == 0 { return 0 }
    var t = 0, k = 0
    for i in 0..<la where flagsA & (1 << UInt64(i)) != 0 {
      while flagsB & (1 << UInt64(k)) == 0 { k += 1 }
      if a[i] != b[k] { t += 1 }
      k += 1
    }
    let m = Double(matches)
    let jaro = (m / Double(la) + m / Double(lb) + (m - Double(t / 2)) / m) / 3
    var prefix = 0
    while prefix < min(4, min(la, lb)) && a[prefix] == b[prefix] { prefix += 1 }
    return jaro + Double(prefix) * 0.1 * (1 - jaro)
  }

  /// An upper bound of `jaroWinkler(a, b)`, far cheaper: the matches are at most the
  /// characters of each side that occur on the other (a 64-bit presence mask; collisions only
  /// loosen the bound), with no transpositions, and the real common prefix.
  @inline(__always)
  static func jaroWinklerBound(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
    let la = a.count, lb = b.count
    if la == 0 || lb == 0 { return 1 }
    var ma: UInt64 = 0
    var mb: UInt64 = 0
    for c in a { ma |= 1 &<< UInt64(c & 63) }
    for c in b { mb |= 1 &<< UInt64(c & 63) }
    var ca = 0
    for c in a where mb & (1 &<< UInt64(c & 63)) != 0 { ca += 1 }
    var cb = 0
    for c in b where ma & (1 &<< UInt64(c & 63)) != 0 { cb += 1 }
    if ca == 0 || cb == 0 { return 0 }
    let m = Double(min(ca, cb))
    let jaro = (m / Double(la) + m / Double(lb) + 1) / 3
    var prefix = 0
    while prefix < min(4, min(la, lb)) && a[prefix] == b[prefix] { prefix += 1 }
    return jaro + Double(prefix) * 0.1 * (1 - jaro)
  }

  /// `jaroWinkler(a, b)` when it can reach `floor`; otherwise a value below `floor` (the
  /// bound), which is all a level decision needs.
  @inline(__always)
  static func jaroWinkler(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, floor: Double) -> Double {
    let ub = jaroWinklerBound(a, b)
    return ub < floor ? ub : jaroWinkler(a, b)
  }

  static func jaroWinklerLong(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ range: Int) -> Double {
    let la = a.count, lb = b.count
    var flagsA = [Bool](repeating: false, count: la)
    var flagsB = [Bool](repeating: false, count: lb)
    var matches = 0
    for i in 0..<la {
      let lo = max(0, i - range), hi = min(lb - 1, i + range)
      if lo > hi { continue }
      let c = a[i]
      for j in lo...hi where !flagsB[j] && b[j] == c {
        flagsA[i] = true
        flagsB[j] = true
        matches += 1
        break
      }
    }
    if matches == 0 { return 0 }
    var t = 0, k = 0
    for i in 0..<la where flagsA[i] {
      while !flagsB[k] { k += 1 }
      if a[i] != b[k] { t += 1 }
      k += 1
    }
    let m = Double(matches)
    let jaro = (m / Double(la) + m / Double(lb) + (m - Double(t / 2)) / m) / 3
    var prefix = 0
    while prefix < min(4, min(la, lb)) && a[prefix] == b[prefix] { prefix += 1 }
    return jaro + Double(prefix) * 0.1 * (1 - jaro)
  }

  public static func jaroWinkler(_ a: [UInt8], _ b: [UInt8]) -> Double {
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in jaroWinkler(pa, pb) } }
  }

  public static func jaroWinkler(_ a: String, _ b: String) -> Double { jaroWinkler(Array(a.utf8), Array(b.utf8)) }

  @inline(__always)
  static func memEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    if a.count != b.count { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
  }

  /// Token-set similarity: each token of the shorter side matched to its best Jaro-Winkler
  /// partner on the other side, averaged; order-insensitive ("gregory heights britten-jones
  /// drive" vs "britten jones dr gregory hts").
  public static func tokenSet(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
    if a.count == 0 || b.count == 0 { return a.count == b.count ? 1 : 0 }
    if memEqual(a, b) { return 1 }
    let ta = split(a), tb = split(b)
    let (short, long) = ta.count <= tb.count ? (ta, tb) : (tb, ta)
    var total = 0.0
    var weight = 0.0
    for s in short {
      var best = 0.0
      let sp = UnsafeBufferPointer(rebasing: (ta.count <= tb.count ? a : b)[s])
      for l in long {
        let lp = UnsafeBufferPointer(rebasing: (ta.count <= tb.count ? b : a)[l])
        best = max(best, jaroWinkler(sp, lp))
        if best == 1 { break }
      }
      let w = Double(s.count)
      total += best * w
      weight += w
    }
    // penalise tokens of the longer side left unmatched, gently
    let coverage = Double(short.count + 1) / Double(long.count + 1)
    return (total / max(weight, 1)) * (0.85 + 0.15 * coverage)
  }

  static func split(_ p: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var start = 0
    for i in 0...p.count {
      if i == p.count || p[i] == 0x20 {
        if i > start { out.append(start..<i) }
        start = i + 1
      }
    }
    return out
  }

  /// American Soundex of folded letters, packed: first letter then three digits ("robert" →
  /// R163), as a 32-bit code (0 for no letters).
  public static func soundex(_ s: UnsafeBufferPointer<UInt8>) -> UInt32 {
    @inline(__always) func code(_ c: UInt8) -> UInt8 {
      switch c {
      case 0x62, 0x66, 0x70, 0x76: 1  // b f p v
      case 0x63, 0x67, 0x6A, 0x6B, 0x71, 0x73, 0x78, 0x7A: 2  // c g j k q s x z
      case 0x64, 0x74: 3  // d t
      case 0x6C: 4  // l
      case 0x6D, 0x6E: 5  // m n
      case 0x72: 6  // r
      case 0x68, 0x77: 7  // h w: do not separate equal codes
      default: 0  // vowels and y separate
      }
    }
    var out: UInt32 = 0
    var n = 0
    var last: UInt8 = 255
    for c in s where c >= 0x61 && c <= 0x7A {
      let k = code(c)
      if n == 0 {
        out = UInt32(c)
        n = 1
        last = k
        continue
      }
      if k == 7 { continue }
      if k != 0 && k != last {
        out = out << 4 | UInt32(k)
        n += 1
        if n == 4 { break }
      }
      last = k
    }
    if n == 0 { return 0 }
    while n < 4 {
      out <<= 4
      n += 1
    }
    return out
  }

  public static func soundex(_ s: [UInt8]) -> UInt32 { s.withUnsafeBufferPointer { soundex($0) } }

  /// True when `a` and `b` differ by at most one edit (insert, delete, substitute, or swap of
  /// neighbours).
  public static func withinOneEdit(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let la = a.count, lb = b.count
    if abs(la - lb) > 1 { return false }
    var i = 0
    while i < min(la, lb) && a[i] == b[i] { i += 1 }
    if i == la && i == lb { return true }
    if la == lb {
      // substitution or transposition
      if i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] {
        return tailEqual(a, i + 2, b, i + 2)
      }
      return tailEqual(a, i + 1, b, i + 1)
    }
    return la > lb ? tailEqual(a, i + 1, b, i) : tailEqual(a, i, b, i + 1)
  }

  static func tailEqual(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int) -> Bool {
    if a.count - i != b.count - j { return false }
    var x = i, y = j
    while x < a.count {
      if a[x] != b[y] { return false }
      x += 1
      y += 1
    }
    return true
  }

  /// FNV-1a hash of bytes, for compact blocking keys.
  @inline(__always)
  public static func hash(_ s: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var h = seed
    for c in s {
      h ^= UInt64(c)
      h = h &* 0x100_0000_01b3
    }
    return h
  }
}

/// Given-name nicknames from a public list (see `Nicknames+Table.swift` for its source).
public enum Nicknames {
  /// nickname → the full names it stands for (both directions of the list are used at lookup).
  static let fullNames: [String: Set<String>] = {
    var map: [String: Set<String>] = [:]
    for (nick, full) in pairs { map[nick, default: []].insert(full) }
    return map
  }()

  /// Hashes of every name in the table (nicknames and full names): a name outside it has no
  /// nickname relation, which the hot path checks without building strings.
  static let known: Set<UInt64> = {
    var s = Set<UInt64>()
    for (nick, full) in pairs {
      s.insert(hash(nick))
      s.insert(hash(full))
    }
    return s
  }()

  static func hash(_ s: String) -> UInt64 {
    var s = s
    return s.withUTF8 { Similarity.hash($0) }
  }

  /// `related` on folded bytes; names not in the table are answered without allocating.
  static func related(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    if Similarity.memEqual(a, b) { return true }
    if !known.contains(Similarity.hash(a)) || !known.contains(Similarity.hash(b)) { return false }
    return related(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
  }

  /// True when one name is a nickname of the other, or both are nicknames of one full name
  /// (Bob and Rob for Robert).
  public static func related(_ a: String, _ b: String) -> Bool {
    if a == b { return true }
    let fa = fullNames[a], fb = fullNames[b]
    if let fa, fa.contains(b) { return true }
    if let fb, fb.contains(a) { return true }
    if let fa, let fb, !fa.isDisjoint(with: fb) { return true }
    return false
  }

  /// How many pairs the table holds.
  public static var count: Int { pairs.count }
}
