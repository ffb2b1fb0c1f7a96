import FerryContentLines
import FerryModel

/// RFC 6350 §6.6 organizational properties, and the vendor spellings of related people.
enum OrganizationCodecs {
  /// Extension property → relation.
  static let relatedProperties: [String: String] = [
    "X-SPOUSE": "spouse", "X-ASSISTANT": "assistant", "X-MANAGER": "manager", "X-MS-SPOUSE": "spouse",
    "X-MS-ASSISTANT": "assistant", "X-MS-MANAGER": "manager", "X-MS-CHILD": "child",
    "X-EVOLUTION-SPOUSE": "spouse", "X-EVOLUTION-ASSISTANT": "assistant", "X-EVOLUTION-MANAGER": "manager",
    "X-KADDRESSBOOK-X-SPOUSENAME": "spouse", "X-KADDRESSBOOK-X-ASSISTANTSNAME": "assistant",
    "X-KADDRESSBOOK-X-MANAGERSNAME": "manager", "X-ABRELATEDNAMES": "contact",
  ]

  static let all: [PropertyCodec] =
    [
      PropertyCodec("TITLE") { line, card in
        guard card.first(.title) else { return .keepRaw }
        card.contact.title = card.text(line).nonEmpty
        return .mapped
      },
      PropertyCodec("ROLE") { line, card in
        guard card.first(.role) else { return .keepRaw }
        card.contact.role = card.text(line).nonEmpty
        return .mapped
      },
      PropertyCodec("LOGO") { line, card in
        guard card.contact.logo == nil else { return .keepRaw }
        guard let media = decodeMedia(line) else { return .failed("LOGO value is neither base64 nor a URI; kept raw") }
        card.contact.logo = media
        return .mapped
      },
      PropertyCodec("ORG") { line, card in
        guard card.first(.org) else { return .keepRaw }
        // The parts as they come: the organization, then the units, the non-empty ones
        // joined with `;` into the department (the usual one unit is taken as it is).
        var organization: String?
        var department: String?
        let count = card.version.forEachTrimmedPart(of: line.value) { i, part in
          if i == 0 {
            organization = part
          } else if let part {
            if let d = department { department = d + ";" + part } else { department = part }
          }
        }
        card.contact.organization = organization
        if count > 1 { card.contact.department = department }
        return .mapped
      },
      PropertyCodec("RELATED", versions: [.v40]) { line, card in
        let value = card.text(line).trimmingCharacters()
        guard !value.isEmpty else { return .keepRaw }
        let relation = line.modelTypes.first ?? "contact"
        let isURI = line.valueType != "text" && value.contains(":")
        card.contact.related.append(RelatedPerson(relation: relation, value: value, isURI: isURI))
        card.remember(line, as: .related(card.contact.related.count - 1))
        return .mapped
      },
    ]
    + relatedProperties.map { name, relation in
      PropertyCodec(name) { line, card in
        let value = card.text(line).trimmingCharacters()
        guard !value.isEmpty else { return .keepRaw }
        card.contact.related.append(RelatedPerson(relation: relation, value: value))
        card.remember(line, as: .related(card.contact.related.count - 1))
        return .mapped
      }
    }
}
