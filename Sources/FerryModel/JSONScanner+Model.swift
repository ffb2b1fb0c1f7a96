import Foundation

// The NDJSON fast path for the model types whose Codable is not generated: the same reading as
// their `init(from:)` and the same bytes as their `encode(to:)` (see `JSONScanner`).

extension LocalDate: JSONScannable, JSONEmittable {}
extension LocalDateTime: JSONScannable, JSONEmittable {}
extension EventTime: JSONScannable, JSONEmittable {}
extension PartialDate: JSONScannable, JSONEmittable {}
extension Timestamp: JSONScannable, JSONEmittable {}
extension EventDuration: JSONScannable, JSONEmittable {}

extension Attendee.Role: JSONScannable, JSONEmittable {}
extension Attendee.Status: JSONScannable, JSONEmittable {}
extension Attendee.Kind: JSONScannable, JSONEmittable {}
extension Reminder.Action: JSONScannable, JSONEmittable {}
extension RelatedRecord.Role: JSONScannable, JSONEmittable {}
extension Event.Kind: JSONScannable, JSONEmittable {}
extension Event.Privacy: JSONScannable, JSONEmittable {}
extension Event.BusyStatus: JSONScannable, JSONEmittable {}
extension Event.Status: JSONScannable, JSONEmittable {}
extension RecurrenceRule.Frequency: JSONScannable, JSONEmittable {}
extension RecurrenceRule.Weekday: JSONScannable, JSONEmittable {}

extension Record: JSONScannable, JSONEmittable {
  /// `{"contact": {…}}` or `{"event": {…}}`; a line with both goes to `JSONDecoder`.
  public static func scan(_ s: inout JSONScanner) throws -> Record {
    var contact: Contact?
    var event: Event?
    var seen = (contact: false, event: false)
    try s.beginObject()
    var first = true
    while let key = try s.nextKey(&first) {
      switch key {
      case "contact":
        guard !seen.contact else { throw JSONScanner.GiveUp() }
        seen.contact = true
        contact = try s.optional(Contact.self)
      case "event":
        guard !seen.event else { throw JSONScanner.GiveUp() }
        seen.event = true
        event = try s.optional(Event.self)
      default:
        try s.skipUnknown()
      }
    }
    switch (contact, event) {
    case (let c?, nil): return .contact(c)
    case (nil, let e?): return .event(e)
    default: throw JSONScanner.GiveUp()
    }
  }

  public func emit(_ e: inout JSONEmitter) throws {
    e.beginObject()
    var first = true
    switch self {
    case .contact(let c):
      e.key("contact", &first)
      try c.contact.emit(&e)
    case .event(let ev):
      e.key("event", &first)
      try ev.event.emit(&e)
    }
    e.endObject()
  }
}

extension Media: JSONScannable, JSONEmittable {
  public static func scan(_ s: inout JSONScanner) throws -> Media {
    var uri: String?
    var data: String?
    var mediaType: String?
    var seen = 0
    try s.beginObject()
    var first = true
    while let key = try s.nextKey(&first) {
      let bit: Int
      switch key {
      case "uri": bit = 1; uri = try s.optional(String.self)
      case "data": bit = 2; data = try s.optional(String.self)
      case "mediaType": bit = 4; mediaType = try s.optional(String.self)
      default:
        try s.skipUnknown()
        continue
      }
      guard seen & bit == 0 else { throw JSONScanner.GiveUp() }
      seen |= bit
    }
    if let uri { return .uri(uri) }
    guard let data, let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else { throw JSONScanner.GiveUp() }
    return .data(Array(bytes), mediaType: mediaType)
  }

  public func emit(_ e: inout JSONEmitter) throws {
    e.beginObject()
    var first = true
    switch self {
    case .uri(let uri):
      e.key("uri", &first)
      e.string(uri)
    case .data(let bytes, let type):
      e.key("data", &first)
      e.string(Data(bytes).base64EncodedString())
      if let type {
        e.key("mediaType", &first)
        e.string(type)
      }
    }
    e.endObject()
  }
}

extension CalendarInfo: JSONScannable, JSONEmittable {
  /// As the synthesized Codable: every key optional but `raw`.
  public static func scan(_ s: inout JSONScanner) throws -> CalendarInfo {
    var info = CalendarInfo()
    var raw: [RawProperty]?
    var seen = 0
    try s.beginObject()
    var first = true
    while let key = try s.nextKey(&first) {
      let bit: Int
      switch key {
      case "name": bit = 1; info.name = try s.optional(String.self)
      case "timeZone": bit = 2; info.timeZone = try s.optional(String.self)
      case "method": bit = 4; info.method = try s.optional(String.self)
      case "productId": bit = 8; info.productId = try s.optional(String.self)
      case "scale": bit = 16; info.scale = try s.optional(String.self)
      case "raw": bit = 32; raw = try [RawProperty].scan(&s)
      default:
        try s.skipUnknown()
        continue
      }
      guard seen & bit == 0 else { throw JSONScanner.GiveUp() }
      seen |= bit
    }
    guard let raw else { throw JSONScanner.GiveUp() }
    info.raw = raw
    return info
  }

  public func emit(_ e: inout JSONEmitter) throws {
    e.beginObject()
    var first = true
    if let method { e.key("method", &first); e.string(method) }
    if let name { e.key("name", &first); e.string(name) }
    if let productId { e.key("productId", &first); e.string(productId) }
    e.key("raw", &first)
    try raw.emit(&e)
    if let scale { e.key("scale", &first); e.string(scale) }
    if let timeZone { e.key("timeZone", &first); e.string(timeZone) }
    e.endObject()
  }
}

extension RecurrenceRule.WeekdayNum: JSONScannable, JSONEmittable {
  /// As the synthesized Codable: `ordinal` optional, `weekday` required.
  public static func scan(_ s: inout JSONScanner) throws -> RecurrenceRule.WeekdayNum {
    var ordinal: Int?
    var weekday: RecurrenceRule.Weekday?
    var seen = 0
    try s.beginObject()
    var first = true
    while let key = try s.nextKey(&first) {
      let bit: Int
      switch key {
      case "ordinal": bit = 1; ordinal = try s.optional(Int.self)
      case "weekday": bit = 2; weekday = try RecurrenceRule.Weekday.scan(&s)
      default:
        try s.skipUnknown()
        continue
      }
      guard seen & bit == 0 else { throw JSONScanner.GiveUp() }
      seen |= bit
    }
    guard let weekday else { throw JSONScanner.GiveUp() }
    return RecurrenceRule.WeekdayNum(weekday, ordinal: ordinal)
  }

  public func emit(_ e: inout JSONEmitter) throws {
    e.beginObject()
    var first = true
    if let ordinal { e.key("ordinal", &first); e.int(ordinal) }
    e.key("weekday", &first)
    e.string(weekday.rawValue)
    e.endObject()
  }
}
