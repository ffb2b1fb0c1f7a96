import FerryContentLines
import FerryModel

/// One property's codec (ez-vcard's scribe): it names its property, lists the versions in
/// which the property is standard, and decodes one content line into the contact.
///
/// Writing goes the other way per model field (see `PropertyCodec.encoders`), because one
/// field may need different property names per version (`ANNIVERSARY` → `X-ANNIVERSARY`).
struct PropertyCodec: Sendable {
  /// The upper-cased property name this codec reads.
  var name: String
  /// The versions in which the property is standard; others still read it, leniently.
  var versions: Set<VCardVersion>
  var decode: @Sendable (ContentLine, inout CardBuilder) -> DecodeResult

  init(
    _ name: String, versions: Set<VCardVersion> = Set(VCardVersion.allCases),
    decode: @escaping @Sendable (ContentLine, inout CardBuilder) -> DecodeResult
  ) {
    self.name = name
    self.versions = versions
    self.decode = decode
  }
}

/// What a codec did with a line.
enum DecodeResult {
  /// The value is in the model now.
  case mapped
  /// The model has no room (a second FN, an unknown X-ABDATE label): keep it raw quietly.
  case keepRaw
  /// The value could not be decoded: keep it raw and warn with this message.
  case failed(String)
}

/// Everything a codec may write into while one card is read.
///
/// Its methods are all `mutating`, those that only read too: a codec holds the builder
/// `inout`, and a non-mutating method called on it there is handed a copy of the whole
/// builder (800 bytes, the contact included), which cost a memmove on nearly every line.
struct CardBuilder {
  var contact = Contact()
  var version: VCardVersion
  let diagnostics: DiagnosticSink
  /// The single-valued properties already mapped (a second one is kept raw), one bit each:
  /// nothing to allocate per card.
  var seen: UInt32 = 0
  /// Which model value a group (`item1`, upper-cased) belongs to, for `X-ABLabel`. A list,
  /// not a dictionary: a card has a group or two, and a short scan costs less than a hash
  /// table made for every card (the first held in place: no array either). Past
  /// `groupScanLimit` groups, `groupIndex` finds them, so a card with thousands of groups is
  /// not read in quadratic time.
  var groups = InlineFirstList<(group: String, target: LabelTarget)>()
  var groupIndex: [String: Int]?
  static let groupScanLimit = 16
  /// `X-ABLabel` values waiting for the end of the card, by group.
  var labels: [(group: String, value: String, line: ContentLine)] = []
  /// Apple omits a yearless birthday's year as `X-APPLE-OMIT-YEAR=1604`.
  var sawVersion = false

  /// The reader's lists of common types (see `TypeLists`).
  let typeLists: TypeLists

  init(version: VCardVersion, diagnostics: DiagnosticSink, typeLists: TypeLists = TypeLists()) {
    self.version = version
    self.diagnostics = diagnostics
    self.typeLists = typeLists
  }

  /// `ContentLine.typesAndPreference`, with a list of one or two common types (`internet,work`,
  /// `cell`) taken from the reader's `typeLists`: no array to make here, nor to free with the
  /// record.
  ///
  /// A line whose parameters are a list `ParameterLists` gave out before (the same array:
  /// `TYPE=INTERNET,WORK,PREF` on every card) gets what that list gave then
  /// (`TypeLists.typesAndPreference(of:gather:)`).
  mutating func typesAndPreference(_ line: ContentLine) -> (types: [String], preference: Int?) {
    if line.parameters.isEmpty { return ([], nil) }
    return typeLists.typesAndPreference(of: line.parameters) {
      let list = line.typeList
      return (list.types(from: typeLists), list.preference)
    }
  }

