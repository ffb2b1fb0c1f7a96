import Foundation

/// Normalisation of the fields the matcher compares. Every function is pure and total: a value
/// that cannot be normalised gives `nil` (or an unparseable phone), never a guess.
public enum Normalize {
  // MARK: text

  /// Lower-case ASCII letters, digits and single spaces: accents folded (é → e, ß → ss), other
  /// punctuation turned into spaces (apostrophes and periods dropped: O'Brien → obrien).
  public static func fold(_ text: String) -> [UInt8] {
    var bytes = Array(text.utf8)
    if !bytes.allSatisfy({ $0 < 0x80 }) {
      let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        .replacingOccurrences(of: "ß", with: "ss").replacingOccurrences(of: "æ", with: "ae")
        .replacingOccurrences(of: "ø", with: "o").replacingOccurrences(of: "œ", with: "oe")
        .replacingOccurrences(of: "ł", with: "l").replacingOccurrences(of: "đ", with: "d")
      bytes = Array(folded.utf8)
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var pendingSpace = false
    for b in bytes {
      var c = b
      if c >= 0x41 && c <= 0x5A { c += 0x20 }
      if (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) {
        if pendingSpace && !out.isEmpty { out.append(0x20) }
        pendingSpace = false
        out.append(c)
      } else if c == 0x27 || c == 0x2E || c >= 0x80 {
        // apostrophe, period: joined (o'brien → obrien, j.r. → jr); leftover non-ASCII dropped
        continue
      } else {
        pendingSpace = true
      }
    }
    return out
  }

  /// Splits folded bytes on spaces.
  public static func tokens(_ folded: [UInt8]) -> [[UInt8]] {
    folded.split(separator: 0x20).map(Array.init)
  }

  static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  // MARK: e-mail

  /// Lower-case, trimmed, without `mailto:`; with `gmail`, dots and `+tags` dropped from the
  /// local part of gmail.com / googlemail.com addresses. Nil when there is no `@`.
  public static func email(_ raw: String, gmail: Bool = false) -> String? {
    if raw.utf8.allSatisfy({ $0 < 0x80 }) { return asciiEmail(raw, gmail: gmail) }
    return emailReference(raw, gmail: gmail)
  }

  /// `email` for ASCII text, on bytes; the same result as `emailReference` (checked by
  /// `NormalizeFastPathTests` on generated addresses).
  static func asciiEmail(_ raw: String, gmail: Bool) -> String? {
    var b = Array(raw.utf8)
    // Trim white space and newlines (ASCII: tab to carriage return, and space), lower case.
    var lo = 0, hi = b.count
    while lo < hi, b[lo] == 0x20 || (0x09...0x0D).contains(b[lo]) { lo += 1 }
    while hi > lo, b[hi - 1] == 0x20 || (0x09...0x0D).contains(b[hi - 1]) { hi -= 1 }
    var s: [UInt8] = []
    s.reserveCapacity(hi - lo)
    for c in b[lo..<hi] { s.append(c >= 0x41 && c <= 0x5A ? c + 32 : c) }
    b = s
    if b.starts(with: "mailto:".utf8) { b.removeFirst(7) }
    if b.first == UInt8(ascii: "<") && b.last == UInt8(ascii: ">") {
      // "<" alone is both prefix and suffix: dropping both leaves nothing, as for a String.
      b = b.count >= 2 ? Array(b[1..<(b.count - 1)]) : []
    } else if let lt = b.firstIndex(of: UInt8(ascii: "<")), let gt = b[lt...].firstIndex(of: UInt8(ascii: ">")) {
      // a display name: `Sales Team <sales@acme.example>` is the address inside the brackets
      b = Array(b[(lt + 1)..<gt])
      if b.starts(with: "mailto:".utf8) { b.removeFirst(7) }
    }
    b.removeAll { $0 == 0x20 || $0 == 0x09 }
    guard let at = b.lastIndex(of: UInt8(ascii: "@")), at != 0, at + 1 != b.count else { return nil }
    var local = Array(b[..<at])
    var domain = Array(b[(at + 1)...])
    if domain.last == UInt8(ascii: ".") { domain.removeLast() }
    if gmail && (domain.elementsEqual("gmail.com".utf8) || domain.elementsEqual("googlemail.com".utf8)) {
      if let plus = local.firstIndex(of: UInt8(ascii: "+")) { local.removeSubrange(plus...) }
      local.removeAll { $0 == UInt8(ascii: ".") }
      domain = Array("gmail.com".utf8)
    }
    local.append(UInt8(ascii: "@"))
    local += domain
    return String(decoding: local, as: UTF8.self)
  }

  /// `email` through Foundation, for any text: the reference the ASCII path is held to.
  static func emailReference(_ raw: String, gmail: Bool = false) -> String? {
    var s = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    if s.hasPrefix("mailto:") { s.removeFirst(7) }
    if s.hasPrefix("<") && s.hasSuffix(">") {
      s = String(s.dropFirst().dropLast())
    } else if let lt = s.firstIndex(of: "<"), let gt = s[lt...].firstIndex(of: ">") {
      // a display name: `Sales Team <sales@acme.example>` is the address inside the brackets
      s = String(s[s.index(after: lt)..<gt])
      if s.hasPrefix("mailto:") { s.removeFirst(7) }
    }
    s.removeAll { $0 == " " || $0 == "\t" }
    guard let at = s.lastIndex(of: "@"), at != s.startIndex, s.index(after: at) != s.endIndex else { return nil }
    var local = String(s[..<at])
    var domain = String(s[s.index(after: at)...])
    if domain.hasSuffix(".") { domain.removeLast() }
    if gmail && (domain == "gmail.com" || domain == "googlemail.com") {
      if let plus = local.firstIndex(of: "+") { local = String(local[..<plus]) }
      local.removeAll { $0 == "." }
      domain = "gmail.com"
    }
    return local + "@" + domain
  }

  // MARK: phone

  /// A phone number in E.164 form with its extension, or the reason it could not be read.
  public struct Phone: Sendable, Hashable {
    /// `+12125550100`; nil when unparseable.
    public var e164: String?
    public var extensionDigits: String?
    public var original: String
    /// Why the number could not be read, when `e164` is nil.
    public var problem: String?
  }

  /// Country calling codes and national number lengths of common regions (hand-written; not a
  /// full numbering plan). `trunk` is the national trunk prefix dropped after the country code.
  public struct Region: Sendable {
    public var code: String
    public var lengths: ClosedRange<Int>
    public var trunk: UInt8?
    public var international: String
  }

  public static let regions: [String: Region] = [
    "US": Region(code: "1", lengths: 10...10, trunk: nil, international: "011"),
    "CA": Region(code: "1", lengths: 10...10, trunk: nil, international: "011"),
    "GB": Region(code: "44", lengths: 9...10, trunk: 0x30, international: "00"),
    "UK": Region(code: "44", lengths: 9...10, trunk: 0x30, international: "00"),
    "IE": Region(code: "353", lengths: 7...9, trunk: 0x30, international: "00"),
    "DE": Region(code: "49", lengths: 6...11, trunk: 0x30, international: "00"),
    "FR": Region(code: "33", lengths: 9...9, trunk: 0x30, international: "00"),
    "ES": Region(code: "34", lengths: 9...9, trunk: nil, international: "00"),
    "IT": Region(code: "39", lengths: 6...11, trunk: nil, international: "00"),
    "NL": Region(code: "31", lengths: 9...9, trunk: 0x30, international: "00"),
    "BE": Region(code: "32", lengths: 8...9, trunk: 0x30, international: "00"),
    "CH": Region(code: "41", lengths: 9...9, trunk: 0x30, international: "00"),
    "AT": Region(code: "43", lengths: 4...13, trunk: 0x30, international: "00"),
    "SE": Region(code: "46", lengths: 7...9, trunk: 0x30, international: "00"),
    "NO": Region(code: "47", lengths: 8...8, trunk: nil, international: "00"),
    "DK": Region(code: "45", lengths: 8...8, trunk: nil, international: "00"),
    "FI": Region(code: "358", lengths: 5...10, trunk: 0x30, international: "00"),
    "PL": Region(code: "48", lengths: 9...9, trunk: nil, international: "00"),
    "PT": Region(code: "351", lengths: 9...9, trunk: nil, international: "00"),
    "AU": Region(code: "61", lengths: 9...9, trunk: 0x30, international: "0011"),
    "NZ": Region(code: "64", lengths: 8...10, trunk: 0x30, international: "00"),
    "IN": Region(code: "91", lengths: 10...10, trunk: 0x30, international: "00"),
    "JP": Region(code: "81", lengths: 9...10, trunk: 0x30, international: "010"),
    "CN": Region(code: "86", lengths: 10...11, trunk: 0x30, international: "00"),
    "SG": Region(code: "65", lengths: 8...8, trunk: nil, international: "000"),
    "HK": Region(code: "852", lengths: 8...8, trunk: nil, international: "001"),
    "BR": Region(code: "55", lengths: 10...11, trunk: 0x30, international: "00"),
    "MX": Region(code: "52", lengths: 10...10, trunk: nil, international: "00"),
    "ZA": Region(code: "27", lengths: 9...9, trunk: 0x30, international: "00"),
    "IL": Region(code: "972", lengths: 8...9, trunk: 0x30, international: "00"),
  ]

  /// E.164 from a number as written. A number with `+` (or the region's international prefix)
  /// keeps its own country code; any other number is read in `region`. Extensions (`x12`,
  /// `ext. 12`, `;ext=12`, `#12`) are kept apart.
  public static func phone(_ raw: String, region: String = "US") -> Phone {
    if raw.utf8.allSatisfy({ $0 < 0x80 }) { return asciiPhone(raw, region: region) }
    return phoneReference(raw, region: region)
  }

  static let extensionMarkers = [";ext=", "extension", "ext.", "ext", " x", "x", "#"]
  static let extensionMarkerBytes = extensionMarkers.map { Array($0.utf8) }

  /// `phone` for ASCII text, on bytes; the same result as `phoneReference` (checked by
  /// `NormalizeFastPathTests` on generated numbers).
  static func asciiPhone(_ raw: String, region: String) -> Phone {
    var result = Phone(e164: nil, extensionDigits: nil, original: raw, problem: nil)
    var lower = raw.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
    if let tel = telURI(lower) { lower = tel }
    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    var mainEnd = lower.count
    for marker in extensionMarkerBytes {
      // The first occurrence only, as `range(of:)` finds it.
      guard lower.count >= marker.count,
        let at = (0...(lower.count - marker.count)).first(where: { k in lower[k] == marker[0] && lower[k..<(k + marker.count)].elementsEqual(marker) })
      else { continue }
      guard lower[..<at].contains(where: isDigit) else { continue }
      let ext = lower[(at + marker.count)...].filter(isDigit)
      if !ext.isEmpty { result.extensionDigits = String(decoding: ext, as: UTF8.self) }
      mainEnd = at
      break
    }
    let main = lower[..<mainEnd]
    let plus = main.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "+")
    let digits = main.filter(isDigit)
    let letters = main.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    return phone(digits: digits, plus: plus, letters: letters, region: region, result: result)
  }

