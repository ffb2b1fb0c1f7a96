import FerryModel
import Foundation

/// Normalisation shared by adoption, attendee resolution and fingerprints.
enum Normalise {
  /// `Mailto:Ada@Example.COM ` → `ada@example.com`.
  static func email(_ text: String) -> String {
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
