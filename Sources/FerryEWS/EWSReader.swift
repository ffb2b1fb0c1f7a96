import FerryModel
import FerryTime

/// Reads EWS XML: `GetItem`/`FindItem` responses, `CreateItem` requests (with or without the
/// SOAP envelope) and bare lists of `t:Contact` and `t:CalendarItem`, one record per item.
///
/// Streams through libxml2's `xmlTextReader`; memory is bounded by the largest item. Partial
/// items inside `UpdateItem` changes are skipped; error response messages become warnings.
///
/// Coverage (ews-xml.md):
/// - [x] GivenName, MiddleName, Surname, Generation, Nickname, DisplayName; CompleteName fills gaps
/// - [x] EmailAddresses (EmailAddress1–3), PhoneNumbers (every key), PhysicalAddresses
///   (Business/Home/Other), ImAddresses
/// - [x] CompanyName, Department, JobTitle, Profession, BusinessHomePage, AssistantName, Manager,
///   SpouseName, Children, PhoneticFirstName/LastName
/// - [x] Birthday, WeddingAnniversary (date part)
/// - [x] Body (text; HTML reduced to text, the HTML kept raw) → notes / description; Categories
/// - [x] ExtendedProperty: ferry's FerryCrmId/FerryCrmSource → `source`; others raw
/// - [x] ItemId (raw `ItemId` with ChangeKey), DateTimeCreated, LastModifiedTime
/// - [x] Subject, UID, Start, End, IsAllDayEvent, Location, Sensitivity → privacy,
///   LegacyFreeBusyStatus → busyStatus, Importance → priority, IsCancelled → status
/// - [x] StartTimeZone/EndTimeZone/MeetingTimeZone (Windows ids → IANA)
/// - [x] Organizer, RequiredAttendees, OptionalAttendees, Resources (with ResponseType)
/// - [x] ReminderIsSet + ReminderMinutesBeforeStart → reminder
/// - [x] Recurrence: all six patterns, all three ranges; ModifiedOccurrences, DeletedOccurrences
/// - [-] Everything else: kept as `RawProperty` named by its path, origin `ews`
public struct EWSReader: RecordReader {
  private let stream: XMLItemStream
  private let diagnostics: DiagnosticSink
  private let file: String
  private var count = 0
  private var reportedReplacements = false
  private var reportedOther: Set<String> = []
  private var warnedAllDayZone = false
  /// `--zone` as a tz database name, for all-day items that name no zone.
  private let fallbackZone: String?
  public private(set) var lastRecordLocation: SourceLocation?

  public init(input: ByteInput, options: ReadOptions = ReadOptions(), diagnostics: DiagnosticSink) throws {
    stream = try XMLItemStream(input: input)
    self.diagnostics = diagnostics
    file = input.name
    fallbackZone = options.calendar.zone.flatMap { TimeZoneResolver.shared.resolve($0)?.ianaName }
  }

  public mutating func next() throws -> Record? {
    while let event = try stream.next() {
      if !reportedReplacements && stream.replacedReferences > 0 {
        reportedReplacements = true
        diagnostics.warning(
          "character references XML 1.0 forbids (such as &#x1A;, which Exchange writes into bodies) were replaced by U+FFFD",
          at: SourceLocation(file: file, line: 1, column: 1), code: "encoding")
      }
      switch event {
      case .otherItem(let name, let line, let column):
        if reportedOther.insert(name).inserted {
          diagnostics.note(
            "t:\(name) items are neither contacts nor calendar items; skipped (reported once)",
            at: SourceLocation(file: file, line: max(1, line), column: max(1, column)), code: "skipped")
        }
      case .root(let name, _):
        if name == "UpdateItem" || name == "DeleteItem" {
          diagnostics.note(
            "\(name) requests change existing items and carry no whole records; nothing read from them",
            at: SourceLocation(file: file, line: 1, column: 1))
        }
      case .errorResponse(let element, let column):
        let code = element.child("ResponseCode")?.text ?? "unknown"
        let text = element.child("MessageText")?.text ?? ""
        diagnostics.error(
          "\(element.name) reports \(code)\(text.isEmpty ? "" : ": \"\(text)\"") (ResponseClass \"Error\"); no item read from it, so the export is incomplete",
          at: SourceLocation(file: file, line: max(1, element.line), column: max(1, column)), code: "provider-error")
      case .warningResponse(let name, let code, let text, let line, let column):
        diagnostics.warning(
          "\(name) reports \(code)\(text.isEmpty ? "" : ": \"\(text)\"") (ResponseClass \"Warning\"); its items are read, but the response may be incomplete",
          at: SourceLocation(file: file, line: max(1, line), column: max(1, column)), code: "provider-error")
      case .partialView(let total, let line, let column):
        diagnostics.warning(
          "FindItem page does not reach the last item of the view (IncludesLastItemInRange \"false\"\(total.map { ", TotalItemsInView \"\($0)\"" } ?? "")): the mailbox export is partial; fetch the remaining pages and give them as inputs too",
          at: SourceLocation(file: file, line: max(1, line), column: max(1, column)), code: "partial-export")
      case .item(let element, let column):
        count += 1
        let location = SourceLocation(file: file, line: max(1, element.line), column: max(1, column), record: count)
        lastRecordLocation = location
        let mapping = EWSItemReading(diagnostics: diagnostics, file: file, recordNumber: count, fallbackZone: fallbackZone)
        if !warnedAllDayZone, fallbackZone == nil, element.name == "CalendarItem", EWSItemReading.isAllDayWithoutZone(element) {
          warnedAllDayZone = true
          diagnostics.warning(
            "all-day item has no StartTimeZone and no --zone was given; its date is taken at the nearest UTC midnight (right for zones UTC-11 to UTC+12): give --zone with the mailbox's zone (reported once)",
            at: location, code: "zone")
        }
        return element.name == "Contact" ? .contact(mapping.contact(element)) : .event(mapping.event(element))
      }
    }
    return nil
  }
}