  /// `phone` through Foundation, for any text: the reference the ASCII path is held to.
  static func phoneReference(_ raw: String, region: String = "US") -> Phone {
    var result = Phone(e164: nil, extensionDigits: nil, original: raw, problem: nil)
    var lower = raw.lowercased()
    if let tel = telURI(Array(lower.utf8)) { lower = String(decoding: tel, as: UTF8.self) }
    var main = Substring(lower)
    for marker in extensionMarkers {
      if let r = main.range(of: marker), main[..<r.lowerBound].contains(where: { $0.isNumber }) {
        let ext = main[r.upperBound...].filter { $0.isASCII && $0.isNumber }
        if !ext.isEmpty { result.extensionDigits = String(ext) }
        main = main[..<r.lowerBound]
        break
      }
    }
    let plus = main.trimmingCharacters(in: .whitespaces).hasPrefix("+")
    let digits = main.filter { $0.isASCII && $0.isNumber }.utf8.map { $0 }
    return phone(digits: digits, plus: plus, letters: main.contains(where: { $0.isLetter }), region: region, result: result)
  }

  /// An RFC 3966 `tel:` URI (lower case), rewritten as the number and its extension:
  /// `tel:+1-212-555-0100;ext=12;phone-context=…` → `+1-212-555-0100;ext=12`. Other
  /// parameters (`phone-context`, `isub`) are left out. Nil when the text is no `tel:` URI.
  static func telURI(_ lower: [UInt8]) -> [UInt8]? {
    var start = 0
    while start < lower.count, lower[start] == 0x20 || lower[start] == 0x09 { start += 1 }
    guard lower[start...].starts(with: "tel:".utf8) else { return nil }
    let parts = lower[(start + 4)...].split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
    var out = Array(parts.first ?? [])
    for p in parts.dropFirst() where p.starts(with: "ext=".utf8) {
      out += Array(";".utf8) + Array(p)
      break
    }
    return out
  }

