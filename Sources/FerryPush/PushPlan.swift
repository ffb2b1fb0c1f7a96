import FerryModel

/// Counts of one plan, in total or for one rep.
public struct PushCounts: Sendable, Codable, Equatable {
  public var create = 0
  public var update = 0
  public var delete = 0
  public var unchanged = 0
  public var skipped = 0
  public init() {}

  public var changes: Int { create + update + delete }

  mutating func add(_ action: PlanEntry.Action) {
    switch action {
    case .create: create += 1
    case .update: update += 1
    case .delete: delete += 1
    case .unchanged: unchanged += 1
    case .skip: skipped += 1
    }
  }
}

/// What the plan does with one CRM record (or one ledger item whose record is gone).
public struct PlanEntry: Sendable {
  public enum Action: String, Sendable, Codable, CaseIterable {
    case create, update, delete, unchanged, skip
  }
  public var action: Action
  public var kind: RecordKind
  /// True when `providerId` is the UID ferry gives what it creates (`Planner.ferryUID(crmId)`),
  /// made when read instead of kept: a first push plans a million of them. (Declared here,
  /// beside the other one-byte fields, so that it takes no room of its own.)
  private var providerIdIsFerryUID = false
  public var crmId: String {
    didSet {
      // The UID was made from the old id: keep it as it was.
      guard providerIdIsFerryUID else { return }
      storedProviderId = Planner.ferryUID(oldValue)
      providerIdIsFerryUID = false
    }
  }
  /// The rep's output folder; nil when the record belongs to no synced rep.
  public var rep: String?
  /// The ledger's mailbox key.
  public var mailbox: String?
  /// The ledger's target key (`vcard/outlook`, `ics`, `ews`).
  public var target: String?
  /// The record's name as pushed (a contact's display name, an event's summary).
  public var name: String
  /// Why: "new in the CRM", "phone changed", "filters.events does not match", …
  public var reason: String
  /// The item's identity on the provider side (UID, item id).
  public var providerId: String? {
    get { providerIdIsFerryUID ? Planner.ferryUID(crmId) : storedProviderId }
    set {
      storedProviderId = newValue
      providerIdIsFerryUID = false
    }
  }
  private var storedProviderId: String?

  /// Gives the entry ferry's own UID for its CRM id as `providerId` (what a create gets).
  mutating func useFerryUID() {
    storedProviderId = nil
    providerIdIsFerryUID = true
  }
  public var origin: LedgerEntry.Origin?
  /// For an adopted mailbox item: the rule that found it (`ferry id`, an event rule such as
  /// `same UID`, or FerryMatch's rule name such as `email+name`, `phone+name`).
  public var adoptedBy: String? {
    get { extras?.adoptedBy }
    set { if newValue != nil || extras != nil { changeExtras { $0.adoptedBy = newValue } } }
  }
  /// FerryMatch's score (summed log-odds weight) for a contact adopted by the matching pass.
  public var adoptionScore: Double? {
    get { extras?.adoptionScore }
    set { if newValue != nil || extras != nil { changeExtras { $0.adoptionScore = newValue } } }
  }
  public var contentHash: UInt64 = 0
  public var fingerprint: UInt64 = 0
  /// For an update of an item ferry created: the mailbox export's copy of it, so that EWS
  /// and Graph updates clear the fields the CRM no longer has (`RecordWriter.write(_:replacing:)`).
  /// Nil for adopted items: what they held before ferry is the user's, and stays.
  public var previous: Record? {
    get { extras?.previous }
    set { if newValue != nil || extras != nil { changeExtras { $0.previous = newValue } } }
  }
  /// What the ledger keeps as `LedgerEntry.previousFingerprint` for this item.
  public var previousFingerprint: UInt64 = 0
  /// What the ledger keeps as `LedgerEntry.overriddenFingerprint` for this item.
  public var overriddenFingerprint: UInt64 = 0
  public var sequence = 0
  /// For a series the mailbox holds (EWS, Graph): the changes to its single occurrences
  /// that the mailbox lacks, written with the update (`RecordWriter.write(_:replacing:occurrences:)`).
  public var occurrences: OccurrenceChanges? {
    get { extras?.occurrences }
    set { if newValue != nil || extras != nil { changeExtras { $0.occurrences = newValue } } }
  }
  /// What the ledger records of `occurrences` once they are written, so that a rerun does
  /// not send them again.
  public var occurrenceRecords: [LedgerOccurrence] {
    get { extras?.occurrenceRecords ?? [] }
    set { if !newValue.isEmpty || extras != nil { changeExtras { $0.occurrenceRecords = newValue } } }
  }
  /// Occurrence keys the ledger forgets once this entry is written: changes ferry sent that
  /// the CRM no longer has.
  public var forgottenOccurrences: [String] {
    get { extras?.forgottenOccurrences ?? [] }
    set { if !newValue.isEmpty || extras != nil { changeExtras { $0.forgottenOccurrences = newValue } } }
  }