  /// Text value, unescaped for the card's version.
  ///
  /// A TEXT value sent base64-encoded (`NOTE;ENCODING=b:`, `NOTE;BASE64:`, seen in the wild)
  /// is decoded to text, in its `CHARSET` (UTF-8 by default), with a note.
  mutating func text(_ line: ContentLine) -> String {
    if line.isBase64, let bytes = line.decodedBytes() {
      let decoded = Charset.decode(bytes, charset: line.firstParameter("CHARSET"))
      diagnostics.note(
        "\(line.name) value is base64-encoded text; decoded" + (decoded.usedFallback ? " as Windows-1252" : ""),
        at: line.valueLocation, code: "encoding")
      return decoded.text
    }
    return version.unescape(line.value)
  }

  /// Marks a single-valued property; false when it was already seen.
  mutating func first(_ property: SingleProperty) -> Bool {
    let bit: UInt32 = 1 << property.rawValue
    if seen & bit != 0 { return false }
    seen |= bit
    return true
  }

  mutating func remember(_ line: ContentLine, as target: LabelTarget) {
    guard let group = line.group?.uppercasedType() else { return }
    if let i = index(ofGroup: group) {
      groups[i].target = target
      return
    }
    groups.append((group, target))
    if groupIndex != nil {
      groupIndex?[group] = groups.count - 1
    } else if groups.count > Self.groupScanLimit {
      groupIndex = Dictionary((0..<groups.count).map { (groups[$0].group, $0) }, uniquingKeysWith: { a, _ in a })
    }
  }

  /// The model value an upper-cased group belongs to, if any.
  mutating func target(ofGroup group: String) -> LabelTarget? {
    index(ofGroup: group).map { groups[$0].target }
  }

  private mutating func index(ofGroup group: String) -> Int? {
    if let groupIndex { return groupIndex[group] }
    for i in 0..<groups.count where groups[i].group == group { return i }
    return nil
  }
}

/// A list that holds its first element in place and only the others in an array.
///
/// A card has a group or two, when it has any: an array was an allocation to make and free
/// on every such card.
struct InlineFirstList<Element>: Sequence {
  private var head: Element?
  private var tail: [Element] = []

  var count: Int { head == nil ? 0 : 1 + tail.count }

  mutating func append(_ element: Element) {
    if head == nil { head = element } else { tail.append(element) }
  }

  /// The element at `index` (0 is the first); out of range traps, as an array's does.
  subscript(index: Int) -> Element {
    get {
      if index == 0, let head { return head }
      return tail[index - 1]
    }
    set {
      if index == 0 && head != nil { head = newValue } else { tail[index - 1] = newValue }
    }
  }

  func makeIterator() -> Iterator { Iterator(list: self) }

  struct Iterator: IteratorProtocol {
    let list: InlineFirstList
    var index = 0

    mutating func next() -> Element? {
      guard index < list.count else { return nil }
      defer { index += 1 }
      return list[index]
    }
  }
}

/// The properties a card holds once (a second one is kept raw), for `CardBuilder.first`.
enum SingleProperty: Int {
  case fn, n, bday, gender, kind, title, role, org, uid, rev
  case ferrySource, ferryOwner, ferryAccount, ferryCreated
}

/// The model value a vCard group points at.
enum LabelTarget {
  case email(Int), phone(Int), address(Int), url(Int), im(Int), related(Int), anniversary
}

/// The codec table, keyed by upper-cased property name (ez-vcard's `ScribeIndex`).
enum CodecTable {
  static let codecs: [String: PropertyCodec] = {
    var table: [String: PropertyCodec] = [:]
    for codec in IdentificationCodecs.all + CommunicationCodecs.all + AddressCodecs.all + OrganizationCodecs.all
      + ExplanatoryCodecs.all + ExtensionCodecs.all
    {
      table[codec.name] = codec
    }
    return table
  }()

