import Foundation

/// How faithful one map is to the model, in three numbers (the names are those of `evaluate`'s
/// rows.csv and `plot`/`table --metric`):
/// - `deletion_auc`: area under the deletion curve (``FaithfulnessMetrics`` defaults: 20 steps,
///   removed pixels set to the dataset mean, target probability); lower = more faithful.
/// - `insertion_auc`: area under the insertion curve (same settings); higher = more faithful.
/// - `road`: pytorch-grad-cam's `ROADCombined` (``ROAD`` defaults: percentiles 10-90, noise 0.01,
///   target logit); higher = more faithful.
public struct FaithfulnessScores: Codable, Equatable, Sendable {
  public var deletionAUC: Double
  public var insertionAUC: Double
  public var road: Double

  /// The three names, in the order of the fields.
  public static let metricNames = ["deletion_auc", "insertion_auc", "road"]

  enum CodingKeys: String, CodingKey {
    case deletionAUC = "deletion_auc", insertionAUC = "insertion_auc", road
  }

  public init(deletionAUC: Double, insertionAUC: Double, road: Double) {
    self.deletionAUC = deletionAUC
    self.insertionAUC = insertionAUC
    self.road = road
  }

  /// The three numbers in the order of ``metricNames``.
  public var values: [Double] { [deletionAUC, insertionAUC, road] }
}
