import Autodiff
import Networks

extension FaithfulnessScores {
  /// The scores of every map of `result`, an explanation of `inputs` by `model`; ROAD's noise is
  /// seeded with `seed`.
  public static func compute(model: ImageClassifier, inputs: Tensor, result: CAMResult, seed: UInt32 = 0) -> [FaithfulnessScores] {
    let metrics = FaithfulnessMetrics(model: model)
    let deletion = metrics.deletion(inputs: inputs, result: result)
    let insertion = metrics.insertion(inputs: inputs, result: result)
    var road = ROAD(model: model)
    road.seed = seed
    let combined = road.combined(inputs: inputs, maps: result.maps, imageIndices: result.imageIndices, classes: result.targetClasses)
    return (0..<combined.count).map {
      FaithfulnessScores(deletionAUC: deletion[$0].auc, insertionAUC: insertion[$0].auc, road: combined[$0])
    }
  }
}
