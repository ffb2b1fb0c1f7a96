import FerryMatch
import FerryModel
import FerryTestSupport
import Foundation

/// Pairwise precision and recall: a cluster of n records predicts its n(n-1)/2 pairs.
struct PairScore: CustomStringConvertible {
  var truePositives = 0
  var predicted = 0
  var actual = 0
  var precision: Double { predicted == 0 ? 1 : Double(truePositives) / Double(predicted) }
  var recall: Double { actual == 0 ? 1 : Double(truePositives) / Double(actual) }
  var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
  var description: String {
    String(
      format: "precision %.4f recall %.4f F1 %.4f (%d predicted, %d true, %d correct)", precision, recall, f1,
      predicted, actual, truePositives)
  }

  static func key(_ a: String, _ b: String) -> String { a < b ? a + "|" + b : b + "|" + a }

  /// Scores clusters of ids against true pairs of ids.
  init(clusters: [[String]], truth: [(String, String)]) {
    let truthSet = Set(truth.map { PairScore.key($0.0, $0.1) })
    actual = truthSet.count
    var predictedSet = Set<String>()
    for c in clusters where c.count > 1 {
      for x in 0..<c.count { for y in (x + 1)..<c.count { predictedSet.insert(PairScore.key(c[x], c[y])) } }
    }
    predicted = predictedSet.count
    truePositives = predictedSet.intersection(truthSet).count
  }
}

enum SharedData {
  /// The shared folder (`$FERRY_SHARED`, else `../shared` beside the clone).
  static func path(_ relative: String) -> String { Fixtures.shared(relative) }
}
