import Foundation
import FerryModel

/// Opens inputs with the right reader, detecting the format when none was named.
public enum InputOpener {
  /// How many bytes detection looks at.
  public static let detectionWindow = 64 * 1024

  /// Opens `path` (`-` for standard input) and returns its reader, the format and how it
  /// was chosen.
  public static func open(
    path: String, from spec: FormatSpec?, options: ReadOptions, diagnostics: DiagnosticSink
  ) throws -> (reader: any RecordReader, format: Format, detection: Detection, input: ByteInput) {
    let input = try ByteInput(path: path)
    var options = options
    let format: Format
    let detection: Detection
    let head = try input.peek(detectionWindow)
    if head.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) && head.count < detectionWindow {
      // Nothing but white space, whatever the format: an error, never zero records, because
      // an export that came out empty is a broken pipeline upstream, and a push that took it
      // for "no clients left" would plan to delete every contact it made.
      throw FerryError(
        .malformedInput, "input is empty\(head.isEmpty ? "" : " (only white space)")",
        at: SourceLocation(file: input.name, line: 1, column: 1))
    }
    if let spec {
      format = try Formats.resolve(spec)
      let detected = format.detect?(head, path == "-" ? nil : path)
      detection = Detection(confidence: 1, variant: spec.variant ?? detected?.variant)
    } else {
      guard let found = Formats.detect(head: head, fileName: path == "-" ? nil : path) else {
        throw FerryError(
          .malformedInput, "cannot tell the format of this input; name it with --from",
          at: SourceLocation(file: input.name, line: 1, column: 1))
      }
      (format, detection) = found
    }
    guard let make = format.makeReader else {
      throw FerryError(.usage, "ferry cannot read \(format.name) yet")
    }
    options.variant = options.variant ?? detection.variant
    let reader = try make(input, options, diagnostics)
    return (reader, format, detection, input)
  }

  /// `open`, with the reader moved to its own thread (`PrefetchingReader`): parsing runs on
  /// one core while the caller writes or plans on the other. Diagnostics of opening are
  /// reported at once; the reader's come back in order, on the caller's thread. A reader
  /// that reads on threads of its own already (`ParallelReader`, for big vCard inputs) is
  /// given as it is.
  public static func openPrefetching(
    path: String, from spec: FormatSpec?, options: ReadOptions, diagnostics: DiagnosticSink
  ) throws -> (reader: any RecordReader, format: Format, detection: Detection) {
    let relay = DiagnosticRelay(diagnostics)
    let (reader, format, detection, _) = try open(path: path, from: spec, options: options, diagnostics: relay.sink)
    if reader is ParallelReader { return (reader, format, detection) }
    return (PrefetchingReader(reader, relay: relay), format, detection)
  }
}

/// The input position of the record being written, shared with the writer's diagnostics.
private final class CurrentInputRecord: @unchecked Sendable {
  var location: SourceLocation? {
    didSet {
      if let file = location?.file, file != lastFile {
        lastFile = file
        inputNames.insert(file)
      }
    }
  }
  private var lastFile: String?
  /// The inputs seen so far: a position in one of them is already the record's own.
  var inputNames: Set<String> = []
}

/// Counts of one conversion, for the summary and `--report`.
public struct ConversionSummary: Sendable, Codable, Equatable {
  public var recordsRead = 0
  public var recordsWritten = 0
  /// Records the writer skipped, or the target could not hold (each with a diagnostic); not
  /// counted in `recordsWritten`.
  public var recordsSkipped = 0
  /// Records the whole-set pass removed (duplicates merged into another, or dropped).
  public var recordsDeduplicated = 0
  /// The files written, when the writer made more than the `-o` path (numbered batches).
  public var outputFiles: [String] = []
  public var contacts = 0
  public var events = 0
  public var inputs: [InputSummary] = []
  public init() {}
}

/// What was read from one input.
public struct InputSummary: Sendable, Codable, Equatable {
  public var path: String
  public var format: String
  public var variant: String?
  public var confidence: Double
  public var records: Int
  public init(path: String, format: String, variant: String?, confidence: Double, records: Int) {
    self.path = path
    self.format = format
    self.variant = variant
    self.confidence = confidence
    self.records = records
  }
}

/// `ferry convert`: every input through its reader, every record through the writer.
///
/// The hub: no format knows another; records pass through the canonical model one at a
/// time, so memory stays bounded by the largest record (unless `transform` needs the whole
/// set, as dedupe does).
public struct Conversion {
  public var inputs: [String]
  public var from: FormatSpec?
  public var to: FormatSpec
  public var output: String
  public var readOptions: ReadOptions
  public var writeOptions: WriteOptions
  /// Called every so often with the number of records so far (for a progress line).
  public var progress: (@Sendable (Int) -> Void)?
  /// Asked once everything is written and before anything is committed: a reason not to
  /// commit (errors were reported), or nil. Files are then left as they were.
  public var commitVeto: (() -> String?)?

