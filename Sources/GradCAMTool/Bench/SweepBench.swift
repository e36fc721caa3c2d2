import Corruptions
import Foundation
import GradCAM
import Imaging
import Networks
import Render

/// The whole main job, `gradcam --image ... --severities 1-5`, timed end to end: corrupting,
/// CAMs for all cells, and rendering the figure.
struct SweepBench {
  func run() throws -> [BenchResult] {
    var out: [BenchResult] = []
    var pixels = [UInt8](repeating: 0, count: 256 * 256 * 3)
    for i in pixels.indices { pixels[i] = UInt8((i * 7 + i / 768) % 256) }
    let image = RGBImage(width: 256, height: 256, pixels: pixels)
    let cases: [(String, LoadedModel)] = [
      ("cifar10-resnet56 (bundled)", LoadedModel(
        model: try BundledModels.load("cifar10-resnet56"), name: "cifar10-resnet56", classNames: ClassNames.cifar10,
        preprocessing: .cifar)),
      ("resnet50 (formula weights)", LoadedModel(
        model: try ResNet("resnet50", weights: WeightFormula.source), name: "resnet50", classNames: ClassNames.imagenet,
        preprocessing: .imagenet)),
    ]
    for (name, loaded) in cases {
      for corruptions in [Corruption.benchmark, Corruption.all] {
        let explainer = try CAMExplainer(model: loaded.model, method: .gradCAM)
        let sweep = CorruptionSweep(explainer: explainer, preprocessing: loaded.preprocessing, corruptions: corruptions)
        let start = Date()
        var corrupted = start
        let cells = try sweep.run(image) { stage, done, _ in if stage == .corrupting && done == 1 { corrupted = Date() } }.cells
        let mapped = Date()
        var rows: [HeatmapGrid.Row] = []
        for c in corruptions {
          let rowCells = cells.filter { $0.corruption == c || $0.corruption == nil }.map { x -> HeatmapGrid.Cell in
            let map = ScalarMap(width: x.mapWidth, height: x.mapHeight, values: x.map)
            return HeatmapGrid.Cell(image: x.image, map: map, caption: ["x"], marker: .correct)
          }
          rows.append(HeatmapGrid.Row(header: c.rawValue, cells: rowCells))
        }
        let block = HeatmapGrid.Block(columnHeaders: HeatmapGrid.Block.severityHeaders(Severity.all), rows: rows)
        let grid = HeatmapGrid(title: "bench", blocks: [block])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-bench-\(getpid()).png")
        try grid.write(to: file)
        try? FileManager.default.removeItem(at: file)
        let total = Date().timeIntervalSince(start)
        let rss = peakResidentMegabytes()
        print(String(format: "%@  total %6.2f s (corrupt %.2f s, CAM %.2f s, render %.2f s)  peak RSS so far %6.0f MB",
          pad("sweep \(name) \(corruptions.count)x5", 52), total, corrupted.timeIntervalSince(start),
          mapped.timeIntervalSince(corrupted), Date().timeIntervalSince(mapped), rss))
        out.append(BenchResult(suite: "sweep", name: "\(name) \(corruptions.count)x5", seconds: total, gflops: nil, ratio: nil, ratioTo: nil, peakRSSMB: rss))
      }
    }
    return out
  }
}