  /// The decoding function of the codec for an upper-cased property name (`codecs[name]?.decode`),
  /// for the reader's per-line lookup. A name goes to its bucket by its length and last byte,
  /// and is compared with the few names there: no SipHash over every line's name. Only the
  /// function comes back, not the whole `PropertyCodec`, whose copy would retain and release
  /// its `versions` set on every line read.
  static func decoder(named name: String) -> Decoder? {
    // The last byte read in place (`utf8.last` is a generic call, on every line); a string
    // not stored as UTF-8 still takes the generic way.
    let (count, last) =
      name.utf8.withContiguousStorageIfAvailable { ($0.count, $0.last ?? 0) } ?? (name.utf8.count, name.utf8.last ?? 0)
    guard count > 0 else { return nil }
    for entry in buckets[bucket(count: count, last: last)] where entry.count == count && entry.name == name {
      return entry.decode
    }
    return nil
  }

  typealias Decoder = @Sendable (ContentLine, inout CardBuilder) -> DecodeResult

  /// A bucket's entry. A struct, not a tuple: a function in a tuple inside an array is kept
  /// in its generic form, and reading it back as a `Decoder` allocates a thunk every time.
  private struct Entry {
    var count: Int
    var name: String
    var decode: Decoder
  }

  /// `codecs` spread over `bucketCount` buckets by `bucket(count:last:)`.
  private static let buckets: [[Entry]] = {
    var buckets = Array(repeating: [Entry](), count: bucketCount)
    for codec in codecs.values {
      guard let last = codec.name.utf8.last else { continue }
      let count = codec.name.utf8.count
      buckets[bucket(count: count, last: last)].append(Entry(count: count, name: codec.name, decode: codec.decode))
    }
    return buckets
  }()

  private static let bucketCount = 128

  private static func bucket(count: Int, last: UInt8) -> Int { (count &* 31 &+ Int(last)) & (bucketCount - 1) }
}

// MARK: - Shared decoding helpers


extension ContentLine {
  /// TYPE values lower-cased, without `PREF` (and without 2.1 `ENCODING`/`CHARSET` shorthands).
  var modelTypes: [String] { typesAndPreference.types }

  /// Preference: 4.0 `PREF=n`, or 1 for a 2.1/3.0 `PREF` type.
  var preference: Int? { typesAndPreference.preference }

  /// Both in one pass over the parameters. The lists made here are the line's own; the codecs
  /// (every TEL, EMAIL, ADR, URL) use `CardBuilder.typesAndPreference`, which shares lists of
  /// common types.
  var typesAndPreference: (types: [String], preference: Int?) {
    let list = typeList
    return (list.types(from: nil), list.preference)
  }

  /// The TYPE values and preference, gathered in one pass over the parameters.
  var typeList: TypeList {
    var list = TypeList()
    for i in parameters.indices {
      // TYPE first: nearly every parameter is one, and equal short strings compare at once.
      // Read in place (`parameters[i]`, not a copy of each parameter to retain and release).
      guard parameters[i].name == "TYPE" else {
        if parameters[i].name == "PREF", let v = parameters[i].firstValue, let n = Int(v.trimmingCharacters()) {
          list.preference = n
        }
        continue
      }
      // Value by value, without making the parameter's list of values.
      parameters[i].forEachValue { list.add($0) }
    }
    return list
  }

  /// The lower-cased common vCard types, by `commonTypeIndex` (0 stands for none).
  static let commonTypeNames: [String] = [
    "", "fax", "msg", "car", "dom", "work", "home", "cell", "text", "main", "intl", "isdn", "voice", "pager", "video",
    "other", "postal", "parcel", "internet",
  ]

