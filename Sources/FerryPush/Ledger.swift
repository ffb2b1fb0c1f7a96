import FerryModel
import Foundation
import GRDB
import GRDBSQLite

/// What the ledger remembers of one item ferry pushed into one mailbox of one target.
public struct LedgerEntry: Sendable, Equatable {
  /// How the item came under ferry's management.
  public enum Origin: String, Sendable {
    /// Ferry created it: only these are ever deleted.
    case created
    /// It was already in the mailbox and ferry adopted it (matched and updated it).
    case adopted
  }
  /// The target key: the format and profile (`vcard/outlook`, `ics`, `ews`).
  public var target: String
  /// The mailbox key: the rep's e-mail (lower-case), or owner id or name.
  public var mailbox: String
  /// The 18-character CRM id (or the source's record id).
  public var crmId: String
  public var kind: RecordKind
  /// The name pushed (display name or summary), for delete lists and reports.
  public var name: String
  /// The item's identity on the provider side: the UID ferry gave it, or the adopted item's
  /// UID or item id.
  public var providerId: String
  public var origin: Origin
  /// `ContentHash` of the record as pushed.
  public var contentHash: UInt64
  /// `Fingerprint` of the record as pushed, to spot changes made in the mailbox.
  public var fingerprint: UInt64
  /// `Fingerprint` of what the mailbox held before the last push changed it (what ferry
  /// pushed in an earlier run, or the adopted item as it was); 0 when unknown. A mailbox
  /// export showing this is older than the last push, not changed by the user.
  public var previousFingerprint: UInt64
  /// `Fingerprint` of the last change made in the mailbox that ferry overwrote (restored from
  /// the CRM, or replaced by a CRM update); 0 when none. A mailbox export still showing it was
  /// taken before that push was imported: the change is already undone, not made again.
  public var overriddenFingerprint: UInt64
  /// iCalendar SEQUENCE last written.
  public var sequence: Int
  /// The run that last pushed it.
  public var runId: Int

  public init(
    target: String, mailbox: String, crmId: String, kind: RecordKind, name: String = "", providerId: String,
    origin: Origin,
    contentHash: UInt64, fingerprint: UInt64, sequence: Int, runId: Int, previousFingerprint: UInt64 = 0,
    overriddenFingerprint: UInt64 = 0
  ) {
    self.target = target
    self.mailbox = mailbox
    self.crmId = crmId
    self.kind = kind
    self.name = name
    self.providerId = providerId
    self.origin = origin
    self.contentHash = contentHash
    self.fingerprint = fingerprint
    self.previousFingerprint = previousFingerprint
    self.overriddenFingerprint = overriddenFingerprint
    self.sequence = sequence
    self.runId = runId
  }
}

/// A change to one occurrence of a series that ferry sent (EWS `OccurrenceItemId`, a Graph
/// instance), so that a rerun does not send it again: a mailbox export shows a deleted
/// occurrence, but not what a changed one holds.
public struct LedgerOccurrence: Sendable, Equatable {
  public enum Action: String, Sendable { case delete, update }
  public var target: String
  public var mailbox: String
  public var crmId: String
  /// `SeriesOccurrences.key` of the occurrence's recurrence id.
  public var occurrence: String
  public var action: Action
  /// `ContentHash` of the override sent (0 for a delete).
  public var contentHash: UInt64
  /// `Planner.seriesHash` of the series when it was sent: a series whose times or rule
  /// changed since then has lost its changed occurrences in the mailbox, so the row no
  /// longer counts.
  public var seriesHash: UInt64
  public var runId: Int

  public init(
    target: String, mailbox: String, crmId: String, occurrence: String, action: Action, contentHash: UInt64,
    seriesHash: UInt64, runId: Int
  ) {
    self.target = target
    self.mailbox = mailbox
    self.crmId = crmId
    self.occurrence = occurrence
    self.action = action
    self.contentHash = contentHash
    self.seriesHash = seriesHash
    self.runId = runId
  }
}

