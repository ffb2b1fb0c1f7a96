import FerryModel
import Foundation
import FerryYAML
import Yams

/// `csv` with `--mapping FILE`: columns mapped to model fields by a YAML file (docs/CSV.md,
/// fixtures/csv/mapping-example.yaml), with transforms: split, join, date format, constant.
public struct GenericProfile: CSVProfile {
  public let mapping: Mapping
  public var name: String { "mapping" }
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
  public var writesByteOrderMark: Bool { mapping.bom }

  public struct Rule: Sendable {
    /// The column; nil for a constant that only sets a field when reading.
    public var column: String?
    public var fields: [FieldPath]
    public var split: String?
    public var join: String?
    public var date: String?
    public var constant: String?
  }

  public struct Mapping: Sendable {
    public var rules: [Rule]
    public var bom: Bool
  }

  public init(mappingFile: String) throws {
    guard let data = FileManager.default.contents(atPath: mappingFile), let text = String(data: data, encoding: .utf8) else {
      throw FerryError(.io, "cannot read mapping file \"\(mappingFile)\"")
    }
    try self.init(yaml: text, name: mappingFile)
  }

  /// Reads a mapping from YAML text. Every error names the file, and the line and column of
  /// the offending entry, key or value.
  public init(yaml text: String, name: String = "<mapping>") throws {
    func at(_ node: Node?) -> SourceLocation { YAMLLocation.of(node, in: text, file: name) }
    let root: Node?
    do { root = try Yams.compose(yaml: text) } catch {
      throw FerryError(
        .usage, "mapping file \"\(name)\" is not YAML: \(YAMLLocation.problem(error))", at: YAMLLocation.of(error, in: text, file: name))
    }
    guard let top = root?.mapping, let columnsNode = top["columns"], let columns = columnsNode.sequence else {
      // Point at a `columns:` that is no list, else at the document.
      throw FerryError(
        .usage, "mapping file \"\(name)\" needs a `columns:` list", at: at(root?.mapping?["columns"] ?? root))
    }
    var rules: [Rule] = []
    for (n, entry) in columns.enumerated() {
      guard let dict = entry.mapping else {
        throw FerryError(.usage, "mapping file \"\(name)\": entry \(n + 1) of `columns` is not a mapping", at: at(entry))
      }
      // Values as Yams.load constructs them (`yes` a Bool, `12` an Int), then as text.
      func str(_ k: String) -> String? {
        guard let v = dict[k]?.any else { return nil }
        if let s = v as? String { return s }
        return "\(v)"
      }
      var fields: [FieldPath] = []
      if let f = dict["field"], let text = f.any as? String {
        fields = [try FieldPath(text, file: name, at: at(f))]
      } else if let list = dict["field"]?.sequence {
        fields = try list.map { try FieldPath("\($0.any)", file: name, at: at($0)) }
      }
      let rule = Rule(
        column: str("column"), fields: fields, split: str("split"), join: str("join"), date: str("date"),
        constant: str("constant"))
      if rule.column == nil && (rule.constant == nil || rule.fields.isEmpty) {
        throw FerryError(
          .usage, "mapping file \"\(name)\": entry \(n + 1) needs `column`, or `field` with `constant`", at: at(entry))
      }
      if rule.column != nil && rule.fields.isEmpty && rule.constant == nil {
        throw FerryError(.usage, "mapping file \"\(name)\": entry \(n + 1) needs `field` or `constant`", at: at(entry))
      }
      rules.append(rule)
    }
    mapping = Mapping(rules: rules, bom: (top["bom"]?.any as? Bool) ?? false)
  }

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    let cols = mapping.rules.compactMap(\.column)
    return h.share(of: cols)
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder {
    var h = HeaderIndex(header)
    let bound = mapping.rules.map { rule in (rule, rule.column.flatMap { h.take($0) }) }
    return Decoder(mappedColumns: h.used, rules: bound)
  }

  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder {
    let rules = mapping.rules.filter { $0.column != nil }
    var columns: [String] = []
    for r in rules where !columns.contains(r.column!) { columns.append(r.column!) }
    let phones = Set(rules.enumerated().filter { $0.element.fields.contains { $0.isPhone } }.compactMap { columns.firstIndex(of: $0.element.column!) })
    return Encoder(columns: columns, phoneColumns: phones, rules: rules)
  }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let rules: [(Rule, Int?)]

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      for (rule, column) in rules {
        var text: String
        if let column {
          if rule.constant != nil && rule.fields.isEmpty { continue }
          guard let t = row.string(column) else { continue }
          text = t
        } else if let constant = rule.constant {
          text = constant
        } else {
          continue
        }
        if let format = rule.date {
          guard let d = DatePattern.parse(text, format: format) else {
            if let column { context.keepUnparsed(column: column, value: text, what: "a date in the form \(format)") }
            continue
          }
          text = d.description
        }
        var values: [String]
        if let sep = rule.split {
          let parts = text.splitting(on: sep).map(\.trimmed).filter { !$0.isEmpty }
          if rule.fields.count > 1 {
            // Into several fields in order; the last takes the rest.
            var out = Array(parts.prefix(rule.fields.count - 1))
            if parts.count >= rule.fields.count { out.append(parts[(rule.fields.count - 1)...].joined(separator: sep)) }
            values = out
            for (field, value) in zip(rule.fields, values) { field.add(value, to: &c, join: rule.join) }
            continue
          }
          values = parts
        } else {
          values = [text]
        }
        for field in rule.fields {
          for v in values {
            if !field.add(v, to: &c, join: rule.join), let column {
              context.keepUnparsed(column: column, value: v, what: "a value for \(field.path)")
            }
          }
        }
      }
      context.attachRaw(&c)
      return .contact(c)
    }
  }

  struct Encoder: CSVRecordEncoder {
    let columns: [String]
    let phoneColumns: Set<Int>
    let rules: [Rule]
    /// The fields the mapping's columns name. The structured and the formatted name stand for
    /// each other: a mapping with only a `Name` column writes the name the user sees.
    var writtenFields: Set<String> {
      var fields = Set(rules.filter { $0.constant == nil }.flatMap(\.fields).map(\.modelField))
      if fields.contains("name") || fields.contains("formattedName") { fields.formUnion(["name", "formattedName"]) }
      return fields
    }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      let notesColumn = rules.last { r in r.constant == nil && r.fields.count == 1 && r.fields[0].modelField == "notes" }
        .flatMap { r in r.column.flatMap { columns.firstIndex(of: $0) } }
      context.hasNotesColumn = notesColumn != nil
      // The values each kind of field put in cells, to find the ones no column took.
      var written: [String: [String]] = [:]
      var writtenAddresses: Set<Int> = []
      // How many values of a field earlier columns took (two `email` columns take the 1st and 2nd).
      var taken: [String: Int] = [:]
      var rulesPerField: [String: Int] = [:]
      var joinFor: [String: String] = [:]
      for r in rules where r.constant == nil {
        for f in r.fields {
          rulesPerField[f.path, default: 0] += 1
          if let j = r.join, joinFor[f.path] == nil { joinFor[f.path] = j }
        }
      }
      var seen: [String: Int] = [:]
      for rule in rules {
        guard let column = rule.column, let i = columns.firstIndex(of: column) else { continue }
        if let constant = rule.constant {
          cells[i] = constant
          continue
        }
        var out: [String] = []
        if rule.fields.count > 1 {
          for f in rule.fields {
            guard let v = f.values(in: c.contact).first else { continue }
            out.append(v)
            written[f.modelField, default: []].append(v)
          }
          cells[i] = out.joined(separator: rule.split ?? " ")
        } else if let field = rule.fields.first {
          var values = field.values(in: c.contact)
          let key = field.path
          seen[key, default: 0] += 1
          let isLastRule = seen[key] == rulesPerField[key]
          let shared = (rulesPerField[key] ?? 0) > 1
          if shared, !field.isMulti, let v = values.first {
            let join = joinFor[key] ?? "\n"
            // Several columns share one field: line k goes to the k-th column, the last takes the rest.
            let lines = v.splitting(on: join)
            let k = taken[key, default: 0]
            let part = k < lines.count ? (isLastRule ? lines[k...].joined(separator: join) : lines[k]) : ""
            taken[key] = k + 1
            values = part.isEmpty ? [] : [part]
          } else if field.isMulti && rule.split == nil {
            let k = taken[key, default: 0]
            taken[key] = k + 1
            values = k < values.count ? [values[k]] : []
          }
          written[field.modelField, default: []].append(contentsOf: values)
          if field.modelField == "addresses", !values.isEmpty, let n = field.addressIndex(in: c.contact) { writtenAddresses.insert(n) }
          if let format = rule.date {
            values = values.compactMap { PartialDate(text: $0).flatMap { DatePattern.format($0, format: format) } }
          }
          cells[i] = values.joined(separator: rule.split ?? "")
        }
      }
      try leftovers(c.contact, written: written, writtenAddresses: writtenAddresses, context: &context)
      if let notesColumn {
        // Notes no column took, then the values with no free slot.
        let extraNotes = Self.unwritten(c.notes, written["notes"] ?? [])
        let parts = [cells[notesColumn]] + extraNotes + context.overflowLines
        cells[notesColumn] = parts.filter { !$0.isEmpty }.joined(separator: "\n")
      }
      return true
    }

    /// Values of the fields the mapping has columns for that no column took (a third e-mail,
    /// a fax with no fax column, a second work address) go through the overflow policy; a
    /// field with no column at all is the conversion's to report.
    private func leftovers(
      _ c: Contact, written: [String: [String]], writtenAddresses: Set<Int>, context: inout CSVEncodeContext
    ) throws {
      let mapped = Set(rules.filter { $0.constant == nil }.flatMap(\.fields).map(\.modelField))
      func check(_ field: String, _ what: String, _ values: [String]) throws {
        guard mapped.contains(field) else { return }
        for v in Self.unwritten(values, written[field] ?? []) { try context.overflow(what, v) }
      }
      try check("emails", "e-mail", c.emails.map(\.address))
      try check("phones", "phone", c.phones.map(\.number))
      try check("urls", "url", c.urls.map(\.value))
      try check("nicknames", "nickname", c.nicknames)
      try check("categories", "category", c.categories)
      if mapped.contains("addresses") {
        for (n, a) in c.addresses.enumerated() where !writtenAddresses.contains(n) {
          try context.overflow("address", OutlookProfile.oneLine(a))
        }
      }
    }

    /// `values` less those in `written` (each written value accounts for one).
    static func unwritten(_ values: [String], _ written: [String]) -> [String] {
      var pool = written
      var out: [String] = []
      for v in values {
        if let j = pool.firstIndex(of: v) { pool.remove(at: j) } else { out.append(v) }
      }
      return out
    }
  }
}

