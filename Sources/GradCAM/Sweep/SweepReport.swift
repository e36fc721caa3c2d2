import AtomicFiles
import Autodiff
import Corruptions
import Foundation

/// The JSON report of a sweep run: what ran, and per image and cell the prediction and attention
/// shift (keys sorted, pretty-printed).
public struct SweepReport: Encodable {
  /// One cell of an image's sweep.
  public struct Cell: Encodable {
    var corruption: String?
    var severity: Int
    var predictedIndex: Int
    var predictedClass: String
    var confidence: Double
    var correct: Bool
    var attentionShift: AttentionShift?
  }

  /// One input image's sweep.
  public struct Image: Encodable {
    var name: String
    var path: String
    var explainedIndex: Int
    var explainedClass: String
    /// Width of the maps (`--maps-dir` files) and of the displayed image in pixels: `center_shift`
    /// is in displayed-image pixels, map pixels times `displayWidth / mapWidth`.
    var mapWidth: Int
    var displayWidth: Int
    var cells: [Cell]

    /// The report of `result`, the sweep of the image `name` read from `path`.
    public init(name: String, path: String, result: SweepResult, classNames: [String]) {
      self.name = name
      self.path = path
      explainedIndex = result.target
      explainedClass = classNames[result.target]
      mapWidth = result.clean.mapWidth
      displayWidth = result.clean.image.width
      cells = result.cells.map { x in
        Cell(
          corruption: x.corruption?.rawValue, severity: x.severity, predictedIndex: x.predicted,
          predictedClass: classNames[x.predicted], confidence: Double(x.confidence), correct: x.correct,
          attentionShift: x.corruption == nil ? nil : x.shift)
      }
    }
  }

  var tool: String
  var version: String
  var model: String
  var method: String
  var layer: String?
  var seed: UInt32
  var corruptions: [String]
  var severities: [Int]
  var correctnessReference: String
  /// "bf16" when the model's products ran at bf16 (`--precision bf16`); absent at float32.
  var precision: String? = ComputePrecision.stated
  var attentionShiftDefinitions = [
    "rank_corr": "Spearman rank correlation of the cell's map with the clean map",
    "top_iou": "IoU of the top-20% pixels of the cell's map and of the clean map",
    "center_shift": "distance between the maps' centres of mass, in display-image pixels",
    "entropy_change": "entropy (bits) of the cell's map minus the clean map's",
  ]
  var images: [Image]

  /// The report of `sweep` run on `images`.
  ///
  /// - Parameters:
  ///   - tool: the program that ran the sweep, and its `version`.
  ///   - model: the model's name as shown to users.
  ///   - method: the method's name as the user gave it (default: its canonical name).
  ///   - labelGiven: whether correctness was judged against a given label (else the clean prediction).
  public init(
    tool: String, version: String, model: String, sweep: CorruptionSweep, method: String? = nil, labelGiven: Bool,
    images: [Image]
  ) {
    self.tool = tool
    self.version = version
    self.model = model
    self.method = method ?? sweep.explainer.method.rawValue
    layer = sweep.explainer.layer
    seed = sweep.seed
    corruptions = sweep.corruptions.map(\.rawValue)
    severities = sweep.severities
    correctnessReference = (labelGiven ? "label" : "clean prediction") + (sweep.topKCorrect > 1 ? " in top-\(sweep.topKCorrect)" : "")
    self.images = images
  }

  /// Writes the report atomically.
  public func write(to url: URL) throws {
    try AtomicWrite.write(try encoded(), to: url)
  }

  /// The report as pretty-printed JSON with sorted keys.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self)
  }
}