  public init(
    inputs: [String], from: FormatSpec?, to: FormatSpec, output: String, readOptions: ReadOptions = ReadOptions(),
    writeOptions: WriteOptions = WriteOptions()
  ) {
    self.inputs = inputs.isEmpty ? ["-"] : inputs
    self.from = from
    self.to = to
    self.output = output
    self.readOptions = readOptions
    self.writeOptions = writeOptions
  }

  /// Runs the conversion. Output files are committed only when everything succeeded.
  ///
  /// - Parameter transform: an optional whole-set pass (dedupe) between reading and writing.
  /// - Parameter failed: called with the counts so far when the run throws (nothing was
  ///   committed, so `recordsWritten` is 0), for a report that says how far it got.
  public func run(
    diagnostics: DiagnosticSink, failed: ((ConversionSummary) -> Void)? = nil,
    transform: ((inout [Record], inout [SourceLocation?]) throws -> Void)? = nil
  ) throws -> ConversionSummary {
    let target = try Formats.resolve(to)
    guard let makeWriter = target.makeWriter else {
      throw FerryError(.usage, "ferry cannot write \(target.name)")
    }
    var writeOptions = self.writeOptions
    writeOptions.variant = writeOptions.variant ?? to.variant
    let destination = OutputDestination(path: output)
    var summary = ConversionSummary()
    // Fields the target has no place for are reported once each, with a count, after writing.
    // The variant the writer uses: the named one, a mapping file's, else the format's default.
    let variant =
      writeOptions.variant ?? (target.name == "csv" && writeOptions.csv.mappingFile != nil ? "mapping" : target.variants.first)
    var unkept = UnkeptFields(
      format: target, target: FormatSpec(name: target.name, variant: variant).description, options: writeOptions)
    // A writer knows only its output; what it says about a record (an e-mail with no free
    // slot) is pinned on that record's place in the input, where the user can fix it.
    let current = CurrentInputRecord()
    let writerDiagnostics = DiagnosticSink { d in
      var d = d
      if let input = current.location, let own = d.location, !current.inputNames.contains(own.file) {
        d.location = SourceLocation(
          file: input.file, line: input.line, column: input.column, record: input.record, property: own.property)
      }
      diagnostics.emit(d)
    }
    var kindSkipped = 0
    var emptySkipped = 0
    // Asked once, not per record.
    let blankContactsSkipped = ["csv", "ews", "graph"].contains(target.name)
    let targetHoldsContacts = target.kinds.contains(.contact)
    let targetHoldsEvents = target.kinds.contains(.event)
    do {
      var writer = try makeWriter(destination, writeOptions, writerDiagnostics)
      var held: [Record] = []
      var heldLocations: [SourceLocation?] = []
      for path in inputs {
        var (reader, format, detection) = try InputOpener.openPrefetching(
          path: path, from: from, options: readOptions, diagnostics: diagnostics)
        var count = 0
        while let record = try reader.next() {
          count += 1
          summary.recordsRead += 1
          switch record.kind {
          case .contact: summary.contacts += 1
          case .event: summary.events += 1
          }
          if !(record.kind == .contact ? targetHoldsContacts : targetHoldsEvents) {
            kindSkipped += 1
            diagnostics.warning(
              "\(target.name) cannot hold \(record.kind.rawValue)s; record skipped", at: reader.lastRecordLocation,
              code: "skipped")
            continue
          }
          if blankContactsSkipped, record.isContactWithoutContent {
            // Every column went unmapped (an unknown CSV): Outlook, Exchange or Google would get
            // a blank contact. vCard keeps such a card's raw properties (as X- properties) and
            // NDJSON keeps everything, for a second try with --mapping.
            emptySkipped += 1
            diagnostics.warning(
              "record has no name, organisation, e-mail, phone, address or note to write; skipped",
              at: reader.lastRecordLocation, code: "skipped")
            continue
          }
          if transform != nil {
            held.append(record)
            heldLocations.append(reader.lastRecordLocation)
          } else {
            current.location = reader.lastRecordLocation
            try unkept.count(record, at: reader.lastRecordLocation)
            try writer.write(record, from: reader.lastRecordLocation)
            current.location = nil
            summary.recordsWritten += 1
          }
          if summary.recordsRead % 10_000 == 0 { progress?(summary.recordsRead) }
        }
        summary.inputs.append(
          InputSummary(
            path: path == "-" ? "<stdin>" : path, format: format.name, variant: detection.variant,
            confidence: detection.confidence, records: count))
      }
      if kindSkipped > 0 && kindSkipped == summary.recordsRead {
        // Every record is of a kind the target cannot hold (events to vCard): a wrong --to,
        // not a conversion with a few leftovers.
        let kinds = summary.contacts > 0 && summary.events > 0 ? "contacts and events" : summary.contacts > 0 ? "contacts" : "events"
        let holds = target.kinds.map(\.rawValue).sorted().map { $0 + "s" }.joined(separator: " and ")
        throw FerryError(
          .unrepresentable,
          "\(target.name) holds only \(holds), and all \(summary.recordsRead) records read are \(kinds); nothing to write")
      }
      if let transform {
        let before = held.count
        try transform(&held, &heldLocations)
        summary.recordsDeduplicated = max(0, before - held.count)
        for (k, record) in held.enumerated() {
          // Where the record (a merge: its cluster's first) was read, for the writer's remarks.
          let location = k < heldLocations.count ? heldLocations[k] : nil
          current.location = location
          try unkept.count(record, at: location)
          try writer.write(record, from: location)
          current.location = nil
          summary.recordsWritten += 1
        }
      }
      try writer.finish()
      unkept.report(to: diagnostics, leavingOut: writer.skippedKinds)
      summary.recordsSkipped = writer.skippedRecords + kindSkipped + emptySkipped
      summary.recordsWritten -= writer.skippedRecords
      if output != "-", let reason = commitVeto?() {
        throw FerryError(.unsupported, reason)
      }
      try destination.commitAll()
      summary.outputFiles = destination.openedPaths
    } catch {
      destination.discardAll()
      if summary.recordsSkipped == 0 { summary.recordsSkipped = kindSkipped + emptySkipped }
      summary.recordsWritten = 0
      summary.outputFiles = []
      failed?(summary)
      throw error
    }
    if writeOptions.vcard.splitDirectory != nil {
      settleSplitDirectory(destination, filesWritten: summary.outputFiles.count, diagnostics: diagnostics)
    } else if ["ews", "graph"].contains(target.name) {
      settleNumberedDocuments(destination, written: summary.outputFiles, diagnostics: diagnostics)
    }
    return summary
  }

