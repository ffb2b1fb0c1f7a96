import FerryMatch
import FerryTime
import FerryModel

/// Builds a `PushPlan` from CRM records, the mailbox exports and a ledger snapshot.
///
/// Planning is pure: the same inputs give the same plan, and nothing is written. Records go
/// in one at a time (`add`), so memory holds compact keys per record, plus the records that
/// change and the events (kept until the end so that `relate_events` sees every contact).
///
/// Each record is matched in order: by the ledger (same target, mailbox and CRM id); by
/// ferry's embedded id in the mailbox export; events by the adoption rules (`AdoptionIndex`);
/// contacts still to be created by FerryMatch's duplicate-matching pass against the mailbox
/// contacts nobody adopted (run once, in `finish()`, cross-set only; see `adoptByMatching`).
/// It then becomes create, update, unchanged, delete or skip, each with its reason.
///
///     var planner = try Planner(settings: settings, targets: [.contact: "vcard/outlook"], ledger: snapshot, today: today)
///     for record in records { planner.add(record) }
///     let plan = try planner.finish()
public struct Planner {
  public let settings: PushSettings
  /// The ledger target key per kind; a kind missing here is not pushed.
  public let targets: [RecordKind: String]
  public let today: LocalDate
  /// Keep unchanged entries in `PushPlan.entries` (dry-run listings, explain, tests).
  public var keepUnchanged = true
  /// The CRM id to explain, step by step, in `PushPlan.explanation`.
  public var explainId: String?
  /// Target keys whose updates and deletes address the mailbox item by its own id, with the
  /// format (`ews`, `graph`); only a mailbox export gives that id (`locate`).
  public var itemIdTargets: [String: String] = [:]

  private var ledger: LedgerSnapshot
  private let contactFilter: FilterExpression?
  private let eventFilter: FilterExpression?
  private var denyList: DenyList
  private var seenLedger: [Bool]
  private var seenIds: Set<String> = []
  /// Events wait for `finish()` (their attendees are matched against every contact). Past
  /// `eventSpool`'s memory limit they wait on disk, so a push of many events holds few.
  private var pendingEvents: [PendingEvent] = []
  private enum PendingEvent {
    /// Boxed: an `Event` inline would make every element, spooled ones too, as large as one.
    indirect case held(Event)
    case spooled(RecordSpool.Ref)
  }
  private let eventSpool: RecordSpool
  private var resolver = AttendeeResolver()
  /// Mailbox exports by mailbox key ("" for exports that apply to every mailbox).
  private var mailboxes: [String: AdoptionIndex] = [:]
  private var plan: PushPlan
  private var repsByFolder: [String: PlanRep] = [:]
  /// Attendees of the event being decided that `relate_events` left unresolved; reported
  /// only when the event is pushed.
  private var unresolvedOfEvent: [UnresolvedAttendee] = []
  private var folderByOwner: [Owner: String?] = [:]
  private var mailboxKeyByOwner: [Owner: String?] = [:]
  /// Indexes in `plan.entries` of contact creates whose mailbox export has contacts: the
  /// duplicate-matching pass may turn them into adoptions.
  private var matchCandidates: [Int] = []
  /// With a mailbox export: each CRM phone number (E.164) and who carries it (a name key), or
  /// `nil` once CRM contacts with different names carry it (an office switchboard). Such a
  /// number is marked shared for the matcher; see `adoptByMatching`.
  private var crmPhones: [String: String?] = [:]
  /// Graph instances of series in the mailbox exports (events with `seriesMasterId`): per
  /// mailbox key, per series id, each occurrence's `originalStart` and id.
  private var graphInstances: [String: [String: [(originalStart: LocalDateTime, id: String)]]] = [:]
  /// Holds the records of a large plan on disk (a first push of a million contacts).
  private let spool: RecordSpool
  /// Why spooling failed, if it did (the records stayed in memory); for a warning.
  public private(set) var spoolProblem: String?

  /// - Throws: `FerryError(.usage)` for a filter that does not parse.
  public init(
    settings: PushSettings, targets: [RecordKind: String], ledger: LedgerSnapshot, today: LocalDate,
    providerRecords: [(mailbox: String?, record: Record)] = [], spool: RecordSpool = RecordSpool(),
    eventSpool: RecordSpool = RecordSpool(memoryLimit: 10_000)
  ) throws {
    self.spool = spool
    self.eventSpool = eventSpool
    self.settings = settings
    self.targets = targets
    self.ledger = ledger
    self.today = settings.today ?? today
    contactFilter = try settings.contactFilter.map {
      try FilterExpression($0, kind: .contact, origin: settings.filterOrigins.contacts)
    }
    eventFilter = try settings.eventFilter.map {
      try FilterExpression($0, kind: .event, origin: settings.filterOrigins.events)
    }
    denyList = DenyList(patterns: settings.denyFields)
    seenLedger = Array(repeating: false, count: ledger.entries.count)
    plan = PushPlan(runId: ledger.nextRunId)
    for (mailbox, record) in providerRecords {
      // An instance of a series (a Graph calendarView export lists each occurrence) is no
      // item of its own: it only gives the occurrence's id.
      if let instance = Self.graphInstance(record) {
        graphInstances[mailbox?.lowercased() ?? "", default: [:]][instance.masterId, default: []].append(
          (instance.originalStart, instance.id))
        continue
      }
      mailboxes[mailbox?.lowercased() ?? "", default: AdoptionIndex()].add(record)
    }
  }

  /// Plans a whole set at once.
  public static func plan(
    records: [Record], settings: PushSettings, targets: [RecordKind: String], ledger: LedgerSnapshot,
    today: LocalDate, providerRecords: [(mailbox: String?, record: Record)] = [], explainId: String? = nil
  ) throws -> PushPlan {
    var planner = try Planner(
      settings: settings, targets: targets, ledger: ledger, today: today, providerRecords: providerRecords)
    planner.explainId = explainId
    for r in records { planner.add(r) }
    return try planner.finish()
  }

  // MARK: - Records in

  /// Takes one CRM record. Contacts are planned at once; events wait for `finish()`.
  public mutating func add(_ original: Record) {
    let record = Self.caseSafeIds(original)
    switch record {
    case .contact(let c):
      if settings.relateEvents, let id = c.source?.recordId {
        resolver.add(c.contact, crmId: id, owner: c.owner.flatMap { cachedMailboxKey($0) })
      }
      if !mailboxes.isEmpty { Self.notePhones(of: c.contact, in: &crmPhones) }
      decide(record)
    case .event(let e):
      guard !eventSpool.admit() else {
        pendingEvents.append(.held(e.event))
        return
      }
      do { pendingEvents.append(.spooled(try eventSpool.append(record))) } catch {
        // Held in memory instead: a plan that cannot spool costs memory, never records.
        if spoolProblem == nil { spoolProblem = "\(error); planned records kept in memory" }
        pendingEvents.append(.held(e.event))
      }
    }
  }

  /// The record with its Salesforce ids in the 18-character case-safe form: the ledger, the
  /// UID and `FerryCrmId` use it, and a 15-character id (a report export, NDJSON written by
  /// hand) must find the same item, not look like a new record beside a deleted one.
  static func caseSafeIds(_ record: Record) -> Record {
    func upgrade(_ source: SourceIdentity?) -> SourceIdentity? {
      guard var source, source.system.lowercased() == "salesforce", let id = source.recordId, id.utf8.count == 15,
        let safe = SalesforceID.caseSafe(id)
      else { return source }
      source.recordId = safe
      return source
    }
    func upgrade(_ owner: Owner?) -> Owner? {
      guard var owner, let id = owner.id, id.utf8.count == 15, let safe = SalesforceID.caseSafe(id) else { return owner }
      owner.id = safe
      return owner
    }
    func needed(_ source: SourceIdentity?, _ owner: Owner?) -> Bool {
      source?.recordId?.utf8.count == 15 || owner?.id?.utf8.count == 15
    }
    switch record {
    case .contact(let cBox):
      var c = cBox.contact
      guard needed(c.source, c.owner) else { return record }
      c.source = upgrade(c.source)
      c.owner = upgrade(c.owner)
      return .contact(c)
    case .event(let eBox):
      var e = eBox.event
      let salesforce = e.source?.system.lowercased() == "salesforce"
      let attendees = salesforce && e.attendees.contains { $0.crmId?.utf8.count == 15 }
      guard needed(e.source, e.owner) || attendees else { return record }
      e.source = upgrade(e.source)
      e.owner = upgrade(e.owner)
      if attendees {
        for i in e.attendees.indices {
          if let id = e.attendees[i].crmId, id.utf8.count == 15, let safe = SalesforceID.caseSafe(id) { e.attendees[i].crmId = safe }
        }
      }
      return .event(e)
    }
  }

