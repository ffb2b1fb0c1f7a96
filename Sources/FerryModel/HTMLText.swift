import Foundation

/// A plain-text reading of an HTML body (EWS `Body BodyType="HTML"`, Graph
/// `body.contentType: "html"`): tags dropped, the content of `head`, `style` and `script`
/// dropped, block ends as line breaks, character references decoded. Enough for notes and
/// descriptions; readers keep the HTML itself raw where the text loses something.
///
/// It lives in the model because two format targets (EWS and Graph) read HTML bodies, and a
/// format target never imports another.
public enum HTMLText {
  /// The text of an HTML fragment or document.
  public static func plain(_ html: String) -> String {
    var out = ""
    var tag = ""
    var inTag = false
    // Elements whose content is no text: open ones counted apart, as `style` sits inside `head`.
    var hidden: [String: Int] = [:]
    var hiding = false
    for ch in html {
      if inTag {
        if ch == ">" {
          inTag = false
          let name = tagName(tag)
          if name == "style" || name == "script" || name == "head" || name == "title" { hidden[name, default: 0] += 1 }
          if name == "/style" || name == "/script" || name == "/head" || name == "/title" {
            hidden[String(name.dropFirst())] = max(0, (hidden[String(name.dropFirst())] ?? 0) - 1)
          }
          hiding = hidden.values.contains { $0 > 0 }
          if ["br", "/p", "/div", "/li", "/tr", "/h1", "/h2", "/h3"].contains(name) {
            out.append("\n")
          }
          tag = ""
        } else {
          tag.append(ch)
        }
        continue
      }
      if ch == "<" {
        inTag = true
        continue
      }
      if !hiding { out.append(ch) }
    }
    out = decodingReferences(out)
    let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map {
      String($0).trimmingCharacters(in: .whitespaces)
    }
    var result: [String] = []
    for line in lines where !(line.isEmpty && (result.last?.isEmpty ?? true)) { result.append(line) }
    while result.last?.isEmpty == true { result.removeLast() }
    return result.joined(separator: "\n")
  }

  /// Whether `plain(_:)` keeps all that the HTML says: its tags only wrap text in paragraphs
  /// and line breaks (the document frame, `meta`, `style`, `p`, `div`, `span`, `font`, `br`,
  /// Outlook's `o:p`), so nothing is lost when the HTML itself is not kept. Lists, links,
  /// tables, images and emphasis are not plain.
  public static func isPlain(_ html: String) -> Bool {
    var i = html.startIndex
    while let open = html[i...].firstIndex(of: "<") {
      guard let close = html[open...].firstIndex(of: ">") else { return false }
      var name = tagName(String(html[html.index(after: open)..<close]))
      if name.hasPrefix("/") { name.removeFirst() }
      if !name.hasPrefix("!") && !plainTags.contains(name) { return false }
      i = html.index(after: close)
    }
    return true
  }

  private static let plainTags: Set<String> = [
    "html", "head", "body", "meta", "title", "style", "p", "div", "span", "font", "br", "o:p",
  ]

  /// The lower-cased name of a tag's text (`br/` → `br`, `/p` → `/p`).
  private static func tagName(_ tag: String) -> String {
    var name = tag.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).first.map(String.init) ?? ""
    if name.count > 1, name.hasSuffix("/") { name.removeLast() }
    return name
  }

  private static let named: [String: String] = [
    "nbsp": " ", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "amp": "&", "ndash": "\u{2013}", "mdash": "\u{2014}",
    "hellip": "\u{2026}", "lsquo": "\u{2018}", "rsquo": "\u{2019}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "euro": "\u{20AC}",
    "copy": "\u{00A9}", "reg": "\u{00AE}", "bull": "\u{2022}",
  ]

  /// Decodes `&name;`, `&#NNN;` and `&#xHH;`; anything else is left as written.
  private static func decodingReferences(_ text: String) -> String {
    guard text.contains("&") else { return text }
    var out = ""
    var rest = text[...]
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      let after = rest[rest.index(after: amp)...]
      if let semicolon = after.prefix(10).firstIndex(of: ";") {
        let name = after[..<semicolon]
        var decoded: String?
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
          decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        } else if name.hasPrefix("#") {
          decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        } else {
          decoded = named[String(name)]
        }
        if let decoded {
          out += decoded
          rest = after[after.index(after: semicolon)...]
          continue
        }
      }
      out += "&"
      rest = after
    }
    out += rest
    return out
  }
}
