import FerryContentLines
import FerryModel

/// One property on its way out: the value is already escaped for the version, or base64.
struct OutputProperty {
  var group: String?
  var name: String
  var parameters: [ContentParameter] = []
  var value: String
  var isBase64 = false
}

/// Turns one `Contact` into properties for one version and target, field by field, with the
/// documented fallbacks (`ANNIVERSARY` → `X-ANNIVERSARY` before 4.0) reported as notes.
///
/// Each property is serialised into `lines` as soon as it is made (`emit`), in order: no
/// list of them per card to fill, copy and free.
struct CardEncoder {
  let version: VCardVersion
  let target: VCardTarget
  let diagnostics: DiagnosticSink
  let location: SourceLocation
  /// Where the properties go; the writer moves its buffer in for one card and out again.
  var lines = ContentLineWriter()
  private var groupCounter = 0
  private var usedGroups: Set<String> = []
  /// The writer's property heads written lately (see `Heads`).
  let heads: Heads

  init(
    version: VCardVersion, target: VCardTarget, diagnostics: DiagnosticSink, location: SourceLocation,
    heads: Heads = Heads()
  ) {
    self.version = version
    self.target = target
    self.diagnostics = diagnostics
    self.location = location
    self.heads = heads
  }

  // MARK: - Helpers

  private func at(_ property: String) -> SourceLocation {
    var l = location
    l.property = property
    return l
  }

  func note(_ message: String, property: String, code: String? = nil) {
    diagnostics.note(message, at: at(property), code: code)
  }

  func warning(_ message: String, property: String, code: String? = nil) {
    diagnostics.warning(message, at: at(property), code: code)
  }

  /// A TEXT value. vCard 2.1 asks for escapes only inside structured values (N, ADR, ORG):
  /// Outlook writes `NOTE:… SERVICES; LOSS OF USE …` as it is and shows a `\;` it reads with
  /// its backslash (ez-vcard issue 67), so for Outlook single values stay unescaped.
  /// Model phone types Outlook writes as X-MS-TEL, and the TYPE it gives them.
  static let microsoftPhoneKinds: [String: String] = [
    "assistant": "assistant", "callback": "callback", "company": "company", "radio": "radio", "tty": "ttytdd",
    "textphone": "ttytdd",
  ]

  func text(_ value: String) -> String {
    version == .v21 && !target.escapesSingleValues21 ? value : version.escape(value)
  }

  /// A phone number or URI: not TEXT, so nothing is escaped; only line breaks are removed.
  func uriLike(_ value: String) -> String {
    // Eight bytes at a time, read in place: every TEL and URL comes through here.
    let hasBreak =
      value.utf8.withContiguousStorageIfAvailable { ByteSearch.firstIndex(in: $0, anyOf: 10, 13, 13) < $0.count }
      ?? value.utf8.contains { $0 == 10 || $0 == 13 }
    guard hasBreak else { return value }
    return String(value.unicodeScalars.filter { $0 != "\n" && $0 != "\r" }.map(Character.init))
  }

  func structured(_ parts: [String?]) -> String {
    // Appended in place: no array of escaped parts per N, ADR and ORG.
    var out = ""
    out.reserveCapacity(parts.reduce(parts.count) { $0 + ($1?.utf8.count ?? 0) })
    for (i, part) in parts.enumerated() {
      if i > 0 { out += ";" }
      if let part { out += version.escape(part) }
    }
    return out
  }

