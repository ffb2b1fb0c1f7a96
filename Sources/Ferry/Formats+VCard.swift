import FerryModel
import Foundation
import FerryContentLines
import FerryVCard

extension Formats {
  /// The VCard family's entries in the registry.
  static var vcardFormats: [Format] {
    [
      Format(
        name: "vcard", variants: VCardVersion.allCases.map(\.rawValue), extensions: ["vcf", "vcard"],
        kinds: [.contact], summary: "vCard 2.1, 3.0 and 4.0 contacts (--for outlook|google|icloud|exchange|carddav)",
        detect: { head, _ in VCardDetection.detect(head) },
        makeReader: { input, options, sink in
          let version = options.variant.flatMap(VCardVersion.init(text:)) ?? .v30
          let charset = try ContentCharsetOption.resolve(options.inputEncoding)
          if try ParallelReader.isWorthwhile(for: input) {
            return ParallelReader(
              input: input, format: VCardReader.pieces(defaultVersion: version, charset: charset), diagnostics: sink)
          }
          return VCardReader(input: input, diagnostics: sink, defaultVersion: version, charset: charset)
        },
        makeWriter: { destination, options, sink in
          try VCardWriter(destination: destination, options: options, diagnostics: sink)
        })
    ]
  }
}

/// Content detection: `BEGIN:VCARD` near the top (a group prefix such as `item.BEGIN:VCARD`
/// allowed), the variant from the first `VERSION`. A head with no `BEGIN:VCARD` but with
/// `END:VCARD` and a `VERSION`, `FN` or `N` line is still vCard, with less confidence, so the
/// reader can say what is wrong with it instead of "cannot tell the format".
enum VCardDetection {
  static func detect(_ head: [UInt8]) -> Detection? {
    let text = String(decoding: head.prefix(64 * 1024), as: UTF8.self)
    var sawBegin = false
    var checked = 0
    var version: String?
    var sawEnd = false
    var sawName = false
    // Line by line as far as needed (most inputs tell at their first lines), not split
    // into an array of every line of the head first.
    var rest = Substring(text)
    while !rest.isEmpty {
      let end = rest.firstIndex(where: \.isNewline) ?? rest.endIndex
      let line = rest[..<end]
      rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
      if line.isEmpty { continue }
      var l = line.trimmingPrefix("\u{FEFF}")
      while l.first == " " || l.first == "\t" { l = l.dropFirst() }
      if l.isEmpty { continue }
      let upper = withoutGroup(l.uppercased())
      if upper.hasPrefix("VERSION:") && version == nil {
        let v = upper.dropFirst(8).trimmingCharacters(in: .whitespaces)
        version = VCardVersion(text: String(v))?.rawValue ?? ""
        if sawBegin { return Detection(confidence: 1, variant: version?.isEmpty == false ? version : nil) }
      }
      if !sawBegin {
        checked += 1
        if upper.hasPrefix("BEGIN:VCARD") {
          sawBegin = true
          continue
        }
        if upper.hasPrefix("END:VCARD") { sawEnd = true }
        if upper.hasPrefix("FN:") || upper.hasPrefix("FN;") || upper.hasPrefix("N:") || upper.hasPrefix("N;") { sawName = true }
        if upper.hasPrefix("BEGIN:") && checked <= 5 { return nil }  // another format's component
        continue
      }
      if upper.hasPrefix("END:VCARD") { break }
    }
    if sawBegin { return Detection(confidence: 0.95) }
    if sawEnd && (version != nil || sawName) {
      return Detection(confidence: 0.6, variant: version?.isEmpty == false ? version : nil)
    }
    return nil
  }

  /// The line without a vCard group (`item1.`, `TEST.`) before its name.
  private static func withoutGroup(_ line: String) -> Substring {
    let s = Substring(line)
    guard let dot = s.firstIndex(of: "."), let colon = s.firstIndex(where: { $0 == ":" || $0 == ";" }), dot < colon
    else { return s }
    let group = s[..<dot]
    guard !group.isEmpty, group.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return s }
    return s[s.index(after: dot)...]
  }
}

/// `--input-encoding` for the content-line formats (vCard, iCalendar): the charset of values
/// that name none. UTF-8 (the default) gives nil; a name ferry cannot decode is a usage error.
enum ContentCharsetOption {
  static func resolve(_ name: String?) throws -> String? {
    guard let name, !Charset.isUTF8(name) else { return nil }
    guard Charset.isKnown(name) else {
      throw FerryError(
        .usage,
        "--input-encoding \(name) is not a character set ferry can decode (utf-8, windows-1252, iso-8859-1, iso-8859-2, windows-1250, windows-1251, shift_jis, …)")
    }
    return name
  }
}
