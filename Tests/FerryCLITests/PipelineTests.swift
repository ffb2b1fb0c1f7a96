import FerryTestSupport
import Foundation
import Testing

/// What a script running ferry unattended relies on: output files replaced only by a run that
/// succeeded, standard output holding data only, exit statuses that mean what they say, and
/// standard error that stays readable on big inputs.
@Suite("pipeline behaviour")
struct PipelineTests {
  /// A fresh folder, removed after the test.
  private func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-pipe-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  private func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

  @Test("a run that reported errors leaves the previous output as it was; --allow-errors writes it")
  func errorsKeepThePreviousOutput() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let out = dir + "/keep.ndjson"
    try "GOOD\n".write(toFile: out, atomically: true, encoding: .utf8)
    let failed = try runFerry(["convert", "fixtures/csv/bad/ragged.csv", "--to", "ndjson", "--strict", "-o", out])
    #expect(failed.status == 1)
    #expect(contents(out) == "GOOD\n")
    #expect(failed.stderr.contains("2 errors were reported, so the output was not written (--allow-errors writes it anyway)"))
    #expect(failed.stderr.contains("nothing written, \(out) left as it was"))
    let forced = try runFerry(["convert", "fixtures/csv/bad/ragged.csv", "--to", "ndjson", "--strict", "--allow-errors", "-o", out])
    #expect(forced.status == 1)
    #expect(contents(out)?.split(separator: "\n").count == 3)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["keep.ndjson"])
  }

  @Test("SOURCE_DATE_EPOCH is the DTSTAMP of events that have none, so two runs give the same bytes")
  func sourceDateEpoch() throws {
    // No DTSTAMP, LAST-MODIFIED or CREATED: the writer needs a "now".
    let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a@t\r\n"
      + "DTSTART:20250301T100000Z\r\nDTEND:20250301T110000Z\r\nSUMMARY:Call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    let env = ["SOURCE_DATE_EPOCH": "1700000000"]
    let first = try runFerry(["convert", "--from", "ics", "--to", "ics"], stdin: calendar, environment: env)
    let second = try runFerry(["convert", "--from", "ics", "--to", "ics"], stdin: calendar, environment: env)
    #expect(first.status == 0)
    #expect(first.stdout.contains("DTSTAMP:20231114T221320Z\r\n"))
    #expect(first.stdout == second.stdout)
    // Not a number of seconds: said, and the clock is used.
    let bad = try runFerry(["convert", "--from", "ics", "--to", "ics"], stdin: calendar, environment: ["SOURCE_DATE_EPOCH": "yesterday"])
    #expect(bad.status == 0)
    #expect(bad.stderr.contains("SOURCE_DATE_EPOCH is \"yesterday\", not a whole number of seconds since 1970"))
    #expect(bad.stdout.contains("DTSTAMP:"))
    #expect(!bad.stdout.contains("DTSTAMP:20231114T221320Z"))
  }

  @Test("a target that holds none of the input's kinds is an error, and no file is made")
  func wrongKind() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try runFerry(["convert", "fixtures/csv-events/salesforce-events.csv", "--to", "vcard", "-o", dir + "/x.vcf"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("vcard holds only contacts, and all 4 records read are events; nothing to write"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    let ics = try runFerry(["convert", "fixtures/csv/salesforce-contacts.csv", "--to", "ics"])
    #expect(ics.status == 1)
    #expect(ics.stdout.isEmpty)
  }

  @Test("an empty input is an error whatever the format, named or detected")
  func emptyInput() throws {
    for from in [[], ["--from", "vcard"], ["--from", "ndjson"], ["--from", "csv"], ["--from", "ews"], ["--from", "graph"], ["--from", "ics"]] {
      let run = try runFerry(["convert", "--to", "ndjson"] + from, stdin: from.isEmpty ? "" : "\n  \n")
      #expect(run.status == 1, "\(from)")
      #expect(run.stderr.contains("<stdin>:1:1: error: input is empty"), "\(from): \(run.stderr)")
      #expect(run.stdout.isEmpty)
    }
  }

  @Test("standard output carries data only: --report - is refused beside it, and a bad report path fails before any work")
  func reportPlacement() throws {
    let mixed = try runFerry(["convert", "fixtures/csv/salesforce-contacts.csv", "--to", "ndjson", "--report", "-"])
    #expect(mixed.status == 64 || mixed.status == 2)
    #expect(mixed.stdout.isEmpty)
    #expect(mixed.stderr.contains("--report - would mix the report into the data"))
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bad = try runFerry([
      "convert", "fixtures/csv/salesforce-contacts.csv", "--to", "ndjson", "-o", dir + "/x.ndjson", "--report", dir + "/missing/r.json",
    ])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("cannot write in"))
    #expect(!bad.stderr.contains("error: error:"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    let split = try runFerry(["convert", "fixtures/csv/salesforce-contacts.csv", "--to", "ndjson", "-o", dir + "/y.ndjson", "--report", "-"])
    #expect(split.status == 0)
    let report = try JSONSerialization.jsonObject(with: Data(split.stdout.utf8)) as? [String: Any]
    let counts = try #require(report?["counts"] as? [String: Int])
    #expect(counts["read"] == 25)
    #expect(counts["read"] == counts["written"]! + counts["skipped"]! + counts["deduplicated"]!)
  }

  @Test("Graph $batch documents follow one another on standard output; EWS refuses a second document there")
  func documentsOnStandardOutput() throws {
    let graph = try runFerry(["convert", "fixtures/csv/salesforce-contacts.csv", "--to", "graph"])
    #expect(graph.status == 0)
    // A stream of JSON values, as `jq` reads it: 25 contacts in batches of at most 20. Each
    // document ends with its closing brace alone on a line.
    var sizes: [Int] = []
    var current: [Substring] = []
    for line in graph.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
      current.append(line)
      if line == "}" {
        let document = try JSONSerialization.jsonObject(with: Data(current.joined(separator: "\n").utf8)) as? [String: Any]
        sizes.append((document?["requests"] as? [Any])?.count ?? -1)
        current = []
      }
    }
    #expect(sizes == [20, 5])
    let many = try runFerry(["convert", "fixtures/csv/salesforce-contacts.csv", "--to", "ews", "--batch", "10"])
    #expect(many.status == 1)
    #expect(many.stdout.isEmpty)
    #expect(many.stderr.contains("EWS output needs more than one request document"))
    // Nothing lands in the working folder (it used to get out-0001, out-0002).
    #expect(!FileManager.default.fileExists(atPath: Fixtures.root + "/out-0001"))
  }

  @Test("the same message is printed three times at most, then counted once")
  func repeatsAreCapped() throws {
    var cards = ""
    for i in 0..<50 { cards += "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:P\(i)\r\nANNIVERSARY:20200101\r\nEND:VCARD\r\n" }
    let run = try runFerry(["convert", "--to", "vcard:3.0"], stdin: cards)
    #expect(run.status == 0)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.filter { $0.contains("ANNIVERSARY has no place in vCard 3.0") }.count == 4)
    #expect(run.stderr.contains("ferry: 47 more notes like this one not shown (--report counts them all): ANNIVERSARY has no place"))
    #expect(run.stdout.components(separatedBy: "X-ANNIVERSARY:").count == 51)
  }

  @Test("a writer's remark about a record points at the record's place in the input")
  func writerDiagnosticsPointAtTheInput() throws {
    let run = try runFerry(["convert", "fixtures/csv/salesforce-contacts.csv", "--to", "csv:outlook"])
    let slot = try #require(run.stderr.split(separator: "\n").first { $0.contains("has no free slot") })
    #expect(slot.hasPrefix("fixtures/csv/salesforce-contacts.csv:"))
  }

  @Test("--zone takes a tz database name or a Windows id, and refuses anything else before reading")
  func zoneOption() throws {
    let bad = try runFerry(["convert", "fixtures/ics/dst.ics", "--to", "ndjson", "--zone", "Mars/Base"])
    #expect(bad.status == 2)
    #expect(bad.stdout.isEmpty)
    #expect(bad.stderr.contains("--zone \"Mars/Base\" names no time zone ferry knows"))
    for zone in ["Europe/Berlin", "W. Europe Standard Time"] {
      let good = try runFerry(["convert", "fixtures/csv-events/salesforce-events.csv", "--to", "csv:outlook", "--zone", zone])
      #expect(good.status == 0, "\(zone): \(good.stderr)")
    }
  }

  @Test("a Salesforce reminder (always an absolute time) reaches EWS and Graph as minutes before the start")
  func salesforceReminders() throws {
    let csv = """
      Id,Subject,StartDateTime,EndDateTime,IsAllDayEvent,IsReminderSet,ReminderDateTime,OwnerId
      00U000000000104AAA,Call,2025-03-30T00:30:00.000Z,2025-03-30T01:30:00.000Z,false,true,2025-03-30T00:15:00.000Z,005000000000001AAA

      """
    let ews = try runFerry(["convert", "--from", "csv:salesforce-events", "--to", "ews"], stdin: csv)
    #expect(ews.stdout.contains("<t:ReminderIsSet>true</t:ReminderIsSet>"))
    #expect(ews.stdout.contains("<t:ReminderMinutesBeforeStart>15</t:ReminderMinutesBeforeStart>"))
    #expect(!ews.stderr.contains("alarm has no place"))
    let graph = try runFerry(["convert", "--from", "csv:salesforce-events", "--to", "graph"], stdin: csv)
    #expect(graph.stdout.contains("\"reminderMinutesBeforeStart\": 15"))
  }

  @Test("a series with no occurrence in the expansion window counts as skipped, not written")
  func emptyExpansionIsSkipped() throws {
    let ics = """
      BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:o1\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Old\r
      DTSTART:20250101T100000Z\r\nDTEND:20250101T110000Z\r\nRRULE:FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6\r\nEND:VEVENT\r
      BEGIN:VEVENT\r\nUID:o2\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Single\r\nDTSTART:20250101T100000Z\r\nDTEND:20250101T110000Z\r
      END:VEVENT\r\nEND:VCALENDAR\r\n
      """
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try runFerry(
      ["convert", "--to", "ics", "--for", "outlook", "--expand-from", "2026-01-01", "-o", dir + "/out.ics", "--report", dir + "/r.json"],
      stdin: ics)
    #expect(run.status == 0)
    #expect(run.stderr.contains("2 records read, 1 written (1 skipped)"))
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as? [String: Any]
    let counts = try #require(report?["counts"] as? [String: Int])
    #expect(counts["written"] == 1)
    #expect(counts["skipped"] == 1)
  }

  @Test("a row whose every column went unmapped is not written as a blank contact")
  func blankContactsAreSkipped() throws {
    let run = try runFerry(["convert", "--to", "csv:outlook"], stdin: "Foo,Bar\n1,2\n")
    #expect(run.stdout.split(separator: "\n").count == 1)  // the header only
    #expect(run.stderr.contains("<stdin>:2:1: warning: record has no name, organisation, e-mail, phone, address or note to write; skipped"))
    let kept = try runFerry(["convert", "--to", "ndjson"], stdin: "Foo,Bar\n1,2\n")
    #expect(kept.stdout.contains("\"Foo\""))
  }

  @Test("inspect --quiet prints errors only; --report writes the --json document to a file, on failure too")
  func inspectQuietAndReport() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // A calendar row whose wall time does not exist in --zone gives a warning.
    let input = "Subject,Start Date,Start Time,End Date,End Time\nGap,3/8/2026,2:30:00 AM,3/8/2026,3:30:00 AM\n"
    let args = ["inspect", "--from", "csv:outlook", "--zone", "America/New_York"]
    let loud = try runFerry(args, stdin: input)
    #expect(loud.status == 0)
    #expect(loud.stderr.contains("<stdin>:2:14: warning: Start 2026-03-08T02:30:00 does not exist"), "\(loud.stderr)")
    let quiet = try runFerry(args + ["--quiet", "--report", dir + "/r.json"], stdin: input)
    #expect(quiet.status == 0)
    #expect(!quiet.stderr.contains("warning:"), "\(quiet.stderr)")
    #expect(quiet.stdout == loud.stdout)
    #expect(quiet.stdout.contains("diagnostics: 0 errors, 1 warnings"), "\(quiet.stdout)")
    let report = try #require(contents(dir + "/r.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
    #expect(json["ok"] as? Bool == true)
    let diagnostics = json["diagnostics"] as? [[String: Any]] ?? []
    #expect(diagnostics.contains { $0["severity"] as? String == "warning" }, "\(report.prefix(400))")
    #expect(report == (try runFerry(args + ["--json"], stdin: input)).stdout)
    let strict = try runFerry(args + ["--quiet", "--strict", "--report", dir + "/strict.json"], stdin: input)
    #expect(strict.status == 1)
    #expect(contents(dir + "/strict.json")?.contains("\"ok\" : false") == true)
    // Errors still show under --quiet, and the report says the run failed.
    let bad = try runFerry(["inspect", "--quiet", "--from", "ndjson", "--report", dir + "/bad.json"], stdin: "oops\n")
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("<stdin>:1:1: error:"), "\(bad.stderr)")
    let badJSON = try #require(try JSONSerialization.jsonObject(with: Data((contents(dir + "/bad.json") ?? "").utf8)) as? [String: Any])
    #expect(badJSON["ok"] as? Bool == false)
    // An input that cannot be opened still leaves a report.
    let missing = try runFerry(["inspect", "--report", dir + "/missing.json", dir + "/nope.csv"])
    #expect(missing.status == 1)
    #expect(contents(dir + "/missing.json")?.contains("\"ok\" : false") == true)
    // --report - would mix JSON into the text summary.
    let mixed = try runFerry(["inspect", "--report", "-", "fixtures/csv/salesforce-contacts.csv"])
    #expect(mixed.status == 2)
    #expect(mixed.stdout.isEmpty)
  }

  @Test("--report counts every diagnostic by code, beyond the 100,000 it lists")
  func reportCountsBeyondTheListed() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // 100,005 rows without an e-mail: New-MailContact refuses each, so each is a `skipped`
    // warning; the report listed the first 100,000 and counted only those in `byCode`.
    let input = dir + "/no-email.csv"
    try ("Email,First Name\n" + String(repeating: ",x\n", count: 100_005)).write(toFile: input, atomically: true, encoding: .utf8)
    let report = dir + "/report.json"
    let run = try runFerry(["convert", input, "--from", "csv:common", "--to", "csv:exchange", "-o", dir + "/out.csv", "--report", report, "-q"])
    #expect(run.status == 0, Comment(rawValue: run.stderr))
    let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
    let counts = try #require(json["counts"] as? [String: Any])
    let byCode = try #require(json["byCode"] as? [String: Any])
    #expect(counts["warnings"] as? Int == 100_005)
    #expect(byCode["skipped"] as? Int == 100_005)
    #expect((json["diagnostics"] as? [Any])?.count == 100_000)
  }
}

