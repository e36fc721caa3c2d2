import Autodiff
import Corruptions
import GradCAM
import Render

extension HTMLReport {
  /// The page of one or more models' sweeps: a panel per image and model, image-major, so the
  /// models' panels of one image stand side by side.
  init(sweep runs: [ModelSweep], corruptions: [Corruption], severities: [Int]) {
    let first = runs[0].figure
    let title = runs.count == 1
      ? "\(first.method)\(first.layer.map { " at \($0)" } ?? "") — \(first.model)"
      : runs.map { "\($0.figure.model) (\($0.figure.method))" }.joined(separator: " vs ")
    let judged = first.labelGiven ? "marks: prediction vs the given label" : "marks: prediction vs the clean image's prediction"
    var panels: [Panel] = []
    for i in runs[0].images.indices {
      for run in runs {
        let d = run.figure, image = run.images[i]
        // The sweep computed every (corruption, severity) asked for.
        let cells = corruptions.map { c in severities.map { s in Self.cell(image.result.cell(c, severity: s)!, d) } }
        panels.append(Panel(
          title: "\(image.name) · \(d.model)",
          subtitle: "explaining \"\(d.classNames[image.result.target])\" · \(d.method)\(d.layer.map { " at \($0)" } ?? "")",
          clean: Self.cell(image.result.clean, d), cells: cells))
      }
    }
    self.init(
      title: title, subtitle: "\(judged); corruption seed \(first.seed)\(ComputePrecision.figureNote)", rowHeaders: corruptions.map(\.label),
      columnHeaders: severities.map { "severity \($0)" }, panels: panels)
  }

  /// A sweep cell with its class names, shift numbers and centre of mass.
  static func cell(_ x: SweepCell, _ d: SweepFigure) -> Cell {
    let center = AttentionShift.centerOfMass(x.map, width: x.mapWidth)
    return Cell(
      image: x.image, map: ScalarMap(width: x.mapWidth, height: x.mapHeight, values: x.map),
      top: x.top.map { ClassProbability(label: d.classNames[$0.index], probability: Double($0.probability)) },
      correct: x.correct,
      shift: x.corruption == nil ? nil : x.shift.map {
        Shift(rankCorrelation: $0.rankCorrelation, topIoU: $0.topIoU, centerShift: $0.centerShift, entropyChange: $0.entropyChange)
      },
      centerOfMass: (center.x / Double(x.mapWidth), center.y / Double(x.mapHeight)))
  }
}
