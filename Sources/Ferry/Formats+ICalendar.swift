import FerryICalendar
import FerryModel

extension Formats {
  /// The iCalendar family's entries in the registry.
  static var icalendarFormats: [Format] {
    [
      Format(
        name: "ics", variants: ["2.0"], extensions: ["ics", "ical", "ifb", "vcs"], kinds: [.event],
        summary: "iCalendar (RFC 5545) events and tasks; vCalendar 1.0 .vcs read leniently",
        detect: { head, name in
          var bytes = head[...]
          if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
          while let f = bytes.first, f == 0x20 || f == 0x0A || f == 0x0D || f == 0x09 { bytes = bytes.dropFirst() }
          let text = String(decoding: bytes.prefix(64), as: UTF8.self).uppercased()
          if text.hasPrefix("BEGIN:VCALENDAR") {
            return Detection(confidence: 0.98, variant: text.contains("VERSION:1.0") ? "1.0" : nil)
          }
          if text.hasPrefix("BEGIN:VEVENT") || text.hasPrefix("BEGIN:VTODO") { return Detection(confidence: 0.7) }
          if let name, name.lowercased().hasSuffix(".ics") || name.lowercased().hasSuffix(".vcs") {
            return Detection(confidence: 0.5)
          }
          return nil
        },
        makeReader: { input, options, sink in
          var options = options
          options.inputEncoding = try ContentCharsetOption.resolve(options.inputEncoding)
          if try ParallelReader.isWorthwhile(for: input) {
            return ParallelReader(input: input, format: ICalendarReader.pieces(options: options), diagnostics: sink)
          }
          return ICalendarReader(input: input, options: options, diagnostics: sink)
        },
        makeWriter: { destination, options, sink in
          let now = ReferenceTime.now()
          if let problem = now.problem {
            sink.warning(problem, code: "environment")
          }
          return try ICalendarWriter(destination: destination, options: options, diagnostics: sink, now: now.time)
        })
    ]
  }
}