/// Numbered EWS/Graph request documents of an earlier run, left beside a new run's, would
/// be sent along with them: a warning names them, and `--clean` removes them.
@Suite("numbered request documents left by an earlier run")
struct StaleNumberedDocumentTests {
  @Test("fewer batches than last time: the leftovers are named, and --clean removes them")
  func leftovers() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-numbered-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let out = dir + "/out.xml"
    try "keep me".write(toFile: dir + "/out-notes.xml", atomically: true, encoding: .utf8)
    let first = try runFerry(["convert", "fixtures/push/crm.ndjson", "--to", "ews", "--batch", "3", "-o", out, "--zone", "UTC"])
    #expect(first.status == 0)
    let many = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("out-0") }.count
    #expect(many > 3)
    let second = try runFerry(["convert", "fixtures/push/crm.ndjson", "--to", "ews", "--batch", "10", "-o", out, "--zone", "UTC"])
    #expect(second.status == 0)
    #expect(second.stderr.contains("\(many - 3) request documents from an earlier run lie beside this run's (\"\(dir)/out-0004.xml\""))
    let third = try runFerry(["convert", "fixtures/push/crm.ndjson", "--to", "ews", "--batch", "10", "-o", out, "--zone", "UTC", "--clean"])
    #expect(third.status == 0)
    #expect(third.stderr.contains("removed \(many - 3) request documents an earlier run left beside this run's"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["out-0001.xml", "out-0002.xml", "out-0003.xml", "out-notes.xml"])
    // --clean with a single output file that is not numbered is a usage error.
    let wrong = try runFerry(["convert", "fixtures/push/crm.ndjson", "--to", "ndjson", "-o", dir + "/x.ndjson", "--clean"])
    #expect(wrong.status == 2)
  }
}
