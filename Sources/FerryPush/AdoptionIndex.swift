import FerryModel

/// Finds, in a provider export (the mailbox's current contents), the item a CRM record
/// already has there, so that ferry updates it instead of creating a duplicate.
///
/// Rules, in order:
/// 1. ferry's embedded CRM id: a UID `ferry-<crmid>@ferry`, a `FerryCrmId` property, or the
///    reader's `source.recordId` when it is a Salesforce id;
/// 2. events: the same UID, or the same start and summary (normalised).
/// Contacts not found by their ferry id are matched afterwards, all at once, by FerryMatch's
/// duplicate-matching pass (`Planner`, `freeContacts`/`markAdopted`).
/// Each mailbox item is adopted at most once.
struct AdoptionIndex {
  struct Match {
    var index: Int
    var rule: String
    /// True when the item carries ferry's own id (ferry made it; only the ledger was lost).
    var embedded: Bool
  }

  private(set) var records: [Record] = []
  private var byCrmId: [String: Int] = [:]
  private var byUID: [String: Int] = [:]
  private var byStartSummary: [String: [Int]] = [:]
  private var adopted: Set<Int> = []

  /// The CRM id ferry embedded in a mailbox item, if any.
  static func embeddedId(_ record: Record) -> String? {
    let uid: String?
    switch record {
    case .contact(let c): uid = c.uid
    case .event(let e): uid = e.uid
    }
    if let uid, uid.hasPrefix("ferry-"), let at = uid.firstIndex(of: "@") {
      return String(uid[uid.index(uid.startIndex, offsetBy: 6)..<at])
    }
    for p in record.raw where ["ferrycrmid", "x-ferry-crm-id"].contains(p.name.lowercased()) { return p.value }
    if let id = record.source?.recordId, SalesforceID.caseSafe(id) != nil { return id }
    return nil
  }

  mutating func add(_ record: Record) {
    let i = records.count
    records.append(record)
    if let id = AdoptionIndex.embeddedId(record) {
      byCrmId[id] = i
      kindsWithFerryIds.insert(record.kind)
    }
    switch record {
    case .contact: break
    case .event(let e):
      if let uid = e.uid { byUID[uid] = i }
      if let start = e.start { byStartSummary[start.description + "|" + Normalise.name(e.summary ?? ""), default: []].append(i) }
    }
  }

  var isEmpty: Bool { records.isEmpty }

  /// Whether the export carries ferry's ids on items of `kind` at all (a UID or a
  /// `FerryCrmId`): only then does an item missing from it say something. An Outlook CSV
  /// export keeps no UID, so every item ferry made would look missing.
  func carriesFerryIds(of kind: RecordKind) -> Bool { kindsWithFerryIds.contains(kind) }

  /// The kinds of the items that carry ferry's ids, noted as they are added.
  private var kindsWithFerryIds: Set<RecordKind> = []

  /// Mailbox contacts not adopted yet, in the order they were added.
  func freeContacts() -> [Int] {
    records.indices.filter { !adopted.contains($0) && records[$0].contact != nil }
  }

  mutating func markAdopted(_ index: Int) { adopted.insert(index) }

  /// The mailbox item that carries `crmId` as ferry's embedded id, without adopting it.
  mutating func managedCopy(crmId: String) -> Record? {
    guard let i = byCrmId[crmId] else { return nil }
    adopted.insert(i)
    return records[i]
  }

  /// The mailbox item for a CRM record; marks it adopted.
  mutating func match(_ record: Record, crmId: String) -> Match? {
    if let i = byCrmId[crmId], !adopted.contains(i) {
      adopted.insert(i)
      return Match(index: i, rule: "ferry id", embedded: AdoptionIndex.isFerryUID(records[i]))
    }
    func unique(_ candidates: [Int]?, where ok: (Int) -> Bool = { _ in true }) -> Int? {
      let free = Set((candidates ?? []).filter { !adopted.contains($0) && ok($0) })
      return free.count == 1 ? free.first : nil
    }
    var found: (Int, String)?
    switch record {
    case .contact: break  // FerryMatch, in the planner
    case .event(let e):
      if let uid = e.uid, let i = byUID[uid], !adopted.contains(i) {
        found = (i, "same UID")
      } else if let start = e.start, let i = unique(byStartSummary[start.description + "|" + Normalise.name(e.summary ?? "")]) {
        found = (i, "same start and summary")
      }
    }
    guard let (i, rule) = found else { return nil }
    adopted.insert(i)
    return Match(index: i, rule: rule, embedded: false)
  }

  /// The identity a mailbox item has on the provider side.
  static func providerId(_ record: Record) -> String? {
    switch record {
    case .contact(let c): if let uid = c.uid, !uid.isEmpty { return uid }
    case .event(let e): if let uid = e.uid, !uid.isEmpty { return uid }
    }
    return record.source?.recordId
  }

  static func isFerryUID(_ record: Record) -> Bool {
    (record.contact?.uid ?? record.event?.uid)?.hasPrefix("ferry-") ?? false
  }
}
