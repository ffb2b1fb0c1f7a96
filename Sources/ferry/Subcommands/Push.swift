import ArgumentParser
import Ferry
import FerryModel
import FerryPush
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The flags `push` and `explain` share: every settings key, and the inputs.
struct PushOptions: ParsableArguments {
  @Option(help: "Sync settings (YAML; docs/PUSH.md). Paths in it are relative to its folder.")
  var config: String?

  @Option(name: .customLong("from"), help: "CRM export to push (repeatable); any format ferry reads.")
  var from: [String] = []

  @Option(help: "Format of the CRM exports, when detection should not decide.")
  var fromFormat: String?

  @Option(help: "A mailbox's current export, for adoption: FILE, or MAILBOX=FILE (repeatable).")
  var providerExport: [String] = []

  @Option(name: .customLong("to"), help: "Target format per kind: --to vcard --to ics, or --to ews / --to graph (repeatable).")
  var to: [String] = []

  @Option(name: .customLong("for"), help: "Target profile: outlook, google, icloud, exchange, carddav, generic.")
  var target: String?

  @Option(help: "Output folder; one subfolder per rep mailbox.")
  var out: String?

  @Option(help: "Ledger file (default: ferry-ledger.sqlite beside the settings, or here).")
  var ledger: String?

  @Option(help: "Sync only these reps: owner id, e-mail or name (repeatable).")
  var rep: [String] = []

  @Option(help: "Never sync these reps (repeatable).")
  var excludeRep: [String] = []

  @Option(help: "contacts, events or both.")
  var objects: PushSettings.Objects?

  @Option(help: "Filter expression for contacts, e.g. \"email exists\".")
  var contactsFilter: String?

  @Option(help: "Filter expression for events, e.g. \"start >= today-14d and start <= today+90d\".")
  var eventsFilter: String?

  @Option(help: "Private events: skip, busy-only or full.")
  var privateEvents: PushSettings.PrivateEvents?

  @Option(help: "Recurring series: keep, expand or skip.")
  var series: CalendarOptions.SeriesPolicy?

  @Option(help: "First day of the expansion window for --series expand (YYYY-MM-DD).")
  var expandFrom: String?

  @Option(help: "Last day of the expansion window (YYYY-MM-DD).")
  var expandUntil: String?

  @Option(help: "Events: all or related-only.")
  var events: PushSettings.EventScope?

  @Option(help: "Deletions: off or propagate (only items ferry created are deleted).")
  var deletions: PushSettings.Deletions?

  @Flag(inversion: .prefixedNo, help: "Also delete items whose record left the filters or reps (needs --deletions propagate).")
  var deletionsOnFilterExit: Bool?

  @Flag(inversion: .prefixedNo, help: "Match event attendees to CRM contacts (e-mail, then name).")
  var relateEvents: Bool?

  @Flag(inversion: .prefixedNo, help: "Let the target send meeting invitations (off: SendToNone, METHOD:PUBLISH, no Graph attendees).")
  var invitations: Bool?

  @Option(help: "Field pattern that never leaves the CRM (repeatable; replaces the list; @default is the built-in list).")
  var denyField: [String] = []

  @Option(help: "The date 'today' means in filters (YYYY-MM-DD; default: today, UTC).")
  var today: String?

  @Option(help: "Values with no slot in the target: notes (default), drop, error.")
  var overflow: OverflowPolicy = .notes

  @Option(
    help:
      "The mailboxes' time zone, for floating times in the export and all-day events in EWS, Graph and CSV calendars: a tz database name or a Windows id."
  )
  var zone: String?

  @Option(help: "EWS RequestServerVersion (default Exchange2013_SP1).")
  var exchangeVersion: String?

  @Option(help: "Items per EWS request document (default 100; Graph batches hold at most 20).")
  var batch: Int?

  @Option(help: "Mapping file (YAML) for CRM exports read as csv:mapping.")
  var mapping: String?

  @Option(help: "Encoding of the CRM exports, when detection should not decide (utf-8, utf-16le, windows-1252, …).")
  var inputEncoding: String?

  @Option(help: "Dates in Outlook CSV targets: M/D/YYYY (default), D/M/YYYY, D.M.YYYY or YYYY-MM-DD.")
  var dateFormat: CSVDateFormat?

