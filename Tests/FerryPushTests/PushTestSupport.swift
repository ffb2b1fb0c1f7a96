import Ferry
import FerryModel
import FerryPush
import FerryTestSupport
import Foundation
import GRDB

/// A temporary output folder and ledger, and one-call plan/apply over the push fixtures.
final class PushSandbox {
  let directory: String
  var settings: PushSettings
  var to: [String] = ["ndjson"]

  init(settings: PushSettings? = nil) throws {
    directory = NSTemporaryDirectory() + "ferry-push-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    if let settings {
      self.settings = settings
    } else {
      self.settings = PushSettings()
      self.settings.today = LocalDate(year: 2026, month: 12, day: 1)
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: directory) }

  var out: String { directory + "/out" }
  var ledger: String { directory + "/ledger.sqlite" }

  func run(_ fixtures: [String] = ["push/crm.ndjson"]) throws -> PushRun {
    let targets = try PushTargets.resolve(to: to, profile: settings.target, objects: settings.objects)
    var r = PushRun(
      settings: settings, inputs: fixtures.map { $0.hasPrefix("/") ? $0 : Fixtures.path($0) }, ledgerPath: ledger, outputDirectory: out,
      targets: targets, writeOptions: WriteOptions(target: settings.target), today: settings.today ?? PushRun.utcToday)
    r.keepUnchanged = true
    return r
  }

  func plan(_ fixtures: [String] = ["push/crm.ndjson"]) throws -> PushPlan {
    try run(fixtures).plan(diagnostics: .ignore)
  }

  @discardableResult
  func push(_ fixtures: [String] = ["push/crm.ndjson"]) throws -> (PushPlan, ApplyResult) {
    let r = try run(fixtures)
    let plan = try r.plan(diagnostics: .ignore)
    return (plan, try r.apply(plan, diagnostics: .ignore))
  }

  /// Writes the lines of a fixture that contain `text` to a file in the sandbox; its path.
  func lines(of fixture: String, containing text: String, excluding: String? = nil) throws -> String {
    let all = try String(contentsOfFile: Fixtures.path(fixture), encoding: .utf8).split(separator: "\n")
    let kept = all.filter { line in line.contains(text) && !(excluding.map { line.contains($0) } ?? false) }
    let path = directory + "/" + UUID().uuidString + ".ndjson"
    try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Every file under the output folder, by relative path.
  func files() -> [String: [UInt8]] {
    var all: [String: [UInt8]] = [:]
    guard let e = FileManager.default.enumerator(atPath: out) else { return all }
    while let item = e.nextObject() as? String {
      var isDir: ObjCBool = false
      let full = out + "/" + item
      if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue,
        let data = FileManager.default.contents(atPath: full)
      {
        all[item] = Array(data)
      }
    }
    return all
  }

  /// The ledger's items and runs (without times), as text.
  func ledgerDump() throws -> String {
    guard FileManager.default.fileExists(atPath: ledger) else { return "" }
    let queue = try DatabaseQueue(path: ledger)
    return try queue.read { db in
      var text = ""
      for row in try Row.fetchAll(db, sql: "SELECT * FROM items ORDER BY target, mailbox, crm_id") { text += "\(row)\n" }
      for row in try Row.fetchAll(db, sql: "SELECT id, settings_hash, counts FROM runs ORDER BY id") { text += "\(row)\n" }
      return text
    }
  }
}

extension PushPlan {
  /// Entries with the given action.
  func with(_ action: PlanEntry.Action) -> [PlanEntry] { entries.filter { $0.action == action } }
}
