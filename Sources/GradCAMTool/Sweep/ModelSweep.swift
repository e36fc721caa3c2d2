import AtomicFiles
import Foundation
import GradCAM

/// One model's sweep over every input image, with what its figure and report say about the run.
struct ModelSweep {
  /// The sweep that ran (model, method, layer, corruptions, severities, seed).
  let sweep: CorruptionSweep
  /// The figure's description of the run (model and method names, class names).
  let figure: SweepFigure
  /// One sweep per input image, in --image order.
  let images: [ImageSweep]

  /// The JSON report of the run.
  var report: SweepReport {
    let reportImages = images.map {
      SweepReport.Image(name: $0.name, path: $0.path, result: $0.result, classNames: figure.classNames)
    }
    return SweepReport(
      tool: "gradcam", version: GradCAMVersion.string, model: figure.model, sweep: sweep, method: figure.method,
      labelGiven: figure.labelGiven, images: reportImages)
  }

  /// Writes every raw map as .npy into `dir`/<image>/.
  /// Stages the raw maps in `plan`: one folder per image in `dir` (see `SweepResult.mapFiles`).
  func writeMaps(into dir: URL, plan: OutputPlan) throws {
    for s in images {
      let folder = try plan.folder(dir.appendingPathComponent(s.name).path)
      for (name, data) in s.result.mapFiles() { try plan.write(data, to: folder.appendingPathComponent(name).path) }
    }
  }
}
