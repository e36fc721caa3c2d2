import Autodiff
import Corruptions
import Foundation
import Imaging
import Networks

/// The main job of the toolkit for one image: corrupt it with every corruption at every severity,
/// classify each cell and compute its class-activation map for one class, and measure how far each
/// map moved from the clean image's.
///
/// ```swift
/// let explainer = try CAMExplainer(model: model, method: .gradCAM)
/// let sweep = CorruptionSweep(explainer: explainer, preprocessing: .cifar, corruptions: [.glassBlur])
/// let result = try sweep.run(image)   // result.cells[0] is the clean image, then each severity
/// ```
///
/// The explained class is the same in every cell (the label when given, else the clean
/// prediction), so maps are comparable along a corruption's severities. A cell's corruption is
/// seeded with `seed` (as `np.random.seed(seed)` before each imagecorruptions call), so its image
/// does not depend on which other cells are computed.
public struct CorruptionSweep {
  /// What a sweep reports while it runs: `done` of `total` items of a stage finished.
  public enum Stage: Sendable {
    /// Corrupting the image (one item: every cell at once, in parallel).
    case corrupting
    /// Classifying and explaining the cells (one item per cell).
    case explaining
  }

  /// The model, CAM method and layer.
  public let explainer: CAMExplainer
  /// The model's preprocessing (the cells are batched with it).
  public let preprocessing: Preprocessing
  public var corruptions: [Corruption]
  /// Severities 1...5 of each corruption (columns of the sweep).
  public var severities: [Int]
  /// Seed of the random corruptions (numpy RandomState semantics).
  public var seed: UInt32
  /// Images per forward/backward pass.
  public var batchSize: Int
  /// A cell is correct when the reference class (label or clean prediction) is among its
  /// `topKCorrect` most probable classes: 1 (the default) is top-1, 5 is ImageNet's top-5.
  public var topKCorrect = 1

  /// A sweep of the 15 benchmark corruptions at every severity by default.
  public init(
    explainer: CAMExplainer, preprocessing: Preprocessing, corruptions: [Corruption] = Corruption.benchmark,
    severities: [Int] = Severity.all, seed: UInt32 = 0, batchSize: Int = 16
  ) {
    self.explainer = explainer
    self.preprocessing = preprocessing
    self.corruptions = corruptions
    self.severities = severities
    self.seed = seed
    self.batchSize = batchSize
  }

  /// Sweeps `image` (brought to display size by ``displayImage(_:)`` first).
  ///
  /// - Parameters:
  ///   - label: the ground-truth class, or nil to explain and judge against the clean prediction.
  ///   - progress: called with (stage, items done, items in the stage) when a stage starts (done
  ///     0) and as it advances.
  public func run(
    _ image: RGBImage, label: Int? = nil, progress: (Stage, _ done: Int, _ total: Int) -> Void = { _, _, _ in }
  ) throws -> SweepResult {
    progress(.corrupting, 0, 1)
    var cells = try corruptedCells(displayImage(image))
    progress(.corrupting, 1, 1)
    let count = cells.count
    progress(.explaining, 0, count)
    let input = modelInput(for: image)
    let target = try explain(&cells, input: input, label: label) { progress(.explaining, $0, count) }
    return SweepResult(target: target, cells: cells)
  }

  /// Whether the model's resize/crop steps make the display image: true when they bring `image`
  /// to more than 64 px (an ImageNet-sized model). Its cells are then corrupted at the model's
  /// input size, as ImageNet-C's evaluation corrupts the 224 crop, and only normalised before the
  /// model, so the clean cell's prediction is exactly `Predictor`'s on the same image.
  func cropsToModelInput(_ image: RGBImage) -> Bool {
    let out = preprocessing.outputSize(width: image.width, height: image.height)
    return max(out.width, out.height) > 64
  }

  /// The image the sweep corrupts and shows. For an ImageNet-sized model: `image` after the
  /// model's resize/crop steps. For a small-input model (CIFAR's 32x32, the 64x64 demo models):
  /// ImageNet-C's preparation (shorter side 256, centre crop 224) for photos, small images as they
  /// are (corrupted with their own dataset's parameters); the model's full preprocessing follows.
  public func displayImage(_ image: RGBImage) -> RGBImage {
    if cropsToModelInput(image) { return preprocessing.pixels(image) }
    guard max(image.width, image.height) > 64 else { return image }
    return PixelStep.centerCrop(height: 224, width: 224).apply(PixelStep.resizeShorterSide(256).apply(image))
  }

