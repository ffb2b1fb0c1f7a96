// Coverage of vCard properties (RFC 6350, RFC 2426, vCard 2.1, vendor extensions).
// [x] mapped onto `Contact`  [-] partial  [ ] kept raw (origin `vcard`), written back as it was
//
// RFC 6350:
// [x] FN  [x] N  [x] NICKNAME  [x] PHOTO (base64, data: URI, URI)  [x] BDAY (partial dates)
// [x] ANNIVERSARY  [x] GENDER  [x] ADR (+ LABEL parameter)  [x] TEL  [x] EMAIL  [x] IMPP
// [x] LANG  [x] TZ (name or offset)  [x] GEO  [x] TITLE  [x] ROLE  [x] LOGO
// [-] ORG (organization; the remaining units joined into department)  [ ] MEMBER
// [x] RELATED  [x] CATEGORIES  [x] NOTE  [ ] PRODID  [x] REV (→ lastModified)  [ ] SOUND
// [x] UID  [ ] CLIENTPIDMAP  [x] URL  [ ] KEY  [ ] FBURL  [ ] CALADRURI  [ ] CALURI  [x] KIND
// [ ] XML  [ ] SOURCE
// vCard 2.1 / 3.0:
// [x] LABEL (attached to the address of the same types)  [ ] MAILER
// [-] AGENT (an inline 2.1 card is kept raw as its text)  [ ] NAME  [ ] SORT-STRING  [ ] CLASS
// Extensions:
// [x] X-ABLabel (labels by group)  [-] X-ABDATE (the anniversary; other dates raw)
// [x] X-ABRELATEDNAMES  [x] X-ANNIVERSARY  [x] X-APPLE-OMIT-YEAR (parameter)
// [x] X-MS-CARDPICTURE  [x] X-MS-TEL  [x] X-MS-IMADDRESS  [x] X-MS-ANNIVERSARY  [x] X-MS-SPOUSE
// [x] X-MS-MANAGER  [x] X-MS-ASSISTANT  [x] X-MS-CHILD  [ ] X-MS-OL-DEFAULT-POSTAL-ADDRESS, other X-MS-*
// [x] X-GOOGLE-TALK  [ ] other X-GOOGLE-*
// [x] X-SKYPE, X-SKYPE-USERNAME, X-AIM, X-ICQ, X-JABBER, X-MSN, X-YAHOO, X-GADUGADU, X-QQ,
//     X-GTALK, X-GROUPWISE, X-TWITTER, X-SIP, X-WECHAT, X-LINE
// [x] X-SPOUSE  [x] X-ASSISTANT  [x] X-MANAGER  (and the X-EVOLUTION-*, X-KADDRESSBOOK-* ones)
// [x] X-PHONETIC-FIRST-NAME, -MIDDLE-NAME, -LAST-NAME  [x] X-GENDER  [x] X-ADDRESSBOOKSERVER-KIND
// [x] X-FERRY-SOURCE, -OWNER, -ACCOUNT, -CREATED (CRM fields ferry writes), X-FERRY-INVALID-*
//     (a raw value its own codec cannot read, as ferry writes it; read back under its name)
// [ ] any other property (kept raw with its group and parameters)
// Structure: missing VERSION (read as 3.0, warned), missing FN in 3.0/4.0 (warned), missing
// END:VCARD at end of input (warned, card returned), a BEGIN:VCARD inside a card (2.1 AGENT
// kept raw; otherwise read as a card of its own, warned), lines outside any card (warned).

import FerryContentLines
import FerryModel

/// Reads vCard 2.1, 3.0 and 4.0 into `Contact`s, one card at a time.
///
/// Lines come from `ContentLineReader` (the syntax layer); each property goes to its codec
/// in `CodecTable` (the mapping layer). Properties without a codec, and values a codec cannot
/// decode, are kept as `RawProperty` (origin `vcard`) with their group and parameters, so a
/// same-version write gives them back.
///
/// ```swift
/// var reader = VCardReader(input: try ByteInput(path: "contacts.vcf"), diagnostics: sink)
/// while let record = try reader.next() { … }
/// ```
///
/// Its helpers are `mutating` or `static`, those that only read too: called from a
/// `mutating` method, a non-mutating one is handed a copy of the whole reader.
public struct VCardReader: PieceReader {
  private var lines: ContentLineReader
  private let diagnostics: DiagnosticSink
  private let defaultVersion: VCardVersion
  private var pendingLine: ContentLine?
  private var queued: [(Contact, SourceLocation)] = []
  private var cardNumber = 0
  public private(set) var lastRecordLocation: SourceLocation?
  /// The VERSION of the card last returned.
  public private(set) var lastVersion: VCardVersion?
  /// Lists of common types, shared by this reader's records (see `TypeLists`).
  private let typeLists = TypeLists()
  /// Whether the last line read was the END of a top-level card (`endedAtRecordBoundary`).
  private var lastLineEndedCard = false

