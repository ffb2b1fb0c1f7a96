import Ferry
import FerryModel
import FerryTestSupport
import Foundation
import Testing

/// Golden round trips for the event CSV profiles: Salesforce Event CSV → ICS → Outlook
/// calendar CSV, and back to Salesforce with the same recurrence.
@Suite("event CSV round trips")
struct EventCSVRoundTripTests {
  func tempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-events-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  func convert(_ input: String, from: String?, to: String, output: String, _ configure: (inout WriteOptions) -> Void = { _ in })
    throws -> [Diagnostic]
  {
    let collector = DiagnosticCollector()
    var write = WriteOptions()
    configure(&write)
    var conversion = Conversion(
      inputs: [input], from: from.map(FormatSpec.init), to: FormatSpec(to), output: output, writeOptions: write)
    conversion.writeOptions.variant = FormatSpec(to).variant
    _ = try conversion.run(diagnostics: collector.sink)
    return collector.diagnostics
  }

  func events(_ path: String, from: String) throws -> [Event] {
    var (reader, _, _, _) = try InputOpener.open(
      path: path, from: FormatSpec(from), options: ReadOptions(), diagnostics: .ignore)
    return try reader.collect().compactMap(\.event)
  }

  @Test("Salesforce Event CSV to ICS to Outlook calendar CSV")
  func salesforceToICSToOutlook() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let source = Fixtures.path("csv-events/salesforce-events.csv")
    let ics = dir + "/events.ics"
    let diagnostics = try convert(source, from: "csv:salesforce", to: "ics", output: ics)
    #expect(diagnostics.filter { $0.code == "skipped" }.count == 2, "IsChild copy and occurrence row collapsed")
    let icsText = try String(contentsOfFile: ics, encoding: .utf8)
    #expect(icsText == (try Fixtures.golden("csv-events/salesforce-events.expected.ics", actual: icsText)))

    let outlook = dir + "/outlook.csv"
    _ = try convert(ics, from: "ics", to: "csv:outlook", output: outlook) { w in
      w.calendar.zone = "America/New_York"
      w.calendar.expandFrom = LocalDate(year: 2025, month: 3, day: 1)
      w.calendar.expandUntil = LocalDate(year: 2025, month: 4, day: 30)
    }
    let outlookText = try String(contentsOfFile: outlook, encoding: .utf8)
    #expect(outlookText == (try Fixtures.golden("csv-events/salesforce-events.expected-outlook.csv", actual: outlookText)))
    // Weekly standup Mon/Wed/Fri 09:00 New York, 3–31 March: 13 rows, all at 9:00:00 AM
    // across the DST change on 9 March.
    let standups = outlookText.split(whereSeparator: \.isNewline).filter { $0.contains("Weekly standup") }
    #expect(standups.count == 13)
    #expect(standups.allSatisfy { $0.contains("\"9:00:00 AM\"") || $0.contains(",9:00:00 AM,") })

    // And back: the Outlook rows read as events at the same wall times.
    let back = try events(outlook, from: "csv:outlook-calendar")
    #expect(back.filter { $0.summary == "Weekly standup" }.count == 13)
  }

  @Test("Salesforce recurrence survives Salesforce → ICS → Salesforce")
  func salesforceRecurrenceRoundTrip() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let source = Fixtures.path("csv-events/salesforce-events.csv")
    let ics = dir + "/events.ics"
    _ = try convert(source, from: "csv:salesforce", to: "ics", output: ics)
    let sf = dir + "/back.csv"
    _ = try convert(ics, from: "ics", to: "csv:salesforce-events", output: sf)
    let first = try events(source, from: "csv:salesforce")
    let again = try events(sf, from: "csv:salesforce")
    #expect(first.count == again.count)
    for (a, b) in zip(first, again) {
      #expect(a.summary == b.summary)
      #expect(a.start == b.start, "\(a.summary ?? "")")
      #expect(a.end == b.end, "\(a.summary ?? "")")
      // The same rule; UNTIL may move back to the day of the last occurrence (Salesforce's
      // RecurrenceEndDateOnly is "the last day an occurrence starts"), which keeps every instance.
      var ra = a.recurrence?.rule
      var rb = b.recurrence?.rule
      let (ua, ub) = (ra?.until, rb?.until)
      ra?.until = nil
      rb?.until = nil
      #expect(ra == rb, "\(a.summary ?? "")")
      if let ua, let ub {
        #expect(ub.localDateTime <= ua.localDateTime && ub.localDateTime.date.adding(days: 31) > ua.localDateTime.date)
      } else {
        #expect(ua == nil && ub == nil)
      }
    }
    let text = try String(contentsOfFile: sf, encoding: .utf8)
    #expect(text.contains("RecursWeekly"))
    #expect(text.contains("RecursMonthlyNth"))
  }
}
