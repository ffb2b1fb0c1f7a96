import ArgumentParser
import Ferry
import FerryMatch
import FerryModel
import Foundation

/// Flags of the matching pass, shared by `dedupe` and `convert --dedupe`.
struct MatchOptions: ParsableArguments {
  @Option(help: "Link pairs whose summed weight reaches this (default 15; see --rules).")
  var threshold: Double?

  @Option(help: "Rules file (YAML): threshold, field weights, gmail, region, window, identifier_fields.")
  var rules: String?

  @Option(help: "Region for phone numbers without a country code (default US).")
  var region: String?

  @Flag(help: "Ignore dots and +tags in Gmail addresses.")
  var gmail = false

  @Option(help: "Write the clusters as CSV (ClusterId,RecordId,Source,Score,Rule) to FILE.")
  var clusters: String?

  @Option(help: "Survivor of a cluster: crm, newest or most-complete (default crm).")
  var prefer: Preference = .crm

  func matchRules() throws -> MatchRules {
    var r = MatchRules()
    if let rules {
      let text: String
      do { text = try String(contentsOfFile: rules, encoding: .utf8) } catch {
        throw ValidationError("cannot read rules file \"\(rules)\": \(readFailureReason(rules, error))")
      }
      do { r = try MatchRules.fromYAML(text, file: rules) } catch let error as RulesError {
        // Compiler style, as the push settings: `rules.yaml:3:1: error: unknown rules key "treshold"`.
        StandardStreams.error("\(error)\n")
        throw ExitCode(2)
      }
    }
    if let threshold { r.threshold = threshold }
    if let region {
      guard Normalize.regions[region.uppercased()] != nil else {
        throw ValidationError(
          "--region \"\(region)\" is not in ferry's table; known: \(Normalize.regions.keys.sorted().joined(separator: ", "))")
      }
      r.region = region.uppercased()
    }
    if gmail { r.gmail = true }
    return r
  }
}

extension Preference: ExpressibleByArgument {}
extension DedupeMode: ExpressibleByArgument {}
extension OnDuplicate: ExpressibleByArgument {}

/// One record as the reports name it.
struct RecordRef: Encodable {
  var record: String
  var source: String
  var position: Int
  var set: String
}

/// Runs matching over records held in memory and writes the clusters CSV; used by both
/// commands.
struct DedupeSession {
  var rules: MatchRules
  var matcher: Matcher
  var refs: [RecordRef] = []
  var names: [String] = []

  init(rules: MatchRules) {
    self.rules = rules
    matcher = Matcher(rules: rules)
  }

  /// Adds a record; unreadable phone numbers are reported as warnings at the record.
  mutating func add(_ record: Record, source: String, position: Int, set: Int, location: SourceLocation?, sink: DiagnosticSink) {
    let id = record.source?.recordId ?? String(position)
    refs.append(RecordRef(record: id, source: source, position: position, set: set == 0 ? "input" : "against"))
    switch record {
    case .contact(let c): names.append(c.displayName)
    case .event(let e): names.append(e.summary ?? "")
    }
    for problem in matcher.add(record, set: set) {
      sink.warning(problem, at: location, code: "phone")
    }
  }

  func writeClusters(_ result: MatchResult, to path: String) throws {
    let out = try ByteOutput(path: path)
    try out.write("ClusterId,RecordId,Source,Score,Rule\n")
    for c in result.clusters {
      for (k, m) in c.members.enumerated() {
        let r = refs[m]
        let fields = [String(c.id), r.record, r.source, String(format: "%.2f", c.scores[k]), c.rules[k]]
        try out.write(fields.map(csvField).joined(separator: ",") + "\n")
      }
    }
    try out.commit()
  }

  func csvField(_ s: String) -> String {
    if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return s
  }

