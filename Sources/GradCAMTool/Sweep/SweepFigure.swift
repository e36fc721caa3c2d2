import Autodiff
import Corruptions
import Foundation
import GradCAM
import Render

/// The explain figure of sweeps: rows are corruptions, columns the clean image and each severity.
struct SweepFigure {
  let model: String
  /// The method's name as given on the command line.
  let method: String
  let layer: String?
  let seed: UInt32
  /// Whether correctness is judged against a given label (else the clean prediction).
  let labelGiven: Bool
  /// A cell is correct when the reference is among its top `topKCorrect` classes.
  var topKCorrect = 1
  let classNames: [String]
  /// Print the attention-shift numbers under each corrupted cell.
  let showShift: Bool
  /// The method's name as papers write it ("Grad-CAM"), for the title.
  var methodLabel: String = ""
  /// Title and row labels as the user chose them.
  var text = FigureText()

  /// One block per image; with one corruption and several images, one row per image (the seed
  /// paper's Fig. 2).
  /// Rows are labelled with human corruption names ("Gaussian noise") or image names, unless
  /// --row-labels gives a label for the row's key (the corruption's or the image's name).
  /// - Throws: when a --row-labels key names no row.
  func grid(_ sweeps: [ImageSweep], corruptions: [Corruption], severities: [Int]) throws -> HeatmapGrid {
    let headers = HeatmapGrid.Block.severityHeaders(severities, short: text.shortColumnHeaders)
    let byImage = corruptions.count == 1 && sweeps.count > 1
    try text.checkRowKeys(byImage ? sweeps.map(\.name) : corruptions.map(\.rawValue))
    func row(_ sweep: ImageSweep, _ c: Corruption, header: String) -> HeatmapGrid.Row {
      var cells = [cell(sweep.result.clean, showShift: false)]
      for s in severities {
        if let x = sweep.result.cell(c, severity: s) { cells.append(cell(x, showShift: showShift)) }
      }
      return HeatmapGrid.Row(header: header, cells: cells)
    }
    let blocks: [HeatmapGrid.Block]
    if byImage {
      let sameTarget = Set(sweeps.map(\.result.target)).count == 1
      let rows = sweeps.map {
        row($0, corruptions[0], header: text.rowLabels[$0.name] ?? (sameTarget ? $0.name : "\($0.name) (\(classNames[$0.result.target]))"))
      }
      let title = corruptions[0].label + (sameTarget ? " — explaining \"\(classNames[sweeps[0].result.target])\"" : "")
      blocks = [HeatmapGrid.Block(title: title, columnHeaders: headers, rows: rows)]
    } else {
      blocks = sweeps.map { sweep in
        HeatmapGrid.Block(
          title: "\(sweep.name) — explaining \"\(classNames[sweep.result.target])\"", columnHeaders: headers,
          rows: corruptions.map { row(sweep, $0, header: text.rowLabels[$0.rawValue] ?? $0.label) })
      }
    }
    let reference = labelGiven ? "the given label" : "the clean image's prediction"
    let judged = topKCorrect > 1 ? "marks: \(reference) in the top \(topKCorrect)" : "marks: prediction vs \(reference)"
    guard text.showsTitle else { return HeatmapGrid(title: "", subtitle: nil, blocks: blocks) }
    return HeatmapGrid(
      title: text.title ?? "\(methodLabel.isEmpty ? method : methodLabel)\(layer.map { " at \($0)" } ?? "") — \(model)",
      subtitle: "\(judged); corruption seed \(seed)\(ComputePrecision.figureNote)", blocks: blocks)
  }

  private func cell(_ x: SweepCell, showShift: Bool) -> HeatmapGrid.Cell {
    let metric = showShift ? x.shift.map { String(format: "ρ=%.2f IoU=%.2f Δc=%.1f", $0.rankCorrelation, $0.topIoU, $0.centerShift) } : nil
    return HeatmapGrid.Cell(
      image: x.image, map: ScalarMap(width: x.mapWidth, height: x.mapHeight, values: x.map),
      caption: ["\(classNames[x.predicted]) \(String(format: "%.2f", x.confidence))"],
      marker: x.correct ? .correct : .incorrect, metric: metric)
  }
}
