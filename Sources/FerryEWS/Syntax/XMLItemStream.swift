import CLibXML2
import FerryModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The EWS syntax layer: a libxml2 `xmlTextReader` fed from a `ByteInput`, yielding the
/// elements that matter to EWS (items, response messages) one at a time.
///
/// Safety settings (issue 5): no network (`XML_PARSE_NONET`), no DTD loading, no entity
/// substitution, `XML_PARSE_HUGE` off (so libxml2 keeps its limits: 256 nesting levels,
/// 10 MB text nodes), and any DOCTYPE is refused outright, because EWS documents never carry
/// one and every entity attack (billion laughs, XXE) needs one.
///
/// This is the one file in FerryEWS that touches libxml2 reader pointers. Every pointer it
/// gets from libxml2 is either owned by the reader (freed by `xmlFreeTextReader` in
/// `deinit`) or freed right where it is made.
final class XMLItemStream {
  /// What the stream found.
  enum Event {
    /// A `t:Contact` or `t:CalendarItem` (local name in `element.name`), with the column of
    /// its start tag.
    case item(XMLElement, column: Int)
    /// A `m:…ResponseMessage` with `ResponseClass="Error"`.
    case errorResponse(XMLElement, column: Int)
    /// The `ResponseCode` (and `MessageText`) of a `m:…ResponseMessage` with
    /// `ResponseClass="Warning"`, whose items (if any) follow as `.item` events.
    case warningResponse(name: String, code: String, text: String, line: Int, column: Int)
    /// A FindItem `m:RootFolder` with `IncludesLastItemInRange="false"`: a page of a longer view.
    case partialView(totalItems: String?, line: Int, column: Int)
    /// The document's root element, for telling requests from responses.
    case root(name: String, namespace: String)
    /// An item of another kind (`t:Message`, `t:MeetingResponse`, `t:Task`, …), skipped.
    case otherItem(name: String, line: Int, column: Int)
  }

  /// EWS item elements that are neither contacts nor calendar items.
  static let otherItems: Set<String> = [
    "Item", "Message", "MeetingMessage", "MeetingRequest", "MeetingResponse", "MeetingCancellation", "Task",
    "DistributionList", "PostItem", "AcceptItem", "DeclineItem", "TentativelyAcceptItem", "ReplyToItem", "ForwardItem",
  ]

  /// Owns the `ByteInput` side of the read callback; libxml2 holds an unretained pointer.
  final class Feed {
    let input: ByteInput
    var chunk: [UInt8] = []
    var offset = 0
    var failure: FerryError?
    var firstError: (message: String, line: Int, column: Int)?
    /// Character references XML 1.0 forbids (`&#x1A;`, which Exchange writes into bodies)
    /// replaced by `&#xFFFD;` before libxml2 sees them.
    var replacedReferences = 0
    private var started = false
    /// The end of the previous chunk when it stopped inside a possible `&#…;`.
    private var carry: [UInt8] = []

    init(input: ByteInput) { self.input = input }

    /// The next chunk for libxml2, or nil at the end. Leading white space is dropped
    /// (documents pasted with an indent before `<?xml`), and forbidden character references are
    /// replaced; a reference split across chunks is completed from the next one.
    func nextChunk() throws -> [UInt8]? {
      var bytes = carry
      carry = []
      if let more = try input.read() {
        if bytes.isEmpty { bytes = more } else { bytes += more }
      } else if bytes.isEmpty {
        return nil
      } else {
        return bytes
      }
      if !started {
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        if i == bytes.count { return [] }  // only white space so far: dropped (memory stays bounded)
        // White space before the first tag means nothing in XML, but libxml2 refuses it before
        // an XML declaration: dropped, whatever follows.
        started = true
        if i > 0 { bytes.removeFirst(i) }
      }
      // Hold back a tail that may be the start of an unfinished reference.
      if let amp = bytes.lastIndex(of: UInt8(ascii: "&")), bytes.count - amp < 12, !bytes[amp...].contains(UInt8(ascii: ";")) {
        carry = Array(bytes[amp...])
        bytes.removeSubrange(amp...)
      }
      // memchr: this runs over every byte of the input, and most inputs hold no reference.
      let mayHaveReference = bytes.withUnsafeBytes { raw in
        raw.baseAddress.map { memchr($0, Int32(UInt8(ascii: "#")), raw.count) != nil } ?? false
      }
      guard mayHaveReference else { return bytes }
      return replacingForbiddenReferences(bytes)
    }