  /// The rest of `phone`, once the extension is cut off: the number's digits, whether it
  /// starts with `+`, whether it holds letters.
  private static func phone(digits: [UInt8], plus: Bool, letters: Bool, region: String, result: Phone) -> Phone {
    var digits = digits
    var result = result
    if letters {
      result.problem = "contains letters"
      return result
    }
    if digits.isEmpty {
      result.problem = "has no digits"
      return result
    }
    guard let home = regions[region.uppercased()] else {
      result.problem = "region \"\(region)\" is not in ferry's table"
      return result
    }
    var international = plus
    if !plus, digits.starts(with: Array(home.international.utf8)) {
      digits.removeFirst(home.international.utf8.count)
      international = true
    }
    if international {
      // the country code is whichever of ferry's codes prefixes the number (1–3 digits)
      for len in 1...3 where digits.count > len {
        let code = String(decoding: digits[0..<len], as: UTF8.self)
        if let r = regions.values.first(where: { $0.code == code }) {
          var national = Array(digits[len...])
          if let t = r.trunk, national.first == t, national.count > r.lengths.upperBound { national.removeFirst() }
          if r.lengths.contains(national.count) {
            result.e164 = "+" + code + String(decoding: national, as: UTF8.self)
          } else {
            result.problem = "has \(national.count) digits after +\(code)"
          }
          return result
        }
      }
      // a country ferry has no table for: keep the digits as given when plausible
      if (8...15).contains(digits.count) {
        result.e164 = "+" + String(decoding: digits, as: UTF8.self)
      } else {
        result.problem = "is not an international number"
      }
      return result
    }
    if home.code == "1", digits.count == 11, digits.first == 0x31 { digits.removeFirst() }
    if let t = home.trunk, digits.first == t { digits.removeFirst() }
    guard home.lengths.contains(digits.count) else {
      result.problem = "has \(digits.count) digits, not a \(region.uppercased()) number"
      return result
    }
    result.e164 = "+" + home.code + String(decoding: digits, as: UTF8.self)
    return result
  }