  /// Plans the held events and the ledger items whose records are gone, and returns the plan.
  ///
  /// - Throws: `FerryError(.io)` when an event spooled to disk does not read back: planning
  ///   without it would take its pushed item for one whose record is gone.
  public mutating func finish() throws -> PushPlan {
    adoptByMatching()
    let events = pendingEvents
    pendingEvents = []
    for pending in events {
      switch pending {
      case .held(let e): decideEvent(e)
      case .spooled(let ref):
        let record: Record
        do { record = try eventSpool.load(ref) } catch let error as FerryError {
          throw FerryError(.io, "\(error.message); nothing was planned or written")
        }
        if case .event(let e) = record { decideEvent(e.event) }
      }
    }
    // Only mailboxes in this run's rep scope: a run limited to some reps (`--rep`) says
    // nothing about the records of the others, as `objects` says nothing about other kinds.
    var scope: [String: RepScope] = [:]
    for (i, entry) in ledger.entries.enumerated() where !seenLedger[i] && targets[entry.kind] == entry.target {
      let known = scope[entry.mailbox] ?? repScope(mailbox: entry.mailbox)
      scope[entry.mailbox] = known
      switch known {
      case .inScope:
        // A kind `objects` leaves out has a target only for the deletes of what was pushed.
        if settings.objects.includes(entry.kind) { gone(entry) } else { goneLeftSync(entry, why: "objects: \(settings.objects.rawValue)") }
      case .leftSync(let why): goneLeftSync(entry, why: why)
      case .outOfRun: break
      }
    }
    plan.mailboxOwners = Self.owners(mailboxKeyByOwner)
    // The indexes are done with: free them on another thread.
    var done = (ledger, seenLedger, seenIds, resolver, mailboxes)
    ledger = LedgerSnapshot(nextRunId: ledger.nextRunId)
    seenLedger = []
    seenIds = []
    resolver = AttendeeResolver()
    mailboxes = [:]
    Disposal.later(done)
    done = (LedgerSnapshot(), [], [], AttendeeResolver(), [:])
    var result = plan
    plan = PushPlan(runId: plan.runId)
    // Sort small keys and permute once: entries are large, and moving them while sorting
    // costs more than the comparisons.
    let keys = result.entries.map { ($0.rep ?? "\u{10FFFF}", $0.kind == .contact ? 0 : 1, $0.crmId) }
    let order = keys.indices.sorted { keys[$0] < keys[$1] }
    Self.permute(&result.entries, by: order)
    result.reps = repsByFolder.values.sorted { $0.folder < $1.folder }
    result.unresolved.sort { ($0.rep ?? "", $0.eventId, $0.attendee) < ($1.rep ?? "", $1.eventId, $1.attendee) }
    result.providerChanges.sort { ($0.rep, $0.crmId) < ($1.rep, $1.crmId) }
    result.unaddressable.sort { ($0.rep ?? "", $0.kind.rawValue, $0.crmId) < ($1.rep ?? "", $1.kind.rawValue, $1.crmId) }
    return result
  }

  /// Puts `elements[order[k]]` at `k` for every `k`, in place: one cycle at a time, so a
  /// million planned entries are never held twice (as `order.map { elements[$0] }` would).
  /// `order` must be a permutation of `elements.indices`.
  static func permute<T>(_ elements: inout [T], by order: [Int]) {
    precondition(order.count == elements.count)
    var placed = [Bool](repeating: false, count: order.count)
    for start in order.indices where !placed[start] {
      placed[start] = true
      guard order[start] != start else { continue }
      let held = elements[start]
      var at = start
      while order[at] != start {
        elements[at] = elements[order[at]]
        at = order[at]
        placed[at] = true
      }
      elements[at] = held
    }
  }

  // MARK: - Deciding

  private mutating func decideEvent(_ event: Event) {
    var e = event
    let crmId = e.source?.recordId ?? ""
    let explaining = explainId != nil && crmId == explainId
    if explaining { explain(Self.header(.event(e), owner: mailboxKey(e.owner))) }
    if settings.relateEvents {
      let owner = e.owner.flatMap { cachedMailboxKey($0) }
      var folder: String?
      if let o = e.owner { folder = repFolder(for: o) }
      for i in e.attendees.indices where e.attendees[i].crmId == nil {
        let a = e.attendees[i]
        if let ownerEmail = e.owner?.email, let email = a.email, Normalise.email(email) == Normalise.email(ownerEmail) {
          continue  // the rep, not a contact
        }
        guard a.email?.isEmpty == false || a.name?.isEmpty == false else { continue }
        switch resolver.resolve(a, eventOwner: owner) {
        case .resolved(let id, let rule):
          e.attendees[i].crmId = id
          if explaining { explain("attendee \(a.email ?? a.name ?? "") is CRM contact \(id) (by \(rule))") }
        case .unresolved(let why):
          if explaining { explain("attendee \(a.email ?? a.name ?? "") unresolved: \(why)") }
          if !crmId.isEmpty {
            unresolvedOfEvent.append(
              UnresolvedAttendee(rep: folder, eventId: crmId, attendee: a.email ?? a.name ?? "", reason: why))
          }
        }
      }
    }
    decide(.event(e))
    unresolvedOfEvent = []
  }

  private func mailboxKey(_ owner: Owner?) -> String? {
    guard let owner else { return nil }
    if let email = owner.email, !email.isEmpty { return email.lowercased() }
    if let id = owner.id, !id.isEmpty { return id }
    if let name = owner.name, !name.isEmpty { return name }
    return nil
  }

  /// The output folder for an owner, or nil when the owner is not synced; remembered per
  /// owner, since a million records have a few dozen owners.
  private mutating func repFolder(for owner: Owner) -> String? {
    if let known = folderByOwner[owner] { return known }
    let folder = computeRepFolder(for: owner)
    folderByOwner[owner] = folder
    return folder
  }

  /// `mailboxKey`, remembered per owner (it lower-cases an e-mail on every call otherwise).
  private mutating func cachedMailboxKey(_ owner: Owner) -> String? {
    if let known = mailboxKeyByOwner[owner] { return known }
    let key = mailboxKey(owner)
    mailboxKeyByOwner[owner] = key
    return key
  }

  /// Where a mailbox the ledger names stands with this run's `reps`, for its items whose
  /// records are not in the export.
  enum RepScope: Equatable {
    /// Among the reps this run syncs: such items were deleted in the CRM.
    case inScope
    /// The rep left the sync (why): excluded by `reps.exclude`, or named by records of the
    /// export that `reps.include` leaves out. Its items left the sync with it.
    case leftSync(String)
    /// A rep this run says nothing about (a run limited to other reps, with an export of
    /// theirs), or one whose owner the ledger does not know: left alone.
    case outOfRun
  }

