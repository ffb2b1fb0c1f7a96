import FerryModel
import Foundation

/// A target format for one or both kinds, as the registry glue describes it to the applier
/// (FerryPush knows no format; `Ferry` hands in the writer factory).
public struct PushTarget: Sendable {
  /// How the target stores deletes.
  public enum DeleteStyle: Sendable {
    /// EWS and Graph: a document per operation (create, update, delete).
    case operations
    /// iCalendar: updates in a METHOD:PUBLISH file, deletes as METHOD:CANCEL.
    case cancel
    /// Everything else (vCard, CSV, NDJSON): importers cannot delete, so deletes go to a
    /// `deletions.csv` list for the administrator.
    case list
  }
  /// The ledger key: `name[:variant]` plus `/profile` when there is one (`vcard/outlook`).
  public var key: String
  /// The format name (`vcard`, `ics`, `csv`, `ews`, `graph`, `ndjson`).
  public var format: String
  public var fileExtension: String
  public var kinds: Set<RecordKind>
  public var deleteStyle: DeleteStyle
  /// One file per contact (vCard for Outlook, which imports only the first card of a file).
  public var splitContacts: Bool
  /// Makes a writer for one import file; what it reports about a record goes to the sink.
  public var makeWriter: @Sendable (OutputDestination, WriteOptions, DiagnosticSink) throws -> any RecordWriter
  /// Makes a counter of the fields the writer has no place for (the registry's
  /// `Format.coverage`), reported once per field as `convert` reports them; nil: keeps all.
  public var makeUnkeptCounter: (@Sendable (WriteOptions) -> any UnkeptCounting)?

  public init(
    key: String, format: String, fileExtension: String, kinds: Set<RecordKind>, deleteStyle: DeleteStyle,
    splitContacts: Bool = false,
    makeWriter: @escaping @Sendable (OutputDestination, WriteOptions, DiagnosticSink) throws -> any RecordWriter,
    makeUnkeptCounter: (@Sendable (WriteOptions) -> any UnkeptCounting)? = nil
  ) {
    self.key = key
    self.format = format
    self.fileExtension = fileExtension
    self.kinds = kinds
    self.deleteStyle = deleteStyle
    self.splitContacts = splitContacts
    self.makeWriter = makeWriter
    self.makeUnkeptCounter = makeUnkeptCounter
  }
}

/// Counts, over a run, the filled fields of written records that a target's writer has no
/// place for, and reports each field once with its record count (`code: "unmapped"`).
public protocol UnkeptCounting {
  mutating func count(_ record: Record, at location: SourceLocation?) throws
  func report(to diagnostics: DiagnosticSink)
}

/// What applying wrote.
public struct ApplyResult: Sendable, Codable, Equatable {
  /// Files (and split folders) written, relative to the output folder, per rep folder.
  public var files: [String: [String]] = [:]
  public var runId = 0
  public init() {}
}

/// Writes a plan's import files into `<out>/<rep>/run-NNNN/` and then records it in the
/// ledger.
///
/// Crash safety: every file goes to a temporary name, is fsynced and renamed
/// (`ByteOutput`); the ledger is updated only after all files are in place, in one
/// transaction. The run folder's name comes from the ledger's next run id, so a run that
/// died before its ledger transaction is planned again from the same ledger, gets the same
/// run id, clears that run folder and writes it again: the result equals an uninterrupted run.
public struct Applier {
  public var outputDirectory: String
  public var ledgerPath: String
  public var targets: [RecordKind: PushTarget]
  /// The options every writer starts from (variant, `--for`, overflow, …).
  public var writeOptions: WriteOptions
  public var settings: PushSettings
  public var diagnostics: DiagnosticSink
  /// Called at named points (`start`, `file-1`, `files`, `ledger`, `done`); the CLI kills the
  /// process there when `FERRY_CRASH_AT` names the point (crash tests).
  public var checkpoint: (String) -> Void = { _ in }
  /// The time written into the runs table.
  public var now: () -> String = { ISO8601DateFormatter().string(from: Date()) }

  public init(
    outputDirectory: String, ledgerPath: String, targets: [RecordKind: PushTarget], writeOptions: WriteOptions,
    settings: PushSettings, diagnostics: DiagnosticSink
  ) {
    self.outputDirectory = outputDirectory
    self.ledgerPath = ledgerPath
    self.targets = targets
    self.writeOptions = writeOptions
    self.settings = settings
    self.diagnostics = diagnostics
  }