  @Option(help: "How slashed dates in CSV exports are ordered: M/D/YYYY (default) or D/M/YYYY.")
  var inputDateFormat: CSVDateFormat?

  @Flag(name: [.short, .long], help: "Print errors only.")
  var quiet = false

  @Flag(
    help: "Report progress on standard error even when it is not a terminal (a line every 5 seconds); on a terminal it is shown anyway.")
  var progress = false

  /// Settings from the file, overridden by flags, with paths made usable from here.
  func resolve() throws -> (settings: PushSettings, run: PushRun) {
    var settings = PushSettings()
    var base = "."
    if let config {
      let text: String
      do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
        throw FerryError(.io, "cannot read settings \"\(config)\": \(readFailureReason(config, error))")
      }
      settings = try PushSettings(yaml: text, file: config)
      base = (config as NSString).deletingLastPathComponent
      if base.isEmpty { base = "." }
      func rebase(_ p: String) -> String {
        p.hasPrefix("/") || base == "." ? p : ((base + "/" + p) as NSString).standardizingPath
      }
      settings.from = settings.from.map(rebase)
      settings.providerExports = settings.providerExports.map { .init(mailbox: $0.mailbox, path: rebase($0.path)) }
      settings.out = settings.out.map(rebase)
      settings.ledger = settings.ledger.map(rebase)
      settings.mapping = settings.mapping.map(rebase)
    }
    if !from.isEmpty { settings.from = from }
    if !providerExport.isEmpty { settings.providerExports = providerExport.map(PushSettings.ProviderExport.init(argument:)) }
    if !to.isEmpty { settings.to = to }
    if let target { settings.target = target }
    if let out { settings.out = out }
    if let ledger { settings.ledger = ledger }
    if !rep.isEmpty { settings.includeReps = rep.map { .init(any: $0) } }
    if !excludeRep.isEmpty { settings.excludeReps = excludeRep.map { .init(any: $0) } }
    if let objects { settings.objects = objects }
    if let contactsFilter {
      settings.contactFilter = contactsFilter
      settings.filterOrigins.contacts = SourceLocation(file: "--contacts-filter", line: 1, column: 1)
    }
    if let eventsFilter {
      settings.eventFilter = eventsFilter
      settings.filterOrigins.events = SourceLocation(file: "--events-filter", line: 1, column: 1)
    }
    if let privateEvents { settings.privateEvents = privateEvents }
    if let series { settings.series = series }
    if let expandFrom {
      guard let d = LocalDate(iso: expandFrom) else { throw ValidationError("--expand-from wants YYYY-MM-DD, got \"\(expandFrom)\"") }
      settings.expandFrom = d
    }
    if let expandUntil {
      guard let d = LocalDate(iso: expandUntil) else { throw ValidationError("--expand-until wants YYYY-MM-DD, got \"\(expandUntil)\"") }
      settings.expandUntil = d
    }
    if let events { settings.events = events }
    if let deletions { settings.deletions = deletions }
    if let deletionsOnFilterExit { settings.deletionsOnFilterExit = deletionsOnFilterExit }
    if let relateEvents { settings.relateEvents = relateEvents }
    if let invitations { settings.invitations = invitations }
    if !denyField.isEmpty { settings.denyFields = denyField }
    if let today {
      guard let d = LocalDate(iso: today) else { throw ValidationError("--today wants YYYY-MM-DD, got \"\(today)\"") }
      settings.today = d
    }
    if let zone { settings.zone = zone }
    if let exchangeVersion { settings.exchangeVersion = exchangeVersion }
    if let batch { settings.batch = batch }
    if let mapping { settings.mapping = mapping }
    if let inputEncoding { settings.inputEncoding = inputEncoding }
    if let dateFormat { settings.dateFormat = dateFormat }
    if let inputDateFormat { settings.inputDateFormat = inputDateFormat }
    // A setting the file gave (no flag overrode it) is placed at its value in the file.
    func inFile(_ key: String, overridden: Bool) -> SourceLocation? { overridden ? nil : settings.keyLocations[key] }
    if let zone = settings.zone, !ZoneOption.isKnown(zone) {
      let message = "zone \"\(zone)\" names no time zone ferry knows (give a tz database name such as Europe/Berlin, or a Windows id)"
      if let at = inFile("zone", overridden: self.zone != nil) { throw FerryError(.usage, message, at: at) }
      throw ValidationError(message)
    }
    if let batch = settings.batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
    let targets: [RecordKind: PushTarget]
    do {
      targets = try PushTargets.resolve(to: settings.to, profile: settings.target, objects: settings.objects)
    } catch var error as FerryError where error.location == nil {
      error.location = inFile("to", overridden: !to.isEmpty)
      throw error
    }
    var writeOptions = WriteOptions(target: settings.target)
    writeOptions.overflow = overflow
    writeOptions.calendar.zone = settings.zone
    if let v = settings.exchangeVersion {
      guard let version = ExchangeWriteOptions.serverVersion(named: v) else {
        let message =
          "exchange version \"\(v)\" is not an EWS version; valid: \(ExchangeWriteOptions.serverVersions.joined(separator: ", "))"
        if let at = inFile("exchange_version", overridden: exchangeVersion != nil) { throw FerryError(.usage, message, at: at) }
        throw ValidationError(message)
      }
      writeOptions.exchange.serverVersion = version
    }
    if let b = settings.batch { writeOptions.exchange.batchSize = b }
    if let f = settings.dateFormat { writeOptions.csv.dateFormat = f }
    let ledgerPath = settings.ledger ?? (base == "." ? "ferry-ledger.sqlite" : base + "/ferry-ledger.sqlite")
    var run = PushRun(
      settings: settings, inputs: settings.from, ledgerPath: ledgerPath, outputDirectory: settings.out ?? "out/push",
      targets: targets, writeOptions: writeOptions, today: settings.today ?? PushRun.utcToday)
    run.inputFormat = fromFormat.map(FormatSpec.init)
    run.readOptions.calendar.zone = settings.zone
    run.readOptions.inputEncoding = settings.inputEncoding
    run.readOptions.csv.dateFormat = settings.inputDateFormat
    run.readOptions.csv.mappingFile = settings.mapping
    return (settings, run)
  }
}