  /// Whether a mailbox the ledger names is among the reps this run syncs: by the owners seen
  /// in the export that have this mailbox, else by the owner the ledger saw for it last, else
  /// by the `reps` selectors applied to the mailbox key (an e-mail, id or name). Unknown
  /// means out of the run: never delete on a guess. With no `reps` settings every mailbox is in.
  private func repScope(mailbox: String) -> RepScope {
    if settings.includeReps.isEmpty && settings.excludeReps.isEmpty { return .inScope }
    var named: [Owner] = []
    for (owner, key) in mailboxKeyByOwner where key == mailbox {
      if computeRepFolder(for: owner) != nil { return .inScope }
      named.append(owner)
    }
    if !named.isEmpty {
      // The export names this mailbox and its owner fails `reps`: the records it holds left
      // the sync (`left`), and so did the items of records it no longer holds.
      return .leftSync(named.contains { isExcluded($0) } ? "rep excluded (reps.exclude)" : "owner is not among reps.include")
    }
    // No record of this mailbox in the export: the owner the ledger saw for it last. An
    // excluded rep left the sync; one merely not in `reps.include` is another run's business.
    if let owner = ledger.owners[mailbox] {
      if computeRepFolder(for: owner) != nil { return .inScope }
      return isExcluded(owner) ? .leftSync("rep excluded (reps.exclude)") : .outOfRun
    }
    // Only its key, with which an exclusion by name or id cannot be ruled out.
    if !settings.excludeReps.isEmpty { return .outOfRun }
    let owner = mailbox.contains("@") ? Owner(email: mailbox) : Owner(id: mailbox, name: mailbox)
    return computeRepFolder(for: owner) != nil ? .inScope : .outOfRun
  }

  private func isExcluded(_ owner: Owner) -> Bool { settings.excludeReps.contains { $0.matches(owner) } }

  /// One owner per mailbox key, for the ledger: of the owners seen with that key, the one
  /// with the most fields, then the first in a stable order.
  static func owners(_ keys: [Owner: String?]) -> [String: Owner] {
    var best: [String: Owner] = [:]
    func fields(_ o: Owner) -> Int { [o.id, o.name, o.email].filter { $0?.isEmpty == false }.count }
    func order(_ o: Owner) -> [String] { [o.id ?? "", o.name ?? "", o.email ?? ""] }
    for (owner, key) in keys {
      guard let key else { continue }
      if let known = best[key],
        fields(known) > fields(owner) || (fields(known) == fields(owner) && order(known).lexicographicallyPrecedes(order(owner)))
      {
        continue
      }
      best[key] = owner
    }
    return best
  }

  private func computeRepFolder(for owner: Owner) -> String? {
    if settings.excludeReps.contains(where: { $0.matches(owner) }) { return nil }
    var selector: PushSettings.RepSelector?
    if !settings.includeReps.isEmpty {
      guard let s = settings.includeReps.first(where: { $0.matches(owner) }) else { return nil }
      selector = s
    }
    guard let mailbox = mailboxKey(owner) else { return nil }
    return FileSystem.safeFileName(selector?.folder ?? mailbox, fallback: "rep")
  }

  private mutating func explain(_ line: String) { plan.explanation.append(line) }

  /// The folder of a mailbox that the ledger names: the folder this run uses for it, or the
  /// one `reps.include` gives it, or the mailbox key made safe.
  private func repFolder(forMailbox mailbox: String) -> String {
    if let rep = repsByFolder.values.first(where: { $0.mailbox == mailbox }) { return rep.folder }
    let selector = settings.includeReps.first {
      $0.folder != nil
        && ($0.email?.lowercased() == mailbox || $0.any?.lowercased() == mailbox || $0.id == mailbox
          || $0.name?.lowercased() == mailbox)
    }
    return FileSystem.safeFileName(selector?.folder ?? mailbox, fallback: "rep")
  }

  private mutating func record(_ original: PlanEntry) {
    var entry = original
    requireItemId(&entry)
    // Every mailbox the plan acts on is listed (summary and report), also one whose records
    // are all excluded, such as the deletes of a rep that left the sync, or the items it
    // keeps there (a skip of an item ferry pushed).
    if let rep = entry.rep, let mailbox = entry.mailbox, entry.action != .unchanged,
      entry.action != .skip || entry.origin != nil, repsByFolder[rep] == nil
    {
      repsByFolder[rep] = PlanRep(
        folder: rep, mailbox: mailbox, name: ledger.owners[mailbox]?.name, email: mailbox.contains("@") ? mailbox : nil)
    }
    plan.totals.add(entry.action)
    if let rep = entry.rep { plan.perRep[rep, default: PushCounts()].add(entry.action) }
    if entry.action == .skip { plan.skippedReasons[entry.rep ?? "", default: [:]][entry.reason, default: 0] += 1 }
    if entry.action != .unchanged || keepUnchanged {
      var entry = entry
      do { try entry.spoolRecord(into: spool) } catch {
        // Kept in memory instead: a plan that cannot spool costs memory, never records.
        if spoolProblem == nil { spoolProblem = "\(error); planned records kept in memory" }
      }
      plan.entries.append(entry)
    }
    if explainId != nil && entry.crmId == explainId {
      // A new contact may still be matched to a mailbox item once every record is in.
      let pending = entry.action == .create && entry.kind == .contact && !mailboxes.isEmpty ? "; before matching the mailbox's contacts" : ""
      explain("action: \(entry.action.rawValue)\(entry.rep.map { " in \($0)" } ?? "") (\(entry.reason)\(pending))")
    }
  }

  private static func header(_ record: Record, owner: String?) -> String {
    "\(record.kind.rawValue) \(record.source?.recordId ?? "") \"\(name(of: record))\" owned by \(owner ?? "nobody")"
  }

  private static func name(of record: Record) -> String {
    switch record {
    case .contact(let c): c.displayName
    case .event(let e): e.summary ?? ""
    }
  }

