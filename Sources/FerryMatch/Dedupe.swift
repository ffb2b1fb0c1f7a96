import FerryModel

/// What to do with duplicates.
public enum DedupeMode: String, Sendable, Codable, CaseIterable {
  /// Find and report; records pass unchanged.
  case report
  /// One record per cluster, field by field (see `Survivorship`).
  case merge
  /// Keep the survivor of each cluster, drop the others.
  case drop
}

/// Outlook's import policies, for records that match one in the `--against` set.
public enum OnDuplicate: String, Sendable, Codable, CaseIterable {
  /// Write the incoming record carrying the existing record's UID, so it replaces it; with
  /// `--mode merge`, merged with the existing record (last in preference), so the
  /// replacement loses none of the existing record's values.
  case replace
  /// Write it anyway, as a second copy.
  case allow
  /// Do not write it.
  case skip
}

/// The settings of a dedupe pass over whole records.
public struct DedupeOptions: Sendable {
  public var mode: DedupeMode = .report
  public var prefer: Preference = .crm
  public var onDuplicate: OnDuplicate = .replace
  public var limits = MergeLimits()
  public init() {}
}

/// What happened to one record.
public struct DedupeAction: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Codable { case merged, dropped, skipped, replaced, allowed, survivor }
  public var record: Int
  public var kind: Kind
  /// The record it was merged into, or the existing record it matched.
  public var into: Int?
  public init(record: Int, kind: Kind, into: Int?) {
    self.record = record
    self.kind = kind
    self.into = into
  }
}

/// Applies a match result to the records: merge, drop, and the `--against` policy.
public enum Deduplication {
  /// The records to write, in input order (a cluster's result takes its first member's
  /// place; `--against` records are never written), the actions taken, and the values that
  /// went to notes (`record`, message).
  public static func apply(
    records: [Record], sets: [UInt8], result: MatchResult, options: DedupeOptions, region: String = "US"
  ) -> (records: [Record], actions: [DedupeAction], overflow: [(Int, String)], sources: [Int]) {
    var out: [Record] = []
    // For each output record, the input it stands in (a merge: its cluster's first input).
    var sources: [Int] = []
    var actions: [DedupeAction] = []
    var overflow: [(Int, String)] = []
    var clusterResult: [Int: Record] = [:]
    var clusterLead: [Int: Int] = [:]
    var skipCluster = Set<Int>()
    var replaceUID: [Int: String] = [:]
    for cluster in result.clusters {
      let inputs = cluster.members.filter { sets[$0] == 0 }
      let existing = cluster.members.filter { sets[$0] != 0 }
      guard let firstInput = inputs.first else { continue }
      if !existing.isEmpty {
        switch options.onDuplicate {
        case .skip:
          skipCluster.insert(cluster.id)
          for m in inputs { actions.append(DedupeAction(record: m, kind: .skipped, into: existing[0])) }
          continue
        case .allow:
          for m in inputs { actions.append(DedupeAction(record: m, kind: .allowed, into: existing[0])) }
        case .replace:
          for m in inputs { actions.append(DedupeAction(record: m, kind: .replaced, into: existing[0])) }
          if options.mode != .report {
            let uid: String? =
              switch records[existing[0]] {
              case .contact(let c): c.uid
              case .event(let e): e.uid
              }
            if let uid { replaceUID[cluster.id] = uid }
          }
        }
      }
      guard options.mode != .report, inputs.count >= 1 else { continue }
      let group = inputs.map { records[$0] }
      let order = Survivorship.order(group, prefer: options.prefer)
      let survivor = inputs[order[0]]
      if inputs.count > 1 || replaceUID[cluster.id] != nil {
        var merged: Record
        if options.mode == .merge {
          // A record that replaces the mailbox's copy takes that copy's values too, last in
          // preference: what the rep added in the mailbox (a second phone, a note) is kept
          // instead of being overwritten by the import.
          let replaced = replaceUID[cluster.id] != nil ? existing.map { records[$0] } : []
          let (m, notes) = Survivorship.merge(order.map { group[$0] } + replaced, limits: options.limits, region: region)
          merged = m
          for n in notes { overflow.append((survivor, n)) }
        } else {
          merged = records[survivor]
        }
        if let uid = replaceUID[cluster.id] {
          switch merged {
          case .contact(let cBox):
            var c = cBox.contact
            if let old = c.uid, old != uid { c.notes.append("UID: \(old) (replaced by the existing record's UID)") }
            c.uid = uid
            merged = .contact(c)
          case .event(let box):
            var e = box.event
            e.uid = uid
            merged = .event(e)
          }
        }
        clusterResult[cluster.id] = merged
        clusterLead[cluster.id] = firstInput
        for m in inputs where m != survivor {
          actions.append(DedupeAction(record: m, kind: options.mode == .merge ? .merged : .dropped, into: survivor))
        }
        actions.append(DedupeAction(record: survivor, kind: .survivor, into: nil))
      }
    }
    for (k, r) in records.enumerated() where sets[k] == 0 {
      let c = result.clusterOf[k]
      if c == 0 {
        out.append(r)
        sources.append(k)
        continue
      }
      if skipCluster.contains(c) { continue }
      if let merged = clusterResult[c] {
        if clusterLead[c] == k {
          out.append(merged)
          sources.append(k)
        }
        continue
      }
      out.append(r)
      sources.append(k)
    }
    return (out, actions.sorted { $0.record < $1.record }, overflow, sources)
  }
}