extension PushSettings.Objects: ExpressibleByArgument {}
extension PushSettings.PrivateEvents: ExpressibleByArgument {}
extension PushSettings.EventScope: ExpressibleByArgument {}
extension PushSettings.Deletions: ExpressibleByArgument {}

extension FerryCommand {
  struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Push a CRM export into each rep's mailbox as import files, with a ledger.",
      discussion: prose("""
        One direction only: the CRM is the source of truth. Each run plans every record
        (create, update, unchanged, delete, or skipped with a reason) against the ledger and
        the mailbox exports, writes the import files into OUT/<rep>/run-NNNN/, and then
        records the run in the ledger. The same input again does nothing.

        Examples:
          ferry push --config sync.yaml
          ferry push --from crm.csv --to vcard --to ics --for outlook --out out/push
          ferry push --config sync.yaml --dry-run --report plan.json
          ferry push --config sync.yaml --provider-export alice@example.com=alice-contacts.vcf
        """))

    @OptionGroup var options: PushOptions

    @Flag(help: "Show the plan; write nothing (the ledger included).")
    var dryRun = false

    @Option(help: "Write a JSON report (ok, counts in total and per rep, every planned action) to FILE ('-' for standard output; the summary then goes to standard error); written when the run fails too.")
    var report: String?

    @Flag(
      help: """
        Apply the plan even when errors were reported while reading the exports. Without it such \
        a run writes nothing: a record that could not be read would look gone from the CRM \
        (and be deleted, with deletions propagating).
        """)
    var allowErrors = false

    func validate() throws {
      if let report, report != "-" { try checkWritable(report, what: "--report") }
    }

    func run() throws {
      let printer = DiagnosticPrinter(strict: false, quiet: options.quiet)
      var run: PushRun
      do {
        (_, run) = try options.resolve()
      } catch let error as FerryError {
        throw usageFailure(error, printer: printer)
      }
      run.keepUnchanged = false  // counted, not listed: a million of them cost memory
      Progress.shared.forced = options.progress && !options.quiet
      run.progress = { n in Progress.shared.update("planned \(n) CRM records") }
      var plan: PushPlan
      var applied = ApplyResult()
      var seconds = PushReport.Seconds()
      // One push per ledger at a time, from before planning (and the crash recovery that
      // follows from its run id) until the ledger has committed. A dry run writes nothing.
      var lock: LedgerLock?
      defer { lock?.release() }
      let dryRun = dryRun
      let reportPath = report
      /// A pipeline reading --report gets one when the run stopped too (`ok` false, the
      /// error in `diagnostics`), never an old one or none.
      func reportFailure(_ plan: PushPlan) {
        guard let reportPath else { return }
        try? writeJSONReport(
          PushReport(plan: plan, applied: ApplyResult(), dryRun: dryRun, printer: printer, seconds: seconds), to: reportPath)
      }
      do {
        if !dryRun { lock = try LedgerLock(ledgerPath: run.ledgerPath) }
        let started = Date()
        plan = try run.plan(diagnostics: printer.sink) { seconds.read = $0 }
        seconds.plan = Date().timeIntervalSince(started) - seconds.read
        if dryRun { run.reportUnkept(plan, diagnostics: printer.sink) }
        if !dryRun && printer.errors > 0 && !allowErrors {
          // A row the reader could not read (an unterminated quote swallows the rest of a
          // CSV) is a record missing from the plan, which deletions would act on.
          Progress.shared.clearLine()
          let what = printer.errors == 1 ? "an error was" : "\(printer.errors) errors were"
          printer.print(
            error: FerryError(
              .unsupported,
              "\(what) reported while reading, so nothing was applied: a record that could not be read looks gone from the CRM; fix the export (--dry-run shows the plan) or pass --allow-errors"
            ))
          if !options.quiet {
            StandardStreams.error(PlanPrinter.summary(plan, applied: applied, run: run, dryRun: true))
          }
          reportFailure(plan)
          throw ExitCode(1)
        }
        if !dryRun {
          let applying = Date()
          applied = try run.apply(plan, diagnostics: printer.sink, checkpoint: Self.crashIfAsked)
          seconds.apply = Date().timeIntervalSince(applying)
          lock?.release()
        }
      } catch let error as FerryError {
        let failure = usageFailure(error, printer: printer)
        reportFailure(PushPlan(runId: 0))
        throw failure
      }
      Progress.shared.clearLine()
      for item in plan.unaddressable { printer.sink.error(Self.unaddressableMessage(item)) }
      for item in plan.unsentOccurrences { printer.sink.warning(Self.unsentOccurrencesMessage(item), code: "unmapped") }
      var text = ""
      if dryRun { text += PlanPrinter.listing(plan) }
      text += PlanPrinter.summary(plan, applied: applied, run: run, dryRun: dryRun)
      printer.printRepeats()
      if !options.quiet {
        // With the report on standard output, the human summary moves to standard error so
        // that standard output stays one JSON document.
        if report == "-" {
          StandardStreams.error(text)
        } else {
          // A lost summary fails the run (exit 1), after the report is written.
          do { try StandardStreams.output(text) } catch let error as FerryError { printer.print(error: error) }
        }
      }
      if let report {
        do {
          try writePushReport(plan: plan, applied: applied, dryRun: dryRun, printer: printer, seconds: seconds, to: report)
        } catch let error as FerryError {
          printer.print(error: error)
          throw ExitCode(1)
        }
      }
      if printer.exitCode != 0 { throw ExitCode(1) }
    }

    /// The error for an update or delete that EWS or Graph cannot address without the
    /// mailbox's item id.
    static func unaddressableMessage(_ item: UnaddressableItem) -> String {
      let name = item.name.isEmpty ? "" : " \"\(item.name)\""
      return
        "cannot \(item.action.rawValue) \(item.kind.rawValue) \(item.crmId)\(name) in \(item.mailbox): \(item.format) needs the mailbox's own item id, which only a mailbox export carries; give --provider-export \(item.mailbox)=FILE with the mailbox's EWS or Graph export (left for the next run, the ledger unchanged)"
    }

    /// The warning for occurrence changes of a series that the target cannot address (Graph
    /// without the instance ids of a calendarView export, EWS outside the pattern).
    static func unsentOccurrencesMessage(_ item: UnsentOccurrences) -> String {
      let name = item.name.isEmpty ? "" : " \"\(item.name)\""
      let what = item.count == 1 ? "1 excluded or changed occurrence" : "\(item.count) excluded or changed occurrences"
      return "\(what) of series \(item.kind.rawValue) \(item.crmId)\(name) in \(item.mailbox): \(item.reason)"
    }

    /// `FERRY_CRASH_AT=<point>` kills the process at that point of apply (crash tests).
    static func crashIfAsked(_ point: String) {
      if let wanted = ProcessInfo.processInfo.environment["FERRY_CRASH_AT"], wanted == point {
        kill(getpid(), SIGKILL)
      }
    }
  }
}

