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
  /// Quoted-printable values carry CRLF; the model's line break is LF.
  func unescape(_ text: String) -> String {
    var text = text
    let unescaped = text.withUTF8 { buffer -> String? in
      // Eight bytes at a time; most values have neither a backslash nor a CR.
      let slash = UInt8(ascii: "\\")
      guard ByteSearch.firstIndex(in: buffer, anyOf: slash, 13, 13) < buffer.count else { return nil }
      return unescape(buffer)
    }
    return unescaped ?? text
  }

  /// `unescape` of the UTF-8 of a value or of one part of a structured value.
  ///
  /// Line ends become LF and the version's escapes are undone in one pass, straight into
  /// the string made: not into an array of bytes first, nor line ends in a string of their
  /// own and then escapes in another (N, ADR, ORG and NOTE with an escape are on nearly
  /// every card). Both steps only drop or replace ASCII bytes, so the result is no longer
  /// than the input and stays valid UTF-8.
  func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let v21 = self == .v21
    let slash = UInt8(ascii: "\\")
    return String(unsafeUninitializedCapacity: bytes.count) { out in
      guard let source = bytes.baseAddress, let target = out.baseAddress else { return 0 }
      let count = bytes.count
      var n = 0
      var i = 0
      while i < count {
        // The run up to the next backslash or CR (found eight bytes at a time) is copied whole.
        let next = ByteSearch.firstIndex(in: bytes, from: i, anyOf: slash, 13, 13)
        (target + n).initialize(from: source + i, count: next - i)
        n += next - i
        guard next < count else { break }
        i = next + 1
        // CRLF and a lone CR read as LF, before escapes are looked at (also right after a
        // backslash).
        var c = bytes[next]
        if c == 13 {
          c = 10
          if i < count && bytes[i] == 10 { i += 1 }
        }
        guard c == slash else {
          out[n] = c
          n += 1
          continue
        }
        guard i < count else {
          // A backslash at the end stays.
          out[n] = slash
          n += 1
          break
        }
        var e = bytes[i]
        i += 1
        if e == 13 {
          e = 10
          if i < count && bytes[i] == 10 { i += 1 }
        }
        if v21 {
          // 2.1: `\;` and `\\` stand for the character; any other backslash stays.
          if e != UInt8(ascii: ";") && e != slash {
            out[n] = slash
            n += 1
          }
          out[n] = e
        } else {
          // `TextEscaping.unescape`: `\n` `\N` are a line break, `\\` `\,` `\;` `\:` the
          // character; any other backslash stays.
          switch e {
          case UInt8(ascii: "n"), UInt8(ascii: "N"): out[n] = 10
          case slash, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"): out[n] = e
          default:
            out[n] = slash
            n += 1
            out[n] = e
          }
        }
        n += 1
      }
      return n
    }
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
    var text = text
    return text.withUTF8 { bytes -> [String] in
      var parts: [String] = []
      // N has five parts and ADR seven: one allocation rather than one per doubling.
      parts.reserveCapacity(8)
      _ = forEachPart(of: bytes) { part, needsUnescape in
        parts.append(
          part.isEmpty ? "" : needsUnescape ? unescape(part) : String(decoding: part, as: UTF8.self))
      }
      return parts
    }
  }

  /// `structured(text)[i].trimmingCharacters().nonEmpty` for each part, in order, without
  /// making the list: `body(i, part)`. Returns how many parts there are.
  ///
  /// N, ADR and ORG are on nearly every card; their codecs take the parts as they come.
  /// A part with white space at neither end and nothing to unescape (nearly all of them)
  /// is made once, straight from its bytes; the others as `structured` makes them, then
  /// trimmed as `trimmingCharacters` trims.
  func forEachTrimmedPart(of text: String, _ body: (_ index: Int, _ part: String?) -> Void) -> Int {
    var text = text
    return text.withUTF8 { bytes in
      var index = 0
      return forEachPart(of: bytes) { part, needsUnescape in
        defer { index += 1 }
        guard let first = part.first, let last = part.last else { return body(index, nil) }
        if !needsUnescape && !first.isTrimmedSpace && !last.isTrimmedSpace {
          return body(index, String(decoding: part, as: UTF8.self))
        }
        let string = needsUnescape ? unescape(part) : String(decoding: part, as: UTF8.self)
        body(index, string.trimmingCharacters().nonEmpty)
      }
    }
  }

  /// Calls `body` with the UTF-8 of each part of a structured value (split at `;` not
  /// escaped by a backslash) and whether it needs `unescape` (it has a backslash or a CR);
  /// returns how many parts there are.
  private func forEachPart(
    of bytes: UnsafeBufferPointer<UInt8>, _ body: (_ part: UnsafeBufferPointer<UInt8>, _ needsUnescape: Bool) -> Void
  ) -> Int {
    var count = 0
    var start = 0
    var i = 0
    var needsUnescape = false
    while true {
      // The next separator, backslash or CR, found eight bytes at a time.
      i = ByteSearch.firstIndex(in: bytes, from: i, anyOf: UInt8(ascii: ";"), UInt8(ascii: "\\"), 13)
      guard i < bytes.count else { break }
      switch bytes[i] {
      case UInt8(ascii: "\\"):
        // The escaped byte is part of the part, even a `;`.
        needsUnescape = true
        i += 2
        continue
      case 13:
        needsUnescape = true
      default:
        body(UnsafeBufferPointer(rebasing: bytes[start..<i]), needsUnescape)
        count += 1
        start = i + 1
        needsUnescape = false
      }
      i += 1
    }
    body(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]), needsUnescape)
    return count + 1
  }

  /// Splits a list value (`CATEGORIES`, `NICKNAME`) at unescaped `,`.
  func list(_ text: String) -> [String] {
    TextEscaping.split(text, separator: UInt8(ascii: ",")).map { unescape($0) }
  }
}

extension String {
  /// The string without leading and trailing white space; itself when there is none.
  func trimmingCharacters() -> String {
    // First and last byte through the contiguous UTF-8 (no index walking), read in place:
    // `withUTF8` needs a `var` copy, whose retain and release cost more than the check.
    let trimmed =
      utf8.withContiguousStorageIfAvailable { b -> Bool in
        guard let f = b.first, let l = b.last else { return true }
        return f != 32 && f != 9 && f != 10 && f != 13 && l != 32 && l != 9 && l != 10 && l != 13
      } ?? false
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

extension UInt8 {
  /// Whether `trimmingCharacters` trims this byte at an end of a string (space, tab, CR, LF).
  var isTrimmedSpace: Bool { self == 32 || self == 9 || self == 10 || self == 13 }
}

extension String {
  /// nil for an empty string, so empty components do not show up in the model.
  var nonEmpty: String? { isEmpty ? nil : self }
}
