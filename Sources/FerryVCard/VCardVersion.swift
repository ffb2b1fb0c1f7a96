import FerryContentLines

/// A vCard version: 2.1 (versit), 3.0 (RFC 2426) or 4.0 (RFC 6350).
public enum VCardVersion: String, Sendable, CaseIterable, Hashable {
  case v21 = "2.1"
  case v30 = "3.0"
  case v40 = "4.0"

  /// The version named by a `VERSION` value or a `vcard:` variant, leniently (`3`, `4.0 `).
  public init?(text: String) {
    switch text.trimmingCharacters() {
    case "2.1", "2", "2.0": self = .v21
    case "3.0", "3": self = .v30
    case "4.0", "4": self = .v40
    default: return nil
    }
  }

  /// Unescapes a TEXT value the way this version escapes it.
  ///
  /// vCard 2.1 knows only `\;` (and producers write `\\`); 3.0 and 4.0 also have `\,` and `\n`.
  func unescape(_ text: String) -> String {
    var text = text
    let (backslash, cr) = text.withUTF8 { buffer -> (Bool, Bool) in
      // Eight bytes at a time; most values have neither.
      let slash = UInt8(ascii: "\\")
      let first = ByteSearch.firstIndex(in: buffer, anyOf: slash, 13, 13)
      guard first < buffer.count else { return (false, false) }
      let backslash = ByteSearch.firstIndex(in: buffer, from: first, anyOf: slash, slash, slash) < buffer.count
      return (backslash, ByteSearch.firstIndex(in: buffer, from: first, anyOf: 13, 13, 13) < buffer.count)
    }
    if cr {
      // Quoted-printable values carry CRLF; the model's line break is LF.
      return unescape(text.replacingLineEnds())
    }
    guard backslash else { return text }
    guard self == .v21 else { return TextEscaping.unescape(text) }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var escaped = false
    for c in text.utf8 {
      if escaped {
        if c != UInt8(ascii: ";") && c != UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
        out.append(c)
        escaped = false
      } else if c == UInt8(ascii: "\\") {
        escaped = true
      } else {
        out.append(c)
      }
    }
    if escaped { out.append(UInt8(ascii: "\\")) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Escapes a TEXT value. In 2.1 newlines stay as they are (the writer quoted-printable
  /// encodes such values) and commas are not escaped.
  func escape(_ text: String, structured: Bool = false) -> String {
    if self == .v21 {
      guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") }) else { return text }
      var out = ""
      for ch in text.unicodeScalars {
        if ch == "\\" || ch == ";" { out.unicodeScalars.append("\\") }
        out.unicodeScalars.append(ch)
      }
      return out
    }
    return TextEscaping.escape(text, comma: true, semicolon: true)
  }

  /// Splits a structured value (`N`, `ADR`, `ORG`) at unescaped `;` and unescapes each part.
  func structured(_ text: String) -> [String] {
    // One pass over the bytes: a part with no backslash and no CR is taken as it is; only the
    // others go through `unescape` (N, ADR and ORG are on nearly every card).
    var text = text
    return text.withUTF8 { bytes -> [String] in
      var parts: [String] = []
      // N has five parts and ADR seven: one allocation rather than one per doubling.
      parts.reserveCapacity(8)
      var start = 0
      var i = 0
      var needsUnescape = false
      func part(_ end: Int) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        let s = String(decoding: slice, as: UTF8.self)
        return needsUnescape ? unescape(s) : s
      }
      while i < bytes.count {
        let c = bytes[i]
        if c == UInt8(ascii: "\\") {
          needsUnescape = true
          i += 2
          continue
        }
        if c == 13 { needsUnescape = true }
        if c == UInt8(ascii: ";") {
          parts.append(part(i))
          start = i + 1
          needsUnescape = false
        }
        i += 1
      }
      parts.append(part(min(i, bytes.count)))
      return parts
    }
  }

  /// Splits a list value (`CATEGORIES`, `NICKNAME`) at unescaped `,`.
  func list(_ text: String) -> [String] {
    TextEscaping.split(text, separator: UInt8(ascii: ",")).map { unescape($0) }
  }
}

extension String {
  /// The string without leading and trailing white space; itself when there is none.
  func trimmingCharacters() -> String {
    // First and last byte through the contiguous UTF-8 (no index walking).
    var text = self
    let trimmed = text.withUTF8 { b -> Bool in
      guard let f = b.first, let l = b.last else { return true }
      return f != 32 && f != 9 && f != 10 && f != 13 && l != 32 && l != 9 && l != 10 && l != 13
    }
    return trimmed ? self : Substring(self).trimmingCharacters()
  }
}

extension Substring {
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
    return String(s)
  }
}

extension String {
  /// nil for an empty string, so empty components do not show up in the model.
  var nonEmpty: String? { isEmpty ? nil : self }
}

extension String {
  /// CRLF and lone CR become LF.
  func replacingLineEnds() -> String {
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count)
    var previousCR = false
    for c in utf8 {
      if c == 13 {
        out.append(10)
        previousCR = true
        continue
      }
      if c == 10 && previousCR {
        previousCR = false
        continue
      }
      previousCR = false
      out.append(c)
    }
    return String(decoding: out, as: UTF8.self)
  }
}