  private mutating func decide(_ original: Record) {
    let kind = original.kind
    guard let crmId = original.source?.recordId, !crmId.isEmpty else {
      record(PlanEntry(action: .skip, kind: kind, crmId: "", name: Self.name(of: original), reason: "record has no CRM id"))
      return
    }
    let explaining = explainId == crmId
    if explaining && kind == .contact { explain(Self.header(original, owner: mailboxKey(original.owner))) }
    // Seen before? An id the ledger knows is marked there; only new ids need the set.
    let ledgerIndexes = ledger.indexes(crmId: crmId)
    let duplicate = ledgerIndexes.isEmpty ? !seenIds.insert(crmId).inserted : seenLedger[Int(ledgerIndexes.first)]
    guard !duplicate else {
      record(PlanEntry(action: .skip, kind: kind, crmId: crmId, name: Self.name(of: original), reason: "duplicate CRM id in the input; first kept"))
      return
    }
    for i in ledgerIndexes { seenLedger[Int(i)] = true }
    let target = targets[kind]

    // Who gets it, and does it pass the settings?
    var folder: String?
    var mailbox: String?
    var exclusion: String?
    if let owner = original.owner, let key = cachedMailboxKey(owner) {
      if let f = repFolder(for: owner) {
        folder = f
        mailbox = key
        if repsByFolder[f] == nil { repsByFolder[f] = PlanRep(folder: f, mailbox: key, name: owner.name, email: owner.email) }
      } else {
        exclusion = settings.excludeReps.contains(where: { $0.matches(owner) }) ? "rep excluded (reps.exclude)" : "owner is not among reps.include"
      }
    } else {
      exclusion = "record has no owner, so no mailbox"
    }
    if exclusion == nil && (!settings.objects.includes(kind) || target == nil) {
      exclusion = "objects: \(settings.objects.rawValue)"
    }
    if explaining, let mailbox { explain("rep: \(mailbox) → folder \(folder ?? "")") }
    var shaped = original
    if exclusion == nil {
      exclusion = passes(&shaped, explaining: explaining)
    }
    if let exclusion {
      if explaining { explain("out: \(exclusion)") }
      left(crmId: crmId, kind: kind, name: Self.name(of: original), why: exclusion, folder: folder, ledgerIndexes: ledgerIndexes)
      return
    }
    guard let folder, let mailbox, let target else { return }
    plan.unresolved += unresolvedOfEvent
    if explaining { explain("in: passes reps, objects\(kind == .contact ? (contactFilter != nil ? ", filters.contacts" : "") : (eventFilter != nil ? ", filters.events" : ""))") }

    // What is pushed: deny-listed fields removed.
    let removed = denyList.apply(to: &shaped)
    for field in removed { plan.deniedFields[folder, default: [:]][field, default: 0] += 1 }
    if explaining && !removed.isEmpty { explain("deny_fields removed: \(removed.joined(separator: ", "))") }

    // Items of this record under the same target but another mailbox: the owner changed.
    for i in ledgerIndexes {
      let old = ledger.entries[Int(i)]
      guard old.target == target, old.mailbox != mailbox else { continue }
      var entry = itemEntry(old, kind: kind, crmId: crmId, name: Self.name(of: shaped))
      if settings.deletions == .propagate && old.origin == .created {
        delete(&entry, old, reason: "owner changed to \(mailbox)", record: shaped)
      } else {
        entry.reason = "owner changed to \(mailbox); old item kept (\(settings.deletions == .off ? "deletions: off" : "adopted item"))"
      }
      record(entry)
    }

    let existing = ledgerIndexes.map { ledger.entries[Int($0)] }.first { $0.target == target && $0.mailbox == mailbox }
    // The name is filled in below, only for entries the plan keeps (a million unchanged
    // display names cost time and nothing else).
    var entry = PlanEntry(action: .create, kind: kind, crmId: crmId, name: "", reason: "new in the CRM")
    entry.rep = folder
    entry.mailbox = mailbox
    entry.target = target
    var mailboxCopy: Record?
    var adoptedCopy: Record?
    // The mailbox's own change that this run overwrites, for `LedgerEntry.overriddenFingerprint`;
    // 0 when the export shows the item as ferry last pushed it (the mailbox is past any older
    // change, which may then be made again and is restored again).
    var overridden: UInt64?
    if let existing {
      entry.providerId = existing.providerId
      entry.origin = existing.origin
      mailboxCopy = managedCopy(crmId: crmId, mailbox: mailbox)
    } else if let (match, copy) = adopt(shaped, crmId: crmId, mailbox: mailbox) {
      adoptedCopy = copy
      entry.providerId = AdoptionIndex.providerId(copy) ?? Self.ferryUID(crmId)
      entry.origin = match.embedded ? .created : .adopted
      entry.adoptedBy = match.rule
      entry.action = .update
      entry.reason = match.embedded
        ? "found in the mailbox by its ferry id (not in the ledger)" : "adopted: mailbox item matched by \(match.rule)"
      if explaining { explain("matched mailbox item \(entry.providerId ?? "") by \(match.rule)") }
    } else {
      entry.useFerryUID()
      entry.origin = .created
    }
    let providerId = entry.providerId ?? Self.ferryUID(crmId)
    switch shaped {
    case .contact(let cBox):
      var c = cBox.contact
      c.uid = providerId
      shaped = .contact(c)
    case .event(let eBox):
      var e = eBox.event
      e.uid = providerId
      if e.privacy == nil { e.privacy = .public }  // CLASS is always written
      shaped = .event(e)
    }
    entry.contentHash = ContentHash.of(shaped)
    if let existing {
      entry.sequence = existing.sequence
      if existing.contentHash != entry.contentHash {
        entry.action = .update
        entry.sequence = existing.sequence + 1
        entry.reason = "changed in the CRM since run \(existing.runId)"
      } else {
        entry.action = .unchanged
        if keepUnchanged || explaining { entry.reason = "same as pushed in run \(existing.runId)" }
      }
      if mailboxCopy == nil, !mailboxes.isEmpty, existing.origin == .created, entry.action == .unchanged,
        exportCarriesFerryIds(of: kind, mailbox: mailbox)
      {
        // The mailbox export holds ferry's ids but not this item's: the user deleted it, or
        // the admin never imported it. The CRM has not changed it, so ferry writes nothing.
        plan.providerChanges.append(
          ProviderChange(
            rep: folder, crmId: crmId, providerId: existing.providerId, name: Self.name(of: shaped), lastRun: existing.runId,
            missing: true))
      }
      let seen = mailboxCopy.map { Fingerprint.of($0) }
      if seen == existing.fingerprint { overridden = 0 }
      if let seen, seen != existing.fingerprint,
        (existing.previousFingerprint != 0 && seen == existing.previousFingerprint)
          || (existing.overriddenFingerprint != 0 && seen == existing.overriddenFingerprint)
      {
        // The export shows what the mailbox held before one of ferry's pushes: the state
        // before ferry's last change, or a change made in the mailbox that ferry has already
        // overwritten. It was taken before that push was imported. Restoring would repeat
        // the update on every run until a newer export comes.
        plan.providerChanges.append(
          ProviderChange(
            rep: folder, crmId: crmId, providerId: existing.providerId, name: Self.name(of: shaped), lastRun: existing.runId,
            stale: true))
        if explaining {
          explain(
            seen == existing.previousFingerprint
              ? "the mailbox export shows this item as it was before run \(existing.runId): the export is older; not restored"
              : "the mailbox export shows a change made in the mailbox that ferry has already overwritten (by run \(existing.runId) or before): the export is older; not restored again")
        }
      } else if let seen, seen != existing.fingerprint {
        plan.providerChanges.append(
          ProviderChange(rep: folder, crmId: crmId, providerId: existing.providerId, name: Self.name(of: shaped), lastRun: existing.runId))
        overridden = seen
        if entry.action == .unchanged {
          entry.action = .update
          entry.sequence = existing.sequence + 1
          entry.reason = "changed in the mailbox since run \(existing.runId); restored from the CRM"
        } else {
          entry.reason += "; also changed in the mailbox, overwritten"
        }
      }
    }
    if entry.action == .update, let seen = Self.mailboxSequence(mailboxCopy ?? adoptedCopy), entry.sequence <= seen {
      // Calendar clients ignore an update whose SEQUENCE is not above their copy's (adopted
      // items, or a lost ledger): go past what the mailbox holds.
      entry.sequence = seen + 1
    }
    if kind == .event, entry.action != .create, let format = itemIdTargets[target] {
      planOccurrences(&entry, series: shaped, copy: mailboxCopy ?? adoptedCopy, format: format, explaining: explaining)
    }
    if entry.action == .create || entry.action == .update {
      entry.fingerprint = Fingerprint.of(shaped)
      if let existing {
        entry.previousFingerprint =
          entry.fingerprint != existing.fingerprint ? existing.fingerprint : existing.previousFingerprint
      } else if let adoptedCopy {
        entry.previousFingerprint = Fingerprint.of(adoptedCopy)
      }
      // The mailbox change overwritten now, else the one overwritten before: an export older
      // than that push may still show it after further CRM updates. Recorded only with an
      // update, like everything in the ledger.
      entry.overriddenFingerprint = overridden ?? existing?.overriddenFingerprint ?? 0
      if case .event(let eBox) = shaped {
        var e = eBox.event
        e.sequence = entry.sequence
        shaped = .event(e)
      }
      entry.record = Self.locate(shaped, in: mailboxCopy ?? adoptedCopy)
      if entry.action == .update, entry.origin == .created, let mailboxCopy { entry.previous = mailboxCopy }
    }
    if entry.action != .unchanged || keepUnchanged || explaining { entry.name = Self.name(of: shaped) }
    record(entry)
    if entry.action == .create && kind == .contact && hasMailboxContacts(mailbox) {
      matchCandidates.append(plan.entries.count - 1)
    }
  }

  /// A series' times and rule, as the mailbox's occurrences depend on them: when they
  /// change, Exchange and Graph drop the series' changed and deleted occurrences.
  static func seriesHash(_ e: Event) -> UInt64 {
    var h = ContentHash()
    h.add(e.start)
    h.add(e.end)
    h.add(e.duration)
    h.add(e.isAllDay)
    h.add(e.recurrence?.rule?.description)
    return h.value
  }

