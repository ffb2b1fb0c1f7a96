import FerryContentLines
import FerryModel

/// RFC 6350 §6.2 identification properties and their 2.1/3.0 and vendor spellings.
enum IdentificationCodecs {
  static let all: [PropertyCodec] = [
    PropertyCodec("FN") { line, card in
      guard card.first(.fn) else { return .keepRaw }
      card.contact.formattedName = card.text(line).nonEmpty
      return .mapped
    },
    PropertyCodec("N") { line, card in
      guard card.first(.n) else { return .keepRaw }
      // The parts as they come: no list of them to make (N is on nearly every card). Five
      // variables, not a tuple, which is destroyed through its metadata.
      var family, given, middle, prefix, suffix: String?
      _ = card.version.forEachTrimmedPart(of: line.value) { i, part in
        switch i {
        case 0: family = part
        case 1: given = part
        case 2: middle = part
        case 3: prefix = part
        case 4: suffix = part
        default: break
        }
      }
      card.contact.name.family = family
      card.contact.name.given = given
      card.contact.name.middle = middle
      card.contact.name.prefix = prefix
      card.contact.name.suffix = suffix
      return .mapped
    },
    PropertyCodec("NICKNAME") { line, card in
      card.contact.nicknames += card.version.list(line.value).compactMap { $0.trimmingCharacters().nonEmpty }
      return .mapped
    },
    PropertyCodec("PHOTO") { line, card in photo(line, &card) },
    PropertyCodec("X-MS-CARDPICTURE") { line, card in photo(line, &card) },
    PropertyCodec("BDAY") { line, card in
      guard card.first(.bday) else { return .keepRaw }
      guard let date = decodeDate(line, text: card.text(line)) else {
        return .failed("BDAY value \"\(line.value)\" is not a date; kept as text")
      }
      card.contact.birthday = date
      return .mapped
    },
    PropertyCodec("ANNIVERSARY", versions: [.v40]) { line, card in anniversary(line, &card) },
    PropertyCodec("X-ANNIVERSARY") { line, card in anniversary(line, &card) },
    PropertyCodec("X-MS-ANNIVERSARY") { line, card in anniversary(line, &card) },
    PropertyCodec("X-EVOLUTION-ANNIVERSARY") { line, card in anniversary(line, &card) },
    PropertyCodec("GENDER", versions: [.v40]) { line, card in gender(line, &card) },
    PropertyCodec("X-GENDER") { line, card in gender(line, &card) },
    PropertyCodec("KIND", versions: [.v40]) { line, card in kind(line, &card) },
    PropertyCodec("X-ADDRESSBOOKSERVER-KIND") { line, card in kind(line, &card) },
    PropertyCodec("X-PHONETIC-FIRST-NAME") { line, card in
      card.contact.name.phoneticGiven = card.text(line).nonEmpty
      return .mapped
    },
    PropertyCodec("X-PHONETIC-MIDDLE-NAME") { line, card in
      card.contact.name.phoneticMiddle = card.text(line).nonEmpty
      return .mapped
    },
    PropertyCodec("X-PHONETIC-LAST-NAME") { line, card in
      card.contact.name.phoneticFamily = card.text(line).nonEmpty
      return .mapped
    },
  ]

  static func photo(_ line: ContentLine, _ card: inout CardBuilder) -> DecodeResult {
    guard card.contact.photo == nil else { return .keepRaw }
    guard let media = decodeMedia(line) else {
      return .failed("\(line.name) value is neither base64 nor a URI; kept raw")
    }
    card.contact.photo = media
    return .mapped
  }

  static func anniversary(_ line: ContentLine, _ card: inout CardBuilder) -> DecodeResult {
    guard card.contact.anniversary == nil else { return .keepRaw }
    guard let date = decodeDate(line, text: card.text(line)) else {
      return .failed("\(line.name) value \"\(line.value)\" is not a date; kept as text")
    }
    card.contact.anniversary = date
    card.remember(line, as: .anniversary)
    return .mapped
  }

  static func gender(_ line: ContentLine, _ card: inout CardBuilder) -> DecodeResult {
    guard card.first(.gender) else { return .keepRaw }
    let parts = card.version.structured(line.value)
    var sex = parts.first?.trimmingCharacters().uppercased()
    switch sex {
    case "MALE": sex = "M"
    case "FEMALE": sex = "F"
    default: break
    }
    guard sex == nil || ["", "M", "F", "O", "N", "U"].contains(sex ?? "") else {
      card.contact.gender = Gender(sex: nil, identity: card.text(line))
      return .mapped
    }
    card.contact.gender = Gender(
      sex: sex?.nonEmpty, identity: parts.count > 1 ? parts[1...].joined(separator: ";").nonEmpty : nil)
    return .mapped
  }

  static func kind(_ line: ContentLine, _ card: inout CardBuilder) -> DecodeResult {
    guard card.first(.kind) else { return .keepRaw }
    card.contact.kind = card.text(line).trimmingCharacters().lowercased().nonEmpty
    return .mapped
  }
}