  /// The fields few entries fill (adoptions, updates of series and of items ferry created),
  /// in one box that most entries go without: a first push plans a million creates, and
  /// these fields inline would cost each of them some 80 bytes. Shared between copies of an
  /// entry until one of them changes (`changeExtras`), so `PlanEntry` stays a value.
  final class Extras: @unchecked Sendable {
    var adoptedBy: String?
    var adoptionScore: Double?
    var previous: Record?
    var occurrences: OccurrenceChanges?
    var occurrenceRecords: [LedgerOccurrence] = []
    var forgottenOccurrences: [String] = []

    init() {}

    func copy() -> Extras {
      let c = Extras()
      c.adoptedBy = adoptedBy
      c.adoptionScore = adoptionScore
      c.previous = previous
      c.occurrences = occurrences
      c.occurrenceRecords = occurrenceRecords
      c.forgottenOccurrences = forgottenOccurrences
      return c
    }
  }
  private(set) var extras: Extras?

  /// Changes the box, copying it first when another entry shares it.
  private mutating func changeExtras(_ change: (Extras) -> Void) {
    if !isKnownUniquelyReferenced(&extras) { extras = extras?.copy() ?? Extras() }
    if let extras { change(extras) }
  }
  /// The record as it will be written (create, update), or as much of it as a delete needs.
  /// What the applier writes (creates, updates, deletes): in memory, or in the plan's
  /// `RecordSpool` file once the plan holds many records. Reading a spooled record that
  /// cannot be read back gives nil here; the applier uses `loadRecord()`, which throws.
  public var record: Record? {
    get { try? loadRecord() }
    set { stored = newValue.map { .inline($0) } ?? .none }
  }
  enum StoredRecord: Sendable {
    case none
    case inline(Record)
    case spooled(RecordSpool, RecordSpool.Ref)
  }
  var stored = StoredRecord.none

  public init(action: Action, kind: RecordKind, crmId: String, name: String, reason: String) {
    self.action = action
    self.kind = kind
    self.crmId = crmId
    self.name = name
    self.reason = reason
  }
}

/// An attendee that `relate_events` could not tie to exactly one CRM contact.
public struct UnresolvedAttendee: Sendable, Codable, Equatable {
  public var rep: String?
  public var eventId: String
  public var attendee: String
  public var reason: String
}

/// An item ferry manages that was changed in the mailbox since ferry pushed it.
public struct ProviderChange: Sendable, Codable, Equatable {
  public var rep: String
  public var crmId: String
  public var providerId: String
  public var name: String
  public var lastRun: Int
  /// The item ferry made is not in the mailbox export at all (deleted there, or never
  /// imported); ferry leaves it so, and says so.
  public var missing = false
  /// The mailbox export shows the item as it was before ferry's last push changed it, or with
  /// a change made in the mailbox that a push of ferry's already overwrote: the export is
  /// older than that push (or the push was never imported). Not a new change made in the
  /// mailbox, so nothing is restored.
  public var stale = false

