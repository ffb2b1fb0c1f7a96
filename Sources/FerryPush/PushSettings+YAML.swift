import FerryModel
import FerryYAML
import Yams

extension PushSettings {
  /// Where each filter expression starts in the settings file, so that a parse error
  /// points at its line and column.
  public struct FilterOrigins: Sendable, Equatable {
    public var contacts: SourceLocation?
    public var events: SourceLocation?
  }

  /// Reads settings from YAML text.
  ///
  /// Unknown keys are errors (a misspelt `deletions` must not silently push deletes).
  /// Paths (`from`, `provider_exports`, `out`, `ledger`) are returned as written; the caller
  /// resolves them against the file's folder.
  ///
  /// - Throws: `FerryError(.usage)` with the key's position for a bad value or unknown key.
  public init(yaml text: String, file: String = "sync.yaml") throws {
    self.init()
    var origins = FilterOrigins()
    try self.load(yaml: text, file: file, origins: &origins)
    filterOrigins = origins
  }

  private mutating func load(yaml text: String, file: String, origins: inout FilterOrigins) throws {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw FerryError(.usage, "settings are not valid YAML: \(YAMLLocation.problem(error))", at: YAMLLocation.of(error, in: text, file: file))
    }
    guard let root else { return }
    guard let mapping = root.mapping else {
      throw FerryError(.usage, "settings must be a mapping of keys to values", at: Self.location(root, file, text))
    }
    for (keyNode, value) in mapping {
      guard let key = keyNode.string else { continue }
      let at = Self.location(keyNode, file, text)
      keyLocations[key] = Self.location(value, file, text)
      func string() throws -> String {
        guard let s = value.scalar?.string else { throw FerryError(.usage, "\"\(key)\" wants a single value", at: at) }
        return s
      }
      func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let s = try string()
        guard let v = T(rawValue: s.lowercased()) else {
          let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
          throw FerryError(.usage, "\"\(key)\" is \"\(s)\"; expected one of \(allowed)", at: Self.location(value, file, text))
        }
        return v
      }
      func bool() throws -> Bool {
        let s = try string().lowercased()
        switch s {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw FerryError(.usage, "\"\(key)\" is \"\(s)\"; expected true or false", at: Self.location(value, file, text))
        }
      }
      func strings() throws -> [String] {
        if let seq = value.sequence {
          return try seq.map {
            guard let s = $0.scalar?.string else { throw FerryError(.usage, "\"\(key)\" wants a list of values", at: at) }
            return s
          }
        }
        return [try string()]
      }
      func date() throws -> LocalDate {
        let s = try string()
        guard let d = LocalDate(iso: s) else {
          throw FerryError(.usage, "\"\(key)\" is \"\(s)\"; expected YYYY-MM-DD", at: Self.location(value, file, text))
        }
        return d
      }
      switch key {
      case "reps":
        if value.scalar != nil || value.sequence != nil {
          includeReps = try Self.selectors(value, file: file, text: text)
          continue
        }
        guard let reps = value.mapping else { throw FerryError(.usage, "\"reps\" wants include and exclude lists", at: at) }
        for (k, v) in reps {
          switch k.string {
          case "include": includeReps = try Self.selectors(v, file: file, text: text)
          case "exclude": excludeReps = try Self.selectors(v, file: file, text: text)
          default:
            throw FerryError(.usage, "unknown key \"reps.\(k.string ?? "")\"; expected include or exclude", at: Self.location(k, file, text))
          }
        }
      case "objects": objects = try choice(Objects.self)
      case "filters":
        guard let filters = value.mapping else { throw FerryError(.usage, "\"filters\" wants contacts and events keys", at: at) }
        for (k, v) in filters {
          guard let expression = v.scalar?.string else {
            throw FerryError(.usage, "\"filters.\(k.string ?? "")\" wants an expression", at: Self.location(v, file, text))
          }
          var origin = Self.location(v, file, text)
          // A quoted scalar's text starts one column after its mark.
          if let style = v.scalar?.style, style == .singleQuoted || style == .doubleQuoted { origin.column += 1 }
          switch k.string {
          case "contacts":
            contactFilter = expression
            origins.contacts = origin
          case "events":
            eventFilter = expression
            origins.events = origin
          default:
            throw FerryError(.usage, "unknown key \"filters.\(k.string ?? "")\"; expected contacts or events", at: Self.location(k, file, text))
          }
        }
      case "private_events": privateEvents = try choice(PrivateEvents.self)
      case "series": series = try choice(CalendarOptions.SeriesPolicy.self)
      case "expand_from": expandFrom = try date()
      case "expand_until": expandUntil = try date()
      case "events": events = try choice(EventScope.self)
      case "deletions": deletions = try choice(Deletions.self)
      case "deletions_on_filter_exit": deletionsOnFilterExit = try bool()
      case "relate_events": relateEvents = try bool()
      case "invitations": invitations = try bool()
      case "deny_fields": denyFields = try strings()
      case "to": to = try strings()
      case "for": target = try string()
      case "from": from = try strings()
      case "provider_exports":
        if let seq = value.sequence {
          for item in seq {
            if let s = item.scalar?.string {
              providerExports.append(ProviderExport(argument: s))
            } else if let m = item.mapping, let file = m["file"]?.string {
              providerExports.append(ProviderExport(mailbox: m["rep"]?.string ?? m["mailbox"]?.string, path: file))
            } else {
              throw FerryError(.usage, "\"provider_exports\" entries are FILE, REP=FILE or {rep: REP, file: FILE}", at: Self.location(item, file, text))
            }
          }
        } else {
          providerExports = [ProviderExport(argument: try string())]
        }
      case "out": out = try string()
      case "ledger": ledger = try string()
      case "today": today = try date()
      case "zone": zone = try string()
      case "exchange_version": exchangeVersion = try string()
      case "batch":
        let s = try string()
        guard let n = Int(s), n > 0 else {
          throw FerryError(.usage, "\"batch\" is \"\(s)\"; expected a whole number of at least 1", at: Self.location(value, file, text))
        }
        batch = n
      case "mapping": self.mapping = try string()
      case "input_encoding": inputEncoding = try string()
      case "date_format":
        let s = try string()
        guard let f = CSVDateFormat(rawValue: s.uppercased()) else {
          let allowed = CSVDateFormat.allCases.map(\.rawValue).joined(separator: ", ")
          throw FerryError(.usage, "\"date_format\" is \"\(s)\"; expected one of \(allowed)", at: Self.location(value, file, text))
        }
        dateFormat = f
      case "input_date_format":
        let s = try string()
        guard let f = CSVDateFormat(rawValue: s.uppercased()), f == .monthDayYear || f == .dayMonthYear else {
          throw FerryError(.usage, "\"input_date_format\" is \"\(s)\"; expected M/D/YYYY or D/M/YYYY", at: Self.location(value, file, text))
        }
        inputDateFormat = f
      default:
        throw FerryError(.usage, "unknown settings key \"\(key)\" (see docs/PUSH.md)", at: at)
      }
    }
  }

  private static func selectors(_ node: Node, file: String, text: String) throws -> [RepSelector] {
    let items = node.sequence.map(Array.init) ?? [node]
    return try items.map { item in
      if let s = item.scalar?.string { return RepSelector(any: s) }
      guard let m = item.mapping else {
        throw FerryError(.usage, "a rep is a value or a mapping of id, email, name, folder", at: location(item, file, text))
      }
      for (k, _) in m where !["id", "email", "name", "folder"].contains(k.string ?? "") {
        throw FerryError(.usage, "unknown rep key \"\(k.string ?? "")\"; expected id, email, name or folder", at: location(k, file, text))
      }
      let selector = RepSelector(id: m["id"]?.string, email: m["email"]?.string, name: m["name"]?.string, folder: m["folder"]?.string)
      if selector.id == nil && selector.email == nil && selector.name == nil {
        throw FerryError(.usage, "a rep needs an id, email or name", at: location(item, file, text))
      }
      return selector
    }
  }

  /// Where a node starts (column in UTF-8 bytes, as for every `SourceLocation`).
  static func location(_ node: Node, _ file: String, _ text: String) -> SourceLocation {
    YAMLLocation.of(node, in: text, file: file)
  }
}