  /// For a series the mailbox export holds with its own item id (EWS, Graph): the excluded
  /// and changed occurrences (EXDATE, RECURRENCE-ID overrides) the mailbox lacks, which a
  /// created series could not carry. An excluded occurrence is sent unless the export lists
  /// it deleted or the ledger says ferry sent its delete; a changed one unless the ledger
  /// says ferry sent it as it is now (an export gives a changed occurrence's times only, not
  /// what it holds), both for the series' current times and rule. An unchanged series with
  /// such occurrences becomes an update of those occurrences alone.
  private mutating func planOccurrences(
    _ entry: inout PlanEntry, series shaped: Record, copy: Record?, format: String, explaining: Bool
  ) {
    guard case .event(let e) = shaped, let r = e.recurrence, r.rule != nil, case .event(let held)? = copy,
      held.recurrence?.rule != nil, Self.hasItemId(Self.locate(shaped, in: copy), format: format),
      let target = entry.target, let mailbox = entry.mailbox
    else { return }
    if entry.action == .update { entry.occurrences = OccurrenceChanges() }
    let zone = settings.zone
    func key(_ t: EventTime) -> String { SeriesOccurrences.key(t, fallbackZone: zone) }
    let seriesHash = Self.seriesHash(e.event)
    var sent = ledger.sentOccurrences(target: target, mailbox: mailbox, crmId: entry.crmId).filter {
      $0.value.seriesHash == seriesHash
    }
    // The mailbox's series must make the occurrences the CRM's does, or indexes and instance
    // ids would name other occurrences than the CRM means.
    let samePattern = SeriesOccurrences.samePattern(e.event, held.event, fallbackZone: zone)
    if !samePattern {
      guard entry.action == .update else {
        if !r.exceptionDates.isEmpty || !r.overrides.isEmpty {
          plan.unsentOccurrences.append(
            UnsentOccurrences(
              kind: entry.kind, crmId: entry.crmId, name: Self.name(of: shaped), rep: entry.rep, mailbox: mailbox, format: format,
              count: r.exceptionDates.count + r.overrides.count,
              reason:
                "not sent: the series in the mailbox export has other times or another pattern than the CRM's, so its occurrences would not be the CRM's (an export from before the series was last pushed, or a change made in the mailbox); left for a run whose export shows the series as pushed"
            ))
        }
        return
      }
      // This update gives the series the CRM's times and pattern, and Exchange and Graph drop
      // a series' changed and deleted occurrences when those change: whatever the export
      // lists, or ferry sent before, is gone.
      sent = [:]
    }
    if entry.action == .update, !sent.isEmpty {
      // What ferry sent that the CRM no longer excludes or changes (a series whose times or
      // rule changed lost its occurrences anyway): neither EWS nor Graph brings a deleted
      // occurrence back, so the mailbox keeps it; said once, and forgotten.
      let current = Set(r.exceptionDates.map(key) + r.overrides.compactMap { $0.recurrenceId.map(key) })
      let gone = sent.values.filter { !current.contains($0.occurrence) }.sorted { $0.occurrence < $1.occurrence }
      if !gone.isEmpty {
        let runs = Set(gone.map(\.runId)).sorted().map(String.init).joined(separator: ", ")
        plan.unsentOccurrences.append(
          UnsentOccurrences(
            kind: entry.kind, crmId: entry.crmId, name: Self.name(of: shaped), rep: entry.rep, mailbox: mailbox, format: format,
            count: gone.count,
            reason:
              "the CRM no longer excludes or changes \(gone.count == 1 ? "it" : "them") as ferry sent \(gone.count == 1 ? "it" : "them") (run \(runs)), and \(format) cannot bring an occurrence back as the series makes it; kept in the mailbox as sent",
            sent: true))
        entry.forgottenOccurrences = gone.map(\.occurrence)
      }
    }
    guard !r.exceptionDates.isEmpty || !r.overrides.isEmpty else { return }
    let deletedInMailbox = samePattern ? Set((held.recurrence?.exceptionDates ?? []).map(key)) : []
    var changes = OccurrenceChanges(seriesUnchanged: entry.action != .update)
    var rows: [LedgerOccurrence] = []
    func row(_ k: String, _ action: LedgerOccurrence.Action, _ hash: UInt64) -> LedgerOccurrence {
      LedgerOccurrence(
        target: target, mailbox: mailbox, crmId: entry.crmId, occurrence: k, action: action, contentHash: hash,
        seriesHash: seriesHash, runId: plan.runId)
    }
    var excluded = Set<String>()
    for d in r.exceptionDates {
      let k = key(d)
      guard excluded.insert(k).inserted else { continue }
      if deletedInMailbox.contains(k) || sent[k]?.action == .delete { continue }
      changes.deleted.append(d)
      rows.append(row(k, .delete, 0))
    }
    for o in r.overrides {
      guard let id = o.recurrenceId else { continue }
      let k = key(id)
      // An excluded occurrence's change goes with it.
      guard !excluded.contains(k), !deletedInMailbox.contains(k) else { continue }
      let hash = ContentHash.of(.event(o))
      if let was = sent[k], was.action == .update, was.contentHash == hash { continue }
      changes.modified.append(o)
      rows.append(row(k, .update, hash))
    }
    // What the target cannot address is left out, reported, and not recorded: Graph
    // addresses an occurrence only by the id a calendarView export gives it; EWS by its place
    // in the pattern, which an occurrence of an older rule does not have.
    var addressable: (EventTime) -> Bool = { _ in true }
    var unsentReason = ""
    if format == "graph" {
      let ids = graphInstanceIds(of: held.event, copy: copy, mailbox: mailbox)
      changes.instanceIds = ids
      var known = Set<String>()
      for i in ids { known.formUnion(Self.graphKeys(i.recurrenceId, zone: zone)) }
      addressable = { known.contains(key($0)) }
      unsentReason =
        "graph addresses an occurrence by its instance id, which the mailbox export does not hold; export the calendar with calendarView (GET /users/\(mailbox)/calendarView?startDateTime=…&endDateTime=…, spanning the series) and give it as another --provider-export \(mailbox)=FILE (left for the next run)"
    } else {
      var pattern = e.event
      pattern.recurrence = Recurrence(rule: r.rule)
      let ids = changes.deleted + changes.modified.compactMap(\.recurrenceId)
      let indexes = SeriesOccurrences.instanceIndexes(of: ids, in: pattern, fallbackZone: zone)
      let found = Set(zip(ids, indexes).compactMap { $1 == nil ? nil : key($0) })
      addressable = { found.contains(key($0)) }
      unsentReason =
        "\(format) addresses an occurrence by its place in the series' pattern, and these are no occurrences of it (changed occurrences of an older rule)"
    }
    let unsent = changes.deleted.filter { !addressable($0) }.count
      + changes.modified.filter { $0.recurrenceId.map(addressable) != true }.count
    if unsent > 0 {
      plan.unsentOccurrences.append(
        UnsentOccurrences(
          kind: entry.kind, crmId: entry.crmId, name: Self.name(of: shaped), rep: entry.rep, mailbox: mailbox, format: format,
          count: unsent, reason: "not sent: " + unsentReason))
      changes.deleted = changes.deleted.filter(addressable)
      changes.modified = changes.modified.filter { $0.recurrenceId.map(addressable) == true }
      let sendable = Set(changes.deleted.map(key) + changes.modified.compactMap { $0.recurrenceId.map(key) })
      rows = rows.filter { sendable.contains($0.occurrence) }
    }
    guard !changes.isEmpty else { return }
    let what = [
      changes.deleted.isEmpty ? nil : "\(changes.deleted.count) excluded",
      changes.modified.isEmpty ? nil : "\(changes.modified.count) changed",
    ].compactMap { $0 }.joined(separator: " and ")
    let plural = changes.deleted.count + changes.modified.count == 1 ? "occurrence" : "occurrences"
    if entry.action == .update {
      entry.reason += "; with \(what) \(plural) the mailbox lacks"
    } else {
      entry.action = .update
      entry.reason = "\(what) \(plural) of the series not yet in the mailbox"
    }
    if explaining { explain("series in the mailbox: \(what) \(plural) to send as \(format) occurrence changes") }
    entry.occurrences = changes
    entry.occurrenceRecords = rows
  }