  /// The index in `commonTypeNames` of a common vCard type (`WORK`, `internet`, `Cell`),
  /// or 0.
  ///
  /// Only all-letter names are listed: `c | 0x20` equals a lower-case letter exactly when
  /// `c` is that letter in either case.
  static func commonTypeIndex(_ part: UnsafeBufferPointer<UInt8>) -> Int {
    func matches(_ literal: StaticString) -> Bool {
      guard part.count == literal.utf8CodeUnitCount else { return false }
      let l = literal.utf8Start
      for i in 0..<part.count where part[i] | 0x20 != l[i] { return false }
      return true
    }
    switch part.count {
    case 3:
      if matches("fax") { return 1 }
      if matches("msg") { return 2 }
      if matches("car") { return 3 }
      if matches("dom") { return 4 }
    case 4:
      if matches("work") { return 5 }
      if matches("home") { return 6 }
      if matches("cell") { return 7 }
      if matches("text") { return 8 }
      if matches("main") { return 9 }
      if matches("intl") { return 10 }
      if matches("isdn") { return 11 }
    case 5:
      if matches("voice") { return 12 }
      if matches("pager") { return 13 }
      if matches("video") { return 14 }
      if matches("other") { return 15 }
    case 6:
      if matches("postal") { return 16 }
      if matches("parcel") { return 17 }
    case 8:
      if matches("internet") { return 18 }
    default: break
    }
    return 0
  }

  /// The `VALUE` parameter, lower-cased.
  var valueType: String? { firstParameter("VALUE")?.lowercased() }
}

/// The TYPE values of a line as `typesAndPreference` gathers them: lower-cased, each once,
/// `PREF` taken as preference 1.
///
/// While there are at most two types and both are common ones, they are held as indices
/// into `ContentLine.commonTypeNames`, and the list comes from `TypeLists`; the list is made
/// (`listed`) only for a third type or an uncommon one.
struct TypeList {
  /// The common types seen so far (0: none yet), while `listed` is false.
  private var first = 0
  private var second = 0
  /// The types, once `listed`.
  private var out: [String] = []
  private var listed = false
  var preference: Int?

  /// The types; a list of common ones from `lists` when given.
  func types(from lists: TypeLists?) -> [String] {
    if listed { return out }
    if let lists { return lists.list(first, second) }
    return TypeLists.make(first, second)
  }

  /// Adds the types of one TYPE value (`WORK,VOICE`).
  mutating func add(_ value: String) {
    // Byte-wise, read in place: split at commas, lower-case ASCII letters (types are ASCII
    // tokens; any other byte is kept as it is).
    let done: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
      var start = 0
      while start <= bytes.count {
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
        if end > start { add(part: UnsafeBufferPointer(rebasing: bytes[start..<end])) }
        start = end + 1
      }
    }
    if done == nil {
      // A string not stored as UTF-8.
      var copy = value
      copy.makeContiguousUTF8()
      add(copy)
    }
  }

  private mutating func add(part: UnsafeBufferPointer<UInt8>) {
    if part.count == 4, part[0] | 0x20 == UInt8(ascii: "p"), part[1] | 0x20 == UInt8(ascii: "r"),
      part[2] | 0x20 == UInt8(ascii: "e"), part[3] | 0x20 == UInt8(ascii: "f")
    {
      if preference == nil { preference = 1 }
      return
    }
    let common = ContentLine.commonTypeIndex(part)
    if !listed {
      // A repeated type is listed once.
      if common != 0 && (common == first || common == second) { return }
      if common != 0 && first == 0 {
        first = common
        return
      }
      if common != 0 && second == 0 {
        second = common
        return
      }
      // A third type, or an uncommon one: the list is made after all.
      listed = true
      out.reserveCapacity(4)
      if first != 0 { out.append(ContentLine.commonTypeNames[first]) }
      if second != 0 { out.append(ContentLine.commonTypeNames[second]) }
    }
    let lower =
      common != 0
      ? ContentLine.commonTypeNames[common]
      : String(unsafeUninitializedCapacity: part.count) { out in
        var i = 0
        while i < part.count {
          let c = part[i]
          out[i] = c >= 0x41 && c <= 0x5A ? c + 32 : c
          i += 1
        }
        return part.count
      }
    // Lengths first: unequal short strings compare through a runtime call.
    if !out.contains(where: { $0.utf8.count == lower.utf8.count && $0 == lower }) { out.append(lower) }
  }
}