    private func replacingForbiddenReferences(_ bytes: [UInt8]) -> [UInt8] {
      var out: [UInt8] = []
      var i = 0
      var copied = 0
      while i + 3 < bytes.count {
        guard bytes[i] == UInt8(ascii: "&"), bytes[i + 1] == UInt8(ascii: "#") else {
          i += 1
          continue
        }
        var j = i + 2
        let hex = bytes[j] == UInt8(ascii: "x") || bytes[j] == UInt8(ascii: "X")
        if hex { j += 1 }
        var value = 0
        var digits = 0
        while j < bytes.count, digits < 9, let d = Self.digit(bytes[j], hex: hex) {
          value = value * (hex ? 16 : 10) + d
          digits += 1
          j += 1
        }
        guard digits > 0, j < bytes.count, bytes[j] == UInt8(ascii: ";") else {
          i += 1
          continue
        }
        if !Self.isXMLChar(value) {
          if out.isEmpty { out.reserveCapacity(bytes.count) }
          out += bytes[copied..<i]
          out += Array("&#xFFFD;".utf8)
          copied = j + 1
          replacedReferences += 1
        }
        i = j + 1
      }
      if copied == 0 { return bytes }
      out += bytes[copied...]
      return out
    }

    private static func digit(_ c: UInt8, hex: Bool) -> Int? {
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(c - 48)
      case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: Int(c - 87)
      case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: Int(c - 55)
      default: nil
      }
    }