/// One row of the runs table.
public struct LedgerRun: Sendable, Equatable {
  public var id: Int
  /// ISO 8601 UTC.
  public var time: String
  public var settingsHash: UInt64
  /// The run's counts as JSON (`{"create":3,…}`).
  public var counts: String
  public init(id: Int, time: String, settingsHash: UInt64, counts: String) {
    self.id = id
    self.time = time
    self.settingsHash = settingsHash
    self.counts = counts
  }
}

/// The ledger as the planner sees it: every entry, indexed by CRM id. Read once per run.
public struct LedgerSnapshot: Sendable {
  public private(set) var entries: [LedgerEntry] = []
  /// The first entry of each CRM id; further entries of the same id (other mailboxes or
  /// targets) are chained through `nextOfSameId`, so a million ids cost no million arrays.
  private var firstByCrmId: [String: Int32] = [:]
  private var nextOfSameId: [Int32] = []
  /// The id the next run gets.
  public var nextRunId = 1
  /// The owner last seen for each mailbox key (`mailboxes` table): what `reps.exclude` and
  /// `reps.include` are matched against for a mailbox none of this run's records names.
  public var owners: [String: Owner] = [:]
  /// The occurrence changes ferry sent, per item (`occurrences` table; empty before the
  /// `occurrences` migration).
  private var occurrences: [String: [LedgerOccurrence]] = [:]

  private static func itemKey(_ target: String, _ mailbox: String, _ crmId: String) -> String {
    target + "\u{1F}" + mailbox + "\u{1F}" + crmId
  }

  /// The occurrence changes sent for one item, by occurrence key.
  public func sentOccurrences(target: String, mailbox: String, crmId: String) -> [String: LedgerOccurrence] {
    guard !occurrences.isEmpty, let rows = occurrences[Self.itemKey(target, mailbox, crmId)] else { return [:] }
    return Dictionary(rows.map { ($0.occurrence, $0) }, uniquingKeysWith: { _, later in later })
  }

  public mutating func appendOccurrence(_ row: LedgerOccurrence) {
    occurrences[Self.itemKey(row.target, row.mailbox, row.crmId), default: []].append(row)
  }

  public init(entries: [LedgerEntry] = [], nextRunId: Int = 1) {
    self.nextRunId = nextRunId
    self.entries.reserveCapacity(entries.count)
    for e in entries { append(e) }
  }

  /// Room for `count` entries, so that loading a million does not grow and rehash.
  public mutating func reserveCapacity(_ count: Int) {
    entries.reserveCapacity(count)
    nextOfSameId.reserveCapacity(count)
    firstByCrmId.reserveCapacity(count)
  }

  public mutating func append(_ entry: LedgerEntry) {
    let index = Int32(entries.count)
    nextOfSameId.append(-1)
    // One hash lookup for the usual new id; an id seen before is put back and chained.
    if let first = firstByCrmId.updateValue(index, forKey: entry.crmId) {
      firstByCrmId[entry.crmId] = first
      var i = first
      while nextOfSameId[Int(i)] >= 0 { i = nextOfSameId[Int(i)] }
      nextOfSameId[Int(i)] = index
    }
    entries.append(entry)
  }

  /// The entries of one CRM id, in the order they were added.
  public func indexes(crmId: String) -> Indexes {
    Indexes(first: firstByCrmId[crmId] ?? -1, next: nextOfSameId)
  }

  /// The chain of one CRM id's entries, walked without building an array.
  public struct Indexes: Sequence {
    public let first: Int32
    fileprivate let next: [Int32]

    public var isEmpty: Bool { first < 0 }

    public struct Iterator: IteratorProtocol {
      var current: Int32
      let chain: [Int32]
      public mutating func next() -> Int32? {
        guard current >= 0 else { return nil }
        defer { current = chain[Int(current)] }
        return current
      }
    }
    public func makeIterator() -> Iterator { Iterator(current: first, chain: next) }
  }
}

