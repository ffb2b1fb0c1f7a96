import FerryModel
import FerryTime

/// One change to an existing item: what `UpdateItem` sends for it.
public struct EWSItemChange: Sendable, Hashable {
  public var itemId: String
  public var changeKey: String?
  /// `Contact` or `CalendarItem`.
  public var itemElement: String
  /// Fields to set, with their new values.
  public var fieldsToSet: [EWSField]
  /// Fields to clear.
  public var fieldsToDelete: [EWSField]
  /// Set for a change to one occurrence of a series: `itemId` is then the recurring
  /// master's, and the change goes to `t:OccurrenceItemId` with this `InstanceIndex`.
  public var instanceIndex: Int? = nil
  public var isEmpty: Bool { fieldsToSet.isEmpty && fieldsToDelete.isEmpty }
}

/// An item a request names: `t:ItemId`, or with `instanceIndex` one occurrence of the
/// recurring master `id` (`t:OccurrenceItemId`, `InstanceIndex` 1-based in the pattern).
public struct EWSItemTarget: Sendable, Hashable {
  public var id: String
  public var changeKey: String?
  public var instanceIndex: Int?
  public init(id: String, changeKey: String? = nil, instanceIndex: Int? = nil) {
    self.id = id
    self.changeKey = changeKey
    self.instanceIndex = instanceIndex
  }
}

/// Builds EWS request documents: the API the push planner calls.
///
/// ```swift
/// let docs = EWSDocuments(options: options, diagnostics: sink)
/// let change = try docs.update(itemId: id, changeKey: ck, old: before, new: after)
/// let xml = try docs.updateItem([change])   // one UpdateItem request, SOAP envelope included
/// ```
///
/// An update tells "clear this field" (the field is in `old`, not in `new`:
/// `DeleteItemField`) from "unchanged" (equal in both: nothing sent). Without an old record
/// every mapped field of the new one is set and nothing is cleared.
public struct EWSDocuments {
  public var options: WriteOptions
  public var diagnostics: DiagnosticSink

  public init(options: WriteOptions, diagnostics: DiagnosticSink) {
    self.options = options
    self.diagnostics = diagnostics
  }

  /// The fields ferry writes for a record, in schema order.
  public func fields(_ record: Record, location: SourceLocation? = nil) throws -> [EWSField] {
    var mapper = EWSItemFields(options: options, diagnostics: diagnostics, location: location)
    switch record {
    case .contact(let c): return try mapper.fields(c.contact)
    case .event(let e): return try mapper.fields(e.event, recurrence: recurrenceElement(e.event, location: location))
    }
  }

  /// The `t:Recurrence` element for an event, or nil (with a diagnostic) when it has none
  /// or EWS cannot express its rule.
  func recurrenceElement(_ e: Event, location: SourceLocation?) -> XMLElement? {
    guard let recurrence = e.recurrence, let rule = recurrence.rule, let start = e.start else { return nil }
    let zones = ExchangeZones(event: e, fallbackZone: options.calendar.zone)
    var startDate = start.localDateTime.date
    if case .utc(let t) = start, let target = zones.fallback {
      // The pattern's dates are the series' dates in --zone (a tz database or Windows name).
      startDate = target.zone.local(fromUTC: t).date
    }
    switch EWSRecurrence.element(for: zones.localUntil(rule), start: startDate) {
    case .success(let element):
      if !recurrence.extraRules.isEmpty || !recurrence.dates.isEmpty {
        diagnostics.warning("extra RRULEs and RDATEs have no EWS form; written as the main rule alone", at: location, code: "unmapped")
      }
      if !recurrence.exceptionDates.isEmpty || !recurrence.overrides.isEmpty {
        diagnostics.warning(
          "\(recurrence.exceptionDates.count) excluded and \(recurrence.overrides.count) changed occurrences cannot be sent in CreateItem; written as the series alone (a later ferry push run given the mailbox export, which holds the series' ItemId, sends them as occurrence deletes and updates)",
          at: location, code: "unmapped")
      }
      return element
    case .failure(let problem):
      diagnostics.warning("\(problem.message); written as its first occurrence only", at: location, code: "unmapped")
      return nil
    }
  }

