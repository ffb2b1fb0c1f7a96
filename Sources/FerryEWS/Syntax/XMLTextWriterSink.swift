import CLibXML2

/// The EWS writer's syntax layer: libxml2's `xmlTextWriter` into a memory buffer that the
/// caller drains into its output.
///
/// This is the one file in FerryEWS that touches libxml2 writer pointers; `deinit` frees the
/// writer and its buffer on every path. Element names are written with their prefix (`t:`,
/// `m:`, `soap:`); the namespaces are declared on the root by the caller.
final class XMLTextWriterSink {
  private let buffer: xmlBufferPtr
  private let writer: xmlTextWriterPtr
  private(set) var failed = false

  init?() {
    guard let buffer = xmlBufferCreate() else { return nil }
    guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
      xmlBufferFree(buffer)
      return nil
    }
    self.buffer = buffer
    self.writer = writer
    xmlTextWriterSetIndent(writer, 1)
    xmlTextWriterSetIndentString(writer, "  ")
  }

  deinit {
    xmlFreeTextWriter(writer)
    xmlBufferFree(buffer)
  }

  private func check(_ status: Int32) { if status < 0 { failed = true } }

  func startDocument() {
    check(xmlTextWriterStartDocument(writer, "1.0", "utf-8", nil))
  }

  func endDocument() {
    check(xmlTextWriterEndDocument(writer))
  }

  func start(_ name: String) {
    check(name.withCString { n in n.withMemoryRebound(to: xmlChar.self, capacity: 1) { xmlTextWriterStartElement(writer, $0) } })
  }

  /// Starts `prefix` followed by `name`, joined in a stack buffer rather than a new String
  /// (a joined name longer than 15 bytes would be a heap allocation per element).
  func start(prefix: String, _ name: String) {
    let length = prefix.utf8.count + name.utf8.count
    guard length < 128 else {
      start(prefix + name)
      return
    }
    let status = withUnsafeTemporaryAllocation(of: xmlChar.self, capacity: length + 1) { buffer -> Int32 in
      guard let base = buffer.baseAddress else { return -1 }
      let end = Self.copy(prefix, to: base)
      base[end + Self.copy(name, to: base + end)] = 0
      return xmlTextWriterStartElement(writer, base)
    }
    check(status)
  }

  func attribute(_ name: String, _ value: String) {
    check(
      name.withCString { n in
        value.withCString { v in
          n.withMemoryRebound(to: xmlChar.self, capacity: 1) { np in
            v.withMemoryRebound(to: xmlChar.self, capacity: 1) { vp in xmlTextWriterWriteAttribute(writer, np, vp) }
          }
        }
      })
  }

  /// Copies `text`'s UTF-8 bytes to `target` (which has room); returns how many.
  private static func copy(_ text: String, to target: UnsafeMutablePointer<xmlChar>) -> Int {
    let copied = text.utf8.withContiguousStorageIfAvailable { source -> Int in
      if let base = source.baseAddress { target.update(from: base, count: source.count) }
      return source.count
    }
    if let copied { return copied }
    var i = 0
    for byte in text.utf8 {
      target[i] = byte
      i += 1
    }
    return i
  }

  /// Text content, escaped by libxml2. Characters XML 1.0 cannot carry (C0 controls other
  /// than tab, LF, CR) are dropped first, since no escape exists for them.
  func text(_ value: String) {
    // One pass over the C string: written as it is unless it holds a control character.
    let count = value.utf8.count
    let written = value.withCString { v -> Int32? in
      v.withMemoryRebound(to: xmlChar.self, capacity: count + 1) { p -> Int32? in
        for i in 0..<count {
          let b = p[i]
          if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return nil }
        }
        return xmlTextWriterWriteString(writer, p)
      }
    }
    if let written {
      check(written)
      return
    }
    let clean = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
    check(clean.withCString { v in v.withMemoryRebound(to: xmlChar.self, capacity: 1) { xmlTextWriterWriteString(writer, $0) } })
  }

  func end() {
    check(xmlTextWriterEndElement(writer))
  }

  /// A leaf element with text.
  func leaf(_ name: String, _ value: String) {
    start(name)
    text(value)
    end()
  }

  /// Writes an element tree, every name prefixed with `prefix`.
  func write(_ element: XMLElement, prefix: String = "t:") {
    start(prefix: prefix, element.name)
    writeContent(element, prefix: prefix)
    end()
  }

  /// An element's attributes, text and children, in that order (its start tag is open).
  func writeContent(_ element: XMLElement, prefix: String = "t:") {
    for a in element.attributes { attribute(a.name, a.value) }
    if !element.text.isEmpty { text(element.text) }
    for child in element.children { write(child, prefix: prefix) }
  }

  /// The bytes written so far; empties the buffer.
  func drain() -> [UInt8] {
    check(xmlTextWriterFlush(writer))
    let length = Int(xmlBufferLength(buffer))
    guard length > 0, let content = xmlBufferContent(buffer) else { return [] }
    let bytes = Array(UnsafeBufferPointer(start: content, count: length))
    xmlBufferEmpty(buffer)
    return bytes
  }
}
