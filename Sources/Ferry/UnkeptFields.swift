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
  /// The last record's filled fields and which of them were reported: records of one input
  /// mostly fill the same fields, so the set lookups run once per shape, not per record.
  private var lastKind: RecordKind?
  private var lastFilled: [String] = []
  private var lastUnkept: [String] = []
  private var order: [String] = []
  private var found: [String: (count: Int, first: SourceLocation?, label: String)] = [:]

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
      lastUnkept = filled.filter { !plan.ignored.contains($0) }
    }
    for name in lastUnkept { add(name, label: "field \"\(name)\"", at: location) }
    if let origins = plan.rawOrigins {
      for p in raw where !origins.contains(p.origin) {
        add("raw:\(p.origin):\(p.name)", label: "\(p.origin) property \"\(p.name)\"", at: location)
      }
    }
  }

  private mutating func add(_ key: String, label: @autoclosure () -> String, at location: SourceLocation?) {
    if var f = found[key] {
      f.count += 1
      found[key] = f
    } else {
      order.append(key)
      found[key] = (1, location, label())
    }
  }

  /// One warning per field, in order of first appearance.
  func report(to diagnostics: DiagnosticSink) {
    for key in order {
      guard let f = found[key] else { continue }
      let records = f.count == 1 ? "1 record" : "\(f.count) records"
      diagnostics.warning(
        "\(f.label) (\(records)) has no place in \(target); dropped", at: f.first, code: "unmapped")
    }
  }
}