  /// - Parameter defaultVersion: the version assumed for a card without VERSION (3.0).
  /// - Parameter charset: the character set of values that name none (`--input-encoding`).
  /// - Parameter firstLine: the number of the input's first line (a piece of a bigger input).
  public init(
    input: ByteInput, diagnostics: DiagnosticSink, defaultVersion: VCardVersion = .v30, charset: String? = nil,
    firstLine: Int = 1
  ) {
    lines = ContentLineReader(input: input, diagnostics: diagnostics, firstLine: firstLine)
    lines.defaultCharset = charset
    self.diagnostics = diagnostics
    self.defaultVersion = defaultVersion
  }

  public mutating func next() throws -> Record? {
    if !queued.isEmpty {
      let (contact, location) = queued.removeFirst()
      lastRecordLocation = location
      return .contact(contact)
    }
    while let line = try nextLine() {
      if line.name == "BEGIN" && Self.isVCard(line.value) {
        cardNumber += 1
        var location = line.location
        location.record = cardNumber
        let contact = try readCard(begin: location)
        lastRecordLocation = location
        return .contact(contact)
      }
      guard line.name == "VERSION" || CodecTable.decoder(named: line.name) != nil else {
        diagnostics.warning(
          "\(line.name) line outside BEGIN:VCARD … END:VCARD; skipped", at: line.location, code: "syntax")
        continue
      }
      // Card content (VERSION, FN, EMAIL, …) with no BEGIN:VCARD before it, a card whose first
      // line was lost: read the card from here, up to END:VCARD or the next BEGIN:VCARD,
      // rather than drop its data.
      diagnostics.warning(
        "card has no BEGIN:VCARD; read as a card from this \(line.name) line", at: line.location, code: "syntax")
      cardNumber += 1
      var location = line.location
      location.record = cardNumber
      pendingLine = line
      let contact = try readCard(begin: location, implicit: true)
      lastRecordLocation = location
      return .contact(contact)
    }
    return nil
  }

  private mutating func nextLine() throws -> ContentLine? {
    // Moved out with `take()`: `pendingLine != nil` compared whole lines through `==` and
    // copied one, on every line read.
    if let line = pendingLine.take() {
      lastLineEndedCard = false
      return line
    }
    guard let line = try lines.next() else { return nil }
    lastLineEndedCard = false
    return line
  }

  public var endedAtRecordBoundary: Bool { lastLineEndedCard && queued.isEmpty && pendingLine == nil }

  public var recordsNumbered: Int { cardNumber }

  public var lineEndsRead: Int { lines.lineEndsRead }

  /// Whether a BEGIN or END value names VCARD (any case, white space around it).
  private static func isVCard(_ value: String) -> Bool {
    value == "VCARD" || value.trimmingCharacters().uppercased() == "VCARD"
  }