/// Prints a fatal error compiler-style and gives the exit status: 2 for usage mistakes
/// (bad settings, a filter that does not parse, an unknown format), 1 for the rest.
func usageFailure(_ error: FerryError, printer: DiagnosticPrinter) -> ExitCode {
  printer.print(error: error)
  return ExitCode(error.kind == .usage ? 2 : 1)
}

/// The `--report` JSON of `push`.
struct PushReport: Encodable {
  struct Rep: Encodable {
    var mailbox: String
    var counts: PushCounts
    var skipped: [String: Int]
    var unresolved: [UnresolvedAttendee]
    var deniedFields: [String: Int]
    var files: [String]
  }
  struct Entry: Encodable {
    var action: String
    var kind: String
    var crmId: String
    var rep: String?
    var name: String
    var reason: String
    var providerId: String?
    var sequence: Int?
    var adoptedBy: String?
    var adoptionScore: Double?
    /// For a series the mailbox holds: how many of its occurrences this run deletes and changes.
    var occurrences: Occurrences?

    init(_ e: PlanEntry) {
      action = e.action.rawValue
      kind = e.kind.rawValue
      crmId = e.crmId
      rep = e.rep
      name = e.name
      reason = e.reason
      providerId = e.providerId
      sequence = e.kind == .event && e.action != .skip ? e.sequence : nil
      adoptedBy = e.adoptedBy
      adoptionScore = e.adoptionScore
      occurrences = e.occurrences.flatMap { $0.isEmpty ? nil : Occurrences(delete: $0.deleted.count, update: $0.modified.count) }
    }
  }
  struct Occurrences: Encodable {
    var delete: Int
    var update: Int
  }
  /// Where the time went: reading the inputs and ledger, planning, writing.
  struct Seconds: Encodable {
    var read = 0.0
    var plan = 0.0
    var apply = 0.0
  }
  var command = "push"
  /// False when errors were reported (the run then applied nothing unless --allow-errors).
  var ok: Bool
  var dryRun: Bool
  var seconds: Seconds
  var runId: Int
  var counts: PushCounts
  var reps: [String: Rep]
  var entries: [Entry]
  var unresolved: [UnresolvedAttendee]
  var providerChanges: [ProviderChange]
  var unaddressable: [UnaddressableItem]
  var unsentOccurrences: [UnsentOccurrences]
  var diagnostics: [Diagnostic]

