import Corruptions
import Foundation
import Imaging

/// One cell of a corruption sweep: the clean image, or one corruption at one severity, with what
/// the model predicted and the map it produced there.
public struct SweepCell: Sendable {
  /// nil for the clean image.
  public let corruption: Corruption?
  /// 0 for the clean image.
  public let severity: Int
  /// The image at display resolution (what a figure shows and the model sees after preprocessing).
  public var image: RGBImage
  /// The predicted class.
  public var predicted = 0
  /// The predicted class's probability.
  public var confidence: Float = 0
  /// The five most probable classes, `(class index, probability)`, most probable first (ties:
  /// lower index first).
  public var top: [(index: Int, probability: Float)] = []
  /// Whether the prediction is the sweep's explained class (the label, else the clean prediction).
  public var correct = false
  /// The normalised CAM at model-input resolution, row-major `mapHeight x mapWidth`.
  public var map: [Float] = []
  public var mapWidth = 0, mapHeight = 0
  /// The raw (un-normalised) map at feature resolution, row-major with shape `rawShape`.
  public var rawMap: [Float] = []
  public var rawShape: [Int] = []
  /// How far the map moved from the clean cell's (the clean cell compares with itself).
  public var shift: AttentionShift?

  /// A cell of `image` before the model ran.
  public init(corruption: Corruption?, severity: Int, image: RGBImage) {
    self.corruption = corruption
    self.severity = severity
    self.image = image
  }

  /// `clean`, or `glass_blur-s3`: the cell's file stem for its raw map.
  public var key: String { corruption.map { "\($0.rawValue)-s\(severity)" } ?? "clean" }
}