  // MARK: names

  static let namePrefixes: Set<String> = [
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "fr", "herr", "frau", "mme",
    "mlle", "m", "sr", "sra", "srta", "hon", "capt", "lord", "lady",
  ]
  static let nameSuffixes: Set<String> = [
    "jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq", "mba", "cpa", "dds", "jd", "rn", "pe", "cfa", "obe",
    "mbe", "qc", "kc",
  ]

  /// A person's name ready for comparison.
  public struct Name: Sendable, Hashable {
    public var given: [UInt8] = []
    public var middle: [UInt8] = []
    public var family: [UInt8] = []
  }

  /// Splits a formatted name ("Dr. Robert J. Smith Jr.", "Smith, Robert") into parts.
  public static func name(formatted: String) -> Name {
    let hasComma = formatted.contains(",")
    var parts = formatted.split(separator: ",", maxSplits: 1).map { tokens(fold(String($0))).map { Normalize.string($0) } }
    var words: [String]
    if hasComma && parts.count == 2 && !parts[1].isEmpty && !parts[1].allSatisfy({ nameSuffixes.contains($0) }) {
      words = parts[1] + parts[0]  // "Family, Given"
    } else {
      words = parts.flatMap { $0 }
    }
    while let f = words.first, words.count > 1, namePrefixes.contains(f) { words.removeFirst() }
    while let l = words.last, words.count > 1, nameSuffixes.contains(l) { words.removeLast() }
    parts = []
    var n = Name()
    guard !words.isEmpty else { return n }
    if words.count == 1 {
      n.given = Array(words[0].utf8)
      return n
    }
    n.given = Array(words[0].utf8)
    n.family = Array(words[words.count - 1].utf8)
    if words.count > 2 { n.middle = Array(words[1..<(words.count - 1)].joined(separator: " ").utf8) }
    return n
  }

  /// Normalises structured parts; prefixes and suffixes inside the parts are dropped, and a
  /// multi-word family name is kept joined ("van der berg" → "vanderberg").
  public static func name(given: String?, middle: String?, family: String?) -> Name {
    var n = Name()
    var g = tokens(fold(given ?? ""))
    while let f = g.first, g.count > 1, namePrefixes.contains(Normalize.string(f)) { g.removeFirst() }
    if let f = g.first, g.count == 1, namePrefixes.contains(Normalize.string(f)) && f.count > 1 && family != nil {
      g.removeFirst()
    }
    if g.count > 1 {
      n.middle = Array(g[1...].joined(separator: [0x20]))
    }
    n.given = g.first ?? []
    var m = tokens(fold(middle ?? ""))
    if !m.isEmpty {
      if !n.middle.isEmpty { m.insert(n.middle, at: 0) }
      n.middle = Array(m.joined(separator: [0x20]))
    }
    var f = tokens(fold(family ?? ""))
    while let l = f.last, f.count > 1, nameSuffixes.contains(Normalize.string(l)) { f.removeLast() }
    n.family = Array(f.joined())
    return n
  }

