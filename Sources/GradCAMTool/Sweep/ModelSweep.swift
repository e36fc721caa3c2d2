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

  /// Stages every cell's map (and with `raw` the raw maps, see `SweepResult.mapFiles`) in `plan`:
  /// one folder per image in `dir`, distinct even when file names repeat
  /// (``SweepResult/mapFolderNames(for:)``: `a/dog`, `b/dog`).
  func writeMaps(into dir: URL, plan: OutputPlan, raw: Bool) throws {
    let names = SweepResult.mapFolderNames(for: images.map(\.path))
    for (s, name) in zip(images, names) {
      // The plan creates one level at a time (a folder's parent must exist).
      var folder = dir
      for part in name.split(separator: "/") { folder = try plan.folder(folder.appendingPathComponent(String(part)).path) }
      for (file, data) in s.result.mapFiles(raw: raw) { try plan.write(data, to: folder.appendingPathComponent(file).path) }
    }
  }
}