/// A model field named in a mapping file: `name.given`, `email.work`, `phone.work.fax`,
/// `address.home.city`, `categories`, `birthday`, `owner.email`, `id`, …
public struct FieldPath: Sendable, Equatable {
  public let path: String
  let head: String
  let rest: [String]

  static let known: Set<String> = [
    "name", "formattedname", "fn", "nickname", "email", "phone", "address", "organization", "company", "department",
    "title", "role", "note", "notes", "url", "categories", "category", "birthday", "anniversary", "id", "source",
    "owner", "accountid", "created", "lastmodified", "uid", "timezone",
  ]

  /// - Parameter location: where the path is written in the mapping file.
  init(_ text: String, file: String, at location: SourceLocation? = nil) throws {
    path = text
    let parts = text.split(separator: ".").map { $0.lowercased() }
    guard let first = parts.first, FieldPath.known.contains(first) else {
      throw FerryError(
        .usage, "mapping file \"\(file)\": unknown field \"\(text)\" (see docs/CSV.md for the list)", at: location)
    }
    head = first
    rest = Array(parts.dropFirst())
  }

  var isPhone: Bool { head == "phone" }

  /// The model field this path writes, as `Contact.filledFieldNames` names it.
  var modelField: String {
    switch head {
    case "name": ["prefix", "given", "first", "middle", "family", "last", "suffix"].contains(rest.first ?? "") ? "name" : "formattedName"
    case "formattedname", "fn": "formattedName"
    case "nickname": "nicknames"
    case "email": "emails"
    case "phone": "phones"
    case "address": "addresses"
    case "organization", "company": "organization"
    case "note", "notes": "notes"
    case "url": "urls"
    case "categories", "category": "categories"
    case "id", "source": "source"
    case "accountid": "accountId"
    case "lastmodified": "lastModified"
    case "timezone": "timeZone"
    default: head
    }
  }
  var isMulti: Bool { ["nickname", "email", "phone", "url", "categories", "category", "note", "notes"].contains(head) }

