import FerryContentLines
import FerryModel
import Testing

@testable import FerryVCard

/// The codecs' fast paths against the plain code they stand for: the same values, whatever
/// the input (white space, escapes, repeated and uncommon types, case).
@Suite("vCard codec fast paths")
struct CodecFastPathTests {
  /// `typesAndPreference` written plainly: TYPE values split at commas, lower-cased, `PREF`
  /// read as preference 1, a repeated type listed once; `PREF=n` a number.
  static func referenceTypes(_ line: ContentLine) -> (types: [String], preference: Int?) {
    var out: [String] = []
    var preference: Int?
    for p in line.parameters {
      if p.name == "PREF", let v = p.firstValue, let n = Int(v.trimmingCharacters()) { preference = n }
      guard p.name == "TYPE" else { continue }
      for v in p.values {
        for part in v.split(separator: ",", omittingEmptySubsequences: true) {
          let lower = String(decoding: part.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
          if lower == "pref" {
            if preference == nil { preference = 1 }
          } else if !out.contains(lower) {
            out.append(lower)
          }
        }
      }
    }
    return (out, preference)
  }

  static let typeValues = [
    "WORK", "work", "Cell", "INTERNET", "PREF", "pref", "x-custom", "ttytdd", "VOICE", "fax", "home", "",
    "WORK,VOICE", "INTERNET,WORK,PREF", "home,,cell", "work,work", "Wörk", "postal,parcel,dom,intl",
  ]

  @Test("types and preference: every one and two TYPE parameters of the samples, and PREF=n")
  func types() {
    var lines: [ContentLine] = [ContentLine(name: "TEL", value: "1")]
    for a in Self.typeValues {
      lines.append(ContentLine(name: "TEL", parameters: [ContentParameter(name: "TYPE", value: a)], value: "1"))
      lines.append(
        ContentLine(
          name: "TEL", parameters: [ContentParameter(name: "PREF", value: "2"), ContentParameter(name: "TYPE", value: a)],
          value: "1"))
      for b in Self.typeValues {
        lines.append(
          ContentLine(
            name: "TEL", parameters: [ContentParameter(name: "TYPE", value: a), ContentParameter(name: "TYPE", value: b)],
            value: "1"))
        lines.append(
          ContentLine(name: "TEL", parameters: [ContentParameter(name: "TYPE", value: a, more: [b, "msg"])], value: "1"))
      }
    }
    for line in lines {
      let (types, preference) = line.typesAndPreference
      let reference = Self.referenceTypes(line)
      #expect(types == reference.types, "\(line.parameters)")
      #expect(preference == reference.preference, "\(line.parameters)")
    }
  }

  @Test("trimmed structured parts are the parts of structured, trimmed, nil when empty", arguments: VCardVersion.allCases)
  func trimmedParts(version: VCardVersion) {
    let alphabet: [UInt8] = [UInt8(ascii: "\\"), 13, 10, 32, 9, UInt8(ascii: "n"), UInt8(ascii: ";"), UInt8(ascii: "a")]
    var pending: [[UInt8]] = [[]]
    var samples: [String] = [
      "Nguyen;Kofi;;;", ";;1 Main Street\\nSuite 0;Springfield;IL;62701;Country", " a b ; \u{301}c;d \u{301}",
      "Example Holdings\\, Inc.;Sales;West", "  ;\t;\\n;x\\", "\u{600} ;é ",
    ]
    while let bytes = pending.popLast() {
      samples.append(String(decoding: bytes, as: UTF8.self))
      if bytes.count < 4 { for c in alphabet { pending.append(bytes + [c]) } }
    }
    for text in samples {
      var parts: [String?] = []
      let count = version.forEachTrimmedPart(of: text) { i, part in
        #expect(i == parts.count)
        parts.append(part)
      }
      let reference = version.structured(text)
      #expect(count == reference.count, "\(text.debugDescription)")
      #expect(parts == reference.map { $0.trimmingCharacters().nonEmpty }, "\(text.debugDescription)")
    }
  }

  @Test("upper-casing a type or group in one pass gives what uppercased() gives")
  func upperCasing() {
    let samples = [
      "", "item1", "ITEM1", "Item-2_x", "work", "WORK", "x-custom", "wörk", "ß", "straße", "\u{1F600}a", "a\u{301}",
      String(repeating: "abc", count: 20),
    ]
    for s in samples { #expect(s.uppercasedType() == s.uppercased(), "\(s.debugDescription)") }
  }

  @Test("a full date is read in place as the general way reads it")
  func dates() {
    var samples = [
      "1980-04-12", "19800412", "2023-02-29", "2024-02-29", "0000-01-01", "00000101", "1980-13-01", "1980-00-10",
      "1980-04-31", "1980-04-00", "1980-4-12", "1980/04/12", "1980-04-1x", "198004123", "--0412", "1604-04-12",
    ]
    for y in ["1999", "2000", "2100", "1604"] {
      for m in 0...13 { for d in [0, 1, 28, 29, 30, 31, 32] { samples.append("\(y)-\(pad(m))-\(pad(d))") } }
    }
    let lines = [
      ContentLine(name: "BDAY", value: ""),
      ContentLine(name: "BDAY", parameters: [ContentParameter(name: "X-APPLE-OMIT-YEAR", value: "1604")], value: ""),
    ]
    for line in lines {
      for text in samples {
        // A leading space takes the general way (trimmed, then parsed).
        #expect(decodeDate(line, text: text) == decodeDate(line, text: " " + text), "\(text)")
      }
    }
    #expect(decodeDate(lines[0], text: "1980-04-12") == PartialDate(year: 1980, month: 4, day: 12))
    #expect(decodeDate(lines[1], text: "16040412") == PartialDate(month: 4, day: 12))
  }

  private func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

  @Test("ORG units and ADR components beyond the seventh are kept")
  func structuredCodecs() throws {
    let (contacts, _) = try readCards(
      """
      BEGIN:VCARD
      VERSION:3.0
      FN:x
      N: Doe ;John\\, Jr.;;;;extra
      ORG:Acme;  ;R&D ; Lab\\;2;
      ADR;TYPE=home:;;Street;City;;;Country;More; Even more 
      END:VCARD

      """)
    let c = try #require(contacts.first)
    #expect(c.name.family == "Doe")
    #expect(c.name.given == "John, Jr.")
    #expect(c.name.middle == nil)
    #expect(c.organization == "Acme")
    #expect(c.department == "R&D;Lab;2")
    #expect(c.addresses.first?.country == "Country;More; Even more ")
    #expect(c.addresses.first?.locality == "City")
    #expect(c.addresses.first?.types == ["home"])
  }
}
