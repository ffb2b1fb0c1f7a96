import FerryModel

/// Counts, over one conversion, the filled fields of records that the target's writer does
/// not keep (`Format.coverage`), and reports each field once with the number of records
/// (`code: "unmapped"`, a warning: `--strict` fails on it, `--report` lists it).
///
/// Raw properties count only for writers that neither write nor report them (EWS, Graph):
/// each name once, as its origin's property.
struct UnkeptFields {
  private let target: String
  private let format: Format
  private let options: WriteOptions
  /// Per kind: the field names not reported (kept or bookkeeping) and the raw origins
  /// kept; nil when the writer keeps everything.
  private var plans: [RecordKind: (ignored: Set<String>, rawOrigins: Set<String>?)?] = [:]
  /// The last record's filled fields and the slots of those reported: records of one input
  /// mostly fill the same fields, so the lookups run once per shape, not per record.
  private var lastKind: RecordKind?
  private var lastFilled: [String] = []
  private var lastSlots: [Int] = []
  /// One entry per reported name, in order of first appearance; `slots` finds a key's.
  private var entries: [(count: Int, first: SourceLocation?, label: String)] = []
  private var slots: [String: Int] = [:]

  init(format: Format, target: String, options: WriteOptions) {
    self.format = format
    self.target = target
    self.options = options
  }

  /// Notes what of `record` the writer will not keep.
  mutating func count(_ record: Record, at location: SourceLocation?) throws {
    let kind = record.kind
    if plans[kind] == nil {
      let coverage = try format.coverage?(kind, options)
      plans[kind] = .some(coverage.map { ($0.fields.union(FieldCoverage.bookkeeping(kind)), $0.rawOrigins) })
    }
    guard let plan = plans[kind] ?? nil else { return }
    let filled: [String]
    let raw: [RawProperty]
    switch record {
    case .contact(let c):
      filled = c.filledFieldNames
      raw = c.raw
    case .event(let e):
      filled = e.filledFieldNames
      raw = e.raw
    }
    if kind != lastKind || filled != lastFilled {
      lastKind = kind
      lastFilled = filled
      lastSlots = filled.filter { !plan.ignored.contains($0) }.map { slot($0, label: "field \"\($0)\"", at: location) }
    }
    for i in lastSlots { entries[i].count += 1 }
    if let origins = plan.rawOrigins {
      for p in raw where !origins.contains(p.origin) {
        entries[slot("raw:\(p.origin):\(p.name)", label: "\(p.origin) property \"\(p.name)\"", at: location)].count += 1
      }
    }
  }

  /// The entry of `key`, made (with no records yet) the first time.
  private mutating func slot(_ key: String, label: @autoclosure () -> String, at location: SourceLocation?) -> Int {
    if let i = slots[key] { return i }
    entries.append((0, location, label()))
    slots[key] = entries.count - 1
    return entries.count - 1
  }

  /// One warning per field, in order of first appearance.
  func report(to diagnostics: DiagnosticSink) {
    for f in entries where f.count > 0 {
      let records = f.count == 1 ? "1 record" : "\(f.count) records"
      diagnostics.warning(
        "\(f.label) (\(records)) has no place in \(target); dropped", at: f.first, code: "unmapped")
    }
  }
}