  /// The change that turns `old` into `new` for the item `itemId`.
  public func update(itemId: String, changeKey: String?, old: Record?, new: Record) throws -> EWSItemChange {
    let newFields = try fields(new)
    let element = new.kind == .contact ? "Contact" : "CalendarItem"
    guard let old else {
      return EWSItemChange(itemId: itemId, changeKey: changeKey, itemElement: element, fieldsToSet: newFields, fieldsToDelete: [])
    }
    let quiet = EWSDocuments(options: options, diagnostics: .ignore)
    let oldFields = try quiet.fields(old)
    let oldByKey = Dictionary(oldFields.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let newKeys = Set(newFields.map(\.key))
    let set = newFields.filter { oldByKey[$0.key] != $0 }
    let delete = oldFields.filter { !newKeys.contains($0.key) }
    return EWSItemChange(itemId: itemId, changeKey: changeKey, itemElement: element, fieldsToSet: set, fieldsToDelete: delete)
  }

  /// Fields an occurrence takes from its series and cannot hold on its own.
  private static let seriesOnly: Set<String> = ["calendar:UID", "calendar:Recurrence", "calendar:MeetingTimeZone"]

  /// The change that turns one occurrence of `series` (the one `override.recurrenceId`
  /// names, at `instanceIndex` in its pattern) into `override`: the fields where the
  /// override, completed from the series (`Event.inheriting(from:)`), differs from the
  /// series' own occurrence. A moved occurrence also gets its time zones, so that Exchange
  /// reads the new times in them. `masterId` is the recurring master's `ItemId`.
  public func occurrenceChange(
    masterId: String, changeKey: String?, instanceIndex: Int, series: Event, override: Event
  ) throws -> EWSItemChange {
    let (old, new) = SeriesOccurrences.occurrence(of: series, changedBy: override)
    let quiet = EWSDocuments(options: options, diagnostics: .ignore)
    var change = try quiet.update(itemId: masterId, changeKey: changeKey, old: .event(old), new: .event(new))
    func allowed(_ f: EWSField) -> Bool {
      guard let uri = f.path.attribute("FieldURI") else { return false }  // extended properties are the series'
      return !Self.seriesOnly.contains(uri)
    }
    change.fieldsToSet = change.fieldsToSet.filter(allowed)
    change.fieldsToDelete = change.fieldsToDelete.filter(allowed)
    let moved = change.fieldsToSet.contains { ["calendar:Start", "calendar:End"].contains($0.path.attribute("FieldURI") ?? "") }
    if moved {
      let zones = try quiet.fields(.event(new)).filter {
        ["calendar:StartTimeZone", "calendar:EndTimeZone"].contains($0.path.attribute("FieldURI") ?? "")
      }
      for z in zones where !change.fieldsToSet.contains(where: { $0.key == z.key }) { change.fieldsToSet.append(z) }
    }
    change.instanceIndex = instanceIndex
    return change
  }

  // MARK: - Documents

  private func envelope(_ sink: XMLTextWriterSink, body: () -> Void) {
    openEnvelope(sink)
    body()
    closeEnvelope(sink)
  }

  /// The document up to the open `soap:Body`.
  private func openEnvelope(_ sink: XMLTextWriterSink) {
    sink.startDocument()
    sink.start("soap:Envelope")
    sink.attribute("xmlns:soap", EWSNamespace.soap)
    sink.attribute("xmlns:m", EWSNamespace.messages)
    sink.attribute("xmlns:t", EWSNamespace.types)
    sink.start("soap:Header")
    sink.start("t:RequestServerVersion")
    sink.attribute("Version", options.exchange.serverVersion)
    sink.end()
    sink.end()
    sink.start("soap:Body")
  }

  /// Closes `soap:Body`, the envelope and the document.
  private func closeEnvelope(_ sink: XMLTextWriterSink) {
    sink.end()
    sink.end()
    sink.endDocument()
  }

  private func makeSink() throws -> XMLTextWriterSink {
    guard let sink = XMLTextWriterSink() else { throw FerryError(.io, "cannot start the XML writer") }
    return sink
  }

  private func finish(_ sink: XMLTextWriterSink) throws -> [UInt8] {
    let bytes = sink.drain()
    if sink.failed { throw FerryError(.io, "the XML writer failed") }
    return bytes
  }

  private static let distinguished: Set<String> = [
    "calendar", "contacts", "deleteditems", "drafts", "inbox", "journal", "notes", "outbox", "sentitems", "tasks",
    "msgfolderroot", "root", "junkemail", "searchfolders", "voicemail", "recoverableitemsroot", "archiveroot",
  ]

  private func folder(_ sink: XMLTextWriterSink, _ kind: RecordKind) {
    let name = (kind == .contact ? options.exchange.contactsFolder : options.exchange.calendarFolder)
      ?? (kind == .contact ? "contacts" : "calendar")
    sink.start("m:SavedItemFolderId")
    if Self.distinguished.contains(name.lowercased()) {
      sink.start("t:DistinguishedFolderId")
      sink.attribute("Id", name.lowercased())
      if let mailbox = options.exchange.mailbox {
        sink.start("t:Mailbox")
        sink.leaf("t:EmailAddress", mailbox)
        sink.end()
      }
      sink.end()
    } else {
      // Not a distinguished name: an EWS folder id (FindFolder gives it).
      sink.start("t:FolderId")
      sink.attribute("Id", name)
      sink.end()
    }
    sink.end()
  }

  /// A `CreateItem` request for items of one kind, given as their fields.
  public func createItem(kind: RecordKind, items: [[EWSField]]) throws -> [UInt8] {
    let sink = try makeSink()
    envelope(sink) { writeCreateItem(sink, kind: kind, items: items) }
    return try finish(sink)
  }

  /// The `m:CreateItem` element alone (what the schema validates).
  func writeCreateItem(_ sink: XMLTextWriterSink, kind: RecordKind, items: [[EWSField]]) {
    openCreateItem(sink, kind: kind)
    for fields in items { writeItem(sink, kind: kind, fields: fields) }
    closeCreateItem(sink)
  }

  /// `m:CreateItem` and its folder, up to the open `m:Items`.
  private func openCreateItem(_ sink: XMLTextWriterSink, kind: RecordKind) {
    sink.start("m:CreateItem")
    if kind == .event { sink.attribute("SendMeetingInvitations", "SendToNone") }
    folder(sink, kind)
    sink.start("m:Items")
  }

  private func closeCreateItem(_ sink: XMLTextWriterSink) {
    sink.end()
    sink.end()
  }

  /// One item of a `CreateItem`, from its fields.
  func writeItem(_ sink: XMLTextWriterSink, kind: RecordKind, fields: [EWSField]) {
    sink.start(kind == .contact ? "t:Contact" : "t:CalendarItem")
    EWSItemFields.writeMerged(fields, to: sink)
    sink.end()
  }

  /// A `CreateItem` request written one item at a time (`EWSWriter`), so that no batch of
  /// fields is held: `startCreateItem`, `writeItem` per item, then `finishCreateItem` gives
  /// the same bytes as `createItem(kind:items:)` for the same items.
  func startCreateItem(kind: RecordKind) throws -> XMLTextWriterSink {
    let sink = try makeSink()
    openEnvelope(sink)
    openCreateItem(sink, kind: kind)
    return sink
  }

  func finishCreateItem(_ sink: XMLTextWriterSink) throws -> [UInt8] {
    closeCreateItem(sink)
    closeEnvelope(sink)
    return try finish(sink)
  }

  /// An `UpdateItem` request.
  public func updateItem(_ changes: [EWSItemChange]) throws -> [UInt8] {
    let sink = try makeSink()
    envelope(sink) {
      sink.start("m:UpdateItem")
      sink.attribute("ConflictResolution", changes.contains { $0.changeKey != nil } ? "AutoResolve" : "AlwaysOverwrite")
      sink.attribute("MessageDisposition", "SaveOnly")
      sink.attribute("SendMeetingInvitationsOrCancellations", "SendToNone")
      sink.start("m:ItemChanges")
      for change in changes {
        sink.start("t:ItemChange")
        writeId(sink, EWSItemTarget(id: change.itemId, changeKey: change.changeKey, instanceIndex: change.instanceIndex))
        sink.start("t:Updates")
        for f in change.fieldsToSet {
          sink.start("t:SetItemField")
          sink.write(f.path)
          sink.start(prefix: "t:", change.itemElement)
          sink.write(f.node)
          sink.end()
          sink.end()
        }
        for f in change.fieldsToDelete {
          sink.start("t:DeleteItemField")
          sink.write(f.path)
          sink.end()
        }
        sink.end()
        sink.end()
      }
      sink.end()
      sink.end()
    }
    return try finish(sink)
  }

  /// A `DeleteItem` request (moves to Deleted Items; no cancellations sent).
  public func deleteItem(_ ids: [(id: String, changeKey: String?)]) throws -> [UInt8] {
    try deleteItem(targets: ids.map { EWSItemTarget(id: $0.id, changeKey: $0.changeKey) })
  }

  /// A `DeleteItem` request for items or single occurrences (`t:OccurrenceItemId`).
  public func deleteItem(targets: [EWSItemTarget]) throws -> [UInt8] {
    let sink = try makeSink()
    envelope(sink) {
      sink.start("m:DeleteItem")
      sink.attribute("DeleteType", "MoveToDeletedItems")
      sink.attribute("SendMeetingCancellations", "SendToNone")
      sink.start("m:ItemIds")
      for target in targets { writeId(sink, target) }
      sink.end()
      sink.end()
    }
    return try finish(sink)
  }

  /// `t:ItemId`, or `t:OccurrenceItemId` for one occurrence (attributes in the schema's order).
  private func writeId(_ sink: XMLTextWriterSink, _ target: EWSItemTarget) {
    if let index = target.instanceIndex {
      sink.start("t:OccurrenceItemId")
      sink.attribute("RecurringMasterId", target.id)
      if let ck = target.changeKey { sink.attribute("ChangeKey", ck) }
      sink.attribute("InstanceIndex", String(index))
    } else {
      sink.start("t:ItemId")
      sink.attribute("Id", target.id)
      if let ck = target.changeKey { sink.attribute("ChangeKey", ck) }
    }
    sink.end()
  }

  /// The EWS item id of a record read from EWS: its raw `ItemId`, else an `exchange` source id.
  public static func itemId(of record: Record) -> (id: String, changeKey: String?)? {
    if let raw = record.raw.first(where: { $0.name == "ItemId" && $0.origin == "ews" }), !raw.value.isEmpty {
      return (raw.value, raw.parameter("ChangeKey")?.first)
    }
    if let source = record.source, source.system == "exchange", let id = source.recordId { return (id, nil) }
    return nil
  }
}
