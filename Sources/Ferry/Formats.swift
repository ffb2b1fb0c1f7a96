import FerryModel

/// The registry: every format ferry knows, as a plain list (pandoc's `readers`/`writers`).
///
/// Adding a format = a target with a reader and/or writer, and one entry here (through the
/// family's `Formats+<Family>.swift`).
public enum Formats {
  public static var all: [Format] {
    [ndjson] + csvFormats + vcardFormats + icalendarFormats + ewsFormats + graphFormats
  }

  /// The format named `name` (case-insensitive), also accepting common aliases
  /// (`ics` for `icalendar`, `vcf` for `vcard`).
  public static func named(_ name: String) -> Format? {
    let key = aliases[name.lowercased()] ?? name.lowercased()
    return all.first { $0.name == key }
  }

  static let aliases: [String: String] = [
    "vcf": "vcard", "icalendar": "ics", "ical": "ics", "json": "ndjson", "jsonl": "ndjson", "xml": "ews",
  ]

  /// Resolves `name[:variant]`, checking the variant.
  public static func resolve(_ spec: FormatSpec) throws -> Format {
    guard let format = named(spec.name) else {
      let names = all.map(\.name).joined(separator: ", ")
      throw FerryError(.usage, "unknown format \"\(spec.name)\"; known formats: \(names)")
    }
    if let variant = spec.variant, !format.variants.isEmpty, !format.variants.contains(variant) {
      throw FerryError(
        .usage,
        "unknown variant \"\(variant)\" of \(format.name); known: \(format.variants.joined(separator: ", "))")
    }
    return format
  }

  /// Detects the format of an input from its first bytes and name.
  ///
  /// - Returns: the most confident match, or nil when nothing claims the input.
  public static func detect(head: [UInt8], fileName: String?) -> (format: Format, detection: Detection)? {
    var best: (Format, Detection)?
    for format in all {
      guard let detect = format.detect, let d = detect(head, fileName), d.confidence > 0 else { continue }
      if best == nil || d.confidence > best!.1.confidence { best = (format, d) }
    }
    return best
  }

  /// The format a file extension suggests, for output paths (`-o contacts.vcf`).
  public static func forExtension(of path: String) -> Format? {
    guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
    let ext = path[path.index(after: dot)...].lowercased()
    return all.first { $0.extensions.contains(ext) && $0.makeWriter != nil }
  }
}