  /// The series' instance ids the mailbox export gives (Graph): its exceptions joined to it
  /// (each override keeps its `id`) and the instances of a calendarView export.
  private func graphInstanceIds(of held: Event, copy: Record?, mailbox: String) -> [OccurrenceChanges.InstanceId] {
    var ids: [OccurrenceChanges.InstanceId] = []
    for o in held.recurrence?.overrides ?? [] {
      guard let rid = o.recurrenceId, let id = o.raw.first(where: { $0.name == "id" && $0.origin == "graph" })?.value else { continue }
      ids.append(.init(recurrenceId: rid, id: id))
    }
    guard let masterId = copy?.raw.first(where: { $0.name == "id" && $0.origin == "graph" })?.value else { return ids }
    for key in [mailbox, ""] {
      for i in graphInstances[key]?[masterId] ?? [] { ids.append(.init(recurrenceId: .utc(i.originalStart), id: i.id)) }
    }
    return ids
  }

  /// The keys a Graph instance answers to: its own, and for an `originalStart` (a UTC
  /// instant) also the nearest day, which a whole-day occurrence's key is (Graph gives its
  /// midnight in the mailbox's zone, as UTC), as `SeriesOccurrences.same` matches them.
  static func graphKeys(_ t: EventTime, zone: String?) -> Set<String> {
    var keys: Set<String> = [SeriesOccurrences.key(t, fallbackZone: zone)]
    if case .utc(let u) = t { keys.insert("date:" + u.adding(seconds: 12 * 3600).date.description) }
    return keys
  }

  /// A Graph instance of a series read as an event of its own (`seriesMasterId`,
  /// `originalStart` and `id` kept raw), or nil.
  static func graphInstance(_ record: Record) -> (masterId: String, originalStart: LocalDateTime, id: String)? {
    guard case .event(let e) = record,
      let master = e.raw.first(where: { $0.name == "seriesMasterId" && $0.origin == "graph" })?.value,
      let start = e.raw.first(where: { $0.name == "originalStart" })?.value, let instant = Timestamp(text: start),
      let id = e.raw.first(where: { $0.name == "id" && $0.origin == "graph" })?.value
    else { return nil }
    return (master, instant.utc, id)
  }

  /// The mailbox item's own id (EWS `ItemId`, Graph `id`), which EWS UpdateItem/DeleteItem and
  /// Graph PATCH/DELETE need, copied onto the record after hashing (so it never counts as a
  /// change). Without a mailbox export those writers report the item instead.
  static func locate(_ record: Record, in copy: Record?) -> Record {
    guard let copy else { return record }
    var locators = copy.raw.filter { ($0.name == "ItemId" && $0.origin == "ews") || ($0.name == "id" && $0.origin == "graph") }
    if locators.isEmpty, let s = copy.source, s.system == "exchange" || s.system == "graph", let id = s.recordId {
      locators = [RawProperty(name: s.system == "graph" ? "id" : "ItemId", value: id, origin: s.system == "graph" ? "graph" : "ews")]
    }
    guard !locators.isEmpty else { return record }
    switch record {
    case .contact(let cBox):
      var c = cBox.contact
      c.raw += locators
      return .contact(c)
    case .event(let eBox):
      var e = eBox.event
      e.raw += locators
      return .event(e)
    }
  }

  /// True when `record` carries the item id that `format` (`ews`, `graph`) addresses
  /// updates and deletes by, as `locate` copies it from the mailbox export.
  static func hasItemId(_ record: Record?, format: String) -> Bool {
    guard let record else { return false }
    return record.raw.contains {
      format == "graph" ? ($0.name == "id" && $0.origin == "graph") : ($0.name == "ItemId" && $0.origin == "ews")
    }
  }

  /// Turns an update or delete that its target cannot address (no item id) into a skip and
  /// lists it in `PushPlan.unaddressable`: written, it would be dropped by the writer while
  /// the ledger recorded it as done.
  private mutating func requireItemId(_ entry: inout PlanEntry) {
    guard entry.action == .update || entry.action == .delete, let target = entry.target,
      let format = itemIdTargets[target], !Self.hasItemId(entry.record, format: format)
    else { return }
    plan.unaddressable.append(
      UnaddressableItem(
        action: entry.action, kind: entry.kind, crmId: entry.crmId, name: entry.name, rep: entry.rep,
        mailbox: entry.mailbox ?? "", format: format))
    entry.reason = "cannot \(entry.action.rawValue) in \(format): the mailbox's item id is unknown (give --provider-export)"
    entry.action = .skip
    entry.record = nil
  }

  /// Applies reps-independent settings to an included record: private events, series,
  /// related-only and the filters. Returns why the record is out, or nil.
  private mutating func passes(_ record: inout Record, explaining: Bool) -> String? {
    switch record {
    case .contact:
      if let contactFilter {
        let ok = contactFilter.matches(record, today: today)
        if explaining { explain("filters.contacts \"\(contactFilter.text)\": \(ok ? "matches" : "does not match")") }
        if !ok { return "filters.contacts does not match" }
      }
      return nil
    case .event(let eBox):
      var e = eBox.event
      if let eventFilter {
        let ok = eventFilter.matches(record, today: today)
        if explaining { explain("filters.events \"\(eventFilter.text)\": \(ok ? "matches" : "does not match")") }
        if !ok { return "filters.events does not match" }
      }
      if settings.events == .relatedOnly {
        let related = !e.related.isEmpty || e.attendees.contains { $0.crmId != nil }
        if explaining { explain("events: related-only: \(related ? "related to a CRM record" : "not related")") }
        if !related { return "not related to a CRM contact or account (events: related-only)" }
      }
      if e.recurrence != nil {
        switch settings.series {
        case .skip: return "recurring series (series: skip)"
        case .keep, .expand:
          // The writer keeps or expands the series (WriteOptions.calendar.series, through
          // FerryTime's recurrence engine); the item stays one ledger entry per CRM id.
          if explaining { explain("recurring series: series: \(settings.series.rawValue), done by the writer") }
        }
      }
      if e.privacy == .private || e.privacy == .confidential {
        switch settings.privateEvents {
        case .skip: return "private event (private_events: skip)"
        case .full:
          if explaining { explain("private event pushed in full (private_events: full)") }
        case .busyOnly:
          if explaining { explain("private event pushed as a Busy placeholder (private_events: busy-only)") }
          e = Self.busyPlaceholder(e)
        }
      } else if settings.privateEvents != .full, var r = e.recurrence,
        r.overrides.contains(where: { $0.privacy == .private || $0.privacy == .confidential })
      {
        // A private occurrence of a public series: `skip` leaves that occurrence out (an
        // excluded date), `busy-only` pushes it as a placeholder.
        let skipping = settings.privateEvents == .skip
        if explaining {
          explain("private occurrences \(skipping ? "left out" : "pushed as Busy placeholders") (private_events: \(settings.privateEvents.rawValue))")
        }
        var kept: [Event] = []
        for o in r.overrides {
          guard o.privacy == .private || o.privacy == .confidential else {
            kept.append(o)
            continue
          }
          if skipping {
            if let id = o.recurrenceId { r.exceptionDates.append(id) }
          } else {
            kept.append(Self.busyPlaceholder(o))
          }
        }
        r.overrides = kept
        e.recurrence = r
      }
      record = .event(e)
      return nil
    }
  }

