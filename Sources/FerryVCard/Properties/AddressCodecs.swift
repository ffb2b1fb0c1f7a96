import FerryContentLines
import FerryModel

/// RFC 6350 §6.3 ADR, and the 2.1/3.0 LABEL that carries an address's formatted text.
enum AddressCodecs {
  static let all: [PropertyCodec] = [
    PropertyCodec("ADR") { line, card in
      let tp = card.typesAndPreference(line)
      // The parts as they come: no list of them to make.
      var poBox, extended, street, locality, region, postalCode, country: String?
      let count = card.version.forEachTrimmedPart(of: line.value) { i, part in
        switch i {
        case 0: poBox = part
        case 1: extended = part
        case 2: street = part
        case 3: locality = part
        case 4: region = part
        case 5: postalCode = part
        case 6: country = part
        default: break
        }
      }
      if count > 7 {
        // Too many components: keep the extra ones in the country so nothing is lost.
        country = card.version.structured(line.value)[6...].joined(separator: ";").nonEmpty
      }
      // Made in the append, not in a variable first: that was copied into the list (every
      // field retained) and then destroyed.
      card.contact.addresses.append(
        PostalAddress(
          poBox: poBox, extended: extended, street: street, locality: locality, region: region,
          postalCode: postalCode, country: country, types: tp.types, label: line.firstParameter("LABEL")?.nonEmpty,
          preference: tp.preference))
      card.remember(line, as: .address(card.contact.addresses.count - 1))
      return .mapped
    },
    PropertyCodec("LABEL", versions: [.v21, .v30]) { line, card in
      let text = card.text(line)
      let types = line.modelTypes
      // Attach to the address just read, else the first of the same types without a label.
      if let last = card.contact.addresses.indices.last, card.contact.addresses[last].label == nil,
        Set(card.contact.addresses[last].types) == Set(types) || types.isEmpty
      {
        // Writers put LABEL right after its ADR.
        card.contact.addresses[last].label = text
      } else if let i = card.contact.addresses.firstIndex(where: { $0.label == nil && Set($0.types) == Set(types) })
        ?? card.contact.addresses.firstIndex(where: { $0.label == nil && types.isEmpty })
      {
        card.contact.addresses[i].label = text
      } else {
        card.contact.addresses.append(PostalAddress(types: types, label: text, preference: line.preference))
      }
      return .mapped
    },
  ]
}