  /// The human summary lines.
  func summary(_ result: MatchResult, actions: [DedupeAction], written: Int?) -> [String] {
    let n = result.recordCount
    let all = n > 1 ? Double(n) * Double(n - 1) / 2 : 0
    var lines: [String] = []
    _ = all
    let inClusters = result.clusters.reduce(0) { $0 + $1.members.count }
    lines.append(
      "\(n) records, \(result.comparisons) pair comparisons (\(String(format: "%.1f", Double(result.comparisons) / Double(max(n, 1)))) per record; all pairs would be \(Int(all)))")
    lines.append(
      "\(result.clusters.count) clusters of duplicates: \(inClusters) records, \(inClusters - result.clusters.count) duplicates")
    if !result.splits.isEmpty {
      lines.append("\(result.splits.count) clusters split because their members did not all agree")
    }
    for c in result.clusters.prefix(20) {
      let members = c.members.enumerated().map { k, m in "\(refs[m].record) \"\(names[m])\" (\(c.rules[k]) \(String(format: "%.1f", c.scores[k])))" }
      lines.append("  cluster \(c.id): " + members.joined(separator: ", "))
    }
    if result.clusters.count > 20 { lines.append("  … \(result.clusters.count - 20) more clusters (see --clusters or --report)") }
    if !result.heldApart.isEmpty {
      lines.append(
        "\(result.heldApart.count) pairs held apart (a shared contact point, birth dates that clearly differ, or given names that differ in gender):")
      for link in result.heldApart.prefix(20) {
        let why = link.fields.compactMap { f -> String? in
          if f.field == "veto" {
            return f.note?.hasPrefix("given names differ in a gender-marking ending") == true
              ? "given names differ in a gender-marking ending, nothing personal agrees" : "birth dates clearly differ"
          }
          guard let note = f.note, note.contains("not counted") || note.hasPrefix("extensions differ") else { return nil }
          return note
        }
        let reason = why.isEmpty ? "extension on one side only, counted as weaker evidence" : why.joined(separator: "; ")
        lines.append(
          "  \(refs[link.a].record) \"\(names[link.a])\" / \(refs[link.b].record) \"\(names[link.b])\": \(reason) (\(String(format: "%.1f", link.score)))")
      }
      if result.heldApart.count > 20 { lines.append("  … \(result.heldApart.count - 20) more (see --report)") }
    }
    var counts: [DedupeAction.Kind: Int] = [:]
    for a in actions { counts[a.kind, default: 0] += 1 }
    let order: [DedupeAction.Kind] = [.merged, .dropped, .skipped, .replaced, .allowed]
    let acted = order.compactMap { k in counts[k].map { "\($0) \(k.rawValue)" } }
    if !acted.isEmpty {
      // Without -o nothing is written: the actions are what a write would do.
      lines.append(written == nil ? "-o would give: " + acted.joined(separator: ", ") : acted.joined(separator: ", "))
    }
    if let written { lines.append("\(written) records written") }
    return lines
  }
}

/// The `--report` JSON of `dedupe`.
struct DedupeReport: Encodable {
  struct Counts: Encodable {
    var records: Int
    var comparisons: Int
    var links: Int
    var clusters: Int
    var duplicates: Int
    var splits: Int
    var written: Int?
    var errors: Int
    var warnings: Int
  }
  struct Link: Encodable {
    var a: RecordRef
    var b: RecordRef
    var score: Double
    var rule: String
    var fields: [FieldComparison]
  }
  struct Member: Encodable {
    var ref: RecordRef
    var score: Double
    var rule: String
  }
  struct Cluster: Encodable {
    var id: Int
    var members: [Member]
  }
  struct Split: Encodable {
    var members: [String]
    var parts: [[String]]
    var disagreeing: [[String]]
  }
  struct Action: Encodable {
    var record: RecordRef
    var action: String
    var into: RecordRef?
  }
  var command = "dedupe"
  var ok: Bool
  var mode: String
  var threshold: Double
  var counts: Counts
  var clusters: [Cluster]
  var links: [Link]
  /// Pairs the shared-contact-point rules kept below the threshold, explained.
  var heldApart: [Link]
  var splits: [Split]
  var actions: [Action]
  var overflowed: [String]
  var diagnostics: [Diagnostic]

