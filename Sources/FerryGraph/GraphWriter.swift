import FerryModel
import FerryTime

/// Writes Microsoft Graph JSON `$batch` request files: `POST /users/{id}/contacts` and
/// `POST /users/{id}/events` (create), `PATCH` (update) and `DELETE` (delete), by
/// `WriteOptions.exchange.operation`.
///
/// A batch holds at most 20 requests (Graph's limit; `--batch` can lower it). Within a batch
/// each request after the first `dependsOn` the one before it: the batch runs fully
/// sequentially, so no mailbox gets parallel writes. Graph rejects a batch that mixes
/// requests with and without `dependsOn` (400, "Batch should be either fully sequential or
/// fully parallel"), so requests to other mailboxes wait too. One batch goes to `-o`; more go
/// to numbered files (`out-0001.json`, …).
/// The mailbox is `WriteOptions.exchange.mailbox`, else the record owner's e-mail, else `me`.
///
/// Graph invites every attendee of a created event, and nothing turns that off, so events
/// carry no attendees unless `--invite-attendees`; by default the attendees are listed in
/// the body.
public struct GraphWriter: RecordWriter {
  public static let maximumBatch = 20
  private let options: WriteOptions
  private let diagnostics: DiagnosticSink
  private var requests: [JSONValue] = []
  private var files: NumberedDocuments
  private var count = 0
  private var warnedFloating = false
  private var warnedAllDay = false
  /// The mailbox's copy of the item being updated (`write(_:replacing:)`).
  private var replacing: Record?
  public private(set) var skippedRecords = 0

  public init(destination: OutputDestination, options: WriteOptions, diagnostics: DiagnosticSink) {
    files = NumberedDocuments(destination: destination, concatenatesOnStandardOutput: true, what: "Graph")
    self.options = options
    self.diagnostics = diagnostics
  }

  private var batchSize: Int { max(1, min(Self.maximumBatch, options.exchange.batchSize)) }

  private func mailboxPath(_ record: Record) -> String {
    if let m = options.exchange.mailbox ?? record.owner?.email, !m.isEmpty {
      return "/users/" + GraphWriter.percentEncode(m)
    }
    return "/me"
  }

