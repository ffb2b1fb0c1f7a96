import FerryModel

/// The normalised, compact comparison keys of many contacts: one byte arena and, for each
/// record and field, an offset and length. No whole records are kept.
final class ContactKeys: @unchecked Sendable {
  static let fields = ContactField.allCases
  static let fieldCount = ContactField.allCases.count
  static func slot(_ f: ContactField) -> Int {
    switch f {
    case .identifier: 0
    case .birthDate: 1
    case .email: 2
    case .phone: 3
    case .postalCode: 4
    case .given: 5
    case .family: 6
    case .middle: 7
    case .streetNumber: 8
    case .street: 9
    case .unit: 10
    case .locality: 11
    case .region: 12
    case .organization: 13
    }
  }

  var arena: [UInt8] = []
  /// offset << 16 | length, `fieldCount` per record.
  var spans: [UInt64] = []
  var givenSoundex: [UInt32] = []
  var familySoundex: [UInt32] = []
  /// Per record, `Flag` bits: what the scorer must look at more closely.
  var flags: [UInt8] = []
  var count: Int { givenSoundex.count }
  let identifierNames: Set<[UInt8]>
  let roleAddresses: Set<[UInt8]>
  /// Hashes of E.164 numbers (without extension) known to be shared by several people.
  var sharedPhones: Set<UInt64> = []

  /// Bits of `flags`.
  enum Flag {
    /// One of the record's e-mail addresses is a role address (`info@…`).
    static let roleEmail: UInt8 = 1
    /// One of the record's phone numbers has an extension (stored as `+12125550100x12`).
    static let phoneExtension: UInt8 = 2
  }

  init(rules: MatchRules) {
    identifierNames = Set(rules.identifierFields.map { Normalize.fold($0).filter { $0 != 0x20 } })
    roleAddresses = Set(rules.roleAddresses.map { Array($0.lowercased().utf8) })
  }

  /// True when the address's local part (before any `+tag`) is a role address: a role name
  /// (`info`), a role name with a number (`info2`), or parts joined by `.`, `-` or `_` that are
  /// all role names, `roleQualifiers` or numbers, one of them a role name (`info.uk`,
  /// `sales-team`, `customer.service`, `help_desk`). A part that is anything else (`it.smith`)
  /// makes it a person's address.
  static func isRole(_ address: UnsafeBufferPointer<UInt8>, roles: Set<[UInt8]>) -> Bool {
    guard !roles.isEmpty, let at = address.firstIndex(of: 0x40) else { return false }
    let local = address[0..<at]
    let end = local.firstIndex(of: 0x2B) ?? at
    let name = Array(address[0..<end])
    if roles.contains(name) { return true }
    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    var sawRole = false
    for part in name.split(whereSeparator: { $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }) {
      var word = Array(part)
      while let last = word.last, isDigit(last) { word.removeLast() }
      if word.isEmpty { continue }  // a number
      if roles.contains(word) {
        sawRole = true
      } else if !roleQualifiers.contains(word) {
        return false
      }
    }
    return sawRole
  }

  /// Words that qualify a role name in a shared mailbox's address (`info.uk`, `sales-team`,
  /// `customer.service`): places, teams and desks.
  static let roleQualifiers: Set<[UInt8]> = Set(
    [
      "team", "teams", "desk", "dept", "department", "group", "line", "centre", "center", "customer", "customers", "care",
      "uk", "us", "usa", "eu", "emea", "apac", "latam", "global", "intl", "international", "main", "hq", "head", "central",
      "local", "online", "web", "de", "fr", "es", "it", "nl", "au", "ca", "ie", "in",
    ].map { Array($0.utf8) })

  private func put(_ bytes: [UInt8]) {
    let n = min(bytes.count, 0xFFFF)
    spans.append(UInt64(arena.count) << 16 | UInt64(n))
    arena.append(contentsOf: bytes[0..<n])
  }

