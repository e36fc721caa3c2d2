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

  /// Writes every cell's map (and with `raw` the raw maps) as .npy into `dir`/<image>/, one folder
  /// per image even when file names repeat (``SweepResult/mapFolderNames(for:)``).
  func writeMaps(to dir: URL, raw: Bool) throws {
    let folders = SweepResult.mapFolderNames(for: images.map(\.path))
    for (s, folder) in zip(images, folders) { try s.result.writeMaps(to: dir.appendingPathComponent(folder), raw: raw) }
  }
}