  /// The folder of one run for one rep.
  public static func runFolder(_ runId: Int) -> String {
    let digits = String(runId)
    return "run-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// Removes run folders of `runId` left by an attempt that died before its ledger
  /// transaction (they are never referenced by the ledger).
  public func clearUncommitted(runId: Int) throws {
    let fm = FileManager.default
    guard let reps = try? fm.contentsOfDirectory(atPath: outputDirectory) else { return }
    for rep in reps {
      let stale = outputDirectory + "/" + rep + "/" + Applier.runFolder(runId)
      if fm.fileExists(atPath: stale) {
        do { try fm.removeItem(atPath: stale) } catch {
          throw FerryError(.io, "cannot remove the unfinished run folder \"\(stale)\": \(error.localizedDescription)")
        }
      }
    }
  }

  /// Writes the files and updates the ledger. An empty plan writes nothing.
  public func apply(_ plan: PushPlan) throws -> ApplyResult {
    var result = ApplyResult()
    result.runId = plan.runId
    checkpoint("start")
    try clearUncommitted(runId: plan.runId)
    guard !plan.isEmpty else { return result }
    // Files first, ledger last; but a ledger that cannot be written would leave a run folder
    // nobody records, so make sure of it before writing any file.
    try openLedger().checkWritable()
    var filesWritten = 0
    // Entries a writer reported and left out (it counts them in `skippedRecords`): they are
    // not in any file, so the ledger must not record them as done.
    var notWritten = Set<Int>()
    // What each target drops of the records it writes, reported once per field at the end.
    var unkept: [String: any UnkeptCounting] = [:]
    // Indexes into plan.entries, not copies: a first push plans a million entries.
    let all = plan.entries
    let changed = all.indices.filter { all[$0].action != .unchanged && all[$0].action != .skip }
    let byRep = Dictionary(grouping: changed, by: { all[$0].rep ?? "" })
    for rep in byRep.keys.sorted() {
      let entries = byRep[rep] ?? []
      let relative = rep + "/" + Applier.runFolder(plan.runId)
      let folder = outputDirectory + "/" + relative
      try FileSystem.makeDirectory(folder)
      var listed: [PlanEntry] = []
      for kind in RecordKind.allCases {
        guard let target = targets[kind] else { continue }
        let ofKind = entries.filter { all[$0].kind == kind }
        guard let firstOfKind = ofKind.first else { continue }
        let base = kind == .contact ? "contacts" : "events"
        let mailbox = all[firstOfKind].mailbox
        var options = writeOptions
        options.calendar.inviteAttendees = settings.invitations
        options.calendar.series = settings.series == .skip ? .keep : settings.series
        options.calendar.expandFrom = settings.expandFrom
        options.calendar.expandUntil = settings.expandUntil
        options.exchange.mailbox = mailbox
        let upserts = ofKind.filter { all[$0].action == .create || all[$0].action == .update }
        let deletes = ofKind.filter { all[$0].action == .delete }
        var files: [(name: String, records: [Int], options: WriteOptions, split: Bool)] = []
        switch target.deleteStyle {
        case .operations:
          for (operation, list) in [
            (ExchangeWriteOptions.Operation.create, ofKind.filter { all[$0].action == .create }),
            (.update, ofKind.filter { all[$0].action == .update }), (.delete, deletes),
          ] where !list.isEmpty {
            var o = options
            o.exchange.operation = operation
            files.append(("\(base)-\(operation.rawValue).\(target.fileExtension)", list, o, false))
          }
        case .cancel:
          var publish = options
          publish.calendar.method = "PUBLISH"
          if !upserts.isEmpty { files.append(("\(base).\(target.fileExtension)", upserts, publish, false)) }
          var cancel = options
          cancel.calendar.method = "CANCEL"
          if !deletes.isEmpty { files.append(("\(base)-cancel.\(target.fileExtension)", deletes, cancel, false)) }
        case .list:
          let split = kind == .contact && target.splitContacts
          if !upserts.isEmpty { files.append((split ? base : "\(base).\(target.fileExtension)", upserts, options, split)) }
          listed += deletes.map { all[$0] }
        }
        for file in files {
          let path = folder + "/" + file.name
          var o = file.options
          if file.split { o.vcard.splitDirectory = path }
          let destination = OutputDestination(path: path)
          var current: PlanEntry?
          // A writer knows only its output: name the file and the record it speaks of.
          let sink = DiagnosticSink { [diagnostics] d in
            var d = d
            let about = current.map { "\($0.kind.rawValue) \($0.crmId)\($0.name.isEmpty ? "" : " \"\($0.name)\"")" }
            d.message = "\(relative)/\(file.name): " + (about.map { "\($0): " } ?? "") + d.message
            d.location = nil
            diagnostics.emit(d)
          }
          // Spooled records are read back on another thread while this one writes.
          let records = RecordPrefetch(entries: all, indexes: file.records)
          defer { records.stop() }
          do {
            var writer = try target.makeWriter(destination, o, sink)
            for i in file.records {
              current = all[i]
              guard let record = try records.next() else {
                notWritten.insert(i)
                continue
              }
              let skippedBefore = writer.skippedRecords
              if let occurrences = all[i].occurrences {
                try writer.write(record, replacing: all[i].previous, occurrences: occurrences)
              } else if let previous = all[i].previous {
                try writer.write(record, replacing: previous)
              } else {
                try writer.write(record)
              }
              if writer.skippedRecords > skippedBefore {
                notWritten.insert(i)
              } else if all[i].action == .create || all[i].action == .update, let make = target.makeUnkeptCounter {
                if unkept[target.key] == nil { unkept[target.key] = make(o) }
                try unkept[target.key]?.count(record, at: nil)
              }
            }
            current = nil
            try writer.finish()
            try destination.commitAll()
          } catch {
            destination.discardAll()
            throw error
          }
          // Only what is on disk is named: a writer that left every record out writes nothing,
          // and one with several documents numbers them (`contacts-update-0001.xml`, …).
          let opened = destination.openedPaths.filter { FileManager.default.fileExists(atPath: $0) }
          guard !opened.isEmpty else { continue }
          let names =
            file.split ? [file.name] : opened.map { $0.hasPrefix(folder + "/") ? String($0.dropFirst(folder.count + 1)) : file.name }
          for name in names {
            result.files[rep, default: []].append(relative + "/" + name)
            filesWritten += 1
            if filesWritten == 1 { checkpoint("file-1") }
          }
        }
      }
      if !listed.isEmpty {
        try writeDeletionList(listed, to: folder + "/deletions.csv")
        result.files[rep, default: []].append(relative + "/deletions.csv")
        filesWritten += 1
        if filesWritten == 1 { checkpoint("file-1") }
      }
    }
    for key in unkept.keys.sorted() { unkept[key]?.report(to: diagnostics) }
    checkpoint("files")
    do {
      try recordInLedger(plan, leavingOut: notWritten)
    } catch let error as FerryError {
      // The files are not recorded, so the next run would write them again anyway.
      try clearUncommitted(runId: plan.runId)
      throw FerryError(error.kind, error.message + "; the run's files were removed")
    }
    checkpoint("done")
    return result
  }

  /// Opens the ledger, creating its folder when needed.
  private func openLedger() throws -> Ledger {
    if let slash = ledgerPath.lastIndex(of: "/"), slash != ledgerPath.startIndex {
      try FileSystem.makeDirectory(String(ledgerPath[..<slash]))
    }
    return try Ledger(path: ledgerPath)
  }

  private func recordInLedger(_ plan: PushPlan, leavingOut notWritten: Set<Int>) throws {
    let ledger = try openLedger()
    var deletes: [(target: String, mailbox: String, crmId: String)] = []
    var occurrences: [LedgerOccurrence] = []
    var forgotten: [(target: String, mailbox: String, crmId: String, occurrence: String)] = []
    let entries = plan.entries
    /// Written entries that the ledger records (the same test for the upserts and the rest).
    func recorded(_ i: Int) -> Bool {
      let action = entries[i].action
      return action != .unchanged && action != .skip && entries[i].target != nil && entries[i].mailbox != nil
        && !notWritten.contains(i)
    }
    // Made one at a time while the ledger inserts them: a first push upserts a million.
    let upserts = entries.indices.lazy.filter { i in
      recorded(i) && (entries[i].action == .create || entries[i].action == .update)
    }.map { i in
      let entry = entries[i]
      return LedgerEntry(
        target: entry.target ?? "", mailbox: entry.mailbox ?? "", crmId: entry.crmId, kind: entry.kind, name: entry.name,
        providerId: entry.providerId ?? Planner.ferryUID(entry.crmId), origin: entry.origin ?? .created,
        contentHash: entry.contentHash, fingerprint: entry.fingerprint, sequence: entry.sequence,
        runId: plan.runId, previousFingerprint: entry.previousFingerprint,
        overriddenFingerprint: entry.overriddenFingerprint)
    }
    for i in entries.indices where recorded(i) {
      let entry = entries[i]
      guard let target = entry.target, let mailbox = entry.mailbox else { continue }
      switch entry.action {
      case .create, .update:
        occurrences += entry.occurrenceRecords
        forgotten += entry.forgottenOccurrences.map { (target, mailbox, entry.crmId, $0) }
      case .delete:
        deletes.append((target, mailbox, entry.crmId))
      case .unchanged, .skip:
        break
      }
    }
    let t = plan.totals
    let counts =
      "{\"create\":\(t.create),\"update\":\(t.update),\"delete\":\(t.delete),\"unchanged\":\(t.unchanged),\"skipped\":\(t.skipped)}"
    var settingsHash = ContentHash()
    settingsHash.add(settings.canonicalText)
    try ledger.record(
      run: LedgerRun(id: plan.runId, time: now(), settingsHash: settingsHash.value, counts: counts), upserts: upserts,
      deletes: deletes, owners: plan.mailboxOwners, occurrences: occurrences,
      forgetOccurrences: forgotten, beforeCommit: { checkpoint("ledger") })
  }

  /// `deletions.csv`: the items an administrator removes by hand, because the target's
  /// importers cannot delete.
  private func writeDeletionList(_ entries: [PlanEntry], to path: String) throws {
    let out = try ByteOutput(path: path)
    func field(_ s: String) -> String {
      guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    try out.write("Kind,CrmId,ProviderId,Name,Reason\r\n")
    for e in entries {
      try out.write(
        [e.kind.rawValue, e.crmId, e.providerId ?? "", e.name, e.reason].map(field).joined(separator: ",") + "\r\n")
    }
    try out.commit()
  }
}
