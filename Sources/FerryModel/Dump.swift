/// A stable, line-oriented text dump of model values, for golden tests (pandoc's
/// `-t native`).
///
/// Fields print in declaration order as `name: value`; nil values, empty strings, empty
/// collections and `false` are left out so that dumps stay short and adding a field does
/// not change old goldens. Nested values indent by two spaces.
public enum ModelDump {
  public static func dump(_ records: [Record]) -> String {
    var out = ""
    for record in records {
      switch record {
      case .contact(let c):
        out += "contact\n"
        write(c.contact, indent: 1, into: &out)
      case .event(let e):
        out += "event\n"
        write(e.event, indent: 1, into: &out)
      }
    }
    return out
  }

  public static func dump(_ value: Any) -> String {
    var out = ""
    write(value, indent: 0, into: &out)
    return out
  }

  private static func isEmpty(_ value: Any) -> Bool {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional { return mirror.children.isEmpty }
    if let s = value as? String { return s.isEmpty }
    if let b = value as? Bool { return !b }
    if mirror.displayStyle == .collection || mirror.displayStyle == .set || mirror.displayStyle == .dictionary {
      return mirror.children.isEmpty
    }
    return false
  }

  private static func unwrap(_ value: Any) -> Any {
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional, let child = mirror.children.first { return unwrap(child.value) }
    return value
  }

  private static func scalarText(_ value: Any) -> String? {
    switch value {
    case let s as String: return quote(s)
    case let b as Bool: return b ? "true" : "false"
    case let n as Int: return String(n)
    case let n as Int64: return String(n)
    case let d as Double: return String(d)
    case let bytes as [UInt8]: return "<\(bytes.count) bytes>"
    case let t as EventTime: return t.description
    case let d as LocalDate: return d.description
    case let d as LocalDateTime: return d.description
    case let d as PartialDate: return d.description
    case let t as Timestamp: return t.description
    case let d as EventDuration: return d.description
    case let r as RecurrenceRule: return r.description
    case let w as RecurrenceRule.WeekdayNum: return (w.ordinal.map(String.init) ?? "") + w.weekday.rawValue
    case let p as RawParameter: return p.name + "=" + p.values.map(quote).joined(separator: ",")
    default: break
    }
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .enum {
      if mirror.children.isEmpty {
        if let raw = value as? any RawRepresentable { return "\(raw.rawValue)" }
        return "\(value)"
      }
    }
    return nil
  }

  private static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += "\\u{\(String(scalar.value, radix: 16))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  private static func write(_ value: Any, indent: Int, into out: inout String) {
    let value = unwrap(value)
    let pad = String(repeating: "  ", count: indent)
    let mirror = Mirror(reflecting: value)
    for child in mirror.children {
      guard let label = child.label else { continue }
      let v = unwrap(child.value)
      if isEmpty(child.value) { continue }
      if let text = scalarText(v) {
        out += "\(pad)\(label): \(text)\n"
        continue
      }
      let m = Mirror(reflecting: v)
      if m.displayStyle == .collection {
        for element in m.children {
          let e = unwrap(element.value)
          if let text = scalarText(e) {
            out += "\(pad)\(label): \(text)\n"
          } else {
            out += "\(pad)\(label):\n"
            writeNested(e, indent: indent + 1, into: &out)
          }
        }
        continue
      }
      out += "\(pad)\(label):\n"
      writeNested(v, indent: indent + 1, into: &out)
    }
  }

  private static func writeNested(_ value: Any, indent: Int, into out: inout String) {
    let m = Mirror(reflecting: value)
    if m.displayStyle == .enum, let payload = m.children.first {
      let pad = String(repeating: "  ", count: indent)
      let caseName = payload.label ?? "value"
      let inner = unwrap(payload.value)
      if let text = scalarText(inner) {
        out += "\(pad)\(caseName): \(text)\n"
      } else {
        // Tuples of associated values: print each element.
        let tm = Mirror(reflecting: inner)
        if tm.displayStyle == .tuple {
          out += "\(pad)\(caseName):\n"
          for (i, el) in tm.children.enumerated() {
            let label = el.label.map { $0.hasPrefix(".") ? "_\(i)" : $0 } ?? "_\(i)"
            if isEmpty(el.value) { continue }
            let ev = unwrap(el.value)
            if let text = scalarText(ev) {
              out += "\(pad)  \(label): \(text)\n"
            } else {
              out += "\(pad)  \(label):\n"
              write(ev, indent: indent + 2, into: &out)
            }
          }
        } else {
          out += "\(pad)\(caseName):\n"
          write(inner, indent: indent + 1, into: &out)
        }
      }
      return
    }
    write(value, indent: indent, into: &out)
  }
}
