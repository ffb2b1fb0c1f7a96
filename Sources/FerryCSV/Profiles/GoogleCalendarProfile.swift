import FerryModel

/// `csv:google-calendar`: Google Calendar's CSV import (Subject, Start Date, Start Time,
/// End Date, End Time, All Day Event, Description, Location, Private). Sources:
/// ../shared/formats/google-csv.md §4.
///
/// No time zone (Google reads times in the calendar's zone: write them in `--zone`), no
/// recurrence (series are expanded in the `--expand-from`/`--expand-until` window), no
/// attendees or reminders. Dates `MM/DD/YYYY`, times `10:00 AM`; an all-day event's
/// `End Date` is its last day.
public struct GoogleCalendarProfile: CSVProfile {
  public init() {}
  public var name: String { "google-calendar" }
  public var kinds: Set<RecordKind> { [.event] }
  public var writesByteOrderMark: Bool { false }

  public static let columns = [
    "Subject", "Start Date", "Start Time", "End Date", "End Time", "All Day Event", "Description", "Location", "Private",
  ]

  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    let share = h.share(of: GoogleCalendarProfile.columns)
    // Outlook's calendar header has these columns too; prefer Outlook when its own are there.
    return h.has("Show time as") || h.has("Sensitivity") ? share * 0.9 : share
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder {
    CalendarCSV.Decoder(header: header, style: .google, zone: options.calendar.zone)
  }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder {
    CalendarCSV.Encoder(style: .google, options: options.calendar)
  }

}
