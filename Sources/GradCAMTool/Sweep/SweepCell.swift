import Corruptions
import Foundation
import GradCAM
import Imaging

/// One cell of a corruption sweep: the clean image, or one corruption at one severity.
struct SweepCell {
  /// nil for the clean image.
  let corruption: Corruption?
  let severity: Int
  /// The image at display resolution (what the figure shows and the model sees after preprocessing).
  var image: RGBImage
  /// Filled in after the model ran.
  var predicted = 0
  var confidence: Float = 0
  /// The five most probable classes, most probable first.
  var top: [(index: Int, probability: Float)] = []
  var correct = false
  /// The normalised CAM at model-input resolution, row-major.
  var map: [Float] = []
  var mapWidth = 0, mapHeight = 0
  /// The raw (un-normalised) map at feature resolution.
  var rawMap: [Float] = []
  var rawShape: [Int] = []
  var shift: AttentionShift?

  /// `clean`, or `glass_blur-s3`: the cell's file stem in --maps-dir.
  var key: String { corruption.map { "\($0.rawValue)-s\(severity)" } ?? "clean" }
}

/// The display image of an input: ImageNet-C's preparation (shorter side 256, centre crop 224)
/// for photos; small images (CIFAR 32x32, Tiny-ImageNet 64x64) stay as they are, so they are
/// corrupted with their own dataset's parameters.
func displayImage(_ image: RGBImage) -> RGBImage {
  guard max(image.width, image.height) > 64 else { return image }
  return PixelStep.centerCrop(height: 224, width: 224).apply(PixelStep.resizeShorterSide(256).apply(image))
}

/// Corrupts `image` for every (corruption, severity), in parallel; the clean cell comes first.
///
/// The seed of each corruption is `seed` for every cell, as `np.random.seed(seed)` before each
/// imagecorruptions call: a cell's output does not depend on which other cells are computed.
func corruptedCells(_ image: RGBImage, corruptions: [Corruption], severities: [Int], seed: UInt32) throws -> [SweepCell] {
  let jobs = corruptions.flatMap { c in severities.map { Corruptions.Job(c, severity: $0, seed: seed) } }
  let images = try Corruptions.applyMany(image, jobs)
  return [SweepCell(corruption: nil, severity: 0, image: image)]
    + zip(jobs, images).map { SweepCell(corruption: $0.corruption, severity: $0.severity, image: $1) }
}
