import FerryModel
import Foundation
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
          return VCardReader(input: input, diagnostics: sink, defaultVersion: version)
        },
        makeWriter: { destination, options, sink in
          try VCardWriter(destination: destination, options: options, diagnostics: sink)
        })
    ]
  }
}

/// Content detection: `BEGIN:VCARD` near the top, the variant from the first `VERSION`.
enum VCardDetection {
  static func detect(_ head: [UInt8]) -> Detection? {
    let text = String(decoding: head.prefix(64 * 1024), as: UTF8.self)
    var sawBegin = false
    var checked = 0
    for line in text.split(whereSeparator: \.isNewline) {
      var l = line.trimmingPrefix("\u{FEFF}")
      while l.first == " " || l.first == "\t" { l = l.dropFirst() }
      if l.isEmpty { continue }
      let upper = l.uppercased()
      if !sawBegin {
        checked += 1
        if upper.hasPrefix("BEGIN:VCARD") {
          sawBegin = true
          continue
        }
        if checked > 5 { return nil }
        continue
      }
      if upper.hasPrefix("VERSION:") {
        let v = upper.dropFirst(8).trimmingCharacters(in: .whitespaces)
        let variant = VCardVersion(text: String(v))?.rawValue
        return Detection(confidence: 1, variant: variant)
      }
      if upper.hasPrefix("END:VCARD") { break }
    }
    return sawBegin ? Detection(confidence: 0.95) : nil
  }
}
