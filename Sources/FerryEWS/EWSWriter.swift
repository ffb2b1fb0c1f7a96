import FerryModel
import FerryTime

/// Writes EWS request documents: `CreateItem` (default), `UpdateItem` or `DeleteItem`
/// (`WriteOptions.exchange.operation`), `--batch` items per document.
///
/// One document goes to `-o`; when there are more, they go to numbered files beside it
/// (`out-0001.xml`, `out-0002.xml`, …). Contacts and calendar items go in separate documents,
/// since a `CreateItem` has one target folder. Memory is bounded by one batch: the first
/// document is held until a second one shows whether numbering is needed.
public struct EWSWriter: RecordWriter {
  private let options: WriteOptions
  private let diagnostics: DiagnosticSink
  private let documents: EWSDocuments
  /// The `CreateItem` documents being written, items going in as they come, and their counts.
  private var contacts: (document: XMLTextWriterSink, count: Int)?
  private var events: (document: XMLTextWriterSink, count: Int)?
  private var changes: [EWSItemChange] = []
  private var deletes: [EWSItemTarget] = []
  private var files: NumberedDocuments
  private var count = 0
  private var warnedFloating = false
  private var warnedAllDay = false
  /// The mailbox's copy of the item being updated (`write(_:replacing:)`).
  private var replacing: Record?
  public private(set) var skippedRecords = 0

  public init(destination: OutputDestination, options: WriteOptions, diagnostics: DiagnosticSink) throws {
    files = NumberedDocuments(destination: destination, what: "EWS")
    self.options = options
    self.diagnostics = diagnostics
    documents = EWSDocuments(options: options, diagnostics: diagnostics)
  }

  private var batchSize: Int { max(1, options.exchange.batchSize) }

  /// An update that also clears (`DeleteItemField`) what `previous` holds and `record` lacks.
  public mutating func write(_ record: Record, replacing previous: Record?) throws {
    replacing = previous
    defer { replacing = nil }
    try write(record)
  }

  public mutating func write(_ record: Record) throws {
    count += 1
    let location = SourceLocation(file: "<output>", line: 1, column: 1, record: count)
    switch options.exchange.operation {
    case .create:
      if case .event(let e) = record, !ExchangeCalendarItem.canCreate(e.event, diagnostics: diagnostics, location: location) {
        skippedRecords += 1
        return
      }
      if case .event(let e) = record, !warnedFloating, options.calendar.zone == nil,
        ExchangeZones.hasFloatingTimes(e.event)
      {
        // Once per run, as the calendar CSV writers do.
        warnedFloating = true
        diagnostics.warning(
          "ews has no floating times and no --zone was given; times with no zone written without an offset, which Exchange reads as UTC (first: event \"\(e.summary ?? "")\")",
          at: location, code: "zone")
      }
      if case .event(let e) = record, !warnedAllDay, options.calendar.zone == nil, e.isAllDay,
        ExchangeZones(event: e.event, fallbackZone: nil).startZone == nil
      {
        // Midnight with no StartTimeZone is midnight in the request's zone, UTC here: a
        // mailbox in another zone shows the day shifted, or as a two-day event.
        warnedAllDay = true
        diagnostics.warning(
          "all-day events have no time zone and no --zone was given; written with no StartTimeZone, which Exchange reads as UTC days: give --zone with the mailbox's zone (first: event \"\(e.summary ?? "")\")",
          at: location, code: "zone")
      }
      if case .event(let e) = record, let instances = try series(e.event, location: location) {
        if instances.isEmpty { skippedRecords += 1 }
        for instance in instances { try add(.event(instance), location: location) }
        return
      }
      try add(record, location: location)
    case .update:

      guard let id = EWSDocuments.itemId(of: record) else {
        diagnostics.error("record has no EWS item id to update; skipped", at: location)
        skippedRecords += 1
        return
      }
      changes.append(try documents.update(itemId: id.id, changeKey: id.changeKey, old: replacing, new: record))
      if changes.count >= batchSize { try emit(documents.updateItem(changes)); changes = [] }
    case .delete:
      guard let id = EWSDocuments.itemId(of: record) else {
        diagnostics.error("record has no EWS item id to delete; skipped", at: location)
        skippedRecords += 1
        return
      }
      deletes.append(EWSItemTarget(id: id.id, changeKey: id.changeKey))
      if deletes.count >= batchSize { try emit(documents.deleteItem(targets: deletes)); deletes = [] }
    }
  }

