import FerryModel
import FerryPush

/// Counts, over one conversion, the filled fields of records that the target's writer does
/// not keep (`Format.coverage`), and reports each field once with the number of records
/// (`code: "unmapped"`, a warning: `--strict` fails on it, `--report` lists it).
///
/// Raw properties count only for writers that neither write nor report them (EWS, Graph):
/// each name once, as its origin's property.
struct UnkeptFields: UnkeptCounting {
  private let target: String
  private let format: Format
  private let options: WriteOptions
  /// Per kind: the field names not reported (kept or bookkeeping) and the raw origins
  /// kept; `keepsAll` when the writer keeps everything. Two stored values, not a dictionary:
  /// this runs for every record, and hashing a key per record shows in the benchmarks.
  private enum PlanState {
    case unknown
    case keepsAll
    /// `reported`: bits of the model's fields (`Contact.fieldNames`) the writer drops.
    case plan(reported: UInt64, rawOrigins: Set<String>?)
  }
  private var contactPlan = PlanState.unknown
  private var eventPlan = PlanState.unknown
  /// The last record's raw properties (origin, name) and their slots (nil: the origin is
  /// kept): a CSV's rows carry the same unknown columns, whose strings share storage, so
  /// comparing them is cheaper than hashing them again.
  private var lastRaw: [(origin: String, name: String)] = []
  private var lastRawSlots: [Int?] = []
  /// The last record's filled fields and the slots of those reported: records of one input
  /// mostly fill the same fields, so the lookups run once per shape, not per record.
  private var lastKind: RecordKind?
  private var lastFilled: UInt64 = 0
  private var lastSlots: [Int] = []
  /// One entry per reported name, in order of first appearance; `slots` finds a key's.
  private var entries: [(count: Int, first: SourceLocation?, label: String, kind: RecordKind)] = []
  private var slots: [String: Int] = [:]

  init(format: Format, target: String, options: WriteOptions) {
    self.format = format
    self.target = target
    self.options = options
  }

  /// Notes what of `record` the writer will not keep.
  mutating func count(_ record: Record, at location: SourceLocation?) throws {
    let kind = record.kind
    var state = kind == .contact ? contactPlan : eventPlan
    if case .unknown = state {
      if let coverage = try format.coverage?(kind, options) {
        let ignored = coverage.fields.union(FieldCoverage.bookkeeping(kind))
        let names = kind == .contact ? Contact.fieldNames : Event.fieldNames
        var reported: UInt64 = 0
        for (bit, name) in names.enumerated() where !ignored.contains(name) { reported |= 1 << UInt64(bit) }
        state = .plan(reported: reported, rawOrigins: coverage.rawOrigins)
      } else {
        state = .keepsAll
      }
      if kind == .contact { contactPlan = state } else { eventPlan = state }
    }
    guard case .plan(let reported, let rawOrigins) = state else { return }
    // Through the record: binding its contact here would copy it.
    let filled = record.filledFieldMask & reported
    if kind != lastKind || filled != lastFilled {
      lastKind = kind
      lastFilled = filled
      let names = kind == .contact ? Contact.fieldNames : Event.fieldNames
      lastSlots = names.indices.filter { filled & (1 << UInt64($0)) != 0 }.map {
        slot(names[$0], label: "field \"\(names[$0])\"", kind: kind, at: location)
      }
    }
    for i in lastSlots { entries[i].count += 1 }
    guard let origins = rawOrigins else { return }
    let raw = record.raw
    guard !raw.isEmpty else { return }
    // By index, fields compared in place: `zip` would copy each property (a retain per field).
    var same = raw.count == lastRaw.count
    var k = 0
    while same && k < raw.count {
      same = raw[k].origin == lastRaw[k].origin && raw[k].name == lastRaw[k].name
      k += 1
    }
    if !same {
      lastRaw = raw.map { ($0.origin, $0.name) }
      lastRawSlots = raw.map { p in
        origins.contains(p.origin)
          ? nil : slot("raw:\(p.origin):\(p.name)", label: "\(p.origin) property \"\(p.name)\"", kind: kind, at: location)
      }
    }
    for case let i? in lastRawSlots { entries[i].count += 1 }
  }

  /// The entry of `key`, made (with no records yet) the first time.
  private mutating func slot(_ key: String, label: @autoclosure () -> String, kind: RecordKind, at location: SourceLocation?) -> Int {
    let key = kind == .contact ? "c:" + key : "e:" + key
    if let i = slots[key] { return i }
    entries.append((0, location, label(), kind))
    slots[key] = entries.count - 1
    return entries.count - 1
  }

  func report(to diagnostics: DiagnosticSink) { report(to: diagnostics, leavingOut: []) }

  /// One warning per field (contacts' and events' counted together), in order of first
  /// appearance; records of a kind the writer skipped whole (`RecordWriter.skippedKinds`) left
  /// out, since they were reported as skipped.
  func report(to diagnostics: DiagnosticSink, leavingOut kinds: Set<RecordKind>) {
    var order: [String] = []
    var merged: [String: (count: Int, first: SourceLocation?)] = [:]
    for f in entries where f.count > 0 && !kinds.contains(f.kind) {
      if let m = merged[f.label] {
        merged[f.label] = (m.count + f.count, m.first)
      } else {
        order.append(f.label)
        merged[f.label] = (f.count, f.first)
      }
    }
    for label in order {
      guard let f = merged[label] else { continue }
      let records = f.count == 1 ? "1 record" : "\(f.count) records"
      diagnostics.warning(
        "\(label) (\(records)) has no place in \(target); dropped", at: f.first, code: "unmapped")
    }
  }
}