  /// The model's input for display images of `image`: normalisation only when the display image
  /// is already the model's crop, else the whole preprocessing.
  func modelInput(for image: RGBImage) -> ModelInput {
    guard cropsToModelInput(image) else { return ModelInput(preprocessing: preprocessing) }
    var normalise = preprocessing
    normalise.pixelSteps = []
    return ModelInput(preprocessing: normalise)
  }

  /// The clean cell, then every (corruption, severity), corrupted in parallel.
  func corruptedCells(_ image: RGBImage) throws -> [SweepCell] {
    let jobs = corruptions.flatMap { c in severities.map { Corruptions.Job(c, severity: $0, seed: seed) } }
    let images = try Corruptions.applyMany(image, jobs)
    return [SweepCell(corruption: nil, severity: 0, image: image)]
      + zip(jobs, images).map { SweepCell(corruption: $0.corruption, severity: $0.severity, image: $1) }
  }

  /// Fills prediction, confidence, top-5 classes, correctness, maps and attention shift of every
  /// cell; returns the class explained in every cell (the label, else the clean prediction).
  func explain(_ cells: inout [SweepCell], input: ModelInput, label: Int?, progress: (Int) -> Void) throws -> Int {
    // The clean image decides the target (its prediction unless a label is given); its pass is
    // also its cell's result, so the clean image is explained once.
    let clean = try explainer.explain(batch: input.batch([cells[0].image]), target: label.map { .classIndex($0) } ?? .predicted)
    let target = label ?? clean.predictedClasses[0]
    fill(&cells, 0..<1, from: clean, target: target)
    progress(1)
    for start in stride(from: 1, to: cells.count, by: batchSize) {
      let range = start..<min(cells.count, start + batchSize)
      let batch = input.batch(range.map { cells[$0].image })
      fill(&cells, range, from: try explainer.explain(batch: batch, target: .classIndex(target)), target: target)
      progress(range.upperBound)
    }
    let scale = Double(cells[0].image.width) / Double(max(cells[0].mapWidth, 1))
    // The clean map is profiled once; the cells' profiles are independent, so they run in parallel.
    let reference = AttentionShift.Profile(cells[0].map, width: cells[0].mapWidth)
    let shifts = cells.withUnsafeBufferPointer { all in
      [AttentionShift](unsafeUninitializedCapacity: all.count) { out, count in
        DispatchQueue.concurrentPerform(iterations: all.count) { i in
          precondition(all[i].map.count == all[i].mapWidth * all[i].mapHeight && all[i].map.count == all[0].map.count,
                       "AttentionShift: maps must both be \(all[i].mapWidth)x\(all[i].mapHeight)")
          let profile = i == 0 ? reference : AttentionShift.Profile(all[i].map, width: all[i].mapWidth)
          (out.baseAddress! + i).initialize(to: AttentionShift(map: profile, reference: reference, scale: scale))
        }
        count = all.count
      }
    }
    for i in cells.indices { cells[i].shift = shifts[i] }
    return target
  }

  /// Copies the result of explaining the cells `range` (in order) into them.
  private func fill(_ cells: inout [SweepCell], _ range: Range<Int>, from result: CAMResult, target: Int) {
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
      // Rank of the target: how many classes are more probable.
      let p = probabilities[j * classes + target]
      let above = (0..<classes).reduce(0) { $0 + (probabilities[j * classes + $1] > p ? 1 : 0) }
      cells[i].correct = above < topKCorrect
      cells[i].top = tops[j].top
      cells[i].map = Array(maps[(j * h * w)..<((j + 1) * h * w)])
      cells[i].mapWidth = w
      cells[i].mapHeight = h
      cells[i].rawMap = Array(raw[(j * rawCount)..<((j + 1) * rawCount)])
      cells[i].rawShape = rawShape
    }
  }
}