  /// With `listing` false, `entries` stays empty: `writePushReport` streams them instead.
  init(plan: PushPlan, applied: ApplyResult, dryRun: Bool, printer: DiagnosticPrinter, seconds: Seconds, listing: Bool = true) {
    ok = printer.exitCode == 0
    self.dryRun = dryRun
    self.seconds = seconds
    runId = plan.runId
    counts = plan.totals
    var reps: [String: Rep] = [:]
    for rep in plan.reps {
      reps[rep.folder] = Rep(
        mailbox: rep.mailbox, counts: plan.perRep[rep.folder] ?? PushCounts(),
        skipped: plan.skippedReasons[rep.folder] ?? [:], unresolved: plan.unresolved.filter { $0.rep == rep.folder },
        deniedFields: plan.deniedFields[rep.folder] ?? [:], files: applied.files[rep.folder] ?? [])
    }
    self.reps = reps
    entries = listing ? plan.entries.filter { $0.action != .unchanged }.map(Entry.init) : []
    unresolved = plan.unresolved
    providerChanges = plan.providerChanges
    unaddressable = plan.unaddressable
    unsentOccurrences = plan.unsentOccurrences
    diagnostics = printer.diagnostics
  }
}

/// Writes the `--report` JSON of `push` byte for byte as `writeJSONReport(PushReport(…))`
/// would, without building it whole: a first push lists a million entries, which as one
/// `JSONEncoder` document cost over a gigabyte. The rest of the report is encoded with an
/// empty `entries` array, and the entries are written into its place one at a time.
func writePushReport(
  plan: PushPlan, applied: ApplyResult, dryRun: Bool, printer: DiagnosticPrinter, seconds: PushReport.Seconds,
  to path: String
) throws {
  let head = try reportEncoder().encode(
    PushReport(plan: plan, applied: applied, dryRun: dryRun, printer: printer, seconds: seconds, listing: false))
  let bytes = [UInt8](head)
  // A top-level key sits alone at the start of a line, indented by two; a string value
  // never holds a raw line feed, so this occurs once.
  let marker = Array("\n  \"entries\" : ".utf8)
  let empty = Array("[\n\n  ]".utf8)
  guard let found = bytes.firstRange(of: marker), bytes[found.upperBound...].starts(with: empty) else {
    throw FerryError(.io, "cannot write the report \"\(path)\": no entries array in its encoding")
  }
  let out = try ByteOutput(path: path)
  if plan.entries.contains(where: { $0.action != .unchanged }) {
    try out.write(bytes[..<found.upperBound])
    var chunk: [UInt8] = []
    chunk.reserveCapacity(1 << 16)
    var listed = 0
    for entry in plan.entries where entry.action != .unchanged {
      chunk.append(contentsOf: listed == 0 ? "[\n".utf8 : ",\n".utf8)
      listed += 1
      try PushReport.Entry(entry).appendJSON(to: &chunk)
      if chunk.count >= 1 << 16 {
        try out.write(chunk)
        chunk.removeAll(keepingCapacity: true)
      }
    }
    chunk.append(contentsOf: "\n  ]".utf8)
    try out.write(chunk)
    try out.write(bytes[(found.upperBound + empty.count)...])
  } else {
    try out.write(bytes)
  }
  try out.write("\n")
  try out.commit()
}