  public init(
    rep: String, crmId: String, providerId: String, name: String, lastRun: Int, missing: Bool = false, stale: Bool = false
  ) {
    self.rep = rep
    self.crmId = crmId
    self.providerId = providerId
    self.name = name
    self.lastRun = lastRun
    self.missing = missing
    self.stale = stale
  }
}

/// An update or delete that the target can only address by the mailbox's own item id (EWS
/// UpdateItem/DeleteItem, Graph PATCH/DELETE), planned with no mailbox export that gives it.
/// The plan skips it, so the ledger keeps the old state and the next run tries again.
public struct UnaddressableItem: Sendable, Codable, Equatable {
  /// `update` or `delete`: what the run could not do.
  public var action: PlanEntry.Action
  public var kind: RecordKind
  public var crmId: String
  public var name: String
  public var rep: String?
  public var mailbox: String
  /// The target format (`ews`, `graph`).
  public var format: String
}

/// Changes to occurrences of a series in the mailbox that this run could not send (or, with
/// `sent`, that an earlier run sent and the CRM has since undone): Graph
/// addresses an occurrence only by its instance id, which only a calendarView export gives;
/// EWS by its place in the series' pattern, which an occurrence of an older rule lacks. Not
/// recorded in the ledger, so a later run that can address them sends them.
public struct UnsentOccurrences: Sendable, Codable, Equatable {
  public var kind: RecordKind
  public var crmId: String
  public var name: String
  public var rep: String?
  public var mailbox: String
  /// The target format (`graph`).
  public var format: String
  /// How many excluded and changed occurrences were left.
  public var count: Int
  /// Why, and what would let them be sent.
  public var reason: String
  /// True for changes ferry sent in an earlier run that the CRM has since undone: the
  /// mailbox keeps them (an occurrence cannot be brought back as the series makes it).
  public var sent = false
}

/// A rep whose mailbox gets files.
public struct PlanRep: Sendable, Codable, Equatable {
  public var folder: String
  public var mailbox: String
  public var name: String?
  public var email: String?
}

/// The result of planning: every record's action with its reason, in a stable order, plus the
/// counts, unresolved attendees, deny-listed fields and provider-side changes per rep.
public struct PushPlan: Sendable {
  /// The run id this plan will be applied as.
  public var runId: Int
  /// Sorted by rep folder, kind (contacts first), CRM id. Unchanged entries are kept only
  /// when the planner was asked to (`Planner.keepUnchanged`).
  public var entries: [PlanEntry] = []
  public var totals = PushCounts()
  /// Counts per rep folder.
  public var perRep: [String: PushCounts] = [:]
  public var reps: [PlanRep] = []
  /// Skipped records by reason, per rep folder ("" for records of no synced rep).
  public var skippedReasons: [String: [String: Int]] = [:]
  public var unresolved: [UnresolvedAttendee] = []
  /// Fields removed by `deny_fields`, per rep folder, with how often.
  public var deniedFields: [String: [String: Int]] = [:]
  public var providerChanges: [ProviderChange] = []
  /// Updates and deletes skipped because the target needs an item id nobody gave; errors.
  public var unaddressable: [UnaddressableItem] = []
  /// Occurrence changes of series in the mailbox left unsent (no instance id); warnings.
  public var unsentOccurrences: [UnsentOccurrences] = []
  /// Why the record `Planner.explainId` names is in or out, step by step.
  public var explanation: [String] = []
  /// The owner seen in this run's records for each mailbox key, for the ledger's
  /// `mailboxes` table.
  public var mailboxOwners: [String: Owner] = [:]

  public init(runId: Int) { self.runId = runId }

  /// True when nothing would be created, updated or deleted.
  public var isEmpty: Bool { totals.changes == 0 }

  /// The entries that change something (create, update, delete).
  public var changes: [PlanEntry] { entries.filter { $0.action != .unchanged && $0.action != .skip } }
}
