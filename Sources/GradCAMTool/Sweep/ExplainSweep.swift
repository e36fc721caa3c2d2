import Autodiff
import Corruptions
import Foundation
import GradCAM
import Imaging
import Networks

/// Runs a model and a CAM method over the cells of one image's sweep.
struct ExplainSweep {
  let loaded: LoadedModel
  let explainer: CAMExplainer
  /// Images per forward/backward pass.
  let batchSize: Int

  /// Fills prediction, confidence, correctness, maps and attention shift of every cell.
  ///
  /// - Parameters:
  ///   - label: the ground-truth class, or nil to judge against the clean prediction.
  /// - Returns: the class explained in every cell (the label, else the clean prediction).
  func run(_ cells: inout [SweepCell], label: Int?, progress: (Int) -> Void) throws -> Int {
    let input = ModelInput(preprocessing: loaded.preprocessing)
    // The clean image decides the target: its prediction unless a label is given.
    let clean = try explainer.explain(batch: input.batch([cells[0].image]), target: label.map { .classIndex($0) } ?? .predicted)
    let target = label ?? clean.predictedClasses[0]
    var done = 0
    for start in stride(from: 0, to: cells.count, by: batchSize) {
      let range = start..<min(cells.count, start + batchSize)
      let batch = input.batch(range.map { cells[$0].image })
      let result = try explainer.explain(batch: batch, target: .classIndex(target))
      let (h, w) = (result.maps.shape[1], result.maps.shape[2])
      let maps = result.maps.scalars, raw = result.rawMaps.scalars
      let rawShape = Array(result.rawMaps.shape.dropFirst())
      let rawCount = rawShape.reduce(1, *)
      let probabilities = result.probabilities.scalars
      let classes = result.probabilities.shape[1]
      let tops = Predictor.predictions(result.probabilities, topK: 5)
      for (j, i) in range.enumerated() {
        let predicted = result.predictedClasses[j]
        cells[i].predicted = predicted
        cells[i].confidence = probabilities[j * classes + predicted]
        cells[i].correct = predicted == target
        cells[i].top = tops[j].top
        cells[i].map = Array(maps[(j * h * w)..<((j + 1) * h * w)])
        cells[i].mapWidth = w
        cells[i].mapHeight = h
        cells[i].rawMap = Array(raw[(j * rawCount)..<((j + 1) * rawCount)])
        cells[i].rawShape = rawShape
      }
      done += range.count
      progress(done)
    }
    let scale = Double(cells[0].image.width) / Double(max(cells[0].mapWidth, 1))
    for i in cells.indices {
      cells[i].shift = AttentionShift(
        map: cells[i].map, reference: cells[0].map, width: cells[i].mapWidth, height: cells[i].mapHeight, scale: scale)
    }
    return target
  }
}