/// Reads a date the way the versions and producers write it: `1980-04-12`, `19800412`,
/// `--0412`, `--04-12`, `---12`, `1980-04`, with an optional time part, and Apple's
/// `X-APPLE-OMIT-YEAR`.
func decodeDate(_ line: ContentLine, text: String) -> PartialDate? {
  // The usual `1980-04-12` (or `19800412`), read in place: what the general way below gives
  // for it, without its trimming, time search and string scans (BDAY is on most cards).
  if let fixed = text.utf8.withContiguousStorageIfAvailable(fullDate), let (y, m, d) = fixed {
    guard y != 0, LocalDate(year: y, month: m, day: d).isValid else { return nil }
    var date = PartialDate(year: y, month: m, day: d)
    if let omit = line.firstParameter("X-APPLE-OMIT-YEAR"), let oy = Int(omit), y == oy { date.year = nil }
    return date
  }
  var value = text.trimmingCharacters()
  if value.utf8.contains(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }),
    let t = value.firstIndex(where: { $0 == "T" || $0 == "t" }), !value.hasPrefix("T")
  {
    value = String(value[..<t])
  }
  var date: PartialDate?
  if value.utf8.first == UInt8(ascii: "-") && value.hasPrefix("--") && !value.hasPrefix("---") && value.count == 6
    && !value.contains("-", after: 2)
  {
    // `--0412` basic form.
    date = PartialDate(text: "--" + value.dropFirst(2).prefix(2) + "-" + value.dropFirst(4))
  } else {
    date = PartialDate(text: value)
  }
  guard var d = date else { return nil }
  if d.year == 0 { return nil }  // `0000`: a placeholder, not a year (libical's test.vcf)
  if let m = d.month, !(1...12).contains(m) { return nil }
  if let day = d.day, !(1...31).contains(day) { return nil }
  if let omit = line.firstParameter("X-APPLE-OMIT-YEAR"), let y = Int(omit), d.year == y { d.year = nil }
  return d
}

extension String {
  fileprivate func contains(_ c: Character, after offset: Int) -> Bool { dropFirst(offset).contains(c) }
}

/// Year, month and day of exactly `YYYY-MM-DD` or `YYYYMMDD` (ASCII digits), else nil.
private func fullDate(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
  let dashes = b.count == 10
  guard dashes || b.count == 8 else { return nil }
  if dashes && (b[4] != UInt8(ascii: "-") || b[7] != UInt8(ascii: "-")) { return nil }
  var value = 0
  for i in 0..<b.count where !dashes || (i != 4 && i != 7) {
    let digit = b[i] &- 48
    guard digit < 10 else { return nil }
    value = value &* 10 &+ Int(digit)
  }
  return (value / 10000, value / 100 % 100, value % 100)
}

/// `image/jpeg` from a 2.1/3.0 `TYPE=JPEG` or a 4.0 `MEDIATYPE`.
func mediaType(of line: ContentLine) -> String? {
  if let m = line.firstParameter("MEDIATYPE") { return m.lowercased() }
  for t in line.types {
    let lower = t.lowercased()
    if lower.contains("/") { return lower }
    switch lower {
    case "jpeg", "jpg": return "image/jpeg"
    case "png": return "image/png"
    case "gif": return "image/gif"
    case "bmp": return "image/bmp"
    case "tiff": return "image/tiff"
    case "wav": return "audio/wav"
    case "pgp": return "application/pgp-keys"
    case "x509": return "application/x509"
    case "pref", "work", "home": continue
    default: return "image/" + lower
    }
  }
  return nil
}