  /// Sets or appends a value; false when the value does not fit (a bad date).
  @discardableResult
  func add(_ v: String, to c: inout Contact, join: String?) -> Bool {
    func joined(_ old: String?) -> String { old.map { $0 + (join ?? "\n") + v } ?? v }
    switch head {
    case "name":
      switch rest.first {
      case "prefix": c.name.prefix = joined(c.name.prefix)
      case "given", "first": c.name.given = joined(c.name.given)
      case "middle": c.name.middle = joined(c.name.middle)
      case "family", "last": c.name.family = joined(c.name.family)
      case "suffix": c.name.suffix = joined(c.name.suffix)
      default: c.formattedName = joined(c.formattedName)
      }
    case "formattedname", "fn": c.formattedName = joined(c.formattedName)
    case "nickname": c.nicknames.append(v)
    case "email": c.emails.append(EmailAddress(v, types: rest))
    case "phone": c.phones.append(PhoneNumber(v, types: rest))
    case "address":
      let type = rest.first ?? "work"
      let part = rest.count > 1 ? rest[1] : "street"
      var index = c.addresses.firstIndex { $0.types == [type] }
      if index == nil {
        c.addresses.append(PostalAddress(types: [type]))
        index = c.addresses.count - 1
      }
      var a = c.addresses[index!]
      switch part {
      case "pobox": a.poBox = joined(a.poBox)
      case "extended": a.extended = joined(a.extended)
      case "city", "locality": a.locality = joined(a.locality)
      case "region", "state": a.region = joined(a.region)
      case "postalcode", "zip": a.postalCode = joined(a.postalCode)
      case "country": a.country = joined(a.country)
      default: a.street = joined(a.street)
      }
      c.addresses[index!] = a
    case "organization", "company": c.organization = joined(c.organization)
    case "department": c.department = joined(c.department)
    case "title": c.title = joined(c.title)
    case "role": c.role = joined(c.role)
    case "note", "notes": c.notes.append(v)
    case "url": c.urls.append(LabeledValue(v, types: rest))
    case "categories", "category": c.categories.append(v)
    case "birthday":
      guard let d = PartialDate(text: v) else { return false }
      c.birthday = d
    case "anniversary":
      guard let d = PartialDate(text: v) else { return false }
      c.anniversary = d
    case "id":
      c.source = SourceIdentity(system: c.source?.system ?? "csv", objectType: c.source?.objectType, recordId: v)
    case "source":
      var s = c.source ?? SourceIdentity(system: "csv")
      switch rest.first {
      case "system": s.system = v
      case "object", "objecttype": s.objectType = v
      default: s = SourceIdentity(system: s.system, objectType: s.objectType, recordId: v)
      }
      c.source = s
    case "owner":
      var o = c.owner ?? Owner()
      switch rest.first {
      case "name": o.name = v
      case "email": o.email = v
      default: o = Owner(id: v, name: o.name, email: o.email)
      }
      c.owner = o
    case "accountid": c.accountId = v
    case "created":
      guard let t = Values.timestamp(v) else { return false }
      c.created = t
    case "lastmodified":
      guard let t = Values.timestamp(v) else { return false }
      c.lastModified = t
    case "uid": c.uid = v
    case "timezone": c.timeZone = v
    default: return false
    }
    return true
  }

