import FerryContentLines
import FerryModel

/// Writes contacts as vCard 2.1, 3.0 or 4.0 for a target (`--for`), into one stream or one
/// file per contact (`--split DIR`).
///
/// Version rules: 2.1 spells types bare (`TEL;WORK;VOICE:`), quoted-printable encodes values
/// with newlines or non-ASCII (`CHARSET=UTF-8`) and ends base64 values with a blank line;
/// 3.0 writes `TYPE=WORK,VOICE` and `ENCODING=b`; 4.0 writes lower-case types, `PREF=n`
/// and `data:` URIs. 3.0 and 4.0 fold at 75 octets without splitting a UTF-8 sequence; 2.1
/// folds only base64 values (text lines stay whole, quoted-printable ones break with `=`).
public struct VCardWriter: RecordWriter {
  public let version: VCardVersion
  public let target: VCardTarget
  private let destination: OutputDestination
  private let diagnostics: DiagnosticSink
  private let splitDirectory: String?
  private var output: ByteOutput?
  private var lines = ContentLineWriter()
  private var count = 0
  public private(set) var skippedRecords = 0
  private var outputLine = 1
  /// File names given so far, lower-cased (case-insensitive file systems would merge them).
  private var usedNames: Set<String> = []
  /// Per lower-cased base name, the number to try next, so that 20,000 "Jane Doe" do not
  /// probe `(2)`, `(3)`, … from the start each time.
  private var nextNumber: [String: Int] = [:]
  private var warnedMultiCard = false
  /// The output's name, interned once: every card's location names it, and interning it
  /// per card took a lock and a table lookup.
  private let sourceName: SourceName
  /// `BEGIN:VCARD` and `VERSION:…` lines, and the `END:VCARD` line, as the line writer
  /// writes them, appended as bytes: each took a property's worth of calls per card.
  private let cardHead: [UInt8]
  private let cardTail = Array("END:VCARD\r\n".utf8)
  /// Property heads written lately, for every card's encoder (see `CardEncoder.Heads`).
  private let heads = CardEncoder.Heads()

  public init(destination: OutputDestination, options: WriteOptions, diagnostics: DiagnosticSink) throws {
    target = try VCardTarget(option: options.target)
    var version = target.defaultVersion
    if let variant = options.variant {
      guard let v = VCardVersion(text: variant) else {
        throw FerryError(.usage, "unknown vCard version \"\(variant)\"; known: 2.1, 3.0, 4.0")
      }
      version = v
    }
    if target.refuses.contains(version) {
      let fallback = target.defaultVersion
      diagnostics.warning(
        "\(target.rawValue) does not import vCard \(version.rawValue); wrote \(fallback.rawValue) instead",
        code: "target")
      version = fallback
    }
    self.version = version
    cardHead = Array("BEGIN:VCARD\r\nVERSION:\(version.rawValue)\r\n".utf8)
    self.destination = destination
    self.diagnostics = diagnostics
    splitDirectory = options.vcard.splitDirectory
    sourceName = SourceName(splitDirectory ?? destination.path)
    if splitDirectory == nil { output = try destination.primary() }
  }

  public mutating func write(_ record: Record) throws {
    switch record {
    case .contact(let box):
      // Read in its box, not copied out (see `Record`).
      try withExtendedLifetime(box) { try write(contact: box.contact) }
    case .event:
      diagnostics.warning("vCard holds contacts only; event skipped", code: "skipped")
      skippedRecords += 1
    }
  }

  private mutating func write(contact: Contact) throws {
    count += 1
    let location = SourceLocation(source: sourceName, line: outputLine, column: 1, record: count, property: nil)
    let start = lines.bytes.count
    lines.bytes.append(contentsOf: cardHead)
    var encoder = CardEncoder(
      version: version, target: target, diagnostics: diagnostics, location: location, heads: heads)
    // The buffer is moved into the encoder and back, never copied.
    swap(&encoder.lines, &lines)
    encoder.encode(contact)
    swap(&encoder.lines, &lines)
    lint(contact, location: location)
    lines.bytes.append(contentsOf: cardTail)
    if splitDirectory != nil {
      let out = try destination.open(name: uniqueFileName(for: contact), inDirectory: true)
      try out.write(lines.bytes)
      // Closes the file: a folder of 20,000 cards must not hold 20,000 descriptors.
      try out.finishWriting()
      lines.bytes.removeAll(keepingCapacity: true)
    } else {
      outputLine += lines.bytes.withUnsafeBufferPointer { b in Self.lineFeeds(in: UnsafeBufferPointer(rebasing: b[start...])) }
      if count == 2 && target == .outlook && !warnedMultiCard {
        warnedMultiCard = true
        // A warning, not a note: every card after the first is lost on import (--strict
        // stops here), which is the import failing, not a detail of it.
        diagnostics.warning(
          "Outlook imports only the first card of a file, so the cards after it will not reach Outlook; use --split DIR for one file per contact",
          at: location, code: "target")
      }
      if lines.bytes.count >= 1 << 16 { try flush() }
    }
  }