/// A PHOTO or LOGO value: inline base64, a 4.0 `data:` URI, or a URI.
func decodeMedia(_ line: ContentLine) -> Media? {
  if line.isBase64 {
    guard let bytes = line.decodedBytes() else { return nil }
    return .data(bytes, mediaType: mediaType(of: line))
  }
  let value = line.value.trimmingCharacters()
  if value.hasPrefixIgnoringASCIICase("data:") {
    // RFC 2397: data:[<mediatype>][;base64],<data>
    guard let comma = value.firstIndex(of: ",") else { return nil }
    let head = value[value.index(value.startIndex, offsetBy: 5)..<comma]
    let body = String(value[value.index(after: comma)...])
    let parts = head.split(separator: ";")
    let type = parts.first.map { String($0).lowercased() }.flatMap { $0.contains("/") ? $0 : nil }
    if parts.contains(where: { $0.lowercased() == "base64" }) {
      guard let bytes = Base64.decode(body) else { return nil }
      return .data(bytes, mediaType: type)
    }
    return .data(Array(body.utf8), mediaType: type)
  }
  let vt = line.valueType
  if vt == "uri" || vt == "url" || value.contains(":") || value.isEmpty { return .uri(value) }
  // A 2.1/3.0 producer that left out ENCODING: try base64 before giving up.
  if let bytes = Base64.decode(value), !bytes.isEmpty { return .data(bytes, mediaType: mediaType(of: line)) }
  return nil
}

/// The lists of one or two common types (`[work]`, `[internet, work]`), each made once per
/// reader and shared by every value that has it.
///
/// Per reader, not one table for the process: a list is retained and released by every
/// record that holds it, and a list that threads share (two readers of `ParallelReader`,
/// the writer) makes each of those a cache miss on its count, which another core just
/// wrote. A reader's lists are out of its hands by the time the writer reads its records.
final class TypeLists {
  private var lists: [[String]?] = Array(
    repeating: nil, count: ContentLine.commonTypeNames.count * ContentLine.commonTypeNames.count)

  /// Types and preference gathered lately, by the parameter list they were gathered from.
  private struct Gathered {
    /// The list itself, held: while it is here no other list can have its address.
    var parameters: [ContentParameter]
    var types: [String]
    var preference: Int?
  }

  /// Direct-mapped by the address of the list's elements; through a pointer (a class's
  /// array property pays an exclusivity check on each access).
  private static let gatheredBits = 6
  private let gathered: UnsafeMutablePointer<Gathered>

  init() {
    gathered = .allocate(capacity: 1 << Self.gatheredBits)
    gathered.initialize(repeating: Gathered(parameters: [], types: [], preference: nil), count: 1 << Self.gatheredBits)
  }

  deinit {
    gathered.deinitialize(count: 1 << Self.gatheredBits)
    gathered.deallocate()
  }

  /// What `gather` gives for the line whose parameters are `parameters`, which must depend
  /// on them only: from the table when these are the very list (the same array, not merely
  /// equal) it was gathered from lately. The reader's `ParameterLists` gives one array to
  /// every line with the same parameter bytes, so the lines of a file share a few dozen.
  @inline(__always)
  func typesAndPreference(
    of parameters: [ContentParameter], gather: () -> (types: [String], preference: Int?)
  ) -> (types: [String], preference: Int?) {
    // Every empty list may share one address: none is looked up.
    guard !parameters.isEmpty, let address = parameters.withUnsafeBufferPointer({ $0.baseAddress }) else {
      return gather()
    }
    let key = UInt(bitPattern: address)
    let slot = gathered + Int(truncatingIfNeeded: (key >> 4) ^ (key >> 10)) & ((1 << Self.gatheredBits) - 1)
    if slot.pointee.parameters.withUnsafeBufferPointer({ $0.baseAddress }) == address {
      return (slot.pointee.types, slot.pointee.preference)
    }
    let made = gather()
    slot.pointee = Gathered(parameters: parameters, types: made.types, preference: made.preference)
    return made
  }

  /// `[commonTypeNames[first], commonTypeNames[second]]`, without the ones that are 0.
  func list(_ first: Int, _ second: Int) -> [String] {
    let i = first &* ContentLine.commonTypeNames.count &+ second
    if let made = lists[i] { return made }
    let made = Self.make(first, second)
    lists[i] = made
    return made
  }

  static func make(_ first: Int, _ second: Int) -> [String] {
    let names = ContentLine.commonTypeNames
    return first == 0 ? [] : second == 0 ? [names[first]] : [names[first], names[second]]
  }
}