/// The SQLite ledger (GRDB): per target and mailbox, what ferry pushed; and a runs table.
///
/// Schema (migrations `v1`, `v2`, `v3`, `occurrences`):
///
///     items(target, mailbox, crm_id, kind, name, provider_id, origin, content_hash, fingerprint,
///           sequence, run_id, previous_fingerprint, overridden_fingerprint)
///           primary key (target, mailbox, crm_id)
///     runs(id, time, settings_hash, counts)
///     mailboxes(mailbox, owner_id, owner_name, owner_email)   primary key mailbox
///     occurrences(target, mailbox, crm_id, occurrence, action, content_hash, series_hash, run_id)
///                 primary key (target, mailbox, crm_id, occurrence)
public final class Ledger {
  public let path: String
  private let queue: DatabaseQueue

  /// Opens (creating and migrating) the ledger at `path`.
  public init(path: String) throws {
    self.path = path
    do {
      queue = try DatabaseQueue(path: path)
      try Ledger.migrator.migrate(queue)
    } catch {
      throw FerryError(.io, "cannot open the ledger \"\(path)\": \(error)")
    }
  }

  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    m.registerMigration("v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE items (
            target TEXT NOT NULL, mailbox TEXT NOT NULL, crm_id TEXT NOT NULL, kind TEXT NOT NULL,
            name TEXT NOT NULL, provider_id TEXT NOT NULL, origin TEXT NOT NULL, content_hash INTEGER NOT NULL,
            fingerprint INTEGER NOT NULL, sequence INTEGER NOT NULL, run_id INTEGER NOT NULL,
            PRIMARY KEY (target, mailbox, crm_id)) WITHOUT ROWID;
          CREATE TABLE runs (
            id INTEGER PRIMARY KEY, time TEXT NOT NULL, settings_hash INTEGER NOT NULL, counts TEXT NOT NULL);
          """)
    }
    m.registerMigration("v2") { db in
      try db.execute(
        sql: """
          ALTER TABLE items ADD COLUMN previous_fingerprint INTEGER NOT NULL DEFAULT 0;
          CREATE TABLE mailboxes (
            mailbox TEXT NOT NULL PRIMARY KEY, owner_id TEXT, owner_name TEXT, owner_email TEXT) WITHOUT ROWID;
          """)
    }
    m.registerMigration("v3") { db in
      try db.execute(sql: "ALTER TABLE items ADD COLUMN overridden_fingerprint INTEGER NOT NULL DEFAULT 0")
    }
    // Named, not numbered: migrations are applied by name, so one added on another branch
    // beside this one merges without a clash.
    m.registerMigration("occurrences") { db in
      try db.execute(
        sql: """
          CREATE TABLE occurrences (
            target TEXT NOT NULL, mailbox TEXT NOT NULL, crm_id TEXT NOT NULL, occurrence TEXT NOT NULL,
            action TEXT NOT NULL, content_hash INTEGER NOT NULL, series_hash INTEGER NOT NULL, run_id INTEGER NOT NULL,
            PRIMARY KEY (target, mailbox, crm_id, occurrence)) WITHOUT ROWID;
          """)
    }
    return m
  }

  /// Reads the ledger at `path` without changing anything; a missing file is an empty ledger.
  public static func snapshot(path: String) throws -> LedgerSnapshot {
    guard FileManager.default.fileExists(atPath: path) else { return LedgerSnapshot() }
    do {
      var config = Configuration()
      config.readonly = true
      let queue = try DatabaseQueue(path: path, configuration: config)
      return try queue.read { db in
        guard try db.tableExists("items") else { return LedgerSnapshot() }
        var snapshot = LedgerSnapshot()
        snapshot.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") ?? 0)
        // Targets and mailboxes repeat on every row: share one string each.
        var interned: [String: String] = [:]
        func intern(_ s: String) -> String {
          if let known = interned[s] { return known }
          interned[s] = s
          return s
        }
        // A ledger written before migration v2 (read-only here, so not migrated) has no
        // previous fingerprints and no owners.
        let v2 = try db.tableExists("mailboxes")
        // Before migration v3: no overridden fingerprints.
        let v3 = try db.columns(in: "items").contains { $0.name == "overridden_fingerprint" }
        let rows = try Row.fetchCursor(
          db,
          sql: """
            SELECT target, mailbox, crm_id, kind, provider_id, origin, content_hash, fingerprint, sequence, run_id, name,
            \(v2 ? "previous_fingerprint" : "0"), \(v3 ? "overridden_fingerprint" : "0")
            FROM items ORDER BY target, mailbox, crm_id
            """)
        while let row = try rows.next() {
          let kind: String = row[3]
          let origin: String = row[5]
          snapshot.append(
            LedgerEntry(
              target: intern(row[0]), mailbox: intern(row[1]), crmId: row[2], kind: RecordKind(rawValue: kind) ?? .contact, name: row[10],
              providerId: row[4], origin: LedgerEntry.Origin(rawValue: origin) ?? .adopted,
              contentHash: UInt64(bitPattern: row[6]), fingerprint: UInt64(bitPattern: row[7]), sequence: row[8],
              runId: row[9], previousFingerprint: UInt64(bitPattern: row[11]),
              overriddenFingerprint: UInt64(bitPattern: row[12])))
        }
        if v2 {
          let owners = try Row.fetchCursor(db, sql: "SELECT mailbox, owner_id, owner_name, owner_email FROM mailboxes")
          while let row = try owners.next() {
            snapshot.owners[row[0]] = Owner(id: row[1], name: row[2], email: row[3])
          }
        }
        // A ledger from before the `occurrences` migration has sent no occurrence changes.
        if try db.tableExists("occurrences") {
          let rows = try Row.fetchCursor(
            db,
            sql: "SELECT target, mailbox, crm_id, occurrence, action, content_hash, series_hash, run_id FROM occurrences")
          while let row = try rows.next() {
            let action: String = row[4]
            snapshot.appendOccurrence(
              LedgerOccurrence(
                target: row[0], mailbox: row[1], crmId: row[2], occurrence: row[3],
                action: LedgerOccurrence.Action(rawValue: action) ?? .update, contentHash: UInt64(bitPattern: row[5]),
                seriesHash: UInt64(bitPattern: row[6]), runId: row[7]))
          }
        }
        let last = try Int.fetchOne(db, sql: "SELECT MAX(id) FROM runs") ?? 0
        snapshot.nextRunId = last + 1
        return snapshot
      }
    } catch {
      throw FerryError(.io, "cannot read the ledger \"\(path)\": \(error)")
    }
  }

  /// Records a run in one transaction: the run row, the upserted entries and the deleted
  /// ones, and the owner seen for each mailbox. `beforeCommit` runs inside the transaction
  /// (crash tests kill the process there).
  public func record(
    run: LedgerRun, upserts: some Sequence<LedgerEntry>, deletes: [(target: String, mailbox: String, crmId: String)],
    owners: [String: Owner] = [:], occurrences: [LedgerOccurrence] = [],
    forgetOccurrences: [(target: String, mailbox: String, crmId: String, occurrence: String)] = [],
    beforeCommit: () -> Void = {}
  ) throws {
    do {
      try queue.write { db in
        // A first push inserts a million rows in this one transaction: with SQLite's default
        // 2 MB page cache it spills to the file again and again before the commit.
        try db.execute(sql: "PRAGMA cache_size = -65536")
        try db.execute(
          sql: "INSERT OR REPLACE INTO runs (id, time, settings_hash, counts) VALUES (?, ?, ?, ?)",
          arguments: [run.id, run.time, Int64(bitPattern: run.settingsHash), run.counts])
        let upsert = try db.makeStatement(
          sql: """
            INSERT OR REPLACE INTO items
            (target, mailbox, crm_id, kind, name, provider_id, origin, content_hash, fingerprint, sequence, run_id,
             previous_fingerprint, overridden_fingerprint)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // Bound through SQLite itself: a first push upserts a million rows, and an argument
        // array of thirteen boxed values per row costs more than the insert.
        let raw = upsert.sqliteStatement
        for e in upserts {
          Self.bind(raw, 1, e.target)
          Self.bind(raw, 2, e.mailbox)
          Self.bind(raw, 3, e.crmId)
          Self.bind(raw, 4, e.kind.rawValue)
          Self.bind(raw, 5, e.name)
          Self.bind(raw, 6, e.providerId)
          Self.bind(raw, 7, e.origin.rawValue)
          sqlite3_bind_int64(raw, 8, Int64(bitPattern: e.contentHash))
          sqlite3_bind_int64(raw, 9, Int64(bitPattern: e.fingerprint))
          sqlite3_bind_int64(raw, 10, Int64(e.sequence))
          sqlite3_bind_int64(raw, 11, Int64(e.runId))
          sqlite3_bind_int64(raw, 12, Int64(bitPattern: e.previousFingerprint))
          sqlite3_bind_int64(raw, 13, Int64(bitPattern: e.overriddenFingerprint))
          let status = sqlite3_step(raw)
          sqlite3_reset(raw)
          guard status == SQLITE_DONE else {
            throw DatabaseError(
              resultCode: ResultCode(rawValue: status), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
          }
        }
        let owner = try db.makeStatement(
          sql: "INSERT OR REPLACE INTO mailboxes (mailbox, owner_id, owner_name, owner_email) VALUES (?, ?, ?, ?)")
        for (mailbox, o) in owners.sorted(by: { $0.key < $1.key }) {
          try owner.execute(arguments: [mailbox, o.id, o.name, o.email])
        }
        let delete = try db.makeStatement(sql: "DELETE FROM items WHERE target = ? AND mailbox = ? AND crm_id = ?")
        for d in deletes { try delete.execute(arguments: [d.target, d.mailbox, d.crmId]) }
        // What was sent for a deleted item's occurrences goes with it.
        let forget = try db.makeStatement(sql: "DELETE FROM occurrences WHERE target = ? AND mailbox = ? AND crm_id = ?")
        for d in deletes { try forget.execute(arguments: [d.target, d.mailbox, d.crmId]) }
        let forgetOne = try db.makeStatement(
          sql: "DELETE FROM occurrences WHERE target = ? AND mailbox = ? AND crm_id = ? AND occurrence = ?")
        for o in forgetOccurrences { try forgetOne.execute(arguments: [o.target, o.mailbox, o.crmId, o.occurrence]) }
        let occurrence = try db.makeStatement(
          sql: """
            INSERT OR REPLACE INTO occurrences
            (target, mailbox, crm_id, occurrence, action, content_hash, series_hash, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for o in occurrences {
          try occurrence.execute(arguments: [
            o.target, o.mailbox, o.crmId, o.occurrence, o.action.rawValue, Int64(bitPattern: o.contentHash),
            Int64(bitPattern: o.seriesHash), o.runId,
          ])
        }
        beforeCommit()
      }
    } catch {
      throw FerryError(.io, "cannot update the ledger \"\(path)\": \(error)")
    }
  }

  /// Binds `text` as parameter `index` (1-based) of `statement`, copied by SQLite.
  private static func bind(_ statement: SQLiteStatement, _ index: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
      // An empty buffer may have no address, which SQLite would bind as NULL.
      let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
      if let base = bytes.baseAddress, bytes.count > 0 {
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
          _ = sqlite3_bind_text(statement, index, $0, Int32(bytes.count), transient)
        }
      } else {
        _ = sqlite3_bind_text(statement, index, "", 0, transient)
      }
    }
  }

  /// Checks that the ledger can be written, by taking its write lock (`BEGIN IMMEDIATE`) and
  /// running a write that changes nothing, then rolling back; so that a run writes no files
  /// it could not record.
  ///
  /// - Throws: `FerryError(.io)` when the ledger is read-only (file, folder or file system)
  ///   or locked by another writer.
  public func checkWritable() throws {
    do {
      try queue.inTransaction(.immediate) { db in
        try db.execute(sql: "DELETE FROM runs WHERE 0")
        return .rollback
      }
    } catch {
      throw FerryError(.io, "cannot update the ledger \"\(path)\": \(error)")
    }
  }

  /// Every run, oldest first (for reports and tests).
  public func runs() throws -> [LedgerRun] {
    try queue.read { db in
      try Row.fetchAll(db, sql: "SELECT id, time, settings_hash, counts FROM runs ORDER BY id").map {
        LedgerRun(id: $0[0], time: $0[1], settingsHash: UInt64(bitPattern: $0[2]), counts: $0[3])
      }
    }
  }
}
