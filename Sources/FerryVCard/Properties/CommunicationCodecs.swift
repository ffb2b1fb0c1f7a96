import FerryContentLines
import FerryModel

/// RFC 6350 §6.4 communication properties (TEL, EMAIL, IMPP, LANG) and the IM extensions.
enum CommunicationCodecs {
  /// `X-SKYPE` and friends: property name and service. Ordered: a vCard 2.1 writer uses the
  /// first name listed for a service (`X-GOOGLE-TALK`, as Android writes, not `X-GTALK`).
  static let imProperties: [(name: String, service: String)] = [
    ("X-SKYPE", "skype"), ("X-SKYPE-USERNAME", "skype"), ("X-AIM", "aim"), ("X-ICQ", "icq"), ("X-JABBER", "xmpp"),
    ("X-MSN", "msn"), ("X-YAHOO", "yahoo"), ("X-GADUGADU", "gadugadu"), ("X-QQ", "qq"), ("X-GOOGLE-TALK", "gtalk"),
    ("X-GTALK", "gtalk"), ("X-GROUPWISE", "groupwise"), ("X-TWITTER", "twitter"), ("X-MS-IMADDRESS", "msn"),
    ("X-SIP", "sip"), ("X-WECHAT", "wechat"), ("X-LINE", "line"),
  ]

  static let all: [PropertyCodec] =
    [
      PropertyCodec("TEL") { line, card in tel(line, &card) },
      PropertyCodec("X-MS-TEL") { line, card in tel(line, &card) },
      PropertyCodec("EMAIL") { line, card in
        let tp = card.typesAndPreference(line)
        let address = card.text(line).trimmingCharacters()
        guard !address.isEmpty else { return .keepRaw }
        // Cards list a few: room for them at once, not one reallocation per address.
        if card.contact.emails.isEmpty { card.contact.emails.reserveCapacity(4) }
        card.contact.emails.append(EmailAddress(address, types: tp.types, preference: tp.preference))
        card.remember(line, as: .email(card.contact.emails.count - 1))
        return .mapped
      },
      PropertyCodec("IMPP", versions: [.v30, .v40]) { line, card in
        let tp = card.typesAndPreference(line)
        let value = card.text(line).trimmingCharacters()
        guard !value.isEmpty else { return .keepRaw }
        var service: String?
        var handle = value
        if let colon = value.firstIndex(of: ":") {
          service = value[..<colon].lowercased()
          handle = String(value[value.index(after: colon)...])
        }
        if let s = line.firstParameter("X-SERVICE-TYPE") { service = service ?? s.lowercased() }
        card.contact.instantMessaging.append(
          IMHandle(service: service, handle: handle, types: tp.types, preference: tp.preference))
        card.remember(line, as: .im(card.contact.instantMessaging.count - 1))
        return .mapped
      },
      PropertyCodec("LANG", versions: [.v40]) { line, card in lang(line, &card) },
      PropertyCodec("X-LANG") { line, card in lang(line, &card) },
    ]
    + imProperties.map { name, service in
      PropertyCodec(name) { line, card in
        let tp = card.typesAndPreference(line)
        let handle = card.text(line).trimmingCharacters()
        guard !handle.isEmpty else { return .keepRaw }
        card.contact.instantMessaging.append(
          IMHandle(service: service, handle: handle, types: tp.types, preference: tp.preference))
        card.remember(line, as: .im(card.contact.instantMessaging.count - 1))
        return .mapped
      }
    }

  static func tel(_ line: ContentLine, _ card: inout CardBuilder) -> DecodeResult {
    let tp = card.typesAndPreference(line)
    var number = card.text(line).trimmingCharacters()
    // `tel:` in any case, its bytes read in place (the generic prefix test walks string
    // indices, on every number).
    let isURI =
      number.utf8.withContiguousStorageIfAvailable { b in
        b.count >= 4 && b[0] | 0x20 == UInt8(ascii: "t") && b[1] | 0x20 == UInt8(ascii: "e")
          && b[2] | 0x20 == UInt8(ascii: "l") && b[3] == UInt8(ascii: ":")
      } ?? number.hasPrefixIgnoringASCIICase("tel:")
    if isURI { number = String(number.dropFirst(4)) }
    guard !number.isEmpty else { return .keepRaw }
    // Outlook's X-MS-TEL;TYPE=TTYTDD is the model's `tty` (Outlook CSV's TTY/TDD Phone).
    var types = tp.types
    // Lengths first: unequal short strings compare through a runtime call.
    for i in types.indices where types[i].utf8.count == 6 && types[i] == "ttytdd" { types[i] = "tty" }
    // Cards list a few: room for them at once, not one reallocation per number.
    if card.contact.phones.isEmpty { card.contact.phones.reserveCapacity(4) }
    card.contact.phones.append(PhoneNumber(number, types: types, preference: tp.preference))
    card.remember(line, as: .phone(card.contact.phones.count - 1))
    return .mapped
  }

  static func lang(_ line: ContentLine, _ card: inout CardBuilder) -> DecodeResult {
    let value = card.text(line).trimmingCharacters()
    guard !value.isEmpty else { return .keepRaw }
    card.contact.languages.append(value)
    return .mapped
  }
}
