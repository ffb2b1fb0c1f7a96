import FerryModel

/// The admin's sync settings for `ferry push`: which reps, which objects, which records, and
/// how private events, series, deletions, attendees, invitations and sensitive fields are
/// handled.
///
/// Read from YAML with `PushSettings(yaml:file:)` (every key is documented in `docs/PUSH.md`
/// and shown in `fixtures/push/sync.yaml`); every key also has a flag on `ferry push`, and
/// flags override the file.
public struct PushSettings: Sendable, Equatable {
  /// `objects`: which kinds of record are pushed.
  public enum Objects: String, Sendable, CaseIterable {
    case contacts, events, both
    public func includes(_ kind: RecordKind) -> Bool {
      switch self {
      case .both: true
      case .contacts: kind == .contact
      case .events: kind == .event
      }
    }
  }
  /// `private_events`: what happens to events the CRM marks private.
  public enum PrivateEvents: String, Sendable, CaseIterable {
    /// Not pushed at all.
    case skip
    /// Pushed as a "Busy" placeholder: times, busy status and privacy only.
    case busyOnly = "busy-only"
    /// Pushed with every detail (still marked private).
    case full
  }
  /// `events`: every event, or only those related to a CRM contact or account.
  public enum EventScope: String, Sendable, CaseIterable {
    case all
    case relatedOnly = "related-only"
  }
  /// `deletions`: whether items ferry created are deleted when their CRM record goes.
  public enum Deletions: String, Sendable, CaseIterable { case off, propagate }

  /// One entry of `reps.include` / `reps.exclude`: matches an owner by id, e-mail or name
  /// (case-insensitive). A bare string matches any of the three.
  public struct RepSelector: Sendable, Equatable {
    public var id: String?
    public var email: String?
    public var name: String?
    /// The output folder for this rep's mailbox; default: the sanitised e-mail (or name, or id).
    public var folder: String?
    /// A bare value that may be an id, an e-mail or a name.
    public var any: String?

    public init(id: String? = nil, email: String? = nil, name: String? = nil, folder: String? = nil, any: String? = nil) {
      self.id = id.map { SalesforceID.caseSafe($0) ?? $0 }
      self.email = email
      self.name = name
      self.folder = folder
      self.any = any
    }