  /// For an `address.TYPE.part` path: which of the contact's addresses `values(in:)` reads.
  func addressIndex(in c: Contact) -> Int? {
    guard head == "address" else { return nil }
    let type = rest.first ?? "work"
    return c.addresses.firstIndex { $0.types.contains(type) }
  }

  /// The field's values in a contact, as text.
  func values(in c: Contact) -> [String] {
    func typed<T>(_ items: [T], _ types: (T) -> [String], _ value: (T) -> String) -> [String] {
      items.filter { item in rest.allSatisfy { types(item).contains($0) } }.map(value)
    }
    switch head {
    case "name":
      switch rest.first {
      case "prefix": return c.name.prefix.map { [$0] } ?? []
      case "given", "first": return c.name.given.map { [$0] } ?? []
      case "middle": return c.name.middle.map { [$0] } ?? []
      case "family", "last": return c.name.family.map { [$0] } ?? []
      case "suffix": return c.name.suffix.map { [$0] } ?? []
      default: return c.formattedName.map { [$0] } ?? []
      }
    case "formattedname", "fn": return [c.formattedName ?? c.displayName].filter { !$0.isEmpty }
    case "nickname": return c.nicknames
    case "email": return typed(c.emails, \.types, \.address)
    case "phone": return typed(c.phones, \.types, \.number)
    case "address":
      let type = rest.first ?? "work"
      let part = rest.count > 1 ? rest[1] : "street"
      guard let a = c.addresses.first(where: { $0.types.contains(type) }) else { return [] }
      let v: String?
      switch part {
      case "pobox": v = a.poBox
      case "extended": v = a.extended
      case "city", "locality": v = a.locality
      case "region", "state": v = a.region
      case "postalcode", "zip": v = a.postalCode
      case "country": v = a.country
      default: v = a.street
      }
      return v.map { [$0] } ?? []
    case "organization", "company": return c.organization.map { [$0] } ?? []
    case "department": return c.department.map { [$0] } ?? []
    case "title": return c.title.map { [$0] } ?? []
    case "role": return c.role.map { [$0] } ?? []
    case "note", "notes": return c.notes
    case "url": return typed(c.urls, \.types, \.value)
    case "categories", "category": return c.categories
    case "birthday": return c.birthday.map { [$0.description] } ?? []
    case "anniversary": return c.anniversary.map { [$0.description] } ?? []
    case "id": return c.source?.recordId.map { [$0] } ?? []
    case "source":
      switch rest.first {
      case "system": return c.source.map { [$0.system] } ?? []
      case "object", "objecttype": return c.source?.objectType.map { [$0] } ?? []
      default: return c.source?.recordId.map { [$0] } ?? []
      }
    case "owner":
      switch rest.first {
      case "name": return c.owner?.name.map { [$0] } ?? []
      case "email": return c.owner?.email.map { [$0] } ?? []
      default: return c.owner?.id.map { [$0] } ?? []
      }
    case "accountid": return c.accountId.map { [$0] } ?? []
    case "created": return c.created.map { [Values.salesforceTimestamp($0)] } ?? []
    case "lastmodified": return c.lastModified.map { [Values.salesforceTimestamp($0)] } ?? []
    case "uid": return c.uid.map { [$0] } ?? []
    case "timezone": return c.timeZone.map { [$0] } ?? []
    default: return []
    }
  }
}

