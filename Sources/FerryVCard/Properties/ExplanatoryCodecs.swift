import FerryContentLines
import FerryModel

/// RFC 6350 §6.7 explanatory and §6.5 geographical properties.
enum ExplanatoryCodecs {
  static let all: [PropertyCodec] = [
    PropertyCodec("CATEGORIES") { line, card in
      card.contact.categories += card.version.list(line.value).compactMap { $0.trimmingCharacters().nonEmpty }
      return .mapped
    },
    PropertyCodec("NOTE") { line, card in
      card.contact.notes.append(card.text(line))
      return .mapped
    },
    PropertyCodec("UID") { line, card in
      guard card.first(.uid) else { return .keepRaw }
      card.contact.uid = card.text(line).trimmingCharacters().nonEmpty
      return .mapped
    },
    PropertyCodec("URL") { line, card in
      let tp = card.typesAndPreference(line)
      let value = card.text(line).trimmingCharacters()
      guard !value.isEmpty else { return .keepRaw }
      card.contact.urls.append(LabeledValue(value, types: tp.types, preference: tp.preference))
      card.remember(line, as: .url(card.contact.urls.count - 1))
      return .mapped
    },
    PropertyCodec("REV") { line, card in
      guard card.first(.rev) else { return .keepRaw }
      let text = card.text(line).trimmingCharacters()
      if let t = Timestamp(text: text) {
        card.contact.lastModified = t
      } else if let d = LocalDate(iso: text) {
        card.contact.lastModified = Timestamp(utc: LocalDateTime(date: d, time: .midnight))
      } else {
        return .failed("REV value \"\(line.value)\" is not a timestamp; kept raw")
      }
      return .mapped
    },
    PropertyCodec("TZ") { line, card in timeZone(line, &card) },
    PropertyCodec("X-TZ") { line, card in timeZone(line, &card) },
    PropertyCodec("GEO") { line, card in
      guard card.contact.geo == nil else { return .keepRaw }
      var text = card.text(line).trimmingCharacters()
      if text.hasPrefixIgnoringASCIICase("geo:") { text = String(text.dropFirst(4)) }
      if let semicolonParams = text.firstIndex(of: ";"), text.contains(",") { text = String(text[..<semicolonParams]) }
      let parts = text.split(whereSeparator: { $0 == ";" || $0 == "," }).map { $0.trimmingCharacters() }
      guard parts.count == 2, let lat = Double(parts[0]), let lon = Double(parts[1]), abs(lat) <= 90, abs(lon) <= 180
      else { return .failed("GEO value \"\(line.value)\" is not a latitude and longitude; kept raw") }
      card.contact.geo = Geo(latitude: lat, longitude: lon)
      return .mapped
    },
  ]

  static func timeZone(_ line: ContentLine, _ card: inout CardBuilder) -> DecodeResult {
    guard card.contact.timeZone == nil else { return .keepRaw }
    var text = card.text(line).trimmingCharacters()
    // Normalise basic offsets (`-0500`) to the extended form.
    if (text.hasPrefix("+") || text.hasPrefix("-")) && text.count == 5 && !text.contains(":") {
      text = String(text.prefix(3)) + ":" + text.suffix(2)
    }
    guard !text.isEmpty else { return .keepRaw }
    card.contact.timeZone = text
    return .mapped
  }
}
