import FerryModel
import FerryTestSupport
import Foundation
import Testing

@testable import FerryGraph

/// Reads a Graph input; returns its records and what the reader reported.
func readGraph(_ text: String, name: String = "page.json", options: ReadOptions = ReadOptions()) throws -> ([Record], [Diagnostic]) {
  let collected = DiagnosticCollector()
  var reader = try GraphReader(input: ByteInput(string: text, name: name), options: options, diagnostics: collected.sink)
  return (try reader.collect(), collected.diagnostics)
}

func readGraph(fixture: String) throws -> ([Record], [Diagnostic]) {
  try readGraph(try Fixtures.text("graph/" + fixture), name: fixture)
}

@Suite("GraphReader")
struct GraphReaderTests {
  @Test("a series Graph gave in UTC is read in its recurrenceTimeZone, so its wall clock survives daylight-saving changes")
  func seriesInUTCMovesToItsZone() throws {
    let (records, diagnostics) = try readGraph(fixture: "graph-series-utc.json")
    let e = try #require(records.first?.event)
    // 17:00 UTC on 2 March 2026 is 09:00 in Los Angeles (PST); the standup stays at 09:00 after 8 March.
    #expect(e.start == .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9), zone: "America/Los_Angeles"))
    #expect(e.end == .zoned(LocalDateTime(year: 2026, month: 3, day: 2, hour: 9, minute: 15), zone: "America/Los_Angeles"))
    #expect(e.recurrence?.rule?.frequency == .daily)
    #expect(diagnostics.filter { $0.severity != .note }.isEmpty)
  }