  /// An update of a series the mailbox holds (`previous`, from its export, with the
  /// master's `ItemId`), and of its single occurrences: each changed occurrence becomes an
  /// `ItemChange` on its `t:OccurrenceItemId` (after the master's own change, in the same
  /// `UpdateItem`), each excluded one a `DeleteItem` of its `t:OccurrenceItemId`, in a
  /// document after the updates. `InstanceIndex` is the occurrence's 1-based place in the
  /// series' pattern (`SeriesOccurrences.instanceIndexes`). The master's `ChangeKey`, when the
  /// export gave one, goes on the first operation only: every change gives the series a new one.
  public mutating func write(_ record: Record, replacing previous: Record?, occurrences: OccurrenceChanges) throws {
    guard case .event(let series) = record, options.exchange.operation == .update else {
      guard occurrences.isEmpty else {
        throw FerryError(.usage, "single occurrences are written by an EWS update (--exchange-operation update), not \(options.exchange.operation.rawValue)")
      }
      try write(record, replacing: previous)
      return
    }
    count += 1
    let location = SourceLocation(file: "<output>", line: 1, column: 1, record: count)
    guard let id = EWSDocuments.itemId(of: record) else {
      diagnostics.error("record has no EWS item id to update; skipped", at: location)
      skippedRecords += 1
      return
    }
    // The series goes out as its pattern; what it lacks of its occurrences follows.
    let master = series.seriesPattern
    var changeKey = id.changeKey
    if !occurrences.seriesUnchanged {
      let old = previous.map { r -> Record in if case .event(let e) = r { .event(e.seriesPattern) } else { r } }
      let change = try documents.update(itemId: id.id, changeKey: changeKey, old: old, new: .event(master))
      if !change.isEmpty {
        try addChange(change)
        changeKey = nil
      }
    }
    let ids = occurrences.modified.map { $0.recurrenceId } + occurrences.deleted.map { Optional($0) }
    let indexes = SeriesOccurrences.instanceIndexes(
      of: ids.compactMap { $0 }, in: master, fallbackZone: options.calendar.zone)
    var position = 0
    func index(of id: EventTime?) -> Int? {
      guard id != nil else { return nil }
      defer { position += 1 }
      return indexes[position]
    }
    let name = series.summary ?? ""
    for o in occurrences.modified {
      guard let rid = o.recurrenceId, let i = index(of: o.recurrenceId) else {
        diagnostics.warning(
          "changed occurrence \(o.recurrenceId.map { "\"\($0.localDateTime)\"" } ?? "with no recurrence id") of series \"\(name)\" is no occurrence of its pattern, so EWS cannot address it; not sent",
          at: location, code: "unmapped")
        continue
      }
      let change = try documents.occurrenceChange(masterId: id.id, changeKey: changeKey, instanceIndex: i, series: master, override: o)
      guard !change.isEmpty else {
        diagnostics.note(
          "changed occurrence \"\(rid.localDateTime)\" of series \"\(name)\" differs from the series in nothing EWS holds; nothing sent for it",
          at: location, code: "unmapped")
        continue
      }
      try addChange(change)
      changeKey = nil
    }
    for d in occurrences.deleted {
      guard let i = index(of: d) else {
        diagnostics.warning(
          "excluded occurrence \"\(d.localDateTime)\" of series \"\(name)\" is no occurrence of its pattern, so EWS cannot address it; not sent",
          at: location, code: "unmapped")
        continue
      }
      deletes.append(EWSItemTarget(id: id.id, changeKey: changeKey, instanceIndex: i))
      changeKey = nil
      if deletes.count >= batchSize {
        // Documents go out in the order of their operations (the ChangeKey went on the first).
        if !changes.isEmpty { try emit(documents.updateItem(changes)); changes = [] }
        try emit(documents.deleteItem(targets: deletes))
        deletes = []
      }
    }
  }

  private mutating func addChange(_ change: EWSItemChange) throws {
    changes.append(change)
    if changes.count >= batchSize { try emit(documents.updateItem(changes)); changes = [] }
  }

  /// The single items a recurring event goes out as, or nil when it goes out as a series.
  ///
  /// `--series skip` drops recurring events; `expand` always writes their instances; `keep`
  /// keeps the series when EWS has a pattern for its rule and expands it otherwise.
  private func series(_ e: Event, location: SourceLocation) throws -> [Event]? {
    guard let recurrence = e.recurrence, recurrence.rule != nil || !recurrence.dates.isEmpty else { return nil }
    switch options.calendar.series {
    case .skip:
      diagnostics.note("recurring event \"\(e.summary ?? "")\" skipped (--series skip)", at: location)
      return []
    case .keep:
      if let zone = ExchangeZones(event: e, fallbackZone: options.calendar.zone).startZone, zone.windowsName == nil {
        // With no StartTimeZone, Exchange would keep every occurrence at the first one's offset.
        let (instances, _) = ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: ExchangeRecurrencePattern.today())
        diagnostics.warning(
          "series \"\(e.summary ?? "")\" is in time zone \"\(zone.name)\", which has no Windows id; written as \(instances.count) single items in the expansion window",
          at: location, code: "zone")
        return instances
      }
      guard let rule = recurrence.rule, let start = e.start else { break }
      if case .failure(let problem) = ExchangeRecurrencePattern.make(rule, start: start.localDateTime.date) {
        let (instances, truncated) = ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: ExchangeRecurrencePattern.today())
        diagnostics.warning(
          "\(problem.message); written as \(instances.count) single items in the expansion window", at: location, code: "unmapped")
        if truncated { diagnostics.warning("the series was cut at the occurrence cap", at: location) }
        return instances
      }
      return nil
    case .expand:
      let (instances, truncated) = ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: ExchangeRecurrencePattern.today())
      if truncated { diagnostics.warning("the series was cut at the occurrence cap", at: location) }
      return instances
    }
    if recurrence.rule == nil {
      let (instances, _) = ExchangeRecurrencePattern.instances(of: e, options: options.calendar, today: ExchangeRecurrencePattern.today())
      diagnostics.warning("RDATE without an RRULE has no EWS pattern; written as \(instances.count) single items", at: location, code: "unmapped")
      return instances
    }
    return nil
  }

  private mutating func add(_ record: Record, location: SourceLocation) throws {
    let fields = try documents.fields(record, location: location)
    switch record.kind {
    case .contact: contacts = try written(fields, kind: .contact, into: contacts)
    case .event: events = try written(fields, kind: .event, into: events)
    }
  }

  /// Writes one item into its kind's open document (starting one when none is), and sends
  /// the document once it holds a batch; returns what stays open.
  private mutating func written(
    _ fields: [EWSField], kind: RecordKind, into open: (document: XMLTextWriterSink, count: Int)?
  ) throws -> (document: XMLTextWriterSink, count: Int)? {
    let document = try open?.document ?? documents.startCreateItem(kind: kind)
    documents.writeItem(document, kind: kind, fields: fields)
    let count = (open?.count ?? 0) + 1
    guard count >= batchSize else { return (document, count) }
    try emit(documents.finishCreateItem(document))
    return nil
  }

  /// Sends one finished document to its file.
  private mutating func emit(_ bytes: [UInt8]) throws { try files.write(bytes) }

  public mutating func finish() throws {
    if let open = contacts { try emit(documents.finishCreateItem(open.document)) }
    if let open = events { try emit(documents.finishCreateItem(open.document)) }
    if !changes.isEmpty { try emit(documents.updateItem(changes)) }
    if !deletes.isEmpty { try emit(documents.deleteItem(targets: deletes)) }
    contacts = nil
    events = nil
    changes = []
    deletes = []
    try files.finish()
  }
}
