import FerryModel
import FerryPush
import Dispatch
import Foundation

/// The registry side of `ferry push`: turns `--to` names into writers the applier can use,
/// reads the CRM and mailbox exports with any reader, and runs plan and apply.
public enum PushTargets {
  /// Resolves the `to` formats to one target per kind.
  ///
  /// A kind that `objects` leaves out gets a target too when a `to` format holds it, for the
  /// deletes of what ferry pushed of it before (the planner creates and updates nothing of it).
  ///
  /// `--to` is given once per kind (`vcard` for contacts, `ics` for events); a format that
  /// holds both (`ews`, `graph`, `ndjson`) serves both unless another `--to` names a kind.
  ///
  /// - Throws: `FerryError(.usage)` for an unknown format, one that cannot be written, two
  ///   formats for the same kind, or a kind `objects` wants that no format can hold.
  public static func resolve(
    to names: [String], profile: String?, objects: PushSettings.Objects
  ) throws -> [RecordKind: PushTarget] {
    guard !names.isEmpty else {
      throw FerryError(.usage, "name the target with --to (for example --to vcard --to ics, or --to ews)")
    }
    var chosen: [RecordKind: (spec: FormatSpec, format: Format, explicit: Bool)] = [:]
    let specs = names.map(FormatSpec.init)
    for spec in specs {
      let format = try Formats.resolve(spec)
      guard format.makeWriter != nil else { throw FerryError(.usage, "ferry cannot write \(format.name) yet") }
      let wanted = format.kinds.filter { objects.includes($0) }
      // A target for a kind that `objects` leaves out is simply unused (settings may list
      // `to: [vcard, ics]` while a flag narrows `--objects contacts`).
      if wanted.isEmpty { continue }
      // A single-kind format claims its kind; a format holding both fills what is left.
      let explicit = format.kinds.count == 1
      for kind in wanted {
        if let other = chosen[kind] {
          if other.explicit && !explicit { continue }
          if other.explicit == explicit {
            throw FerryError(.usage, "both --to \(other.spec) and --to \(spec) would hold \(kind.rawValue)s; give one target per kind")
          }
        }
        chosen[kind] = (spec, format, explicit)
      }
    }
    // A target that holds both kinds fills what single-kind ones leave (`--to ews --to ics`:
    // contacts to EWS); one left with nothing to hold would be silently unused.
    for spec in specs {
      let format = try Formats.resolve(spec)
      guard !format.kinds.filter({ objects.includes($0) }).isEmpty, !chosen.values.contains(where: { $0.spec == spec }) else { continue }
      let takers = chosen.map { "--to \($0.value.spec) takes \($0.key.rawValue)s" }.sorted().joined(separator: ", ")
      throw FerryError(.usage, "--to \(spec) would hold nothing (\(takers)); give one target per kind")
    }
    for kind in RecordKind.allCases where objects.includes(kind) && chosen[kind] == nil {
      let hint = kind == .event ? "--to ics" : "--to vcard"
      throw FerryError(
        .usage, "no --to format can hold \(kind.rawValue)s; add one (\(hint)) or set objects to \(kind == .event ? "contacts" : "events")")
    }
    // A kind `objects` leaves out keeps the target a `--to` format gives it, so that what
    // ferry pushed of that kind before can be deleted or reported as kept (a filter exit);
    // nothing of it is created or updated. Single-kind formats first; two of the same standing
    // leave the kind without a target, as before.
    for kind in RecordKind.allCases where !objects.includes(kind) {
      var holders: [(spec: FormatSpec, format: Format)] = []
      for spec in specs where !holders.contains(where: { $0.spec == spec }) {
        let format = try Formats.resolve(spec)
        if format.kinds.contains(kind) && format.makeWriter != nil { holders.append((spec, format)) }
      }
      let single = holders.filter { $0.format.kinds.count == 1 }
      let pick = single.count == 1 ? single.first : (single.isEmpty && holders.count == 1 ? holders.first : nil)
      if let pick { chosen[kind] = (pick.spec, pick.format, pick.format.kinds.count == 1) }
    }
    var targets: [RecordKind: PushTarget] = [:]
    for (kind, c) in chosen {
      guard let make = c.format.makeWriter else { continue }
      let style: PushTarget.DeleteStyle =
        switch c.format.name {
        case "ews", "graph": .operations
        case "ics": .cancel
        default: .list
        }
      let variant = c.spec.variant
      let format = c.format
      let key = c.spec.description + (profile.map { "/" + $0.lowercased() } ?? "")
      targets[kind] = PushTarget(
        key: key, format: c.format.name,
        fileExtension: c.format.extensions.first ?? (c.format.name == "graph" ? "json" : c.format.name), kinds: c.format.kinds, deleteStyle: style,
        splitContacts: c.format.name == "vcard" && profile?.lowercased() == "outlook",
        makeWriter: { destination, options, diagnostics in
          var o = options
          o.variant = variant ?? o.variant
          return try make(destination, o, diagnostics)
        },
        makeUnkeptCounter: { options in
          var o = options
          o.variant = variant ?? o.variant
          return UnkeptFields(format: format, target: key, options: o)
        })
    }
    return targets
  }
}