  /// A private event with every detail removed: times, recurrence, busy status and privacy.
  static func busyPlaceholder(_ e: Event) -> Event {
    var p = Event(kind: e.kind)
    p.summary = "Busy"
    p.start = e.start
    p.end = e.end
    p.duration = e.duration
    p.isAllDay = e.isAllDay
    p.recurrenceId = e.recurrenceId
    p.recurrenceIdThisAndFuture = e.recurrenceIdThisAndFuture
    if var r = e.recurrence {
      // An override states what changed: one that names no privacy is as private as its
      // series, and writers that write overrides whole must see it so (no CLASS:PUBLIC).
      r.overrides = r.overrides.map { o in
        var p = busyPlaceholder(o)
        p.privacy = o.privacy ?? e.privacy
        return p
      }
      p.recurrence = r
    }
    p.privacy = e.privacy
    p.busyStatus = e.busyStatus ?? .busy
    p.status = e.status
    p.source = e.source
    p.owner = e.owner
    p.sequence = e.sequence
    return p
  }

  /// A record that was excluded: skip it, and when ferry had pushed it, decide about the
  /// item in the mailbox (a filter-exit delete needs `deletions_on_filter_exit`).
  private mutating func left(crmId: String, kind: RecordKind, name: String, why: String, folder: String?, ledgerIndexes: LedgerSnapshot.Indexes) {
    var pushedBefore = false
    for i in ledgerIndexes {
      let old = ledger.entries[Int(i)]
      guard targets[old.kind] == old.target else { continue }
      pushedBefore = true
      // The name as pushed, which finds the item in the mailbox (a private event went as
      // "Busy"; its CRM summary never left the CRM).
      leftTheSync(old, kind: kind, crmId: crmId, name: old.name.isEmpty ? name : old.name, why: why)
    }
    if !pushedBefore {
      var entry = PlanEntry(action: .skip, kind: kind, crmId: crmId, name: name, reason: why)
      entry.rep = folder
      record(entry)
    }
  }

  /// A ledger item whose record is gone from the export, in the mailbox of a rep that left
  /// the sync (`RepScope.leftSync`), or of a kind `objects` now leaves out: deleted in the CRM
  /// or left out of the export with its rep or kind, which ferry cannot tell apart, so it goes
  /// as a filter exit does.
  private mutating func goneLeftSync(_ old: LedgerEntry, why: String) {
    if explainId == old.crmId {
      explain("\(old.kind.rawValue) \(old.crmId) is in the ledger (run \(old.runId)) but not in the CRM export, and it left the sync: \(why)")
    }
    leftTheSync(old, kind: old.kind, crmId: old.crmId, name: old.name, why: why + ", not in the CRM export")
  }

  /// The item `old` of a record that left the sync: deleted only with `deletions: propagate`
  /// and `deletions_on_filter_exit`, and only when ferry created it; otherwise reported as kept.
  private mutating func leftTheSync(_ old: LedgerEntry, kind: RecordKind, crmId: String, name: String, why: String) {
    var entry = itemEntry(old, kind: kind, crmId: crmId, name: name)
    if settings.deletions == .propagate && settings.deletionsOnFilterExit && old.origin == .created {
      delete(&entry, old, reason: "left the sync: \(why)", record: Self.stub(kind: kind, crmId: crmId, name: name))
    } else {
      let kept =
        settings.deletions == .off
        ? "deletions: off" : (old.origin == .adopted ? "adopted item, never deleted" : "deletions_on_filter_exit is off")
      entry.reason = "\(why); pushed before, kept in the mailbox (\(kept))"
    }
    record(entry)
  }

  /// A ledger item whose CRM record is no longer in the export: deleted in the CRM.
  private mutating func gone(_ old: LedgerEntry) {
    let explaining = explainId == old.crmId
    if explaining { explain("\(old.kind.rawValue) \(old.crmId) is in the ledger (run \(old.runId)) but not in the CRM export") }
    var entry = itemEntry(old, kind: old.kind, crmId: old.crmId, name: old.name)
    if settings.deletions == .propagate && old.origin == .created {
      delete(&entry, old, reason: "deleted in the CRM", record: Self.stub(kind: old.kind, crmId: old.crmId, name: old.name))
    } else {
      entry.reason =
        "deleted in the CRM; kept in the mailbox (\(settings.deletions == .off ? "deletions: off" : "adopted item, never deleted"))"
    }
    if let rep = entry.rep, repsByFolder[rep] == nil {
      repsByFolder[rep] = PlanRep(
        folder: rep, mailbox: old.mailbox, name: ledger.owners[old.mailbox]?.name, email: old.mailbox.contains("@") ? old.mailbox : nil)
    }
    record(entry)
  }

  /// A plan entry about an item the ledger holds (another mailbox, a record that left the
  /// sync or was deleted in the CRM): skipped until the caller decides to delete it.
  private func itemEntry(_ old: LedgerEntry, kind: RecordKind, crmId: String, name: String) -> PlanEntry {
    var entry = PlanEntry(action: .skip, kind: kind, crmId: crmId, name: name, reason: "")
    entry.rep = repFolder(forMailbox: old.mailbox)
    entry.mailbox = old.mailbox
    entry.target = old.target
    entry.providerId = old.providerId
    entry.origin = old.origin
    return entry
  }

  /// Turns `entry` into the delete of the ledger item `old`, with the next sequence and the
  /// deletion record located in the mailbox export (for EWS and Graph item ids).
  private mutating func delete(_ entry: inout PlanEntry, _ old: LedgerEntry, reason: String, record: Record) {
    entry.action = .delete
    entry.reason = reason
    let copy = managedCopy(crmId: entry.crmId, mailbox: old.mailbox)
    // A cancel below the mailbox copy's SEQUENCE would be ignored, as an update would.
    entry.sequence = max(old.sequence, Self.mailboxSequence(copy) ?? 0) + 1
    entry.record = Self.locate(
      deletionRecord(record, providerId: old.providerId, sequence: entry.sequence), in: copy)
  }

  /// The SEQUENCE of a mailbox export's copy of an event, when it has one.
  private static func mailboxSequence(_ copy: Record?) -> Int? {
    guard case .event(let e)? = copy else { return nil }
    return e.sequence
  }

  /// The record a delete is built from when the CRM record is gone or excluded: its CRM id
  /// and the name last pushed.
  private static func stub(kind: RecordKind, crmId: String, name: String) -> Record {
    let source = SourceIdentity(system: "ferry", recordId: crmId)
    switch kind {
    case .contact:
      var c = Contact()
      c.formattedName = name.isEmpty ? nil : name
      c.source = source
      return .contact(c)
    case .event:
      var e = Event()
      e.summary = name.isEmpty ? nil : name
      e.source = source
      return .event(e)
    }
  }

  /// What a delete writes: the identity, and for events a cancelled status with the next
  /// SEQUENCE (iCalendar METHOD:CANCEL).
  private func deletionRecord(_ record: Record, providerId: String, sequence: Int) -> Record {
    switch record {
    case .contact(let c):
      var d = Contact()
      d.formattedName = c.formattedName ?? (c.displayName.isEmpty ? nil : c.displayName)
      d.name = c.name
      d.uid = providerId
      d.source = c.source
      d.owner = c.owner
      return .contact(d)
    case .event(let e):
      var d = Event(kind: e.kind)
      d.uid = providerId
      d.summary = e.summary
      d.start = e.start
      d.end = e.end
      d.isAllDay = e.isAllDay
      d.status = .cancelled
      d.sequence = sequence
      d.privacy = e.privacy ?? .public
      d.source = e.source
      d.owner = e.owner
      return .event(d)
    }
  }

  /// Whether the mailbox's export (or the one for every mailbox) shows ferry's ids on items of
  /// `kind`, so that an item missing from it is worth reporting.
  private func exportCarriesFerryIds(of kind: RecordKind, mailbox: String) -> Bool {
    [mailbox, ""].contains { mailboxes[$0]?.carriesFerryIds(of: kind) == true }
  }