extension PushReport.Entry {
  /// Appends the entry as an element of the report's `entries` array (indented by four), as
  /// `JSONEncoder` writes it pretty-printed with sorted keys. Plain ASCII fields are written
  /// directly; an entry with any other text, or a score, is left to `JSONEncoder`.
  func appendJSON(to out: inout [UInt8]) throws {
    guard adoptionScore == nil, Self.isPlain(action), Self.isPlain(kind), Self.isPlain(crmId), Self.isPlain(name),
      Self.isPlain(reason), adoptedBy.map(Self.isPlain) ?? true, providerId.map(Self.isPlain) ?? true,
      rep.map(Self.isPlain) ?? true
    else {
      let encoded = try reportEncoder().encode(self)
      // Each line moves in by the array's depth.
      out.append(contentsOf: "    ".utf8)
      for byte in encoded {
        out.append(byte)
        if byte == UInt8(ascii: "\n") { out.append(contentsOf: "    ".utf8) }
      }
      return
    }
    var first = true
    func key(_ name: String) {
      out.append(contentsOf: first ? "{\n      \"".utf8 : ",\n      \"".utf8)
      first = false
      out.append(contentsOf: name.utf8)
      out.append(contentsOf: "\" : ".utf8)
    }
    func string(_ name: String, _ value: String) {
      key(name)
      out.append(UInt8(ascii: "\""))
      out.append(contentsOf: value.utf8)
      out.append(UInt8(ascii: "\""))
    }
    out.append(contentsOf: "    ".utf8)
    string("action", action)
    if let adoptedBy { string("adoptedBy", adoptedBy) }
    string("crmId", crmId)
    string("kind", kind)
    string("name", name)
    if let occurrences {
      key("occurrences")
      out.append(contentsOf: "{\n        \"delete\" : \(occurrences.delete),\n        \"update\" : \(occurrences.update)\n      }".utf8)
    }
    if let providerId { string("providerId", providerId) }
    string("reason", reason)
    if let rep { string("rep", rep) }
    if let sequence {
      key("sequence")
      out.append(contentsOf: String(sequence).utf8)
    }
    out.append(contentsOf: "\n    }".utf8)
  }

  /// Printable ASCII without a quote or backslash: what `JSONEncoder` writes as it is.
  private static func isPlain(_ text: String) -> Bool {
    text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
  }
}