  /// The number of LF bytes in `bytes`, counted sixteen at a time: no branch per line.
  static func lineFeeds(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = bytes.baseAddress else { return 0 }
    let count = bytes.count
    var n = 0
    var i = 0
    let lf = SIMD16<UInt8>(repeating: UInt8(ascii: "\n"))
    while i + 16 <= count {
      // Per byte lane, the LFs of up to 255 blocks (a lane of the comparison's mask is all
      // ones, minus one, where the byte is an LF); the lanes are summed at the end.
      var lanes = SIMD16<UInt8>()
      let blockEnd = min(count, i + 16 * 255)
      while i + 16 <= blockEnd {
        let block = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
        lanes &-= unsafeBitCast(block .== lf, to: SIMD16<UInt8>.self)
        i += 16
      }
      n += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
    }
    while i < count {
      if base[i] == UInt8(ascii: "\n") { n += 1 }
      i += 1
    }
    return n
  }

  public mutating func finish() throws {
    try flush()
    try output?.flush()
  }

  private mutating func flush() throws {
    guard let output, !lines.bytes.isEmpty else { return }
    try output.write(lines.bytes)
    lines.bytes.removeAll(keepingCapacity: true)
  }

  /// `Jane Doe.vcf`, `Jane Doe (2).vcf`, … made safe by `FileSystem.safeFileName`.
  private mutating func uniqueFileName(for contact: Contact) -> String {
    let base = FileSystem.safeFileName(contact.displayName, fallback: "contact")
    let key = base.lowercased()
    var name = base + ".vcf"
    if usedNames.contains(name.lowercased()) {
      // A contact may be called "Jane Doe (2)" itself, so a number can be taken already.
      var n = nextNumber[key] ?? 2
      repeat {
        name = "\(base) (\(n)).vcf"
        n += 1
      } while usedNames.contains(name.lowercased())
      nextNumber[key] = n
    }
    usedNames.insert(name.lowercased())
    return name
  }

  // MARK: - Lint per target

  /// Warns about what the target will drop on import.
  private func lint(_ c: Contact, location: SourceLocation) {
    func warn(_ message: String, _ property: String) {
      var l = location
      l.property = property
      diagnostics.warning(message, at: l, code: "overflow")
    }
    switch target {
    case .outlook, .exchange:
      if c.instantMessaging.count > 1 {
        warn("\(target.rawValue) keeps one IM address; \(c.instantMessaging.count - 1) more will be dropped on import", "IMPP")
      }
      let kinds = c.related.filter { !["spouse", "assistant", "manager"].contains($0.relation) }
      if !kinds.isEmpty { warn("\(target.rawValue) keeps only spouse, assistant and manager; \(kinds.count) related people will be dropped on import", "RELATED") }
      if c.urls.count > 2 { warn("\(target.rawValue) keeps two web pages; \(c.urls.count - 2) more will be dropped on import", "URL") }
      let home = c.addresses.filter { $0.types.contains("home") }.count
      let work = c.addresses.filter { $0.types.contains("work") }.count
      if home > 1 || work > 1 || c.addresses.count > 3 {
        warn("\(target.rawValue) keeps one home, one business and one other address; some will be dropped on import", "ADR")
      }
      // MS-OXVCARD, TEL: a number without a kind (voice, msg, video, bbs, modem) becomes Other
      // Telephone and "additional TEL types … are ignored"; two home and two work numbers fill
      // Home/Home 2 and Business/Business 2, and a third has no property to go to.
      let specific = Set(["home", "work", "cell", "mobile", "pager", "fax", "car", "isdn"])
        .union(CardEncoder.microsoftPhoneKinds.keys)
      let plain = c.phones.filter { Set($0.types).isDisjoint(with: specific) }.count
      if plain > 1 {
        warn("\(target.rawValue) keeps one phone number without a kind (as Other); \(plain - 1) more will be dropped on import", "TEL")
      }
      func voiceOnly(_ kind: String) -> Int {
        c.phones.filter { Set($0.types).contains(kind) && Set($0.types).isDisjoint(with: ["cell", "mobile", "pager", "fax", "car", "isdn"]) }.count
      }
      for (kind, name) in [("home", "home"), ("work", "business")] where voiceOnly(kind) > 2 {
        warn("\(target.rawValue) keeps two \(name) phone numbers; \(voiceOnly(kind) - 2) more will be dropped on import", "TEL")
      }
    case .google:
      if c.logo != nil { warn("google ignores LOGO; it will be dropped on import", "LOGO") }
      if c.kind != nil && c.kind != "individual" { warn("google ignores KIND; the card imports as a person", "KIND") }
    case .icloud:
      if c.kind == "org" { warn("icloud shows KIND org only through X-ABShowAs; the card imports as a person", "KIND") }
      if c.geo != nil { warn("icloud ignores GEO; it will be dropped on import", "GEO") }
    case .carddav, .generic:
      break
    }
  }
}