  /// TYPE (and PREF) parameters spelt the way the version wants them.
  func typeParameters(_ types: [String], preference: Int?, fallback: String? = nil, dropsEmailKinds: Bool = false)
    -> [ContentParameter]
  {
    let values = typeValues(types, fallback: fallback, dropsEmailKinds: dropsEmailKinds)
    var out: [ContentParameter] = []
    switch version {
    case .v21:
      // A bare 2.1 type is a word: anything else would break the line's syntax.
      for v in values {
        let isWord = v.utf8.allSatisfy {
          $0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A)
        }
        guard isWord else {
          note("type \"\(v)\" cannot be written as a vCard 2.1 bare type; left out", property: "TYPE", code: "unmapped")
          continue
        }
        out.append(ContentParameter(name: "TYPE", values: [v.uppercased()], isBare: true))
      }
      if preference == 1 { out.append(ContentParameter(name: "TYPE", values: ["PREF"], isBare: true)) }
    case .v30:
      var all: [String] = []
      all.reserveCapacity(values.count + 1)
      for v in values { all.append(v.uppercasedType()) }
      if preference == 1 { all.append("PREF") }
      if !all.isEmpty { out.append(ContentParameter(name: "TYPE", values: all)) }
    case .v40:
      if !values.isEmpty { out.append(ContentParameter(name: "TYPE", values: values.map { $0.lowercased() })) }
      if let preference, (1...100).contains(preference) {
        out.append(ContentParameter(name: "PREF", values: [String(preference)]))
      }
    }
    return out
  }

  /// The TYPE values to write: empty and dropped ones left out, the fallback for a target
  /// that wants every property typed.
  private func typeValues(_ types: [String], fallback: String?, dropsEmailKinds: Bool) -> [String] {
    // The types as they are (no new array) unless some are dropped.
    let dropsSome = types.contains { !Self.keeps($0, dropsEmailKinds: dropsEmailKinds) }
    var values = dropsSome ? types.filter { Self.keeps($0, dropsEmailKinds: dropsEmailKinds) } : types
    if values.isEmpty, target.typesEverything, let fallback { values = [fallback] }
    return values
  }

  /// Whether a type is written: not an empty one, nor (with `dropsEmailKinds`, EMAIL in 4.0)
  /// `internet` or `x400`, which RFC 6350 has no use for. A test on two words where a set
  /// of them was built and hashed per property.
  private static func keeps(_ type: String, dropsEmailKinds: Bool) -> Bool {
    !type.isEmpty && !(dropsEmailKinds && (type == "internet" || type == "x400"))
  }

  mutating func add(
    _ name: String, _ value: String, parameters: [ContentParameter] = [], group: String? = nil, label: String? = nil
  ) {
    var group = group
    if let label, !label.isEmpty {
      group = group ?? newGroup()
      emit(OutputProperty(group: group, name: name, parameters: parameters, value: value))
      emit(OutputProperty(group: group, name: "X-ABLabel", value: text(AppleLabel.encode(label))))
      return
    }
    emit(OutputProperty(group: group, name: name, parameters: parameters, value: value))
  }

  // MARK: - Writing straight into the output

  /// Whether properties go out as they are made: 3.0 and 4.0, except 3.0 for a target that
  /// wants CHARSET (which depends on the value's bytes; see `emit`). TEXT is then escaped,
  /// and TYPE and PREF spelt, straight into `lines`: no string or array of their own.
  private var writesDirectly: Bool { version == .v40 || (version == .v30 && !target.statesCharset) }

  /// A property value for `addText` and `addTyped`.
  enum Value {
    /// TEXT, escaped for the version on the way out.
    case text(String)
    /// Written as it is (a number, a URI).
    case verbatim(String)
  }

  /// A TEXT property: `add(name, text(value), group:, label:)`.
  mutating func addText(_ name: String, _ value: String, group: String? = nil, label: String? = nil) {
    addTyped(name, .text(value), types: nil, preference: nil, fallback: nil, group: group, label: label)
  }

  /// A property with TYPE and PREF parameters (none when `types` is nil):
  /// `add(name, value, parameters: typeParameters(types, …), group:, label:)`.
  mutating func addTyped(
    _ name: String, _ value: Value, types: [String]?, preference: Int?, fallback: String?,
    dropsEmailKinds: Bool = false, group: String? = nil, label: String? = nil
  ) {
    guard writesDirectly else {
      let parameters =
        types.map { typeParameters($0, preference: preference, fallback: fallback, dropsEmailKinds: dropsEmailKinds) }
        ?? []
      switch value {
      case .text(let t): add(name, text(t), parameters: parameters, group: group, label: label)
      case .verbatim(let v): add(name, v, parameters: parameters, group: group, label: label)
      }
      return
    }
    let hasLabel = label.map { !$0.isEmpty } ?? false
    let group = hasLabel ? group ?? newGroup() : group
    let start: Int
    if let types, version == .v30,
      let head = appendHead30(
        group: group, name: name, types: types, preference: preference, fallback: fallback,
        dropsEmailKinds: dropsEmailKinds)
    {
      start = head
    } else {
      start = lines.beginProperty(group: group, name: name)
      if let types {
        appendTypeParameters(types, preference: preference, fallback: fallback, dropsEmailKinds: dropsEmailKinds)
      }
      lines.beginValue()
    }
    switch value {
    case .text(let t): lines.appendEscaped(t)
    case .verbatim(let v): lines.appendValue(v)
    }
    lines.endProperty(from: start)
    if hasLabel, let label { appendLabel(label, group: group) }
  }

  /// `addText("X-ABLabel", AppleLabel.encode(label), group:)` in direct mode: Apple's
  /// `_$!<…>!$_` wrapper appended around the escaped label (it has nothing to escape), not
  /// interpolated into a new string first.
  private mutating func appendLabel(_ label: String, group: String?) {
    let start = lines.beginProperty(group: group, name: "X-ABLabel")
    lines.beginValue()
    if Self.isStandardLabel(label) {
      lines.appendValue("_$!<")
      lines.appendEscaped(label)
      lines.appendValue(">!$_")
    } else {
      lines.appendEscaped(label)
    }
    lines.endProperty(from: start)
  }

  /// A structured TEXT property (`N`, `ADR`): the parts escaped and joined with `;`, as
  /// `add(name, structured(parts), parameters: typeParameters(types, …), group:)` writes it.
  /// `label` is 4.0's LABEL parameter.
  mutating func addStructured(
    _ name: String, _ parts: [String?], types: [String]? = nil, preference: Int? = nil, fallback: String? = nil,
    label: String? = nil, group: String? = nil
  ) {
    guard writesDirectly else {
      var parameters = types.map { typeParameters($0, preference: preference, fallback: fallback) } ?? []
      if let label { parameters.append(ContentParameter(name: "LABEL", values: [label])) }
      add(name, structured(parts), parameters: parameters, group: group)
      return
    }
    let start = beginStructured(
      name, types: types, preference: preference, fallback: fallback, label: label, group: group)
    for i in parts.indices { appendPart(parts[i], first: i == 0) }
    lines.endProperty(from: start)
  }

  /// `addStructured` in direct mode up to the value: N and ADR then append their parts one
  /// by one (`appendPart`) and end the line, with no array of the parts made and freed.
  private mutating func beginStructured(
    _ name: String, types: [String]?, preference: Int?, fallback: String?, label: String?, group: String?
  ) -> Int {
    if let types, version == .v30, label == nil,
      let head = appendHead30(
        group: group, name: name, types: types, preference: preference, fallback: fallback, dropsEmailKinds: false)
    {
      return head
    }
    let start = lines.beginProperty(group: group, name: name)
    if let types { appendTypeParameters(types, preference: preference, fallback: fallback, dropsEmailKinds: false) }
    if let label {
      lines.beginParameter("LABEL")
      lines.appendParameterValue(label, first: true)
    }
    lines.beginValue()
    return start
  }

  /// One part of a structured value: a `;` before all but the first, then the part escaped.
  private mutating func appendPart(_ part: String?, first: Bool = false) {
    // The separator as a byte: `appendValue(";")` is a string copy for each of ADR's six.
    if !first { lines.bytes.append(UInt8(ascii: ";")) }
    if let part { lines.appendEscaped(part) }
  }

  /// TYPE and PREF spelt into `lines` as `typeParameters` spells them.
  private mutating func appendTypeParameters(
    _ types: [String], preference: Int?, fallback: String?, dropsEmailKinds: Bool
  ) {
    switch version {
    case .v21:
      for p in typeParameters(types, preference: preference, fallback: fallback, dropsEmailKinds: dropsEmailKinds) {
        lines.appendParameter(p)
      }
    case .v30:
      // The kept types one by one, with no filtered array: `;TYPE=` before the first, `,`
      // before the others.
      var first = true
      for i in types.indices where Self.keeps(types[i], dropsEmailKinds: dropsEmailKinds) {
        appendType30(types[i], first: first)
        first = false
      }
      if first, target.typesEverything, let fallback {
        appendType30(fallback, first: true)
        first = false
      }
      if preference == 1 { lines.appendValue(first ? ";TYPE=PREF" : ",PREF") }
    case .v40:
      let values = typeValues(types, fallback: fallback, dropsEmailKinds: dropsEmailKinds)
      if !values.isEmpty {
        lines.beginParameter("TYPE")
        for (i, v) in values.enumerated() { lines.appendParameterValue(v.lowercased(), first: i == 0) }
      }
      if let preference, (1...100).contains(preference) {
        lines.beginParameter("PREF")
        lines.appendParameterValue(String(preference), first: true)
      }
    }
  }

  /// `AppleLabel.standard`'s labels by UTF-8 length, as bytes: a label is looked for among
  /// the few of its length, compared a byte at a time, where the set hashed all of it
  /// (SipHash: some 900 instructions for `Assistant`, on every labelled property).
  private static let standardLabelsByLength: [[[UInt8]]] = {
    var table = [[[UInt8]]](repeating: [], count: 32)
    for label in AppleLabel.standard.sorted() where label.utf8.count < table.count {
      table[label.utf8.count].append(Array(label.utf8))
    }
    return table
  }()

  /// `AppleLabel.standard.contains(label)`, without hashing.
  static func isStandardLabel(_ label: String) -> Bool {
    let found = label.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
      guard bytes.count < standardLabelsByLength.count else { return false }
      for candidate in standardLabelsByLength[bytes.count] where candidate.elementsEqual(bytes) { return true }
      return false
    }
    return found ?? AppleLabel.standard.contains(label)
  }

  /// `beginProperty`, `appendTypeParameters` and `beginValue` for vCard 3.0 in one append:
  /// `group.NAME;TYPE=A,B,PREF:` laid out in a buffer on the stack, where the pieces took
  /// an `append(contentsOf:)` each (about a hundred instructions apiece, more than their
  /// bytes). Only when every type written is a token (nearly always); otherwise nothing is
  /// written and nil returned, for the piece-by-piece path. Returns where the line starts.
  private mutating func appendHead30(
    group: String?, name: String, types: [String], preference: Int?, fallback: String?, dropsEmailKinds: Bool
  ) -> Int? {
    // A head written lately for the very same list of types (see `Heads`).
    let remembers = group == nil && !types.isEmpty
    if remembers,
      let start = heads.append(
        name: name, types: types, preference: preference, fallback: fallback, dropsEmailKinds: dropsEmailKinds,
        to: &lines.bytes)
    {
      return start
    }
    var capacity = (group?.utf8.count ?? 0) + 1 + name.utf8.count + ";TYPE=,PREF:".utf8.count
    for i in types.indices { capacity += types[i].utf8.count + 1 }
    if let fallback { capacity += fallback.utf8.count + 1 }
    guard capacity <= 1024 else { return nil }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> Int? in
      guard let base = buffer.baseAddress else { return nil }
      var head = HeadBytes(base: base)
      if let group, !group.isEmpty {
        guard head.put(group) else { return nil }
        head.put(UInt8(ascii: "."))
      }
      guard head.put(name) else { return nil }
      var first = true
      for i in types.indices where Self.keeps(types[i], dropsEmailKinds: dropsEmailKinds) {
        guard head.putType(types[i], first: first) else { return nil }
        first = false
      }
      if first, target.typesEverything, let fallback {
        guard head.putType(fallback, first: true) else { return nil }
        first = false
      }
      if preference == 1 {
        // Literals, one branch each: a `?:` of two literals makes a String (the checked `put`).
        if first { head.put(";TYPE=PREF" as StaticString) } else { head.put(",PREF" as StaticString) }
      }
      head.put(UInt8(ascii: ":"))
      let start = lines.bytes.count
      let written = UnsafeBufferPointer(start: base, count: head.count)
      lines.bytes.append(contentsOf: written)
      if remembers {
        heads.remember(
          written, name: name, types: types, preference: preference, fallback: fallback,
          dropsEmailKinds: dropsEmailKinds)
      }
      return start
    }
  }

  /// The vCard 3.0 heads (`TEL;TYPE=WORK,VOICE:`) a writer wrote lately, by what they were
  /// made of, for `appendHead30`: a head made of the very list of types it was made of
  /// before is the same bytes. The types of a card's TEL, EMAIL, ADR and URL are lists a
  /// reader shares (`TypeLists`), so a file's cards have a few dozen between them; a head
  /// took some 250 instructions to spell, mostly the types upper-cased byte by byte.
  ///
  /// Only heads without a group, of a non-empty list. Direct-mapped by the address of the
  /// list's elements; each slot holds the list (so no other list can have its address while
  /// it is there), the other parts of the key, and the head's bytes, up to `maximumLength`.
  /// One per writer, used on its thread only.
  final class Heads {
    private struct Slot {
      var types: [String]
      var name: String
      var fallback: String?
      var preferred: Bool
      var dropsEmailKinds: Bool
      /// Bytes of the head, or -1 for an empty slot.
      var count: Int
    }

    static let maximumLength = 64
    private static let slotBits = 6
    private static let slotCount = 1 << slotBits
    private let slots: UnsafeMutablePointer<Slot>
    private let bytes: UnsafeMutablePointer<UInt8>

    init() {
      slots = .allocate(capacity: Self.slotCount)
      slots.initialize(
        repeating: Slot(types: [], name: "", fallback: nil, preferred: false, dropsEmailKinds: false, count: -1),
        count: Self.slotCount)
      bytes = .allocate(capacity: Self.slotCount * Self.maximumLength)
    }

    deinit {
      slots.deinitialize(count: Self.slotCount)
      slots.deallocate()
      bytes.deallocate()
    }

    /// The slot for a head: by the list's address, and the name's length and first byte (one
    /// list, `[work]`, serves ADR and URL alike).
    @inline(__always)
    private static func index(_ types: [String], _ name: String) -> Int? {
      guard let address = types.withUnsafeBufferPointer({ $0.baseAddress }) else { return nil }
      let key = UInt(bitPattern: address) ^ UInt(name.utf8.count) &* 0x9E37 ^ UInt(name.utf8.first ?? 0) &* 0x85EB
      return Int(truncatingIfNeeded: (key >> 4) ^ (key >> 10)) & (slotCount - 1)
    }

    /// Appends the head remembered for these parts to `out` and returns where it starts;
    /// nil (nothing appended) when there is none.
    @inline(__always)
    func append(
      name: String, types: [String], preference: Int?, fallback: String?, dropsEmailKinds: Bool,
      to out: inout [UInt8]
    ) -> Int? {
      guard let i = Self.index(types, name) else { return nil }
      let slot = slots + i
      guard slot.pointee.count >= 0,
        slot.pointee.types.withUnsafeBufferPointer({ $0.baseAddress }) == types.withUnsafeBufferPointer({ $0.baseAddress }),
        slot.pointee.preferred == (preference == 1), slot.pointee.dropsEmailKinds == dropsEmailKinds,
        slot.pointee.name == name, slot.pointee.fallback == fallback
      else { return nil }
      let start = out.count
      out.append(contentsOf: UnsafeBufferPointer(start: bytes + i * Self.maximumLength, count: slot.pointee.count))
      return start
    }

    /// Remembers `head` as the head for these parts (not when it is longer than
    /// `maximumLength`).
    func remember(
      _ head: UnsafeBufferPointer<UInt8>, name: String, types: [String], preference: Int?, fallback: String?,
      dropsEmailKinds: Bool
    ) {
      guard head.count <= Self.maximumLength, let source = head.baseAddress, let i = Self.index(types, name) else { return }
      (bytes + i * Self.maximumLength).update(from: source, count: head.count)
      slots[i] = Slot(
        types: types, name: name, fallback: fallback, preferred: preference == 1, dropsEmailKinds: dropsEmailKinds,
        count: head.count)
    }
  }

  /// The bytes of a property's head, laid out by `appendHead30` in memory it sized.
  private struct HeadBytes {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    mutating func put(_ byte: UInt8) {
      base[count] = byte
      count += 1
    }

    mutating func put(_ text: StaticString) {
      for j in 0..<text.utf8CodeUnitCount { put(text.utf8Start[j]) }
    }

    /// False (nothing written) for a string not in contiguous UTF-8.
    mutating func put(_ text: String) -> Bool {
      let n =
        text.utf8.withContiguousStorageIfAvailable { bytes -> Int in
          if let source = bytes.baseAddress { (base + count).initialize(from: source, count: bytes.count) }
          return bytes.count
        }
      guard let n else { return false }
      count += n
      return true
    }

    /// A TYPE value upper-cased after `;TYPE=` or `,`, as `appendType30` writes a token;
    /// false (nothing written) for one that is not a token.
    mutating func putType(_ type: String, first: Bool) -> Bool {
      let mark = count
      if first { put(";TYPE=" as StaticString) } else { put("," as StaticString) }
      let ok =
        type.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
          var missing: UInt64 = 0
          for j in bytes.indices {
            let c = bytes[j]
            missing |= CardEncoder.tokenMiss(c)
            base[count + j] = c &- UInt8(ascii: "a") < 26 ? c - 32 : c
          }
          count += bytes.count
          return missing == 0
        } ?? false
      if !ok { count = mark }
      return ok
    }
  }

  /// One vCard 3.0 TYPE value, upper-cased, after `;TYPE=` (the first) or `,`.
  private mutating func appendType30(_ type: String, first: Bool) {
    let written =
      type.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
        // A type with nothing to quote or `^`-escape (nearly every one: `WORK`, `INTERNET`)
        // is upper-cased behind its separator in a buffer on the stack and appended in one
        // go: what `appendParameterValue` writes for it, in one `append(contentsOf:)` where
        // the separator, the value and the casing took three and a pass of their own.
        let head: StaticString = first ? ";TYPE=" : ","
        let headCount = head.utf8CodeUnitCount
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: headCount + bytes.count) { out in
          for j in 0..<headCount { out[j] = head.utf8Start[j] }
          // Copied upper-cased while every byte is checked against the token table (no
          // branch per byte: the misses are or-ed together).
          var missing: UInt64 = 0
          for j in bytes.indices {
            let c = bytes[j]
            missing |= Self.tokenMiss(c)
            out[headCount + j] = c &- UInt8(ascii: "a") < 26 ? c - 32 : c
          }
          guard missing == 0 else { return false }
          lines.bytes.append(contentsOf: UnsafeBufferPointer(out))
          return true
        }
      } ?? false
    if written { return }
    if first { lines.beginParameter("TYPE") }
    // An ASCII type is upper-cased as it is written.
    if type.utf8.allSatisfy({ $0 < 0x80 }) {
      lines.appendParameterValue(type, first: first, upperCasingASCII: true)
    } else {
      lines.appendParameterValue(type.uppercasedType(), first: first)
    }
  }

  /// A parameter-value byte `ContentLineWriter.appendParameterValue` writes as it is: ASCII,
  /// and nothing that makes it quote the value (`:` `;` `,` space) or `^`-escape it.
  ///
  /// 1 for a byte that is not one, else 0: a bit per ASCII byte (a shift, where the cases
  /// were a chain of compares): below 64, LF, CR, space, `"`, `,`, `:` and `;`; from 64, `^`;
  /// and every byte from 0x80.
  fileprivate static func tokenMiss(_ c: UInt8) -> UInt64 {
    let low: UInt64 = 1 << 10 | 1 << 13 | 1 << 32 | 1 << 34 | 1 << 44 | 1 << 58 | 1 << 59
    let high: UInt64 = 1 << (94 - 64)
    return (c < 64 ? low : high) >> UInt64(c & 63) & 1 | UInt64(c >> 7)
  }


  mutating func reserveGroups(_ raw: [RawProperty]) {
    for r in raw { if let g = r.group { usedGroups.insert(g.lowercased()) } }
  }

  private mutating func newGroup() -> String {
    while true {
      groupCounter += 1
      let g = Self.itemName(groupCounter)
      // No lookup when the card's raw properties reserved no group (nearly every card).
      if usedGroups.isEmpty || !usedGroups.contains(g) { return g }
    }
  }

  /// `item\(n)`: the first few as literals, which a card's labels nearly always use.
  private static func itemName(_ n: Int) -> String {
    switch n {
    case 1: "item1"
    case 2: "item2"
    case 3: "item3"
    case 4: "item4"
    case 5: "item5"
    case 6: "item6"
    default: "item\(n)"
    }
  }

  // MARK: - Serialising one property

  mutating func emit(_ p: OutputProperty) {
    if p.isBase64 {
      lines.write(group: p.group, name: p.name, parameters: p.parameters, value: p.value)
      // vCard 2.1 §2.1.3 (and Outlook): a base64 value ends with a blank line.
      if version == .v21 { lines.bytes += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
      return
    }
    // Only 2.1 (quoted-printable) and 3.0 for a target that wants CHARSET look at the value's
    // bytes; otherwise it is written as it is.
    guard version == .v21 || (version == .v30 && target.statesCharset) else {
      lines.write(group: p.group, name: p.name, parameters: p.parameters, value: p.value)
      return
    }
    var value = p.value
    let (ascii, multiLine) = value.withUTF8 { bytes in
      var high: UInt8 = 0
      var multiLine = false
      for c in bytes {
        high |= c
        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { multiLine = true }
      }
      return (high < 0x80, multiLine)
    }
    var parameters = p.parameters
    if version == .v21 && (!ascii || multiLine) {
      parameters.append(ContentParameter(name: "ENCODING", values: ["QUOTED-PRINTABLE"]))
      if !ascii { parameters.append(ContentParameter(name: "CHARSET", values: ["UTF-8"])) }
      var bytes: [UInt8] = []
      bytes.reserveCapacity(p.value.utf8.count + 8)
      var previousCR = false
      for c in p.value.utf8 {
        if c == UInt8(ascii: "\n") && !previousCR { bytes.append(UInt8(ascii: "\r")) }
        bytes.append(c)
        previousCR = c == UInt8(ascii: "\r")
      }
      lines.writeQuotedPrintable(group: p.group, name: p.name, parameters: parameters, value: bytes)
      return
    }
    if !ascii && target.statesCharset && version == .v30 {
      parameters.append(ContentParameter(name: "CHARSET", values: ["UTF-8"]))
    }
    if version == .v21 {
      // vCard 2.1 folds the RFC 822 way: a CRLF before white space stands for that white
      // space, so a fold inside a word (`EXPRES` CRLF ` S OR`) reads back with a space in it
      // (Roundcube #9647, sabre/vobject #690). Outlook does not fold its own 2.1 lines (its
      // NOTE is one line of any length), so neither does ferry; quoted-printable values break
      // with `=` and base64 ones may fold anywhere.
      lines.folds = false
      lines.write(group: p.group, name: p.name, parameters: parameters, value: p.value)
      lines.folds = true
      return
    }
    lines.write(group: p.group, name: p.name, parameters: parameters, value: p.value)
  }

  // MARK: - Dates

  /// A date for BDAY/ANNIVERSARY in this version and target, with its extra parameters.
  func date(_ d: PartialDate, property: String) -> (String, [ContentParameter])? {
    func p2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
    func p4(_ n: Int) -> String {
      let s = String(n)
      return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
    switch (d.year, d.month, d.day) {
    case let (y?, m?, day?):
      if version != .v40, (0...9999).contains(y), (0...99).contains(m), (0...99).contains(day) {
        // `yyyy-mm-dd` on nearly every card: its ten bytes made at once, not through
        // interpolation of padded pieces.
        return (Self.isoDate(y, m, day), [])
      }
      return (version == .v40 ? "\(p4(y))\(p2(m))\(p2(day))" : "\(p4(y))-\(p2(m))-\(p2(day))", [])
    case let (nil, m?, day?):
      if version == .v40 { return ("--\(p2(m))\(p2(day))", []) }
      switch target.yearlessStyle {
      case .dashes: return ("--\(p2(m))-\(p2(day))", [])
      case .appleOmitYear:
        return ("1604-\(p2(m))-\(p2(day))", [ContentParameter(name: "X-APPLE-OMIT-YEAR", values: ["1604"])])
      }
    default:
      if version == .v40 {
        // RFC 6350 §4.3.1 reduced and truncated forms.
        switch (d.year, d.month, d.day) {
        case let (y?, m?, nil): return ("\(p4(y))-\(p2(m))", [])
        case let (y?, nil, nil): return (p4(y), [])
        case let (nil, nil, day?): return ("---\(p2(day))", [])
        case let (nil, m?, nil): return ("--\(p2(m))", [])
        default: return nil
        }
      }
      return nil
    }
  }

  /// `yyyy-mm-dd` for a year of at most four digits and a month and day of at most two.
  static func isoDate(_ year: Int, _ month: Int, _ day: Int) -> String {
    String(unsafeUninitializedCapacity: 10) { out in
      layISODate(year, month, day, into: out)
      return 10
    }
  }

  /// The ten bytes of `isoDate` laid into `out`.
  static func layISODate(_ year: Int, _ month: Int, _ day: Int, into out: UnsafeMutableBufferPointer<UInt8>) {
    func twoDigits(_ n: Int, at i: Int) {
      out[i] = UInt8(ascii: "0") + UInt8(n / 10)
      out[i + 1] = UInt8(ascii: "0") + UInt8(n % 10)
    }
    twoDigits(year / 100, at: 0)
    twoDigits(year % 100, at: 2)
    out[4] = UInt8(ascii: "-")
    twoDigits(month, at: 5)
    out[7] = UInt8(ascii: "-")
    twoDigits(day, at: 8)
  }

  // MARK: - The contact

  mutating func encode(_ c: Contact) {
    reserveGroups(c.raw)
    if !c.name.isEmpty || version != .v40 {
      if writesDirectly {
        // The parts read from the contact in place: no copy of its name, no array of them.
        let start = beginStructured("N", types: nil, preference: nil, fallback: nil, label: nil, group: nil)
        appendPart(c.name.family, first: true)
        appendPart(c.name.given)
        appendPart(c.name.middle)
        appendPart(c.name.prefix)
        appendPart(c.name.suffix)
        lines.endProperty(from: start)
      } else {
        let n = c.name
        addStructured("N", [n.family, n.given, n.middle, n.prefix, n.suffix])
      }
    }
    var fn = c.formattedName ?? ""
    // Outlook files a 2.1 card without FN under an empty name.
    if fn.isEmpty && (version != .v21 || target == .outlook || target == .exchange) {
      fn = c.displayName
      // 3.0 and 4.0 require FN; made from N it loses nothing, so only iCloud, whose
      // profile promises it, hears about it.
      if target == .icloud {
        note("card has no FN; wrote \"\(fn)\" from the other fields", property: "FN", code: "derived")
      }
    }
    if !fn.isEmpty || version != .v21 { addText("FN", fn) }
    if !c.nicknames.isEmpty {
      add("NICKNAME", c.nicknames.map { TextEscaping.escape($0) }.joined(separator: ","))
    }
    if let p = c.name.phoneticGiven { add("X-PHONETIC-FIRST-NAME", text(p)) }
    if let p = c.name.phoneticMiddle { add("X-PHONETIC-MIDDLE-NAME", text(p)) }
    if let p = c.name.phoneticFamily { add("X-PHONETIC-LAST-NAME", text(p)) }
    if let photo = c.photo { media(photo, name: "PHOTO") }
    if let b = c.birthday {
      if writesDirectly, version != .v40, let y = b.year, let m = b.month, let d = b.day, (0...9999).contains(y),
        (0...99).contains(m), (0...99).contains(d)
      {
        // `date`'s `yyyy-mm-dd` laid straight into the line: no string, no OutputProperty.
        let start = lines.beginProperty(group: nil, name: "BDAY")
        lines.beginValue()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { out in
          Self.layISODate(y, m, d, into: out)
          lines.bytes.append(contentsOf: UnsafeBufferPointer(out))
        }
        lines.endProperty(from: start)
      } else if let (value, params) = date(b, property: "BDAY") {
        add("BDAY", value, parameters: params)
      } else {
        note("BDAY \"\(b)\" has no form in vCard \(version.rawValue); written as text in X-BDAY", property: "BDAY", code: "renamed")
        add("X-BDAY", text(b.description))
      }
    }
    if let a = c.anniversary {
      // Outlook and Exchange read and write their own X-MS-ANNIVERSARY (MS-OXVCARD; Outlook's
      // exports in the corpus), not Apple's X-ANNIVERSARY.
      let legacy = target.microsoftExtensions ? "X-MS-ANNIVERSARY" : "X-ANNIVERSARY"
      let name = version == .v40 ? "ANNIVERSARY" : legacy
      if version != .v40 {
        note("ANNIVERSARY has no place in vCard \(version.rawValue); written as \(legacy)", property: "ANNIVERSARY", code: "renamed")
      }
      if let (value, params) = date(a, property: name) {
        add(name, value, parameters: params)
      } else {
        add(name, text(a.description))
      }
    }
    if let g = c.gender {
      let value = version.escape(g.sex ?? "") + (g.identity.map { ";" + version.escape($0) } ?? "")
      if version == .v40 {
        add("GENDER", value)
      } else {
        // X-GENDER's writers (Evolution, The Bat!, Android exports) spell the sex out.
        let word = ["M": "Male", "F": "Female"][g.sex ?? ""]
        let legacy = word.map { $0 + (g.identity.map { ";" + version.escape($0) } ?? "") } ?? value
        note("GENDER has no place in vCard \(version.rawValue); written as X-GENDER", property: "GENDER", code: "renamed")
        add("X-GENDER", legacy)
      }
    }
    if let kind = c.kind {
      if version == .v40 {
        add("KIND", text(kind))
      } else {
        note("KIND has no place in vCard \(version.rawValue); written as X-ADDRESSBOOKSERVER-KIND", property: "KIND", code: "renamed")
        add("X-ADDRESSBOOKSERVER-KIND", text(kind))
      }
    }
    // Addresses, phones, e-mails and URLs are read in place, through the arrays' buffers:
    // copying one out (or iterating) retains every field of it, strings the reading thread
    // made, and releases them again.
    c.addresses.withUnsafeBufferPointer { addresses in
      for i in addresses.indices { address(addresses[i]) }
    }
    c.phones.withUnsafeBufferPointer { phones in
      for i in phones.indices { phone(phones[i]) }
    }
    c.emails.withUnsafeBufferPointer { emails in
      for i in emails.indices { email(emails[i], at: i, of: emails.count) }
    }
    for im in c.instantMessaging { instantMessaging(im) }
    for lang in c.languages {
      if version == .v40 {
        add("LANG", text(lang))
      } else {
        note("LANG has no place in vCard \(version.rawValue); written as X-LANG", property: "LANG", code: "renamed")
        add("X-LANG", text(lang))
      }
    }
    if let tz = c.timeZone { timeZone(tz) }
    if let geo = c.geo {
      add("GEO", version == .v40 ? "geo:\(geo.latitude),\(geo.longitude)" : "\(geo.latitude);\(geo.longitude)")
    }
    if let t = c.title { addText("TITLE", t) }
    if let r = c.role { addText("ROLE", r) }
    if let logo = c.logo { media(logo, name: "LOGO") }
    if c.organization != nil || c.department != nil {
      // The department's `;` separate units: each is escaped on its own.
      let organization = c.organization ?? ""
      if let d = c.department, d.utf8.contains(UInt8(ascii: ";")) {
        addStructured("ORG", [organization] + d.split(separator: ";", omittingEmptySubsequences: false).map { String($0) })
      } else if writesDirectly {
        let start = beginStructured("ORG", types: nil, preference: nil, fallback: nil, label: nil, group: nil)
        appendPart(organization, first: true)
        if let d = c.department { appendPart(d) }
        lines.endProperty(from: start)
      } else {
        addStructured("ORG", c.department.map { [organization, $0] } ?? [organization])
      }
    }
    for r in c.related { related(r) }
    if !c.categories.isEmpty {
      add("CATEGORIES", c.categories.map { version == .v21 ? version.escape($0) : TextEscaping.escape($0) }.joined(separator: ","))
    }
    for note in c.notes { addText("NOTE", note) }
    c.urls.withUnsafeBufferPointer { urls in
      for i in urls.indices { url(urls[i]) }
    }
    if let uid = c.uid { addText("UID", uid) }
    if let rev = c.lastModified { add("REV", rev.basicDescription) }
    crm(c)
    rawProperties(c.raw)
  }

  private mutating func phone(_ p: borrowing PhoneNumber) {
    // Outlook's phone kinds vCard has no TEL type for are X-MS-TEL (MS-OXVCARD §2.1.3.9.5:
    // ASSISTANT, CALLBACK, COMPANY, RADIO, TTYTDD; Outlook exports `X-MS-TEL;VOICE;CALLBACK`).
    if target.microsoftExtensions, version != .v40,
      let kind = p.types.lazy.compactMap({ CardEncoder.microsoftPhoneKinds[$0] }).first
    {
      let types = p.types.filter { CardEncoder.microsoftPhoneKinds[$0] == nil } + [kind]
      add("X-MS-TEL", uriLike(p.number), parameters: typeParameters(types, preference: p.preference), label: p.label)
      return
    }
    addTyped("TEL", .verbatim(uriLike(p.number)), types: p.types, preference: p.preference, fallback: "voice", label: p.label)
  }

  private mutating func url(_ u: borrowing LabeledValue) {
    addTyped("URL", .verbatim(uriLike(u.value)), types: u.types, preference: u.preference, fallback: "work", label: u.label)
  }

  private mutating func email(_ e: borrowing EmailAddress, at i: Int, of count: Int) {
    if let slots = target.emailSlots, i == slots {
      warning(
        "\(target.rawValue) keeps \(slots) e-mail addresses; \(count - slots) more will be dropped on import",
        property: "EMAIL", code: "overflow")
    }
    addTyped(
      "EMAIL", .text(e.address), types: e.types, preference: e.preference, fallback: "internet",
      dropsEmailKinds: version == .v40, label: e.label)
  }

  private mutating func address(_ a: borrowing PostalAddress) {
    // An address with nothing but its formatted text (Google CSV's `Address n - Formatted`, a
    // LABEL read without ADR): the address books ferry targets read ADR and ignore LABEL, so
    // the text also goes into ADR's street, as Gmail's own export writes such an address
    // (`ADR;TYPE=HOME:;;123 Home St\nHome City\, HM 12345;;;;`).
    let street = a.isEmpty && target.readsOnlyADR ? a.label : a.street
    // The group only when the raw properties that share it are written too (reserved).
    let group = a.group.flatMap { usedGroups.contains($0.lowercased()) ? $0 : nil }
    if writesDirectly {
      // The parts appended one by one: no array of seven optional strings per address.
      let start = beginStructured(
        "ADR", types: a.types, preference: a.preference, fallback: "postal", label: version == .v40 ? a.label : nil,
        group: group)
      appendPart(a.poBox, first: true)
      appendPart(a.extended)
      appendPart(street)
      appendPart(a.locality)
      appendPart(a.region)
      appendPart(a.postalCode)
      appendPart(a.country)
      lines.endProperty(from: start)
    } else {
      addStructured(
        "ADR", [a.poBox, a.extended, street, a.locality, a.region, a.postalCode, a.country], types: a.types,
        preference: a.preference, fallback: "postal", label: version == .v40 ? a.label : nil, group: group)
    }
    if version != .v40, let label = a.label {
      addTyped("LABEL", .text(label), types: a.types, preference: a.preference, fallback: "postal", group: group)
    }
  }

  private mutating func media(_ m: Media, name: String) {
    switch m {
    case .uri(let uri):
      switch version {
      case .v21: add(name, uri, parameters: [ContentParameter(name: "VALUE", values: ["URL"])])
      case .v30: add(name, uri, parameters: [ContentParameter(name: "VALUE", values: ["uri"])])
      case .v40: add(name, uri)
      }
    case .data(let bytes, let type):
      if let limit = target.photoLimit, bytes.count > limit {
        warning(
          "\(name) of \(bytes.count / 1024) KB is over \(target.rawValue)'s limit of about \(limit / 1024) KB; left out",
          property: name, code: "overflow")
        return
      }
      let encoded = Base64.encode(bytes)
      let subtype = type.map { t in t.hasPrefix("image/") ? String(t.dropFirst(6)) : t }
      switch version {
      case .v21:
        var params = [ContentParameter(name: "ENCODING", values: ["BASE64"])]
        if let subtype { params.append(ContentParameter(name: "TYPE", values: [subtype.uppercased()])) }
        emit(OutputProperty(name: name, parameters: params, value: encoded, isBase64: true))
      case .v30:
        var params = [ContentParameter(name: "ENCODING", values: ["b"])]
        if let subtype { params.append(ContentParameter(name: "TYPE", values: [subtype.uppercased()])) }
        emit(OutputProperty(name: name, parameters: params, value: encoded, isBase64: true))
      case .v40:
        let uri = "data:\(type ?? "application/octet-stream");base64,\(encoded)"
        emit(OutputProperty(name: name, value: uri, isBase64: true))
      }
    }
  }

  private mutating func instantMessaging(_ im: IMHandle) {
    let service = im.service ?? "x-unknown"
    if target.microsoftExtensions && version != .v40 {
      // Outlook's IM address is X-MS-IMADDRESS (MS-OXVCARD), whatever the service.
      if let s = im.service, s != "msn" {
        note("IM service \"\(s)\" has no place in \(target.rawValue)'s X-MS-IMADDRESS; the handle is kept", property: "IMPP", code: "unmapped")
      }
      add("X-MS-IMADDRESS", text(im.handle))
      return
    }
    if version == .v21 {
      // The first name listed for the service (an ordered list, so every run writes the same one).
      let name = CommunicationCodecs.imProperties.first { $0.service == service }?.name
      if let name {
        add(name, text(im.handle), parameters: typeParameters(im.types, preference: im.preference))
      } else {
        note("IMPP has no place in vCard 2.1; written as X-IMPP", property: "IMPP", code: "renamed")
        add("X-IMPP", text("\(service):\(im.handle)"), parameters: typeParameters(im.types, preference: im.preference))
      }
      return
    }
    let value = im.service == nil && im.handle.contains(":") ? im.handle : "\(service):\(im.handle)"
    add("IMPP", uriLike(value), parameters: typeParameters(im.types, preference: im.preference))
  }

  private mutating func timeZone(_ tz: String) {
    let isOffset = (tz.hasPrefix("+") || tz.hasPrefix("-")) && tz.count <= 6 && tz.dropFirst().allSatisfy { $0.isNumber || $0 == ":" }
    switch version {
    case .v21:
      if isOffset {
        add("TZ", tz)
      } else {
        note("TZ \"\(tz)\" is a zone name, which vCard 2.1 cannot hold; written as X-TZ", property: "TZ", code: "renamed")
        add("X-TZ", text(tz))
      }
    case .v30:
      add("TZ", text(tz), parameters: isOffset ? [] : [ContentParameter(name: "VALUE", values: ["text"])])
    case .v40:
      add("TZ", text(tz), parameters: isOffset ? [ContentParameter(name: "VALUE", values: ["utc-offset"])] : [])
    }
  }

  private mutating func related(_ r: RelatedPerson) {
    if version == .v40 {
      var params = [ContentParameter(name: "TYPE", values: [r.relation])]
      if !r.isURI { params.append(ContentParameter(name: "VALUE", values: ["text"])) }
      add("RELATED", r.isURI ? r.value : text(r.value), parameters: params)
      return
    }
    // Outlook and Exchange take these from their own X-MS-SPOUSE, X-MS-ASSISTANT and
    // X-MS-MANAGER (MS-OXVCARD §2.1.3.9), as Outlook exports them.
    let ms = target.microsoftExtensions
    switch r.relation {
    case "spouse": add(ms ? "X-MS-SPOUSE" : "X-SPOUSE", text(r.value))
    case "assistant": add(ms ? "X-MS-ASSISTANT" : "X-ASSISTANT", text(r.value))
    case "manager": add(ms ? "X-MS-MANAGER" : "X-MANAGER", text(r.value))
    default:
      note("RELATED has no place in vCard \(version.rawValue); written as X-ABRELATEDNAMES", property: "RELATED", code: "renamed")
      let label = r.relation == "contact" ? nil : r.relation.prefix(1).uppercased() + r.relation.dropFirst()
      add("X-ABRELATEDNAMES", text(r.value), label: label)
    }
  }

  private mutating func crm(_ c: Contact) {
    let hasCRM = c.source != nil || c.owner != nil || c.accountId != nil || c.created != nil
    guard hasCRM else { return }
    if target.stripsCRMProperties {
      note("\(target.rawValue) has no use for CRM fields (source, owner, account, created); left out", property: "X-FERRY-SOURCE", code: "unmapped")
      return
    }
    if let s = c.source {
      var params = [ContentParameter(name: "X-SYSTEM", values: [s.system])]
      if let o = s.objectType { params.append(ContentParameter(name: "X-OBJECT", values: [o])) }
      add("X-FERRY-SOURCE", text(s.recordId ?? ""), parameters: params)
    }
    if let o = c.owner {
      var params: [ContentParameter] = []
      if let id = o.id { params.append(ContentParameter(name: "X-ID", values: [id])) }
      if let e = o.email { params.append(ContentParameter(name: "X-EMAIL", values: [e])) }
      add("X-FERRY-OWNER", text(o.name ?? ""), parameters: params)
    }
    if let a = c.accountId { add("X-FERRY-ACCOUNT", text(a)) }
    if let t = c.created { add("X-FERRY-CREATED", t.description) }
  }

  /// Properties of 2.1/3.0 that RFC 6350 removed (LABEL became an ADR parameter).
  static let removedIn40: Set<String> = ["AGENT", "CLASS", "LABEL", "MAILER", "NAME", "PROFILE", "SORT-STRING"]

  private mutating func rawProperties(_ raw: [RawProperty]) {
    var foreign: [String] = []
    var foreignNames: [String] = []
    var stripped: [String] = []
    for r in raw {
      guard r.origin == "vcard" else {
        foreign.append("\"\(r.name)\" (\(r.origin))")
        foreignNames.append(r.name)
        continue
      }
      if target.stripsCRMProperties && VCardTarget.isCRMProperty(r.name) {
        stripped.append(r.name)
        continue
      }
      var params: [ContentParameter] = []
      var isBase64 = false
      for p in r.parameters {
        let name = p.name.uppercased()
        if name == "ENCODING" {
          let v = p.values.first?.uppercased() ?? ""
          guard v == "B" || v == "BASE64" else { continue }
          isBase64 = true
          params.append(ContentParameter(name: "ENCODING", values: [version == .v21 ? "BASE64" : "b"]))
          continue
        }
        if name == "TYPE" && version == .v21 {
          for v in p.values { params.append(ContentParameter(name: "TYPE", values: [v], isBare: true)) }
        } else {
          params.append(ContentParameter(name: p.name, values: p.values))
        }
      }
      var name = r.name
      if version == .v40, CardEncoder.removedIn40.contains(name.uppercased()) {
        // RFC 6350 §A.2 removed these; 4.0 readers would refuse the bare name.
        note("\(name) does not exist in vCard 4.0; written as X-\(name)", property: name, code: "unmapped")
        name = "X-" + name
      }
      // A value that cannot be read (its codec fails: `BDAY:0000`; or base64 that does not
      // decode) would make other readers warn or fail on the whole card: it travels under a
      // private name that ferry's reader turns back, its encoding as X-FERRY-ENCODING.
      var invalid = isBase64 && Base64.decode(r.value) == nil
      if !invalid, let codec = CodecTable.codecs[name.uppercased()] {
        var probe = CardBuilder(version: version, diagnostics: .ignore)
        let line = ContentLine(group: r.group, name: name.uppercased(), parameters: params, value: r.value)
        if case .failed = codec.decode(line, &probe) { invalid = true }
      }
      if invalid {
        note("\(name) value \"\(r.value)\" is not valid; written as \(invalidPrefix)\(name)", property: name, code: "unmapped")
        name = invalidPrefix + name
        if isBase64 {
          isBase64 = false
          for i in params.indices where params[i].name == "ENCODING" { params[i].name = invalidEncodingParameter }
        }
      }
      emit(OutputProperty(group: r.group, name: name, parameters: params, value: r.value, isBase64: isBase64))
    }
    if !stripped.isEmpty {
      note("\(target.rawValue) has no use for CRM properties; left out: \(stripped.joined(separator: ", "))", property: stripped[0], code: "unmapped")
    }
    if !foreign.isEmpty {
      note(
        "fields the reader kept raw (no mapping for them in their format) have no place in vCard: \(foreign.joined(separator: ", ")); left out",
        property: foreignNames[0], code: "unmapped")
    }
  }
}

/// The prefix of a property ferry wrote because its value was invalid under its own name.
let invalidPrefix = "X-FERRY-INVALID-"
/// The ENCODING of an invalid value, under a name readers do not act on.
let invalidEncodingParameter = "X-FERRY-ENCODING"

extension Timestamp {
  /// `20240131T150000Z`, the basic form every vCard version accepts in REV.
  var basicDescription: String {
    let t = utc
    func p(_ n: Int, _ w: Int) -> String {
      let s = String(n)
      return String(repeating: "0", count: max(0, w - s.count)) + s
    }
    return "\(p(t.date.year, 4))\(p(t.date.month, 2))\(p(t.date.day, 2))T\(p(t.time.hour, 2))\(p(t.time.minute, 2))\(p(t.time.second, 2))Z"
  }
}

extension String {
  /// `uppercased()`, without its Unicode tables for the ASCII text nearly every type and
  /// group (`item1`) is: one pass over the bytes in place, and the string itself when it has
  /// no lower-case letter.
  func uppercasedType() -> String {
    let ascii: String?? = utf8.withContiguousStorageIfAvailable { bytes -> String? in
      var lower = false
      for c in bytes {
        if c >= 0x80 { return nil }
        if c &- UInt8(ascii: "a") < 26 { lower = true }
      }
      guard lower else { return self }
      return String(unsafeUninitializedCapacity: bytes.count) { out in
        for i in bytes.indices {
          let c = bytes[i]
          out[i] = c &- UInt8(ascii: "a") < 26 ? c - 32 : c
        }
        return bytes.count
      }
    }
    if let ascii, let ascii { return ascii }
    return uppercased()
  }
}
