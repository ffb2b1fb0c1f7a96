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

  /// Text content, escaped by libxml2. Characters XML 1.0 cannot carry (C0 controls other
  /// than tab, LF, CR) are dropped first, since no escape exists for them.
  func text(_ value: String) {
    var clean = value
    let hasControl = clean.withUTF8 { bytes in
      bytes.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }
    if hasControl {
      clean = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
    }
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
    start(prefix + element.name)
    for a in element.attributes { attribute(a.name, a.value) }
    if !element.text.isEmpty { text(element.text) }
    for child in element.children { write(child, prefix: prefix) }
    end()
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
