import FerryModel
import Foundation

/// Normalisation shared by adoption, attendee resolution and fingerprints.
enum Normalise {
  /// `Mailto:Ada@Example.COM ` → `ada@example.com`.
  static func email(_ text: String) -> String {
    // Fast path: plain ASCII with no spaces and no upper case, as most addresses are.
    if text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !($0 >= 0x41 && $0 <= 0x5A) }) && !text.hasPrefix("mailto:") {
      return text
    }
    var s = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    if s.hasPrefix("mailto:") { s.removeFirst(7) }
    return s
  }

  /// The last ten digits of a phone number (enough to compare national and E.164 forms);
  /// nil for fewer than seven digits. Extensions (`x123`, `ext. 123`) are cut off.
  static func phone(_ text: String) -> String? {
    var digits: [UInt8] = []
    let lower = text.lowercased()
    let main = lower.range(of: "x").map { String(lower[..<$0.lowerBound]) } ?? lower
    for b in main.utf8 where b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { digits.append(b) }
    guard digits.count >= 7 else { return nil }
    return String(decoding: digits.suffix(10), as: UTF8.self)
  }

  /// Lower case, accents folded, punctuation dropped, single spaces.
  static func name(_ text: String) -> String {
    text.utf8.allSatisfy({ $0 < 0x80 }) ? asciiName(text) : foldedName(text)
  }

  /// `name` through Foundation's folding, for text with accents.
  static func foldedName(_ text: String) -> String {
    let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
    var out = ""
    var space = false
    for ch in folded.unicodeScalars {
      if CharacterSet.alphanumerics.contains(ch) {
        if space && !out.isEmpty { out.append(" ") }
        space = false
        out.unicodeScalars.append(ch)
      } else if ch == " " || ch == "\t" || ch == "-" {
        space = true
      }
    }
    return out
  }
}

extension Normalise {
  /// `name` for ASCII text, without Foundation: lower case, letters and digits, single spaces.
  static func asciiName(_ text: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var space = false
    for b in text.utf8 {
      switch b {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        if space && !out.isEmpty { out.append(UInt8(ascii: " ")) }
        space = false
        out.append(b)
      case UInt8(ascii: "A")...UInt8(ascii: "Z"):
        if space && !out.isEmpty { out.append(UInt8(ascii: " ")) }
        space = false
        out.append(b + 32)
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"):
        space = true
      default:
        break
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// A hash of the fields a person would notice changing in the mailbox (names, e-mails,
/// phone digits, organisation; an event's summary and location). It survives the
/// formatting a writer and reader add, so it tells a mailbox-side edit from a round trip.
enum Fingerprint {
  static func of(_ record: Record) -> UInt64 {
    var h = ContentHash()
    switch record {
    case .contact(let c):
      h.add(Normalise.name([c.name.given, c.name.family].compactMap { $0 }.joined(separator: " ")))
      for e in c.emails.map({ Normalise.email($0.address) }).sorted() { h.add(e) }
      for p in c.phones.compactMap({ Normalise.phone($0.number) }).sorted() { h.add(p) }
      h.add(Normalise.name(c.organization ?? ""))
    case .event(let e):
      h.add(Normalise.name(e.summary ?? ""))
      h.add(Normalise.name(e.location ?? ""))
    }
    return h.value
  }
}