  @Test("originalStartTimeZone names the series' zone when the range has no recurrenceTimeZone; an unknown zone is reported")
  func seriesZoneFromOriginalStartTimeZone() throws {
    let page = #"""
      {"value":[{"id":"S","type":"seriesMaster","subject":"Sync","start":{"dateTime":"2026-01-05T08:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-01-05T08:30:00.0000000","timeZone":"UTC"},"originalStartTimeZone":"W. Europe Standard Time","recurrence":{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday"]},"range":{"type":"noEnd","startDate":"2026-01-05"}}},
      {"id":"T","type":"seriesMaster","subject":"Odd","start":{"dateTime":"2026-01-05T08:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-01-05T08:30:00.0000000","timeZone":"UTC"},"originalStartTimeZone":"tzone://Microsoft/Custom","recurrence":{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"2026-01-05"}}}]}
      """#
    let (records, diagnostics) = try readGraph(page)
    #expect(records[0].event?.start == .zoned(LocalDateTime(year: 2026, month: 1, day: 5, hour: 9), zone: "Europe/Berlin"))
    #expect(records[1].event?.start == .utc(LocalDateTime(year: 2026, month: 1, day: 5, hour: 8)))
    #expect(diagnostics.contains { $0.severity == .warning && $0.message.contains("\"tzone://Microsoft/Custom\" is not a zone ferry knows") })
  }

  @Test("yearly patterns keep their interval")
  func yearlyInterval() throws {
    let (records, _) = try readGraph(fixture: "graph-yearly-interval.json")
    let biennial = try #require(records[0].event?.recurrence?.rule)
    #expect(biennial.frequency == .yearly && biennial.interval == 2)
    #expect(biennial.byMonth == [6] && biennial.byMonthDay == [15])
    let quarterly = try #require(records[1].event?.recurrence?.rule)
    #expect(quarterly.frequency == .monthly && quarterly.interval == 3)
    let relative = #"{"value":[{"id":"R","type":"seriesMaster","start":{"dateTime":"2026-11-26T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-11-26T11:00:00","timeZone":"UTC"},"recurrence":{"pattern":{"type":"relativeYearly","interval":3,"month":11,"daysOfWeek":["thursday"],"index":"fourth"},"range":{"type":"noEnd","startDate":"2026-11-26"}}}]}"#
    let rule = try #require(try readGraph(relative).0.first?.event?.recurrence?.rule)
    #expect(rule.frequency == .yearly && rule.interval == 3 && rule.byMonth == [11])
  }

  @Test("pages one after another in one file are all read; an exception on a later page joins its master as an override")
  func exceptionJoinsItsMaster() throws {
    let (records, diagnostics) = try readGraph(fixture: "graph-events-two-pages.json")
    #expect(records.compactMap { $0.event?.summary } == ["Weekly sync", "Company holiday", "Daily standup"])
    let master = try #require(records[0].event)
    let override = try #require(master.recurrence?.overrides.first)
    #expect(master.recurrence?.overrides.count == 1)
    // originalStart 08:00 UTC is the 09:00 Berlin occurrence of 4 March.
    #expect(override.recurrenceId == .zoned(LocalDateTime(year: 2026, month: 3, day: 4, hour: 9), zone: "Europe/Berlin"))
    #expect(override.start == .utc(LocalDateTime(year: 2026, month: 3, day: 5, hour: 14)))
    #expect(override.summary == "Weekly sync (moved)")
    #expect(override.uid == master.uid)
    #expect(!override.raw.contains { $0.name == "seriesMasterId" || $0.name == "originalStart" })
    // Page 1's nextLink is answered by page 2: the export is whole.
    #expect(!diagnostics.contains { $0.code == "partial-export" })
    #expect(diagnostics.filter { $0.severity == .warning }.isEmpty, "\(diagnostics)")
    // The records of page 2 point at the line where page 2 starts.
    #expect(records[2].event != nil)
  }

  @Test("an exception whose master is not in the input keeps its link and is reported")
  func orphanException() throws {
    let text = try Fixtures.text("graph/graph-events-two-pages.json")
    let secondPage = String(text[text.range(of: "{\"value\":[")!.lowerBound...])
    let (records, diagnostics) = try readGraph(secondPage, name: "page2.json")
    let exception = try #require(records.first?.event)
    #expect(exception.summary == "Weekly sync (moved)")
    #expect(exception.raw.contains { $0.name == "seriesMasterId" && $0.value == "AAMkEV1=" })
    #expect(exception.raw.contains { $0.name == "originalStart" && $0.value == "2026-03-04T08:00:00Z" })
    let warning = try #require(diagnostics.first { $0.severity == .warning && $0.message.hasPrefix("exception to a series whose master is not in this input") })
    #expect(warning.location?.file == "page2.json" && warning.location?.record == 1)
  }

  @Test("an exception more than holdLimit items from its master is read alone, with the warning")
  func holdLimit() throws {
    var items = [#"{"id":"M","type":"seriesMaster","subject":"S","start":{"dateTime":"2026-03-02T09:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-03-02T10:00:00","timeZone":"UTC"},"recurrence":{"pattern":{"type":"daily","interval":1},"range":{"type":"noEnd","startDate":"2026-03-02"}}}"#]
    for n in 0..<GraphReader.holdLimit {
      items.append(#"{"id":"E\#(n)","type":"singleInstance","subject":"x","start":{"dateTime":"2026-03-02T09:00:00","timeZone":"UTC"}}"#)
    }
    let exception = #"{"id":"X","type":"exception","seriesMasterId":"M","originalStart":"2026-03-03T09:00:00Z","subject":"S moved","start":{"dateTime":"2026-03-03T11:00:00","timeZone":"UTC"}}"#
    let far = try readGraph(#"{"value":["# + (items + [exception]).joined(separator: ",\n") + "]}")
    #expect(far.0.count == GraphReader.holdLimit + 2)
    #expect(far.0.first?.event?.recurrence?.overrides.isEmpty == true)
    #expect(far.1.contains { $0.message.hasPrefix("exception to a series whose master is not in this input") })
    // Within the limit (and before its master), it joins.
    let near = try readGraph(#"{"value":["# + ([exception] + items.prefix(10)).joined(separator: ",\n") + "]}")
    #expect(near.0.count == 10)
    #expect(near.0.first?.event?.recurrence?.overrides.first?.recurrenceId == .utc(LocalDateTime(year: 2026, month: 3, day: 3, hour: 9)))
  }

  @Test("occurrences: left out when their master is in the input, read as single events (one note) when not")
  func occurrences() throws {
    let (flat, flatDiagnostics) = try readGraph(fixture: "graph-calendarview.json")
    #expect(flat.count == 2)
    #expect(flat.allSatisfy { $0.event?.recurrenceId == nil && $0.event?.raw.contains { $0.name == "seriesMasterId" && $0.value == "M1" } == true })
    #expect(flatDiagnostics.filter { $0.message.hasPrefix("occurrences of series whose master is not in this input") }.count == 1)
    #expect(!flatDiagnostics.contains { $0.severity == .warning })
    let withMaster = #"{"value":[{"id":"M1","type":"seriesMaster","subject":"Standup","start":{"dateTime":"2026-03-02T17:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-03-02T17:15:00","timeZone":"UTC"},"recurrence":{"pattern":{"type":"daily","interval":1},"range":{"type":"numbered","startDate":"2026-03-02","numberOfOccurrences":5}}}]}"#
    let calendarView = try Fixtures.text("graph/graph-calendarview.json")
    let (records, diagnostics) = try readGraph(withMaster + "\n" + calendarView)
    #expect(records.count == 1)
    #expect(records[0].event?.recurrence?.overrides.isEmpty == true)
    #expect(diagnostics.contains { $0.severity == .note && $0.message.hasPrefix("2 occurrences of series whose master is in this input left out") })
  }

  @Test("an HTML body becomes text; the HTML is kept raw when the text loses something")
  func htmlBody() throws {
    let (records, _) = try readGraph(fixture: "graph-html-body.json")
    let e = try #require(records.first?.event)
    #expect(e.description == "Agenda & notes\nQ1 numbers\nHiring")
    #expect(e.raw.first { $0.name == "body" }?.value.contains("<ul><li>Q1 numbers</li>") == true)
    let plain = #"{"value":[{"id":"P","subject":"s","start":{"dateTime":"2026-03-02T09:00:00","timeZone":"UTC"},"body":{"contentType":"html","content":"<html><head><style>p{margin:0}</style></head><body><p>Bring &#8364;5 &amp; a pen</p></body></html>"}}]}"#
    let p = try #require(try readGraph(plain).0.first?.event)
    #expect(p.description == "Bring €5 & a pen")
    #expect(!p.raw.contains { $0.name == "body" })
  }

  @Test("a Graph error body is an error with its position, not a contact")
  func errorBody() throws {
    let (records, diagnostics) = try readGraph(fixture: "graph-error.json")
    #expect(records.isEmpty)
    let error = try #require(diagnostics.first { $0.severity == .error })
    #expect(error.message.contains("MailboxNotEnabledForRESTAPI"))
    #expect(error.location?.file == "graph-error.json" && error.location?.line == 1 && error.location?.column == 1)
  }

  @Test("a $batch response: successful bodies are read, each failed response is an error")
  func batchResponse() throws {
    let (records, diagnostics) = try readGraph(fixture: "graph-batch-response.json")
    #expect(records.compactMap { $0.contact?.name.given } == ["Ann"])
    let errors = diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1)
    #expect(errors.first?.message.contains("\"2\" has status 404 ErrorItemNotFound") == true)
  }

  @Test("a last page with @odata.nextLink is a partial export")
  func nextLink() throws {
    let (records, diagnostics) = try readGraph(fixture: "graph-contacts-next-link.json")
    #expect(records.count == 1)
    let warning = try #require(diagnostics.first { $0.code == "partial-export" })
    #expect(warning.severity == .warning && warning.message.contains("graph-contacts-next-link.json"))
  }

  @Test("positions in a later document count from the start of the file")
  func positionsAcrossDocuments() throws {
    do {
      _ = try readGraph("{\"value\":[]}\n\n  {\"value\": [1,,2]}\n", name: "pages.json")
      Issue.record("broken second page was read")
    } catch let error as FerryError {
      #expect(error.location?.line == 3)
      #expect(error.location?.column == 16)
    }
    let collected = DiagnosticCollector()
    var reader = try GraphReader(
      input: ByteInput(string: "{\"value\":[{\"givenName\":\"A\"}]}\n{\"value\":[{\"givenName\":\"B\"}]}\n", name: "p.json", chunkSize: 3),
      diagnostics: collected.sink)
    #expect(try reader.next()?.contact?.name.given == "A")
    #expect(reader.lastRecordLocation?.line == 1)
    #expect(try reader.next()?.contact?.name.given == "B")
    #expect(reader.lastRecordLocation?.line == 2 && reader.lastRecordLocation?.record == 2)
    #expect(try reader.next() == nil)
    // In a pretty-printed page each item has its own position.
    let pretty = "{\n  \"value\": [\n    {\"givenName\": \"A\"},\n    {\n      \"givenName\": \"B\", \"x\": [{\"y\": 1}]\n    }\n  ]\n}\n"
    var items = try GraphReader(input: ByteInput(string: pretty, name: "p.json"), diagnostics: .ignore)
    _ = try items.next()
    #expect(items.lastRecordLocation?.line == 3 && items.lastRecordLocation?.column == 5)
    _ = try items.next()
    #expect(items.lastRecordLocation?.line == 4 && items.lastRecordLocation?.column == 5)
  }

  @Test("an all-day event Graph gave in UTC keeps its day: the day of its midnight in its own zone, --zone, or the nearest UTC midnight")
  func allDayInUTC() throws {
    func page(_ zone: String) -> String {
      #"{"value":[{"id":"H","subject":"Feiertag","isAllDay":true,"type":"singleInstance","#
        + (zone.isEmpty ? "" : #""originalStartTimeZone":"\#(zone)","#)
        + #""start":{"dateTime":"2026-04-02T22:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-04-03T22:00:00.0000000","timeZone":"UTC"}}]}"#
    }
    let berlin = try readGraph(page("W. Europe Standard Time"))
    #expect(berlin.0.first?.event?.start == .date(LocalDate(year: 2026, month: 4, day: 3)))
    #expect(berlin.0.first?.event?.end == .date(LocalDate(year: 2026, month: 4, day: 4)))
    #expect(!berlin.1.contains { $0.code == "zone" })
    var options = ReadOptions()
    options.calendar.zone = "America/New_York"
    #expect(try readGraph(page(""), options: options).0.first?.event?.start == .date(LocalDate(year: 2026, month: 4, day: 2)))
    let guessed = try readGraph(page(""))
    #expect(guessed.0.first?.event?.start == .date(LocalDate(year: 2026, month: 4, day: 3)))
    #expect(guessed.1.filter { $0.code == "zone" && $0.severity == .warning }.count == 1)
  }

  @Test("a byte order mark before the first page is skipped whatever the chunk size")
  func byteOrderMark() throws {
    let text = "\u{FEFF}{\"value\":[{\"givenName\":\"A\"}]}\n{\"value\":[{\"givenName\":\"B\"}]}"
    for size in [1, 2, 3, 64] {
      var reader = try GraphReader(input: ByteInput(string: text, name: "bom.json", chunkSize: size), diagnostics: .ignore)
      #expect(try reader.collect().compactMap { $0.contact?.name.given } == ["A", "B"], "chunk size \(size)")
    }
  }

  @Test("a stray byte of a byte order mark between pages is an error, not skipped")
  func strayByteOrderMarkByte() throws {
    for stray: UInt8 in [0xEF, 0xBB, 0xBF] {
      let bytes = Array("{\"value\":[{\"givenName\":\"A\"}]}\n".utf8) + [stray] + Array("{\"value\":[{\"givenName\":\"B\"}]}".utf8)
      var reader = try GraphReader(input: ByteInput(bytes: bytes, name: "stray.json"), diagnostics: .ignore)
      #expect(throws: FerryError.self) { try reader.collect() }
    }
  }

  @Test("an HTML body read from Graph and left unchanged goes back to Graph as HTML")
  func htmlBodyRoundTrip() throws {
    let (records, _) = try readGraph(fixture: "graph-html-body.json")
    let request = try #require((try writeGraph(records)[0].json["requests"] as? [[String: Any]])?.first)
    let body = try #require((request["body"] as? [String: Any])?["body"] as? [String: Any])
    #expect(body["contentType"] as? String == "html")
    #expect((body["content"] as? String)?.contains("<li>Hiring</li>") == true)
    var changed = try #require(records[0].event)
    changed.description = "New agenda"
    let text = try #require((try writeGraph([.event(changed)])[0].json["requests"] as? [[String: Any]])?.first?["body"] as? [String: Any])
    #expect((text["body"] as? [String: Any])?["contentType"] as? String == "text")
  }
}
