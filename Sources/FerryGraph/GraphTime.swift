import FerryModel
import Foundation

/// Zone offsets for the rare zone Graph cannot name.
enum GraphTime {
  static func offset(zone: String, atLocal local: LocalDateTime) -> Int? {
    guard let tz = TimeZone(identifier: zone) else { return nil }
    let guess = tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local.secondsSinceEpoch)))
    return tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local.secondsSinceEpoch - guess)))
  }
}