  init(
    session: DedupeSession, result: MatchResult, actions: [DedupeAction], overflow: [(Int, String)], mode: DedupeMode,
    written: Int?, printer: DiagnosticPrinter, failed: Bool
  ) {
    let refs = session.refs
    ok = !failed && printer.exitCode == 0
    self.mode = mode.rawValue
    threshold = session.rules.threshold
    let inClusters = result.clusters.reduce(0) { $0 + $1.members.count }
    counts = Counts(
      records: result.recordCount, comparisons: result.comparisons, links: result.links.count,
      clusters: result.clusters.count, duplicates: inClusters - result.clusters.count, splits: result.splits.count,
      written: written, errors: printer.errors, warnings: printer.warnings)
    clusters = result.clusters.map { c in
      Cluster(id: c.id, members: c.members.enumerated().map { Member(ref: refs[$1], score: c.scores[$0], rule: c.rules[$0]) })
    }
    links = result.links.map { Link(a: refs[$0.a], b: refs[$0.b], score: $0.score, rule: $0.rule, fields: $0.fields) }
    heldApart = result.heldApart.map { Link(a: refs[$0.a], b: refs[$0.b], score: $0.score, rule: $0.rule, fields: $0.fields) }
    splits = result.splits.map { s in
      Split(
        members: s.members.map { refs[$0].record }, parts: s.parts.map { $0.map { refs[$0].record } },
        disagreeing: s.disagreements.map { $0.map { refs[$0].record } })
    }
    self.actions = actions.map { Action(record: refs[$0.record], action: $0.kind.rawValue, into: $0.into.map { refs[$0] }) }
    overflowed = overflow.map { "\(refs[$0.0].record): \($0.1)" }
    diagnostics = printer.diagnostics
  }
}