  /// Adds one contact's keys; returns the phone numbers that could not be read.
  @discardableResult
  func add(_ c: Contact, rules: MatchRules) -> [Normalize.Phone] {
    var bad: [Normalize.Phone] = []
    // identifier (raw property named like SocSecId)
    var ident: [UInt8] = []
    for p in c.raw where !p.value.isEmpty {
      let key = Normalize.fold(p.name).filter { $0 != 0x20 }
      if identifierNames.contains(key) {
        ident = Normalize.fold(p.value).filter { $0 != 0x20 }
        break
      }
    }
    put(ident)
    // birth date
    var birth: [UInt8] = []
    if let b = c.birthday { birth = Normalize.birthDate(year: b.year, month: b.month, day: b.day) ?? [] }
    if birth.isEmpty {
      for p in c.raw where Normalize.fold(p.name).filter({ $0 != 0x20 }) == Array("birthdate".utf8) {
        birth = Normalize.birthDate(text: p.value) ?? []
      }
    }
    put(birth)
    // e-mails
    var emails: [UInt8] = []
    var flag: UInt8 = 0
    for e in c.emails {
      guard let n = Normalize.email(e.address, gmail: rules.gmail) else { continue }
      if !emails.isEmpty { emails.append(0x20) }
      let bytes = Array(n.utf8)
      if bytes.withUnsafeBufferPointer({ ContactKeys.isRole($0, roles: roleAddresses) }) { flag |= Flag.roleEmail }
      emails.append(contentsOf: bytes)
    }
    put(emails)
    // phones
    var phones: [UInt8] = []
    for p in c.phones {
      let n = Normalize.phone(p.number, region: rules.region)
      guard let e = n.e164 else {
        if n.problem != "has no digits" { bad.append(n) }
        continue
      }
      if !phones.isEmpty { phones.append(0x20) }
      phones.append(contentsOf: e.utf8)
      if rules.phoneExtensions, let x = n.extensionDigits, !x.isEmpty {
        // "x" never occurs in an E.164 number: the extension stays inside the token
        phones.append(UInt8(ascii: "x"))
        phones.append(contentsOf: x.utf8)
        flag |= Flag.phoneExtension
      }
    }
    put(phones)
    flags.append(flag)
    let address = c.addresses.first { !$0.isEmpty }
    put(address?.postalCode.map(Normalize.postalCode) ?? [])
    // names
    var name = Normalize.name(given: c.name.given, middle: c.name.middle, family: c.name.family)
    if name.given.isEmpty && name.family.isEmpty, let fn = c.formattedName, !fn.isEmpty {
      name = Normalize.name(formatted: fn)
    }
    put(name.given)
    put(name.family)
    put(name.middle)
    givenSoundex.append(Similarity.soundex(name.given))
    familySoundex.append(Similarity.soundex(name.family))
    // address
    var street = Normalize.street(address?.street ?? "")
    if let ext = address?.extended, !ext.isEmpty, street.unit.isEmpty {
      let e = Normalize.street("unit " + ext)
      street.unit = e.unit
    }
    put(street.number)
    put(street.rest)
    put(street.unit)
    put(Normalize.fold(address?.locality ?? ""))
    put(Normalize.fold(address?.region ?? ""))
    put(Normalize.organization(c.organization ?? ""))
    return bad
  }

  @inline(__always)
  func span(_ record: Int, _ slot: Int) -> (Int, Int) {
    let s = spans[record &* ContactKeys.fieldCount &+ slot]
    return (Int(s >> 16), Int(s & 0xFFFF))
  }

  @inline(__always)
  func withField<R>(_ record: Int, _ slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let (o, n) = span(record, slot)
    return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[o..<(o + n)])) }
  }

  func bytes(_ record: Int, _ slot: Int) -> [UInt8] {
    let (o, n) = span(record, slot)
    return Array(arena[o..<(o + n)])
  }

  func hash(_ record: Int, _ slot: Int) -> UInt64 { withField(record, slot) { Similarity.hash($0) } }

  func isEmpty(_ record: Int, _ slot: Int) -> Bool { spans[record * ContactKeys.fieldCount + slot] & 0xFFFF == 0 }

  /// The first up-to-8 bytes of a field packed big-endian, for sorting.
  func prefix(_ record: Int, _ slot: Int) -> UInt64 {
    withField(record, slot) { p in
      var v: UInt64 = 0
      for i in 0..<8 { v = v << 8 | UInt64(i < p.count ? p[i] : 0) }
      return v
    }
  }
}
