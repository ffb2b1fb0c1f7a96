import FerryModel
import Foundation

/// The "now" that output may carry: `SOURCE_DATE_EPOCH` (seconds since 1970, the
/// reproducible-builds convention) when it is set, the clock otherwise.
///
/// iCalendar requires a DTSTAMP on every event. Ferry writes the event's own stamp, or its
/// LAST-MODIFIED or CREATED time; an event with none of them (a hand-made CSV row) gets
/// "now", and so does the default window of `--series expand`. With `SOURCE_DATE_EPOCH` set,
/// the same input gives the same bytes on every run, which diff-based pipelines and golden
/// files need.
public enum ReferenceTime {
  public static let variable = "SOURCE_DATE_EPOCH"

  /// The time to write, and a diagnostic when the variable is set but not a number of
  /// seconds (then the clock is used).
  public static func now(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> (time: Timestamp, problem: String?) {
    let clock = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970) * 1000)
    guard let text = environment[variable] else { return (clock, nil) }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    // Digits only (no sign, no fraction), and within what a Timestamp holds.
    guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
      let seconds = Int64(trimmed), seconds <= Int64.max / 1000
    else {
      return (clock, "\(variable) is \"\(text)\", not a whole number of seconds since 1970; the current time is used")
    }
    return (Timestamp(milliseconds: seconds * 1000), nil)
  }
}