extension FerryCommand {
  struct Dedupe: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find duplicate contacts or events, within inputs or against an existing export.",
      discussion: prose("""
        Records are normalised (e-mail, phone to E.164, names with nicknames and accents,
        organisation, address, birth date), grouped by blocking keys and scored field by
        field with log-odds weights; pairs reaching the threshold are linked, and clusters
        whose members do not all agree are split. Every link names its rule; --report lists
        the field similarities behind it. A shared contact point is not one person: a role
        address (info@, sales@, ...) or a number with an extension on one side counts only
        when the names agree, different extensions are different phones, a number two
        people with different given names share adds nothing, birth dates that clearly
        differ (or years 10 or more apart) veto a link no identifier, personal e-mail or
        address backs, and given names that differ in a gender-marking ending (Mario,
        Maria) need an identifier, a personal e-mail or the birth date to link. The pairs
        these rules held apart are listed too (docs/MATCHING.md).

        With no --mode (or --mode report) nothing is changed: ferry only reports. With -o,
        the records are written (merged or dropped per --mode; --against records never).

        Examples:
          ferry dedupe crm.csv --clusters clusters.csv
          ferry dedupe crm.csv --against outlook.csv --on-duplicate skip --to csv:outlook -o new.csv
          ferry dedupe contacts.vcf --mode merge --prefer most-complete -o merged.vcf --report dedupe.json
        """))

    @Argument(help: "Input files; '-' or none for standard input.")
    var inputs: [String] = []

    @Option(parsing: .singleValue, help: "An existing export (the provider's current contacts) to match against; repeatable.")
    var against: [String] = []

    @Option(help: "report (default), merge or drop.")
    var mode: DedupeMode = .report

    @Option(help: "Records matching one in --against: replace (default; with --mode merge the replacement also keeps the existing record's values), allow or skip.")
    var onDuplicate: OnDuplicate = .replace

    @OptionGroup var match: MatchOptions
    @OptionGroup var input: InputOptions

    @Option(name: [.customLong("to"), .customShort("t")], help: "Output format for -o (default: from the extension).")
    var to: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the resulting records here ('-' for standard output).")
    var output: String?

    @Option(name: .customLong("for"), help: "Target whose slots bound merged lists: outlook, google, generic.")
    var target: String?

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @Flag(
      help: """
        With -o, write the records even when errors were reported (records that could not be \
        read are missing; the exit status is still 1). Without it, such a run leaves -o as it was.
        """)
    var allowErrors = false

    /// Output mistakes are found before the matching runs, not after minutes of it.
    func validate() throws {
      // No input means standard input, as '-' does.
      if ((inputs.isEmpty ? ["-"] : inputs) + against).filter({ $0 == "-" }).count > 1 {
        throw ValidationError("standard input ('-', or no input) is given more than once; it can be read only once")
      }
      if let output {
        guard let format = to ?? (output != "-" ? Ferry.Formats.forExtension(of: output)?.name : nil) else {
          throw ValidationError("name the output format with --to (for example --to csv:outlook)")
        }
        do {
          let target = try Ferry.Formats.resolve(FormatSpec(format))
          if target.makeWriter == nil { throw ValidationError("ferry cannot write \(target.name)") }
        } catch let error as FerryError {
          throw ValidationError(error.message)
        }
        if output != "-" { try checkWritable(output, what: "-o") }
      }
      if let report = diagnosticOptions.report, report != "-" { try checkWritable(report, what: "--report") }
      if let clusters = match.clusters, clusters != "-" { try checkWritable(clusters, what: "--clusters") }
      let onStandardOutput = [("-o", output), ("--report", diagnosticOptions.report), ("--clusters", match.clusters)]
        .filter { $0.1 == "-" }.map(\.0)
      if onStandardOutput.count > 1 {
        throw ValidationError(
          "\(onStandardOutput.joined(separator: " and ")) would all go to standard output, mixed: give all but one a file")
      }
    }

    func run() throws {
      let printer = DiagnosticPrinter(strict: diagnosticOptions.strict, quiet: diagnosticOptions.quiet)
      Progress.shared.forced = diagnosticOptions.progress && !diagnosticOptions.quiet
      let rules = try match.matchRules()
      var session = DedupeSession(rules: rules)
      let keepRecords = output != nil
      var held: [Record] = []
      var sets: [UInt8] = []
      var locations: [SourceLocation?] = []
      var failure: FerryError?
      let paths = (inputs.isEmpty ? ["-"] : inputs).map { ($0, 0) } + against.map { ($0, 1) }
      do {
        for (path, set) in paths {
          // Read on this thread: key building is cheap next to parsing, and the matching that
          // follows uses both cores anyway; a reader thread measured slower here.
          var (reader, _, _, _) = try InputOpener.open(
            path: path, from: input.fromSpec, options: input.readOptions(), diagnostics: printer.sink)
          var position = 0
          while let record = try reader.next() {
            position += 1
            session.add(
              record, source: path == "-" ? "<stdin>" : path, position: position, set: set,
              location: reader.lastRecordLocation, sink: printer.sink)
            if keepRecords {
              held.append(record)
              sets.append(UInt8(set))
              locations.append(reader.lastRecordLocation)
            }
            if session.refs.count % 10_000 == 0 { Progress.shared.update("read \(session.refs.count) records") }
          }
        }
      } catch let error as FerryError {
        if error.kind == .usage { throw usageFailure(error, printer: printer) }
        printer.print(error: error)
        failure = error
      }
      Progress.shared.clearLine()
      if failure != nil {
        // A pipeline reading --report gets one on failure too (ok false), never an old one.
        if let path = diagnosticOptions.report {
          let result = session.matcher.run(threads: 1)
          try? writeJSONReport(
            DedupeReport(
              session: session, result: result, actions: [], overflow: [], mode: mode, written: nil,
              printer: printer, failed: true), to: path)
        }
        throw ExitCode(1)
      }

      let result = session.matcher.run(threads: ProcessInfo.processInfo.activeProcessorCount)
      var options = DedupeOptions()
      options.mode = mode
      options.prefer = match.prefer
      options.onDuplicate = onDuplicate
      options.limits = limits(for: target ?? to)
      var actions: [DedupeAction] = []
      var overflow: [(Int, String)] = []
      var written: Int?
      if let output {
        let applied = Deduplication.apply(
          records: held, sets: sets.isEmpty ? session.matcher.sets : sets, result: result, options: options,
          region: rules.region)
        actions = applied.actions
        overflow = applied.overflow
        for (r, message) in overflow {
          printer.sink.note(
            "merged value kept in notes: \(message)",
            at: locations[r],
            code: "overflow")
        }
        guard let format = to ?? (output != "-" ? Ferry.Formats.forExtension(of: output)?.name : nil) else {
          throw ValidationError("name the output format with --to (for example --to csv:outlook)")
        }
        written = try write(
          applied.records, format: format, to: output, diagnostics: printer.sink,
          commit: { [allowErrors] in printer.errors == 0 || allowErrors })
        if written == nil {
          let what = printer.errors == 1 ? "an error was" : "\(printer.errors) errors were"
          StandardStreams.error(
            "ferry: \(what) reported, so \(output == "-" ? "nothing was written" : "\(output) was left as it was") (--allow-errors writes it anyway)\n")
        }
      } else {
        actions = againstActions(result, sets: session.matcher.sets)
      }
      if let path = match.clusters { try session.writeClusters(result, to: path) }
      printer.printRepeats()
      if let path = diagnosticOptions.report {
        try writeJSONReport(
          DedupeReport(
            session: session, result: result, actions: actions, overflow: overflow, mode: mode, written: written,
            printer: printer, failed: false), to: path)
      }
      if !diagnosticOptions.quiet {
        let lines = session.summary(result, actions: actions, written: written).joined(separator: "\n") + "\n"
        if output == "-" || match.clusters == "-" || diagnosticOptions.report == "-" {
          StandardStreams.error(lines)
        } else {
          try StandardStreams.output(lines)
        }
      }
      if printer.exitCode != 0 { throw ExitCode(1) }
    }

    /// In report mode, what `--on-duplicate` would do with records that match `--against`.
    func againstActions(_ result: MatchResult, sets: [UInt8]) -> [DedupeAction] {
      var out: [DedupeAction] = []
      for c in result.clusters {
        guard let existing = c.members.first(where: { sets[$0] != 0 }) else { continue }
        for m in c.members where sets[m] == 0 {
          let kind: DedupeAction.Kind =
            switch onDuplicate {
            case .replace: .replaced
            case .allow: .allowed
            case .skip: .skipped
            }
          out.append(DedupeAction(record: m, kind: kind, into: existing))
        }
      }
      return out
    }

    /// Writes the records; nil when `commit` is false (errors were reported): the output is
    /// left as it was, as `convert` leaves it.
    func write(_ records: [Record], format: String, to path: String, diagnostics: DiagnosticSink, commit: () -> Bool) throws -> Int? {
      let spec = FormatSpec(format)
      let target = try Ferry.Formats.resolve(spec)
      guard let make = target.makeWriter else { throw ValidationError("ferry cannot write \(target.name)") }
      var options = WriteOptions(variant: spec.variant, target: self.target)
      options.variant = spec.variant
      let destination = OutputDestination(path: path)
      var count = 0
      do {
        var writer = try make(destination, options, diagnostics)
        var leftOut: [RecordKind: Int] = [:]
        for r in records {
          guard target.kinds.contains(r.kind) else {
            leftOut[r.kind, default: 0] += 1
            continue
          }
          try writer.write(r)
          count += 1
        }
        // Nothing dropped silently: events given to a contacts-only target (vCard) are said.
        for (kind, n) in leftOut.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
          diagnostics.warning(
            "\(target.name) cannot hold \(kind.rawValue)s; \(n) record\(n == 1 ? "" : "s") left out of \(path == "-" ? "standard output" : path)",
            at: nil)
        }
        try writer.finish()
        count -= writer.skippedRecords
        guard commit() else {
          destination.discardAll()
          return nil
        }
        try destination.commitAll()
      } catch {
        destination.discardAll()
        throw error
      }
      return count
    }
  }
}

/// List slots of common targets, so merged values beyond them go to notes.
func limits(for target: String?) -> MergeLimits {
  let t = (target ?? "").lowercased()
  if t.contains("outlook") { return MergeLimits(emails: 3, phones: nil, addresses: 3) }
  if t.contains("google") { return MergeLimits(emails: nil, phones: nil, addresses: nil) }
  return MergeLimits()
}
