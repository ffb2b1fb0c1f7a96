import FerryModel
import Foundation

/// Finds the repository's `fixtures/` and `../shared/` from the test source path, not from
/// bundle resources (as ArgumentParser's snapshot helper does).
public enum Fixtures {
  /// The repository root, found from this file's path.
  public static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  public static func path(_ relative: String) -> String { root + "/fixtures/" + relative }

  /// The shared folder: `$FERRY_SHARED` when set, else `../shared/` beside the clone (where CI
  /// lays it).
  public static func shared(_ relative: String) -> String {
    if let base = ProcessInfo.processInfo.environment["FERRY_SHARED"], !base.isEmpty {
      return base + "/" + relative
    }
    return URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared/" + relative).path
  }

  public static func bytes(_ relative: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
  }

  public static func text(_ relative: String) throws -> String {
    try String(contentsOfFile: path(relative), encoding: .utf8)
  }

  /// Files in a directory (sorted), with the given extensions.
  public static func files(in directory: String, extensions: Set<String>) -> [String] {
    let fm = FileManager.default
    guard let e = fm.enumerator(atPath: directory) else { return [] }
    var out: [String] = []
    while let item = e.nextObject() as? String {
      let ext = (item as NSString).pathExtension.lowercased()
      if extensions.contains(ext) { out.append(directory + "/" + item) }
    }
    return out.sorted()
  }

  /// Whether golden files should be rewritten (`FERRY_ACCEPT=1`, `make accept`).
  public static var accepting: Bool { ProcessInfo.processInfo.environment["FERRY_ACCEPT"] == "1" }

  /// Compares `actual` with the golden file at `relative`, rewriting it when accepting.
  /// Returns the expected text (or nil when the golden is missing and not accepting).
  public static func golden(_ relative: String, actual: String) throws -> String? {
    let full = path(relative)
    if accepting || !FileManager.default.fileExists(atPath: full) && ProcessInfo.processInfo.environment["CI"] == nil {
      try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try actual.write(toFile: full, atomically: true, encoding: .utf8)
      return actual
    }
    return try? String(contentsOfFile: full, encoding: .utf8)
  }
}

/// A seeded pseudo-random generator (SplitMix64), so property tests print and replay seeds.
public struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64
  public let seed: UInt64
  public init(seed: UInt64) {
    self.seed = seed
    state = seed
  }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
