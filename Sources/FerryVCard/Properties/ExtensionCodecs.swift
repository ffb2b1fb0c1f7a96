import FerryContentLines
import FerryModel

/// Vendor extensions that map onto the model: Apple's `X-ABLabel` and `X-ABDATE`, and the
/// properties ferry itself writes for CRM fields vCard has no home for (`X-FERRY-*`).
enum ExtensionCodecs {
  static let all: [PropertyCodec] = [
    PropertyCodec("X-ABLABEL") { line, card in
      guard let group = line.group else { return .keepRaw }
      card.labels.append((group.uppercasedType(), card.text(line), line))
      return .mapped
    },
    PropertyCodec("X-ABDATE") { line, card in
      // Apple: `item1.X-ABDATE:2004-06-11` with `item1.X-ABLabel:_$!<Anniversary>!$_`. Only
      // the anniversary has a home; the label decides at the end of the card.
      guard card.contact.anniversary == nil, let group = line.group,
        let date = decodeDate(line, text: card.text(line))
      else { return .keepRaw }
      guard card.labelValue(group: group)?.lowercased() == "anniversary" else { return .keepRaw }
      card.contact.anniversary = date
      card.remember(line, as: .anniversary)
      return .mapped
    },
    PropertyCodec("X-FERRY-SOURCE") { line, card in
      guard card.first(.ferrySource) else { return .keepRaw }
      let system = line.firstParameter("X-SYSTEM") ?? "unknown"
      card.contact.source = SourceIdentity(
        system: system, objectType: line.firstParameter("X-OBJECT"), recordId: card.text(line).nonEmpty)
      return .mapped
    },
    PropertyCodec("X-FERRY-OWNER") { line, card in
      guard card.first(.ferryOwner) else { return .keepRaw }
      card.contact.owner = Owner(
        id: line.firstParameter("X-ID"), name: card.text(line).nonEmpty, email: line.firstParameter("X-EMAIL"))
      return .mapped
    },
    PropertyCodec("X-FERRY-ACCOUNT") { line, card in
      guard card.first(.ferryAccount) else { return .keepRaw }
      card.contact.accountId = card.text(line).nonEmpty
      return .mapped
    },
    PropertyCodec("X-FERRY-CREATED") { line, card in
      guard card.first(.ferryCreated), let t = Timestamp(text: card.text(line)) else {
        return .failed("X-FERRY-CREATED value \"\(line.value)\" is not a timestamp; kept raw")
      }
      card.contact.created = t
      return .mapped
    },
  ]
}

/// Apple's standard labels: `_$!<Other>!$_` reads as `Other`.
enum AppleLabel {
  static func decode(_ text: String) -> String {
    if text.hasPrefix("_$!<") && text.hasSuffix(">!$_") && text.count >= 8 {
      return String(text.dropFirst(4).dropLast(4))
    }
    return text
  }

  static let standard: Set<String> = [
    "Other", "Home", "Work", "Main", "HomeFAX", "WorkFAX", "OtherFAX", "Pager", "Mobile", "iPhone", "HomePage",
    "Anniversary", "Spouse", "Child", "Mother", "Father", "Parent", "Brother", "Sister", "Friend", "Assistant",
    "Manager", "Partner",
  ]

  static func encode(_ label: String) -> String { standard.contains(label) ? "_$!<\(label)>!$_" : label }
}

extension CardBuilder {
  /// The X-ABLabel text already read for a group (Apple writes the label after the value,
  /// so this is only a hint; `applyLabels` does the real work).
  func labelValue(group: String) -> String? {
    let group = group.uppercasedType()
    var value: String?
    for label in labels where label.group == group { value = label.value }
    return value.map { AppleLabel.decode($0) }
  }
}