  /// After a committed EWS or Graph run: request documents an earlier run left beside this
  /// run's (`out-0004.xml` after a run with three batches, `out.xml` after one with several)
  /// would be sent along with them, creating every item twice. Counted in a warning, or
  /// removed under `--clean`.
  private func settleNumberedDocuments(_ destination: OutputDestination, written: [String], diagnostics: DiagnosticSink) {
    let stale = destination.staleNumberedDocuments(written: written)
    guard !stale.isEmpty else { return }
    let counted = stale.count == 1 ? "1 request document" : "\(stale.count) request documents"
    guard writeOptions.vcard.removeOtherFiles else {
      let examples = stale.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ") + (stale.count > 3 ? ", …" : "")
      diagnostics.warning(
        "\(counted) from an earlier run \(stale.count == 1 ? "lies" : "lie") beside this run's (\(examples)); sent along, they would create their items again; remove them, or rerun with --clean",
        code: "stale")
      return
    }
    var removed = 0
    for path in stale {
      do {
        try FileManager.default.removeItem(atPath: path)
        removed += 1
      } catch {
        diagnostics.warning("cannot remove \"\(path)\", left from an earlier run: \(error.localizedDescription)", code: "stale")
      }
    }
    if removed > 0 {
      diagnostics.note("removed \(removed == 1 ? "1 request document" : "\(removed) request documents") an earlier run left beside this run's", code: "stale")
    }
  }

  /// After a committed `--split DIR` run: `.vcf` files an earlier run left in DIR would be
  /// imported with this run's, so they are counted in a warning, or removed under `--clean`
  /// (never when this run wrote no file: an empty export must not empty the folder).
  private func settleSplitDirectory(
    _ destination: OutputDestination, filesWritten: Int, diagnostics: DiagnosticSink
  ) {
    let others = destination.otherFiles(withExtension: "vcf")
    guard !others.isEmpty else { return }
    let folder = destination.path
    let counted = others.count == 1 ? "1 other .vcf file" : "\(others.count) other .vcf files"
    guard writeOptions.vcard.removeOtherFiles, filesWritten > 0 else {
      let examples = others.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ") + (others.count > 3 ? ", …" : "")
      let advice =
        writeOptions.vcard.removeOtherFiles
        ? "--clean removed nothing, since this run wrote no file" : "--clean removes them"
      let message = "\(folder) holds \(counted) that this run did not write (\(examples))"
      diagnostics.warning("\(message); an import of the folder takes them too; \(advice)", code: "split")
      return
    }
    let failed = destination.removeFiles(others)
    let removed = others.count - failed.count
    if removed > 0 {
      diagnostics.note(
        "removed \(removed == 1 ? "1 .vcf file" : "\(removed) .vcf files") that this run did not write from \(folder)",
        code: "split")
    }
    for (name, reason) in failed {
      diagnostics.warning("cannot remove \"\(name)\" from \(folder): \(reason); it will be imported too", code: "split")
    }
  }
}
