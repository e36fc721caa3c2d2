import Corruptions
import Foundation
import GradCAM

/// The JSON report of an explain run: what ran, and per cell the prediction and attention shift.
struct SweepReport: Encodable {
  struct Cell: Encodable {
    var corruption: String?
    var severity: Int
    var predictedIndex: Int
    var predictedClass: String
    var confidence: Double
    var correct: Bool
    var attentionShift: AttentionShift?
  }

  struct Image: Encodable {
    var name: String
    var path: String
    var explainedIndex: Int
    var explainedClass: String
    var cells: [Cell]
  }

  var tool = "gradcam"
  var version = GradCAMVersion.string
  var model: String
  var method: String
  var layer: String?
  var seed: UInt32
  var corruptions: [String]
  var severities: [Int]
  var correctnessReference: String
  var attentionShiftDefinitions = [
    "rankCorrelation": "Spearman rank correlation of the cell's map with the clean map",
    "topIoU": "IoU of the top-20% pixels of the cell's map and of the clean map",
    "centerShift": "distance between the maps' centres of mass, in display-image pixels",
    "entropyChange": "entropy (bits) of the cell's map minus the clean map's",
  ]
  var images: [Image]

  init(_ d: FigureDescription, blocks: [ImageBlock], corruptions: [Corruption], severities: [Int]) {
    model = d.model
    method = d.method
    layer = d.layer
    seed = d.seed
    self.corruptions = corruptions.map(\.rawValue)
    self.severities = severities
    correctnessReference = d.labelGiven ? "label" : "clean prediction"
    images = blocks.map { b in
      Image(
        name: b.name, path: b.path, explainedIndex: b.target, explainedClass: d.classNames[b.target],
        cells: b.cells.map { x in
          Cell(
            corruption: x.corruption?.rawValue, severity: x.severity, predictedIndex: x.predicted,
            predictedClass: d.classNames[x.predicted], confidence: Double(x.confidence), correct: x.correct,
            attentionShift: x.corruption == nil ? nil : x.shift)
        })
    }
  }

  /// Writes the report atomically.
  func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(to: url, options: .atomic)
  }
}