/// One `ferry push` (or `ferry explain`) run: settings resolved, paths absolute.
public struct PushRun {
  public var settings: PushSettings
  public var inputs: [String]
  public var inputFormat: FormatSpec?
  public var ledgerPath: String
  public var outputDirectory: String
  public var targets: [RecordKind: PushTarget]
  public var writeOptions: WriteOptions
  public var readOptions = ReadOptions()
  public var today: LocalDate
  public var explainId: String?
  /// Keep unchanged entries in the plan (for listings); off for big runs.
  public var keepUnchanged = true
  /// Planned records held in memory; the rest go to a temporary spool file (`RecordSpool`).
  /// Events waiting for the end of the contacts are held up to 10,000 (or this, if lower).
  public var spoolMemoryLimit = 20_000
  /// Told the number of CRM records planned so far, every 10,000 (for a progress line).
  public var progress: ((Int) -> Void)?

  public init(
    settings: PushSettings, inputs: [String], ledgerPath: String, outputDirectory: String,
    targets: [RecordKind: PushTarget], writeOptions: WriteOptions, today: LocalDate
  ) {
    self.settings = settings
    self.inputs = inputs
    self.ledgerPath = ledgerPath
    self.outputDirectory = outputDirectory
    self.targets = targets
    self.writeOptions = writeOptions
    self.today = today
  }

  /// Today's date in UTC.
  public static var utcToday: LocalDate {
    LocalDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86400).rounded(.down)))
  }

  /// Reads everything and plans. Writes nothing.
  ///
  /// - Parameter readSeconds: told how long reading took (the exports and the ledger); the
  ///   rest of the call is planning. Reading and planning interleave, record by record.
  public func plan(diagnostics: DiagnosticSink, readSeconds: (Double) -> Void = { _ in }) throws -> PushPlan {
    guard !inputs.isEmpty else { throw FerryError(.usage, "name the CRM export with --from FILE (or from: in the settings)") }
    var reading: UInt64 = 0
    func timed<T>(_ body: () throws -> T) rethrows -> T {
      let t = DispatchTime.now().uptimeNanoseconds
      defer { reading += DispatchTime.now().uptimeNanoseconds - t }
      return try body()
    }
    var provider: [(mailbox: String?, record: Record)] = []
    // A mailbox export that is only part of the mailbox (a Graph page with more after it, a
    // FindItem page short of the view's end) hides items ferry would then adopt no more and
    // create again: for a push that is an error, as a read error is.
    // Pages may also come as several exports of one mailbox, in order: only the last one's
    // "more pages exist" counts then.
    let lastExportOfMailbox = Dictionary(
      settings.providerExports.enumerated().map { ($0.element.mailbox?.lowercased() ?? "", $0.offset) },
      uniquingKeysWith: { _, later in later })
    for (index, export) in settings.providerExports.enumerated() {
      let isLast = lastExportOfMailbox[export.mailbox?.lowercased() ?? ""] == index
      let exportDiagnostics = DiagnosticSink { d in
        var d = d
        if d.code == "partial-export" && d.severity == .warning {
          if isLast {
            d.severity = .error
            d.message += "; a push with part of a mailbox would create again what the missing pages hold"
          } else {
            d.severity = .note
            d.message += "; the next export given for this mailbox is taken as the following pages"
          }
        }
        diagnostics.emit(d)
      }
      var (reader, _, _, _) = try timed {
        try InputOpener.open(path: export.path, from: nil, options: readOptions, diagnostics: exportDiagnostics)
      }
      while let r = try timed({ try reader.next() }) { provider.append((export.mailbox, r)) }
    }
    var planner = try Planner(
      settings: settings, targets: targets.mapValues(\.key), ledger: try timed { try Ledger.snapshot(path: ledgerPath) },
      today: today, providerRecords: provider, spool: RecordSpool(memoryLimit: spoolMemoryLimit),
      eventSpool: RecordSpool(memoryLimit: min(spoolMemoryLimit, 10_000)))
    planner.explainId = explainId.map { SalesforceID.caseSafe($0) ?? $0 }
    planner.keepUnchanged = keepUnchanged
    for target in targets.values where target.deleteStyle == .operations { planner.itemIdTargets[target.key] = target.format }
    var planned = 0
    for path in inputs {
      var (reader, _, _) = try timed {
        try InputOpener.openPrefetching(path: path, from: inputFormat, options: readOptions, diagnostics: diagnostics)
      }
      while let r = try timed({ try reader.next() }) {
        planner.add(r)
        planned += 1
        if planned % 10_000 == 0 { progress?(planned) }
      }
    }
    let plan = try planner.finish()
    if let problem = planner.spoolProblem { diagnostics.warning(problem, code: "spool") }
    readSeconds(Double(reading) / 1e9)
    return plan
  }

  /// Reports what the targets would drop of the records a dry run plans to write (a real run's
  /// applier reports it as it writes them).
  public func reportUnkept(_ plan: PushPlan, diagnostics: DiagnosticSink) {
    var counters: [String: any UnkeptCounting] = [:]
    for entry in plan.entries where entry.action == .create || entry.action == .update {
      guard let target = targets[entry.kind], let make = target.makeUnkeptCounter, let record = entry.record else { continue }
      if counters[target.key] == nil { counters[target.key] = make(writeOptions) }
      try? counters[target.key]?.count(record, at: nil)
    }
    for key in counters.keys.sorted() { counters[key]?.report(to: diagnostics) }
  }

  /// Writes the plan's files and records the run in the ledger.
  public func apply(_ plan: PushPlan, diagnostics: DiagnosticSink, checkpoint: @escaping (String) -> Void = { _ in })
    throws -> ApplyResult
  {
    var applier = Applier(
      outputDirectory: outputDirectory, ledgerPath: ledgerPath, targets: targets, writeOptions: writeOptions,
      settings: settings, diagnostics: diagnostics)
    applier.checkpoint = checkpoint
    return try applier.apply(plan)
  }
}