    /// Whether this selector names `owner`.
    public func matches(_ owner: Owner) -> Bool {
      func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b, !a.isEmpty else { return false }
        return a.caseInsensitiveCompare(b) == .orderedSame
      }
      if let any {
        let anyId = SalesforceID.caseSafe(any) ?? any
        return same(anyId, owner.id) || same(any, owner.email) || same(any, owner.name)
      }
      var matched = false
      if id != nil { guard same(id, owner.id) else { return false }; matched = true }
      if email != nil { guard same(email, owner.email) else { return false }; matched = true }
      if name != nil { guard same(name, owner.name) else { return false }; matched = true }
      return matched
    }
  }

  /// A provider export and the mailbox it came from (nil: it applies to every rep).
  public struct ProviderExport: Sendable, Equatable {
    public var mailbox: String?
    public var path: String
    public init(mailbox: String? = nil, path: String) {
      self.mailbox = mailbox
      self.path = path
    }
    /// Parses `MAILBOX=FILE` or `FILE`.
    public init(argument: String) {
      if let eq = argument.firstIndex(of: "="), argument[..<eq].contains("@") || !argument[..<eq].contains("/") {
        mailbox = String(argument[..<eq])
        path = String(argument[argument.index(after: eq)...])
      } else {
        mailbox = nil
        path = argument
      }
    }
  }

  /// `reps.include`: empty means every owner.
  public var includeReps: [RepSelector] = []
  /// `reps.exclude`.
  public var excludeReps: [RepSelector] = []
  public var objects: Objects = .both
  /// `filters.contacts`: an expression in the filter language (see `FilterExpression`).
  public var contactFilter: String?
  /// `filters.events`.
  public var eventFilter: String?
  public var privateEvents: PrivateEvents = .busyOnly
  /// `series`: keep, expand or skip recurring series.
  public var series: CalendarOptions.SeriesPolicy = .keep
  /// `expand_from` / `expand_until` for `series: expand` (default: today and a year ahead).
  public var expandFrom: LocalDate?
  public var expandUntil: LocalDate?
  public var events: EventScope = .all
  public var deletions: Deletions = .off
  /// `deletions_on_filter_exit`: also delete items whose record still exists in the CRM but no
  /// longer passes `reps`, `objects`, `filters`, `events` or `private_events: skip`.
  public var deletionsOnFilterExit = false
  /// `relate_events`: resolve attendees to CRM contacts (e-mail, then name).
  public var relateEvents = true
  /// `invitations`: let the target send meeting invitations. Off: EWS SendToNone, ICS
  /// METHOD:PUBLISH, Graph events without attendees.
  public var invitations = false
  /// `deny_fields`: patterns of fields that never leave the CRM. `@default` stands for
  /// `DenyList.defaultPatterns`; a missing key means the default list.
  public var denyFields: [String] = ["@default"]
  /// `to`: target formats (`vcard`, `ics`, `csv:outlook`, `ews`, `graph`, `ndjson`, …), one per kind.
  public var to: [String] = []
  /// `for`: the target profile (`outlook`, `google`, `icloud`, `exchange`, …).
  public var target: String?
  /// `from`: CRM exports (paths relative to the settings file).
  public var from: [String] = []
  /// `provider_exports`: the mailboxes' current contents, for adoption.
  public var providerExports: [ProviderExport] = []
  /// `out`: the output folder (one subfolder per rep mailbox).
  public var out: String?
  /// `ledger`: the ledger file; default `ferry-ledger.sqlite` beside the settings file.
  public var ledger: String?
  /// `today`: the date that `today` means in filters and expansion windows (default: the
  /// real date, UTC). For reproducible runs and tests.
  public var today: LocalDate?
  /// `zone`: the mailboxes' time zone (tz database name or Windows id), for floating times
  /// in the CRM export and for all-day events and floating times in targets that need a
  /// zone (EWS, Graph, CSV calendars).
  public var zone: String?
  /// `exchange_version`: EWS RequestServerVersion (default Exchange2013_SP1).
  public var exchangeVersion: String?
  /// `batch`: items per EWS request document (default 100; Graph batches hold at most 20).
  public var batch: Int?
  /// `mapping`: the column mapping (YAML) for CRM exports read as `csv:mapping`.
  public var mapping: String?
  /// `input_encoding`: the CRM exports' encoding, when detection should not decide.
  public var inputEncoding: String?
  /// `date_format`: dates in Outlook CSV targets, as the mailboxes' Outlook reads them.
  public var dateFormat: CSVDateFormat?
  /// `input_date_format`: how slashed dates in the CRM exports (CSV) are ordered.
  public var inputDateFormat: CSVDateFormat?
  /// Where the filter expressions start in the settings file (for error positions).
  public var filterOrigins = FilterOrigins()
  /// Where each top-level key's value is in the settings file (`zone` → `sync.yaml:7:7`), for
  /// problems found after reading (a zone, EWS version or target that names nothing ferry
  /// knows). Not part of `canonicalText`.
  public var keyLocations: [String: SourceLocation] = [:]

  public init() {}

  /// A stable text of every setting that changes what is pushed, for the runs table's
  /// settings hash.
  public var canonicalText: String {
    func reps(_ list: [RepSelector]) -> String {
      list.map { "\($0.id ?? "")|\($0.email ?? "")|\($0.name ?? "")|\($0.folder ?? "")|\($0.any ?? "")" }.joined(separator: ";")
    }
    return [
      "include=\(reps(includeReps))", "exclude=\(reps(excludeReps))", "objects=\(objects.rawValue)",
      "contacts=\(contactFilter ?? "")", "events-filter=\(eventFilter ?? "")",
      "private=\(privateEvents.rawValue)", "series=\(series.rawValue)",
      "expand=\(expandFrom?.description ?? "")..\(expandUntil?.description ?? "")", "events=\(events.rawValue)",
      "deletions=\(deletions.rawValue)", "exit=\(deletionsOnFilterExit)", "relate=\(relateEvents)",
      "invitations=\(invitations)", "deny=\(denyFields.joined(separator: ","))", "to=\(to.joined(separator: ","))",
      "for=\(target ?? "")", "zone=\(zone ?? "")", "exchange-version=\(exchangeVersion ?? "")", "batch=\(batch.map(String.init) ?? "")",
      "mapping=\(mapping ?? "")", "date-format=\(dateFormat?.rawValue ?? "")",
      "input-date-format=\(inputDateFormat?.rawValue ?? "")",
    ].joined(separator: "\n")
  }
}