/// Date patterns for mapping files: `YYYY`, `YY`, `MM`, `M`, `DD`, `D`; other characters
/// are literal (`DD.MM.YYYY`, `M/D/YYYY`).
public enum DatePattern {
  static func tokens(_ format: String) -> [String] {
    var out: [String] = []
    var chars = Array(format)
    while !chars.isEmpty {
      let c = chars[0]
      if c == "Y" || c == "M" || c == "D" {
        var n = 0
        while n < chars.count && chars[n] == c { n += 1 }
        out.append(String(repeating: c, count: n))
        chars.removeFirst(n)
      } else {
        out.append(String(c))
        chars.removeFirst()
      }
    }
    return out
  }

  public static func parse(_ text: String, format: String) -> PartialDate? {
    var s = Substring(text.trimmed)
    var y: Int?, m: Int?, d: Int?
    for t in tokens(format) {
      if let f = t.first, "YMD".contains(f) {
        let maxLen = t == "YY" ? 2 : t.count == 4 ? 4 : 2
        let digits = s.prefix(while: \.isNumber).prefix(t.count == 1 ? 2 : maxLen)
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        s = s.dropFirst(digits.count)
        switch f {
        case "Y": y = t.count == 2 ? n + (n < 50 ? 2000 : 1900) : n
        case "M": m = n
        default: d = n
        }
      } else {
        guard s.first.map(String.init) == t else { return nil }
        s = s.dropFirst()
      }
    }
    guard s.isEmpty else { return nil }
    let date = PartialDate(year: y, month: m, day: d)
    if let y, let m, let d { return LocalDate(year: y, month: m, day: d).isValid ? date : nil }
    return date
  }

  public static func format(_ date: PartialDate, format: String) -> String? {
    var out = ""
    for t in tokens(format) {
      switch t {
      case "YYYY":
        guard let y = date.year else { return nil }
        out += pad(y, 4)
      case "YY":
        guard let y = date.year else { return nil }
        out += pad(y % 100, 2)
      case "MM", "M":
        guard let m = date.month else { return nil }
        out += t == "MM" ? pad(m, 2) : String(m)
      case "DD", "D":
        guard let d = date.day else { return nil }
        out += t == "DD" ? pad(d, 2) : String(d)
      default: out += t
      }
    }
    return out
  }

  static func pad(_ n: Int, _ w: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, w - s.count)) + s
  }
}