    /// XML 1.0 `Char`.
    private static func isXMLChar(_ v: Int) -> Bool {
      v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
        || (0x10000...0x10FFFF).contains(v)
    }
  }

  private let feed: Feed
  private var reader: OpaquePointer?
  /// True when the reader already stands on a node that has not been looked at (after
  /// `xmlTextReaderNext` skipped a subtree).
  private var positioned = false
  private var sawRoot = false
  /// The Warning response message being read: its name, position and MessageText so far.
  private var warning: (name: String, line: Int, column: Int, text: String)?
  private var silencedThisThread = false
  let fileName: String

  init(input: ByteInput) throws {
    feed = Feed(input: input)
    fileName = input.name
    // Errors raised while the reader is being set up would go to libxml2's global handler,
    // which prints to stderr; the library must not print.
    xmlSetStructuredErrorFunc(nil, { _, _ in })
    xmlSetGenericErrorFunc(nil, nil)
    let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
    let context = Unmanaged.passUnretained(feed).toOpaque()
    reader = xmlReaderForIO(
      { context, buffer, length in
        guard let context, let buffer, length > 0 else { return 0 }
        let feed = Unmanaged<Feed>.fromOpaque(context).takeUnretainedValue()
        while feed.offset >= feed.chunk.count {
          do {
            guard let next = try feed.nextChunk() else { return 0 }
            feed.chunk = next
            feed.offset = 0
          } catch let error as FerryError {
            feed.failure = error
            return -1
          } catch {
            feed.failure = FerryError(.io, "cannot read input: \(error)")
            return -1
          }
        }
        let n = min(Int(length), feed.chunk.count - feed.offset)
        feed.chunk.withUnsafeBytes { bytes in
          guard let base = bytes.baseAddress else { return }
          UnsafeMutableRawPointer(buffer).copyMemory(from: base + feed.offset, byteCount: n)
        }
        feed.offset += n
        return Int32(n)
      },
      // The context is owned by `self`, not by libxml2: closing releases nothing.
      { _ in 0 }, context, nil, nil, options)
    guard let reader else {
      throw FerryError(.malformedInput, "cannot start the XML parser", at: SourceLocation(file: fileName, line: 1, column: 1))
    }
    xmlTextReaderSetStructuredErrorHandler(
      reader,
      { context, error in
        guard let context, let error else { return }
        let feed = Unmanaged<Feed>.fromOpaque(context).takeUnretainedValue()
        // Level 1 is a warning; keep the first error or fatal error, the one that explains.
        guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, feed.firstError == nil else { return }
        var message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
        while message.last == "\n" || message.last == " " { message.removeLast() }
        feed.firstError = (message, Int(error.pointee.line), Int(error.pointee.int2))
      }, context)
  }

  deinit {
    if let reader { xmlFreeTextReader(reader) }
  }

  /// Forbidden character references replaced so far (see `Feed.nextChunk`).
  var replacedReferences: Int { feed.replacedReferences }

  private var line: Int { reader.map { Int(xmlTextReaderGetParserLineNumber($0)) } ?? 0 }
  /// The line of the current node's start tag (the parser's own line may be further on).
  private var nodeLine: Int {
    guard let reader, let node = xmlTextReaderCurrentNode(reader) else { return line }
    return Int(xmlGetLineNo(node))
  }
  private var column: Int { reader.map { Int(xmlTextReaderGetParserColumnNumber($0)) } ?? 0 }

  /// The error to throw when libxml2 reports a failure: its first message and position.
  private func failure() -> FerryError {
    if let failure = feed.failure { return failure }
    if let first = feed.firstError {
      // libxml2 starts its messages upper-case; keep acronyms ("XML declaration") as they are.
      let second = first.message.dropFirst().first
      let message = second?.isUppercase == true ? first.message : first.message.prefix(1).lowercased() + first.message.dropFirst()
      return FerryError(
        .malformedInput, "malformed XML: \(message)",
        at: SourceLocation(file: fileName, line: max(1, first.line), column: max(1, first.column)))
    }
    return FerryError(
      .malformedInput, "malformed XML", at: SourceLocation(file: fileName, line: max(1, line), column: max(1, column)))
  }

  /// Moves to the next event, or returns nil at the end of the document.
  func next() throws -> Event? {
    guard let reader else { return nil }
    if !silencedThisThread {
      // libxml2's global error handlers are per thread, and the reader may be driven from
      // another thread than the one that made it (`PrefetchingReader`): silence them here too.
      xmlSetStructuredErrorFunc(nil, { _, _ in })
      xmlSetGenericErrorFunc(nil, nil)
      silencedThisThread = true
    }
    while true {
      if positioned {
        positioned = false
      } else {
        let status = xmlTextReaderRead(reader)
        if status == 0 {
          if let failure = feed.failure ?? feed.firstError.map({ _ in self.failure() }) { throw failure }
          return nil
        }
        if status < 0 { throw failure() }
      }
      let type = xmlTextReaderNodeType(reader)
      if type == Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue) {
        throw FerryError(
          .malformedInput, "XML document has a DOCTYPE declaration, which EWS never uses; refused (entities are not expanded)",
          at: SourceLocation(file: fileName, line: max(1, line), column: max(1, column)))
      }
      guard type == Int32(XML_READER_TYPE_ELEMENT.rawValue) else { continue }
      let dict = xmlTextReaderCurrentNode(reader)?.pointee.doc?.pointee.dict
      let local = name(xmlTextReaderConstLocalName(reader), dict: dict)
      let namespace = name(xmlTextReaderConstNamespaceUri(reader), dict: dict)
      if !sawRoot {
        sawRoot = true
        if local != "Envelope" && local != "Contact" && local != "CalendarItem" {
          return .root(name: local, namespace: namespace)
        }
      }
      if EWSNamespace.matches(namespace, EWSNamespace.soap), local == "Body" {
        // The payload inside the envelope is the root that matters.
        sawRoot = false
        continue
      }
      if EWSNamespace.matches(namespace, EWSNamespace.types) {
        switch local {
        case "Contact", "CalendarItem":
          let column = self.column
          let element = try expand(reader)
          return .item(element, column: column)
        case "SetItemField", "AppendToItemField":
          // Partial items inside an update are not records.
          try skip(reader)
          continue
        case _ where Self.otherItems.contains(local):
          let (line, column) = (self.line, self.column)
          try skip(reader)
          return .otherItem(name: local, line: line, column: column)
        default: continue
        }
      }
      if EWSNamespace.matches(namespace, EWSNamespace.messages) {
        if local.hasSuffix("ResponseMessage"), let responseClass = attribute(reader, "ResponseClass") {
          if responseClass == "Error" {
            let column = self.column
            return .errorResponse(try expand(reader), column: column)
          }
          // A Warning message may still hold items: read on, and report its code when it comes.
          warning = responseClass == "Warning" ? (local, nodeLine, column, "") : nil
          continue
        }
        if let current = warning {
          if local == "MessageText" {
            warning?.text = try expand(reader).text
            continue
          }
          if local == "ResponseCode" {
            let code = try expand(reader).text
            warning = nil
            return .warningResponse(name: current.name, code: code, text: current.text, line: current.line, column: current.column)
          }
        }
        if local == "RootFolder", attribute(reader, "IncludesLastItemInRange") == "false" {
          return .partialView(totalItems: attribute(reader, "TotalItemsInView"), line: nodeLine, column: column)
        }
      }
    }
  }

  /// The value of an attribute of the current element (the reader stays on the element).
  private func attribute(_ reader: OpaquePointer, _ name: String) -> String? {
    guard xmlTextReaderMoveToAttribute(reader, name) == 1 else { return nil }
    // ConstValue is owned by the reader: nothing to free.
    let value = Self.string(xmlTextReaderConstValue(reader))
    xmlTextReaderMoveToElement(reader)
    return value
  }

  /// Builds the current element's subtree and moves the reader past it.
  private func expand(_ reader: OpaquePointer) throws -> XMLElement {
    guard let node = xmlTextReaderExpand(reader) else { throw failure() }
    let element = self.element(node)
    try skip(reader)
    return element
  }

  private func skip(_ reader: OpaquePointer) throws {
    let status = xmlTextReaderNext(reader)
    if status < 0 { throw failure() }
    if status == 0 {
      if let failure = feed.failure ?? feed.firstError.map({ _ in self.failure() }) { throw failure }
      // End of document: nothing is positioned, and the next read returns 0.
      return
    }
    positioned = true
  }

  private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
  }

  /// Names made into Strings, by the address libxml2 gave them: the parser's dictionary
  /// gives one address per distinct name and frees none before the reader goes, so an item's
  /// element and attribute names are made once per document rather than once per element.
  /// Only addresses the dictionary owns are kept (`xmlDictOwns`); any other name is made anew.
  private var names = ContiguousArray<(pointer: UnsafePointer<xmlChar>?, name: String)>(repeating: (nil, ""), count: 256)

  /// `pointer`'s name as a String, from `names` when the dictionary `dict` gave it before.
  func name(_ pointer: UnsafePointer<xmlChar>?, dict: xmlDictPtr?) -> String {
    guard let pointer else { return "" }
    let address = UInt(bitPattern: pointer)
    let slot = Int(truncatingIfNeeded: (address >> 3) ^ (address >> 11)) & (names.count - 1)
    if names[slot].pointer == pointer { return names[slot].name }
    let made = String(cString: pointer)
    if let dict, xmlDictOwns(dict, pointer) == 1 { names[slot] = (pointer, made) }
    return made
  }

  /// Copies a libxml2 node into an `XMLElement` (local names; text and CDATA concatenated).
  private func element(_ node: xmlNodePtr) -> XMLElement {
    element(node, dict: node.pointee.doc?.pointee.dict)
  }

  private func element(_ node: xmlNodePtr, dict: xmlDictPtr?) -> XMLElement {
    var element = XMLElement(name: name(node.pointee.name, dict: dict), line: Int(xmlGetLineNo(node)))
    var attribute = node.pointee.properties
    while let a = attribute {
      var value = ""
      var valueNode = a.pointee.children
      while let v = valueNode {
        if let content = v.pointee.content { value += String(cString: content) }
        valueNode = v.pointee.next
      }
      element.attributes.append((name(a.pointee.name, dict: dict), value))
      attribute = a.pointee.next
    }
    var elementChildren = 0
    var scan = node.pointee.children
    while let c = scan {
      if c.pointee.type == XML_ELEMENT_NODE { elementChildren += 1 }
      scan = c.pointee.next
    }
    if elementChildren > 1 { element.children.reserveCapacity(elementChildren) }
    var child = node.pointee.children
    while let c = child {
      switch c.pointee.type {
      case XML_ELEMENT_NODE: element.children.append(self.element(c, dict: dict))
      case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
        if let content = c.pointee.content { element.text += String(cString: content) }
      default: break
      }
      child = c.pointee.next
    }
    return element
  }
}