  /// Percent-encodes what a URL path segment cannot carry (RFC 3986 unreserved kept, plus `@`).
  static func percentEncode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "@"):
        out.unicodeScalars.append(Unicode.Scalar(b))
      default:
        let hex = Array("0123456789ABCDEF")
        out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
      }
    }
    return out
  }

  /// The Graph id of a record read from Graph or EWS.
  static func itemId(_ record: Record) -> String? {
    if let raw = record.raw.first(where: { $0.name == "id" && $0.origin == "graph" }) { return raw.value }
    if let s = record.source, s.system == "graph" || s.system == "exchange", let id = s.recordId { return id }
    return nil
  }

  /// An update whose PATCH also clears (null, or an empty list) what `previous` holds and
  /// `record` lacks: a property left out of a PATCH is left as it was.
  public mutating func write(_ record: Record, replacing previous: Record?) throws {
    replacing = previous
    defer { replacing = nil }
    try write(record)
  }

  /// `body` with every property of `previous`'s body that `body` lacks cleared, so that a
  /// PATCH clears it: a string is set to null (as Graph clears `mobilePhone` or `birthday`), a
  /// list to `[]`, an object (an address, `location`, `body`) to itself with empty strings
  /// (Graph answers null for an address with a server error; `contentType` stays `text`).
  /// Numbers and flags are left as they are.
  static func clearing(_ body: JSONValue, previous: JSONValue?) -> JSONValue {
    guard case .object(var pairs) = body, case .object(let old)? = previous else { return body }
    func emptied(_ value: JSONValue) -> JSONValue {
      switch value {
      case .string: return .string("")
      case .array: return .array([])
      case .object(let inner): return .object(inner.map { ($0.0, $0.0 == "contentType" ? .string("text") : emptied($0.1)) })
      case .number, .bool, .null: return value
      }
    }
    let present = Set(pairs.map(\.0))
    for (key, value) in old where !present.contains(key) {
      switch value {
      case .string: pairs.append((key, .null))
      case .array: pairs.append((key, .array([])))
      case .object: pairs.append((key, emptied(value)))
      case .number, .bool, .null: break
      }
    }
    return .object(pairs)
  }

  public mutating func write(_ record: Record) throws {
    count += 1
    let location = SourceLocation(file: "<output>", line: 1, column: 1, record: count)
    let mailbox = mailboxPath(record)
    let collection = record.kind == .contact ? "contacts" : "events"
    var method = "POST"
    var url = "\(mailbox)/\(collection)"
    var body: JSONValue?
    var mapping = GraphMapping(options: options, diagnostics: diagnostics, location: location)
    if options.exchange.operation != .create {
      guard let id = Self.itemId(record) else {
        diagnostics.error("record has no Graph item id to \(options.exchange.operation.rawValue); skipped", at: location)
        skippedRecords += 1
        return
      }
      url += "/" + Self.percentEncode(id)
      method = options.exchange.operation == .update ? "PATCH" : "DELETE"
    }
    if options.exchange.operation != .delete {
      switch record {
      case .contact(let c): body = try mapping.contact(c.contact)
      case .event(let e):
        if options.exchange.operation == .create,
          !ExchangeCalendarItem.canCreate(e.event, diagnostics: diagnostics, location: location)
        {
          skippedRecords += 1
          return
        }
        if let instances = series(e.event, location: location) {
          count -= 1
          if instances.isEmpty { skippedRecords += 1 }
          for instance in instances { try write(.event(instance)) }
          return
        }
        if !warnedFloating, options.calendar.zone == nil, ExchangeZones.hasFloatingTimes(e.event) {
          // Once per run, as the calendar CSV writers do.
          warnedFloating = true
          diagnostics.warning(
            "graph has no floating times and no --zone was given; times with no zone written as UTC (first: event \"\(e.summary ?? "")\")",
            at: location, code: "zone")
        }
        if !warnedAllDay, options.calendar.zone == nil, e.isAllDay, ExchangeZones(event: e.event, fallbackZone: nil).startZone == nil {
          // A whole day is midnight to midnight somewhere: without a zone it is UTC's days,
          // which mailboxes in other zones show across two days.
          warnedAllDay = true
          diagnostics.warning(
            "all-day events have no time zone and no --zone was given; written as UTC days, which a mailbox in another zone shows shifted: give --zone with the mailbox's zone (first: event \"\(e.summary ?? "")\")",
            at: location, code: "zone")
        }
        let (json, problem) = try mapping.event(e.event)
        if let problem { diagnostics.warning("\(problem); written as its first occurrence only", at: location, code: "unmapped") }
        if let r = e.recurrence, !r.exceptionDates.isEmpty || !r.overrides.isEmpty {
          diagnostics.warning(
            "\(r.exceptionDates.count) excluded and \(r.overrides.count) changed occurrences need follow-up requests; written as the series alone (a later ferry push run given the mailbox export, with the series' instances from calendarView, sends them as PATCH and DELETE of those instances)",
            at: location, code: "unmapped")
        }
        body = json
      }
    }
    if options.exchange.operation == .update, let previous = replacing, let new = body {
      var quiet = GraphMapping(options: options, diagnostics: .ignore, location: location)
      let old: JSONValue? =
        switch previous {
        case .contact(let c): try? quiet.contact(c.contact)
        case .event(let e): (try? quiet.event(e.event))?.0
        }
      body = Self.clearing(new, previous: old)
    }
    try append(method: method, url: url, body: body)
  }

  /// One request of the batch, after the one before it (`dependsOn`).
  private mutating func append(method: String, url: String, body: JSONValue?) throws {
    let id = String(requests.count + 1)
    var request: [(String, JSONValue)] = [("id", .string(id)), ("method", .string(method)), ("url", .string(url))]
    if requests.count > 0 { request.append(("dependsOn", .array([.string(String(requests.count))]))) }
    if let body {
      request.append(("headers", .object([("Content-Type", .string("application/json"))])))
      request.append(("body", body))
    }
    requests.append(.object(request))
    if requests.count >= batchSize { try emitBatch() }
  }

  /// Properties an occurrence takes from its series.
  private static let seriesOnly: Set<String> = ["recurrence", "singleValueExtendedProperties"]

  /// An update of a series the mailbox holds (`previous`), and of its single occurrences,
  /// each addressed by the instance id a calendarView export gave
  /// (`OccurrenceChanges.instanceIds`): a changed occurrence is a `PATCH` of its instance with
  /// the properties where it differs from the series' own occurrence (a moved one gets both
  /// `start` and `end`), an excluded one a `DELETE` of its instance. They follow the series'
  /// own `PATCH`. An occurrence with no instance id is reported and not sent.
  public mutating func write(_ record: Record, replacing previous: Record?, occurrences: OccurrenceChanges) throws {
    guard case .event(let series) = record, options.exchange.operation == .update else {
      guard occurrences.isEmpty else {
        throw FerryError(.usage, "single occurrences are written by a Graph update (--exchange-operation update), not \(options.exchange.operation.rawValue)")
      }
      try write(record, replacing: previous)
      return
    }
    let master = series.seriesPattern
    if occurrences.seriesUnchanged {
      count += 1
    } else {
      let old = previous.map { r -> Record in if case .event(let e) = r { .event(e.seriesPattern) } else { r } }
      let skipped = skippedRecords
      try write(.event(master), replacing: old)
      if skippedRecords > skipped { return }
    }
    let location = SourceLocation(file: "<output>", line: 1, column: 1, record: count)
    let events = mailboxPath(record) + "/events/"
    let zone = options.calendar.zone
    func instance(_ t: EventTime) -> String? {
      occurrences.instanceIds.first { SeriesOccurrences.same($0.recurrenceId, t, fallbackZone: zone) }?.id
    }
    let name = series.summary ?? ""
    func unsent(_ what: String, _ t: EventTime?) {
      diagnostics.warning(
        "\(what) occurrence \(t.map { "\"\($0.localDateTime)\"" } ?? "with no recurrence id") of series \"\(name)\" has no instance id in the mailbox export; not sent (export the calendar with calendarView)",
        at: location, code: "unmapped")
    }
    var quiet = GraphMapping(options: options, diagnostics: .ignore, location: location)
    for o in occurrences.modified {
      guard let rid = o.recurrenceId, let id = instance(rid) else {
        unsent("changed", o.recurrenceId)
        continue
      }
      let (original, changed) = SeriesOccurrences.occurrence(of: master, changedBy: o)
      guard case .object(let new) = try quiet.event(changed).body, case .object(let old) = try quiet.event(original).body else { continue }
      let oldByKey = Dictionary(old.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
      let newByKey = Dictionary(new.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
      let cleared = Self.clearing(.object(new), previous: .object(old))
      guard case .object(let all) = cleared else { continue }
      var body = all.filter { key, value in
        !Self.seriesOnly.contains(key) && (newByKey[key] == nil || oldByKey[key] != value)
      }
      let moved = body.contains { $0.0 == "start" || $0.0 == "end" }
      if moved {
        for key in ["start", "end"] where !body.contains(where: { $0.0 == key }) {
          if let value = newByKey[key] { body.append((key, value)) }
        }
      }
      guard !body.isEmpty else {
        diagnostics.note(
          "changed occurrence \"\(rid.localDateTime)\" of series \"\(name)\" differs from the series in nothing Graph holds; nothing sent for it",
          at: location, code: "unmapped")
        continue
      }
      try append(method: "PATCH", url: events + Self.percentEncode(id), body: .object(body))
    }
    for d in occurrences.deleted {
      guard let id = instance(d) else {
        unsent("excluded", d)
        continue
      }
      try append(method: "DELETE", url: events + Self.percentEncode(id), body: nil)
    }
  }

  /// The single events a recurring event goes out as, or nil when it goes out as a series
  /// (`--series`: skip drops, expand always expands, keep expands what Graph cannot hold).
  private func series(_ e: Event, location: SourceLocation) -> [Event]? {
    guard let recurrence = e.recurrence, recurrence.rule != nil || !recurrence.dates.isEmpty else { return nil }
    let today = ExchangeRecurrencePattern.today()
    switch options.calendar.series {
    case .skip:
      diagnostics.note("recurring event \"\(e.summary ?? "")\" skipped (--series skip)", at: location)
      return []
    case .expand:
      return ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: today).events
    case .keep:
      if let zone = ExchangeZones(event: e, fallbackZone: options.calendar.zone).startZone, zone.windowsName == nil {
        // The start would go out in UTC, and the pattern's start date must be the start's.
        let instances = ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: today).events
        diagnostics.warning(
          "series \"\(e.summary ?? "")\" is in time zone \"\(zone.name)\", which has no Windows id; written as \(instances.count) single events in the expansion window",
          at: location, code: "zone")
        return instances
      }
      if let rule = recurrence.rule, let start = e.start,
        case .failure(let problem) = ExchangeRecurrencePattern.make(rule, start: start.localDateTime.date, yearlyInterval: true)
      {
        let instances = ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: today).events
        diagnostics.warning(
          "\(problem.message); written as \(instances.count) single events in the expansion window", at: location, code: "unmapped")
        return instances
      }
      if recurrence.rule == nil {
        // RDATEs alone: Graph's recurrence is a pattern, and a list of dates is none.
        let instances = ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: today).events
        diagnostics.warning(
          "RDATE without an RRULE has no Graph pattern; written as \(instances.count) single events in the expansion window",
          at: location, code: "unmapped")
        return instances
      }
      if !recurrence.dates.isEmpty || !recurrence.extraRules.isEmpty {
        diagnostics.warning(
          "extra RRULEs and RDATEs have no Graph form; written as the main rule alone", at: location, code: "unmapped")
      }
      return nil
    }
  }

  private mutating func emitBatch() throws {
    guard !requests.isEmpty else { return }
    let bytes = JSONValue.object([("requests", .array(requests))]).prettyBytes()
    requests = []
    try files.write(bytes)
  }

  public mutating func finish() throws {
    try emitBatch()
    try files.finish()
  }
}