  // MARK: organisation

  static let legalForms: Set<String> = [
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company", "plc",
    "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "pty", "pte", "oy", "ab", "as", "asa",
    "kk", "the", "and",
  ]

  /// Lower-case, folded, with legal forms (Inc, LLC, Ltd, GmbH, …) and `&` removed.
  public static func organization(_ raw: String) -> [UInt8] {
    let t = tokens(fold(raw.utf8.contains(UInt8(ascii: "&")) ? raw.replacingOccurrences(of: "&", with: " and ") : raw))
    let kept = t.filter { !legalForms.contains(Normalize.string($0)) }
    return Array((kept.isEmpty ? t : kept).joined(separator: [0x20]))
  }

  // MARK: address

  static let streetTypes: [String: String] = [
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "avn": "ave", "road": "rd", "drive": "dr",
    "drv": "dr", "boulevard": "blvd", "boul": "blvd", "lane": "ln", "court": "ct", "crt": "ct", "place": "pl",
    "crescent": "cres", "cresent": "cres", "terrace": "tce", "terr": "tce", "highway": "hwy", "parkway": "pkwy",
    "circle": "cir", "square": "sq", "close": "cl", "parade": "pde", "esplanade": "esp", "grove": "gr",
    "way": "wy", "alley": "aly", "trail": "trl", "expressway": "expy", "freeway": "fwy", "heights": "hts",
    "mount": "mt", "point": "pt", "circuit": "cct", "north": "n", "south": "s", "east": "e", "west": "w",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw", "saint": "st",
  ]
  static let unitWords: Set<String> = ["apt", "apartment", "unit", "suite", "ste", "flat", "room", "rm", "fl", "floor", "level", "lvl"]

  /// A street line split into house number, unit and the rest, with street types abbreviated.
  public struct Street: Sendable, Hashable {
    public var number: [UInt8] = []
    public var unit: [UInt8] = []
    public var rest: [UInt8] = []
  }

  public static func street(_ raw: String) -> Street {
    var s = Street()
    // Foundation only when there is a "#" to replace (most streets have none).
    var words = tokens(fold(raw.utf8.contains(UInt8(ascii: "#")) ? raw.replacingOccurrences(of: "#", with: " unit ") : raw))
    var rest: [[UInt8]] = []
    var i = 0
    while i < words.count {
      let w = Normalize.string(words[i])
      if unitWords.contains(w), i + 1 < words.count {
        s.unit = words[i + 1]
        i += 2
        continue
      }
      if s.number.isEmpty, let first = words[i].first, first >= 0x30 && first <= 0x39 {
        // "12/34" and "12-34" forms were split already; "4b" keeps its letter
        s.number = words[i]
        i += 1
        continue
      }
      if let abbr = streetTypes[w] { words[i] = Array(abbr.utf8) }
      rest.append(words[i])
      i += 1
    }
    s.rest = Array(rest.joined(separator: [0x20]))
    return s
  }

  /// Upper-case postal code without spaces; a US ZIP+4 keeps its first five digits.
  public static func postalCode(_ raw: String) -> [UInt8] {
    var b = Array(raw.utf8).filter { $0 != 0x20 && $0 != 0x2D || false }
    if b.count == 9, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), raw.contains("-") { b = Array(b[0..<5]) }
    return b.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }.filter {
      ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A)
    }
  }

  // MARK: dates

  /// `yyyymmdd` digits from an ISO date, `dd/mm/yyyy`-free digit runs of 8 (`19760807`), or a
  /// partial date (missing parts as `?`). Nil when the text has no date.
  public static func birthDate(year: Int?, month: Int?, day: Int?) -> [UInt8]? {
    if year == nil && month == nil && day == nil { return nil }
    func pad(_ v: Int?, _ n: Int) -> String {
      guard let v else { return String(repeating: "?", count: n) }
      let s = String(v)
      return String(repeating: "0", count: max(0, n - s.count)) + s
    }
    return Array((pad(year, 4) + pad(month, 2) + pad(day, 2)).utf8)
  }

  /// A birth date written as text (`1976-08-07`, `19760807`, `1976/8/7`).
  public static func birthDate(text: String) -> [UInt8]? {
    let groups = text.split(whereSeparator: { !($0.isASCII && $0.isNumber) })
    if groups.count == 1, groups[0].count == 8 { return Array(groups[0].utf8) }
    if groups.count == 3, groups[0].count == 4, let y = Int(groups[0]), let m = Int(groups[1]), let d = Int(groups[2]) {
      return birthDate(year: y, month: m, day: d)
    }
    return nil
  }
}
