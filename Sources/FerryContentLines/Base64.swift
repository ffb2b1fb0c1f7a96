/// Base64 without Foundation, tolerant of whitespace and missing padding (vCard 2.1
/// photos are often folded and sometimes unpadded).
public enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  private static let table: [Int8] = {
    var t = [Int8](repeating: -1, count: 256)
    for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
    t[Int(UInt8(ascii: "-"))] = 62  // URL-safe alphabet too
    t[Int(UInt8(ascii: "_"))] = 63
    return t
  }()

  /// Decodes, skipping whitespace; nil when another character appears.
  public static func decode(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var acc: UInt32 = 0
    var bits = 0
    for c in text.utf8 {
      if c == .space || c == .tab || c == .cr || c == .lf { continue }
      if c == .equals { break }
      let v = table[Int(c)]
      if v < 0 { return nil }
      acc = (acc << 6) | UInt32(v)
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
      }
    }
    return out
  }

  /// Encodes with padding and no line breaks.
  public static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
      let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
      out.append(alphabet[Int(n >> 6 & 63)])
      out.append(alphabet[Int(n & 63)])
      i += 3
    }
    let rest = bytes.count - i
    if rest > 0 {
      let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
      out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8.equals)
      out.append(UInt8.equals)
    }
    return String(decoding: out, as: UTF8.self)
  }
}