  private mutating func managedCopy(crmId: String, mailbox: String) -> Record? {
    guard !mailboxes.isEmpty else { return nil }
    for key in [mailbox, ""] {
      guard mailboxes[key] != nil else { continue }
      if let r = mailboxes[key]?.managedCopy(crmId: crmId) { return r }
    }
    return nil
  }

  private mutating func adopt(_ record: Record, crmId: String, mailbox: String) -> (AdoptionIndex.Match, Record)? {
    guard !mailboxes.isEmpty else { return nil }
    for key in [mailbox, ""] {
      guard mailboxes[key] != nil else { continue }
      if let m = mailboxes[key]?.match(record, crmId: crmId), let copy = mailboxes[key]?.records[m.index] {
        return (m, copy)
      }
    }
    return nil
  }

  private func hasMailboxContacts(_ mailbox: String) -> Bool {
    guard !mailboxes.isEmpty else { return false }
    return [mailbox, ""].contains { mailboxes[$0]?.records.contains { $0.contact != nil } ?? false }
  }

  /// Notes who carries each phone number of `c` (E.164, extension dropped): a number carried
  /// by contacts whose names differ becomes `nil` (shared).
  static func notePhones(of c: Contact, in phones: inout [String: String?]) {
    guard !c.phones.isEmpty else { return }
    let name = Normalise.name(c.name.given ?? "") + "|" + Normalise.name(c.name.family ?? c.formattedName ?? "")
    for p in c.phones {
      guard let number = Normalize.phone(p.number).e164 else { continue }
      if let seen = phones[number] {
        if seen != nil && seen != name { phones[number] = .some(nil) }
      } else {
        phones[number] = name
      }
    }
  }

  /// The third matching step for contacts: FerryMatch's matcher with the planned contact
  /// creates of a mailbox (set 0) against that mailbox's export contacts nobody adopted
  /// (set 1, the mailbox's own export first, then exports for every mailbox), with the
  /// default `MatchRules`. Only cross-set links at or above the threshold count. Each CRM
  /// contact takes its best link, one-to-one: links are taken by score, highest first; a tie
  /// goes to the CRM contact planned first, then to the mailbox item read first. An adopted
  /// create becomes an update of the mailbox item (its identity, origin `adopted`), with
  /// `adoptedBy` set to FerryMatch's rule and `adoptionScore` to its score. The matcher keeps
  /// compact keys only; the records stay where they are (plan entries, mailbox exports).
  ///
  /// Adoption asks for more than a dedupe link, since a wrong one overwrites another
  /// person's item: a phone number that CRM contacts (any in the input) or mailbox contacts
  /// with different names carry is marked shared (`Matcher.markShared`), so it counts only
  /// when the names agree; and a link must rest on a contact point that counted
  /// (`MatchLink.restsOnContactPoint`), never on names, address and organisation alone.
  private mutating func adoptByMatching() {
    guard !matchCandidates.isEmpty else { return }
    var byMailbox: [String: [Int]] = [:]
    for i in matchCandidates { byMailbox[plan.entries[i].mailbox ?? "", default: []].append(i) }
    matchCandidates = []
    for mailbox in byMailbox.keys.sorted() {
      // Each planned record read once (it may be spooled); one that cannot be read back stays
      // a create here, and the applier reports it when it fails to write it.
      let loaded = (byMailbox[mailbox] ?? []).compactMap { i in
        (try? plan.entries[i].loadRecord()).flatMap { $0 }.flatMap { $0.contact != nil ? (i, $0) : nil }
      }
      let crm = loaded.map(\.0)
      var items: [(key: String, index: Int)] = []
      for key in mailbox.isEmpty ? [""] : [mailbox, ""] {
        for i in mailboxes[key]?.freeContacts() ?? [] { items.append((key, i)) }
      }
      guard !crm.isEmpty, !items.isEmpty else { continue }
      let matcher = Matcher()
      for (_, r) in loaded { matcher.add(r, set: 0) }
      var mailboxPhones: [String: String?] = [:]
      for item in items {
        if let r = mailboxes[item.key]?.records[item.index] {
          matcher.add(r, set: 1)
          if let c = r.contact { Self.notePhones(of: c, in: &mailboxPhones) }
        }
      }
      let shared = crmPhones.filter { $0.value == nil }.map(\.key) + mailboxPhones.filter { $0.value == nil }.map(\.key)
      matcher.markShared(phones: shared)
      let pairs = matcher.crossSetPairs()
      let links = pairs.links.sorted { ($1.score, $0.a, $0.b) < ($0.score, $1.a, $1.b) }
      if explainId != nil {
        // pairs FerryMatch's narrow rules held below the threshold, with the rule that held them
        for link in pairs.heldApart where plan.entries[crm[link.a]].crmId == explainId {
          let item = items[link.b - crm.count]
          let id = mailboxes[item.key].flatMap { AdoptionIndex.providerId($0.records[item.index]) } ?? "?"
          let why = link.fields.compactMap { f -> String? in
            guard let note = f.note else { return nil }
            return f.field == "veto" || note.contains("not counted") || note.hasPrefix("extensions differ") ? note : nil
          }
          explain(
            "mailbox item \(id) held apart by FerryMatch (\(link.rule), score \(link.score)): \(why.joined(separator: "; "))")
        }
      }
      var crmTaken = Set<Int>(), itemTaken = Set<Int>()
      for link in links where !crmTaken.contains(link.a) && !itemTaken.contains(link.b) {
        guard link.restsOnContactPoint else {
          if explainId != nil && plan.entries[crm[link.a]].crmId == explainId {
            let item = items[link.b - crm.count]
            let id = mailboxes[item.key].flatMap { AdoptionIndex.providerId($0.records[item.index]) } ?? "?"
            explain("mailbox item \(id) matched by FerryMatch \(link.rule), score \(link.score), but not adopted: no e-mail, phone or id that counted backs it")
          }
          continue
        }
        crmTaken.insert(link.a)
        itemTaken.insert(link.b)
        let item = items[link.b - crm.count]
        guard let copy = mailboxes[item.key]?.records[item.index] else { continue }
        mailboxes[item.key]?.markAdopted(item.index)
        adopt(entryAt: crm[link.a], copy: copy, rule: link.rule, score: link.score)
      }
    }
  }

  private mutating func adopt(entryAt index: Int, copy: Record, rule: String, score: Double) {
    var entry = plan.entries[index]
    guard var c = entry.record?.contact else { return }
    let providerId = AdoptionIndex.providerId(copy) ?? Self.ferryUID(entry.crmId)
    c.uid = providerId
    let shaped = Record.contact(c)
    entry.action = .update
    entry.origin = .adopted
    entry.providerId = providerId
    entry.adoptedBy = rule
    entry.adoptionScore = score
    entry.reason = "adopted: mailbox item matched by \(rule) (score \(score))"
    entry.contentHash = ContentHash.of(shaped)
    entry.fingerprint = Fingerprint.of(shaped)
    entry.previousFingerprint = Fingerprint.of(copy)
    entry.record = Self.locate(shaped, in: copy)
    requireItemId(&entry)
    plan.entries[index] = entry
    plan.totals.create -= 1
    plan.totals.add(entry.action)
    if let rep = entry.rep {
      plan.perRep[rep, default: PushCounts()].create -= 1
      plan.perRep[rep, default: PushCounts()].add(entry.action)
    }
    if entry.action == .skip { plan.skippedReasons[entry.rep ?? "", default: [:]][entry.reason, default: 0] += 1 }
    if explainId != nil && entry.crmId == explainId {
      explain("matched mailbox item \(providerId) by FerryMatch \(rule), score \(score)")
      explain("action, after matching: update in \(entry.rep ?? "") (\(entry.reason))")
    }
  }

  /// The stable UID ferry gives an item it creates: derived from the 18-character CRM id, so
  /// a rerun (or a lost ledger) finds the same item.
  public static func ferryUID(_ crmId: String) -> String { "ferry-\(crmId)@ferry" }
}
