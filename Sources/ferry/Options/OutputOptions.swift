import ArgumentParser
import FerryModel
import Ferry

/// Flags every writing command shares.
struct OutputOptions: ParsableArguments {
  @Option(name: [.customLong("to"), .customShort("t")], help: "Output format NAME[:VARIANT], e.g. csv:outlook, vcard:3.0, ics, ews, graph, ndjson.")
  var to: String?

  @Option(name: [.customShort("o"), .customLong("output")], help: "Output path; '-' or none for standard output.")
  var output: String = "-"

  @Option(name: .customLong("for"), help: "Target whose quirks to follow: outlook, google, icloud, exchange, carddav, generic.")
  var target: String?

  @Option(help: "Values with no slot in the target: notes (default), drop, error.")
  var overflow: OverflowPolicy = .notes

  @Flag(inversion: .prefixedNo, help: "Neutralise spreadsheet formulas in CSV written for people (default on).")
  var formulaProtection = true

  @Flag(inversion: .prefixedNo, help: "Write a UTF-8 byte-order mark in CSV (default: per profile).")
  var bom: Bool?

  @Option(
    help:
      "Dates in Outlook CSV (contacts and calendar), as the importing Outlook's locale reads them: M/D/YYYY (default, US), D/M/YYYY, D.M.YYYY or YYYY-MM-DD.")
  var dateFormat: CSVDateFormat = .monthDayYear

  @Option(help: "Write one file per record into DIR (vCard for Outlook); warns about .vcf files in DIR it did not write.")
  var split: String?

  @Flag(
    help:
      "Once the run succeeded, remove what an earlier run left: with --split, the .vcf files in DIR it did not write; with ews or graph -o FILE, numbered request documents (FILE-NNNN) it did not write.")
  var clean = false

  @Option(help: "Recurring series: keep, expand or skip.")
  var series: CalendarOptions.SeriesPolicy = .keep

  @Option(help: "First day of the expansion window (YYYY-MM-DD; default today; without either bound a finite series a target cannot hold is written whole).")
  var expandFrom: String?

  @Option(help: "Last day of the expansion window (YYYY-MM-DD; default a year from today).")
  var expandUntil: String?

  @Flag(help: "Write every time in UTC.")
  var utc = false

  @Option(help: "EWS RequestServerVersion: Exchange2007 … Exchange2016, V2015_10_05 … V2016_10_10 (any case).")
  var exchangeVersion = "Exchange2013_SP1"

  @Option(help: "Items per EWS request document (Graph batches hold at most 20).")
  var batch = 100

  @Flag(help: "Keep attendees on Graph events (Graph then sends invitations).")
  var inviteAttendees = false

  @Option(help: "EWS/Graph request kind: create (default), update or delete (records need their Exchange item id).")
  var exchangeOperation: ExchangeWriteOptions.Operation = .create

  @Option(help: "EWS folder for contacts: a distinguished name (default contacts) or a folder id.")
  var contactsFolder: String?

  @Option(help: "EWS folder for calendar items: a distinguished name (default calendar) or a folder id.")
  var calendarFolder: String?

  @Option(help: "Mailbox to write into: SMTP address (EWS) or user id (Graph users/{id}); default the record owner's.")
  var mailbox: String?

  func writeOptions(zone: String?) throws -> WriteOptions {
    var options = WriteOptions(variant: to.map(FormatSpec.init)?.variant, target: target)
    options.overflow = overflow
    options.csv.formulaProtection = formulaProtection
    options.csv.byteOrderMark = bom
    options.csv.dateFormat = dateFormat
    options.vcard.splitDirectory = split
    // Only the split folder is cleaned: -o names one file, which the run replaces anyway.
    let numbered = ["ews", "graph"].contains(to.map(FormatSpec.init)?.name ?? "") && output != "-"
    guard !clean || split != nil || numbered else {
      throw ValidationError("--clean works only with --split DIR, or with --to ews or graph and -o FILE")
    }
    options.vcard.removeOtherFiles = clean
    options.calendar.series = series
    options.calendar.utc = utc
    options.calendar.zone = zone
    options.calendar.inviteAttendees = inviteAttendees
    if let expandFrom {
      guard let d = LocalDate(iso: expandFrom) else { throw ValidationError("--expand-from wants YYYY-MM-DD, got \"\(expandFrom)\"") }
      options.calendar.expandFrom = d
    }
    if let expandUntil {
      guard let d = LocalDate(iso: expandUntil) else { throw ValidationError("--expand-until wants YYYY-MM-DD, got \"\(expandUntil)\"") }
      options.calendar.expandUntil = d
    }
    guard let version = ExchangeWriteOptions.serverVersion(named: exchangeVersion) else {
      throw ValidationError(
        "--exchange-version \"\(exchangeVersion)\" is not an EWS version; valid: \(ExchangeWriteOptions.serverVersions.joined(separator: ", "))")
    }
    options.exchange.serverVersion = version
    guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
    options.exchange.batchSize = batch
    options.exchange.operation = exchangeOperation
    options.exchange.contactsFolder = contactsFolder
    options.exchange.calendarFolder = calendarFolder
    options.exchange.mailbox = mailbox
    return options
  }
}

extension OverflowPolicy: ExpressibleByArgument {}
extension CSVDateFormat: ExpressibleByArgument {}
extension CalendarOptions.SeriesPolicy: ExpressibleByArgument {}
extension ExchangeWriteOptions.Operation: ExpressibleByArgument {}