  /// Reads the card whose BEGIN was just read, up to its END (or the end of input).
  ///
  /// - Parameters:
  ///   - implicit: the card had no BEGIN:VCARD; a BEGIN:VCARD ends it (and starts the next
  ///     card) instead of nesting.
  ///   - depth: how many cards enclose this one (a BEGIN:VCARD inside a card reads a card of
  ///     its own, recursively).
  private mutating func readCard(begin: SourceLocation, implicit: Bool = false, depth: Int = 0) throws -> Contact {
    var card = CardBuilder(version: defaultVersion, diagnostics: diagnostics, typeLists: typeLists)
    var previousWasEmptyAgent = false
    var ended = false
    while var line = try nextLine() {
      line.location.record = begin.record
      if line.name.isName("END") {
        if !Self.isVCard(line.value) {
          diagnostics.warning(
            "END:\(line.value) inside a vCard; read as END:VCARD", at: line.location, code: "syntax")
        }
        ended = true
        lastLineEndedCard = depth == 0
        break
      }
      if line.name.isName("BEGIN") && Self.isVCard(line.value) {
        if implicit && !previousWasEmptyAgent {
          diagnostics.warning(
            "card has no END:VCARD before the next BEGIN:VCARD; ended there", at: line.location, code: "syntax")
          pendingLine = line
          ended = true
          break
        }
        if depth >= Self.maximumNesting && !previousWasEmptyAgent {
          // Thousands of BEGIN:VCARD lines with no END would recurse until the stack ran out;
          // past this depth each one ends the card before it instead (fixtures/fuzz/vcard).
          diagnostics.warning(
            "BEGIN:VCARD nested more than \(Self.maximumNesting) cards deep; the card before it is ended there",
            at: line.location, code: "syntax")
          pendingLine = line
          ended = true
          break
        }
        if previousWasEmptyAgent {
          // vCard 2.1 §2.4.4: an AGENT's card follows the AGENT line.
          let text = try nestedCardText(begin: line)
          card.contact.raw.append(
            RawProperty(name: "AGENT", group: nil, parameters: [], value: text, origin: "vcard"))
        } else {
          cardNumber += 1
          var location = line.location
          location.record = cardNumber
          diagnostics.warning(
            "BEGIN:VCARD inside a card; read as a card of its own", at: line.location, code: "syntax")
          let nested = try readCard(begin: location, depth: depth + 1)
          queued.append((nested, location))
        }
        previousWasEmptyAgent = false
        continue
      }
      let isAgent = line.name.isName("AGENT")
      if isAgent && line.value.trimmingCharacters().isEmpty {
        previousWasEmptyAgent = true
        continue
      }
      if isAgent && line.value.trimmingCharacters().uppercased() == "BEGIN:VCARD" {
        // `AGENT:BEGIN:VCARD` with the agent's card on the lines after it, unescaped (seen in
        // vCard.Net's samples): its lines are the agent's, up to its END:VCARD, not this card's.
        diagnostics.warning(
          "AGENT holds a card written unescaped on the lines after it; kept raw as the agent's card", at: line.location,
          code: "syntax")
        let text = try nestedCardText(begin: line)
        card.contact.raw.append(RawProperty(name: "AGENT", group: line.group, parameters: [], value: text, origin: "vcard"))
        continue
      }
      if previousWasEmptyAgent {
        card.contact.raw.append(RawProperty(name: "AGENT", value: "", origin: "vcard"))
        previousWasEmptyAgent = false
      }
      decode(line, into: &card)
    }
    if previousWasEmptyAgent { card.contact.raw.append(RawProperty(name: "AGENT", value: "", origin: "vcard")) }
    lastVersion = card.version
    if !ended {
      diagnostics.warning("card has no END:VCARD before the end of the input; card kept", at: begin, code: "syntax")
    }
    return finish(&card, begin: begin)
  }

  private mutating func decode(_ line: ContentLine, into card: inout CardBuilder) {
    if line.name.isName("VERSION") {
      if let v = VCardVersion(text: line.value) {
        card.version = v
      } else {
        diagnostics.warning(
          "VERSION \"\(line.value)\" is unknown; read as \(card.version.rawValue)", at: line.valueLocation,
          code: "syntax")
      }
      card.sawVersion = true
      return
    }
    guard let decode = CodecTable.decoder(named: line.name) else {
      var property = Self.raw(line)
      if line.name.hasPrefix(invalidPrefix) {
        property.name = String(line.name.dropFirst(invalidPrefix.count))
        for i in property.parameters.indices where property.parameters[i].name == invalidEncodingParameter {
          property.parameters[i].name = "ENCODING"
        }
      }
      card.contact.raw.append(property)
      return
    }
    switch decode(line, &card) {
    case .mapped: break
    case .keepRaw: card.contact.raw.append(Self.raw(line))
    case .failed(let message):
      diagnostics.warning(message, at: line.valueLocation, code: "unmapped")
      card.contact.raw.append(Self.raw(line))
    }
  }

  /// Applies labels and checks what only the whole card can tell.
  private mutating func finish(_ card: inout CardBuilder, begin: SourceLocation) -> Contact {
    if !card.sawVersion {
      diagnostics.warning(
        "card has no VERSION; read as \(card.version.rawValue)", at: begin, code: "syntax")
    }
    for (group, value, line) in card.labels {
      let label = AppleLabel.decode(value)
      switch card.target(ofGroup: group) {
      case .email(let i): card.contact.emails[i].label = label
      case .phone(let i): card.contact.phones[i].label = label
      case .address(let i): card.contact.addresses[i].label = card.contact.addresses[i].label ?? label
      case .url(let i): card.contact.urls[i].label = label
      case .im: card.contact.raw.append(Self.raw(line))  // IMHandle has no label
      case .related(let i): card.contact.related[i].relation = label.lowercased()
      case .anniversary: break
      case nil:
        if label.lowercased() == "anniversary", card.contact.anniversary == nil,
          let k = card.contact.raw.firstIndex(where: { $0.name == "X-ABDATE" && $0.group?.uppercasedType() == group }),
          let date = PartialDate(text: card.contact.raw[k].value)
        {
          card.contact.anniversary = date
          card.contact.raw.remove(at: k)
        } else {
          card.contact.raw.append(Self.raw(line))
        }
      }
    }
    // A raw property in an address's group (Apple's `item2.X-ABADR`) belongs to that address:
    // the group is kept on the address, so the writer puts them together again.
    for r in card.contact.raw {
      guard let group = r.group, case .address(let i)? = card.target(ofGroup: group.uppercasedType()) else { continue }
      if card.contact.addresses[i].group == nil { card.contact.addresses[i].group = group }
    }
    if card.version != .v21 && card.contact.formattedName == nil {
      diagnostics.warning("card has no FN", at: begin, code: "syntax")
    }
    // Moved out, not copied: the builder is dropped right after.
    var contact = Contact()
    swap(&contact, &card.contact)
    return contact
  }

  private static func raw(_ line: ContentLine) -> RawProperty {
    var parameters: [RawParameter] = []
    for p in line.parameters {
      // Transfer encodings were undone by the syntax layer; the writer picks its own.
      if p.name == "CHARSET" || (p.name == "ENCODING" && !line.isBase64) { continue }
      if p.isBare, let i = parameters.firstIndex(where: { $0.name == "TYPE" }), p.name == "TYPE" {
        parameters[i].values += p.values
      } else {
        parameters.append(RawParameter(name: p.name, values: p.values))
      }
    }
    return RawProperty(name: line.name, group: line.group, parameters: parameters, value: line.value, origin: "vcard")
  }

  /// How many cards deep a BEGIN:VCARD inside a card still reads as a nested card.
  static let maximumNesting = 8

  /// Reads a nested card (2.1 AGENT) up to its END:VCARD and gives its text back, escaped as
  /// a 3.0 AGENT value so it survives on one line.
  private mutating func nestedCardText(begin: ContentLine) throws -> String {
    var writer = ContentLineWriter()
    writer.folds = false
    writer.begin("VCARD")
    var depth = 1
    while let line = try nextLine() {
      if line.name == "BEGIN" { depth += 1 }
      if line.name == "END" { depth -= 1 }
      writer.write(group: line.group, name: line.name, parameters: line.parameters, value: line.value)
      if depth == 0 { break }
    }
    if depth > 0 {
      diagnostics.warning("AGENT card has no END:VCARD before the end of the input", at: begin.location, code: "syntax")
    }
    let text = String(decoding: writer.bytes, as: UTF8.self)
    return TextEscaping.escape(text.replacingCRLF(), comma: true, semicolon: true)
  }
}

extension String {
  /// Whether this property name is `literal`: lengths are compared first, so most mismatches
  /// never reach a string comparison (this runs for every line). Not first bytes as well:
  /// `utf8.first` is a generic call, dearer than comparing two short strings of one length.
  @inline(__always)
  fileprivate func isName(_ literal: String) -> Bool {
    utf8.count == literal.utf8.count && self == literal
  }

  fileprivate func replacingCRLF() -> String {
    var out = ""
    var previousCR = false
    for s in unicodeScalars {
      if s == "\r" {
        out.unicodeScalars.append("\n")
        previousCR = true
        continue
      }
      if s == "\n" && previousCR {
        previousCR = false
        continue
      }
      previousCR = false
      out.unicodeScalars.append(s)
    }
    if out.hasSuffix("\n") { out.removeLast() }
    return out
  }
}
