import Foundation
import Imaging
import Render
import XCTest

/// Helpers shared by the Render tests: deterministic synthetic images, maps and grids.
enum Sample {
  /// The package root (two levels above this file's directory).
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The committed fixtures directory (source tree, so goldens can be re-recorded in place).
  static let fixtures = packageRoot.appendingPathComponent("Tests/RenderTests/Fixtures")

  /// A smooth colourful test picture with a dark "object" disc, `size` x `size`.
  static func image(size: Int = 32, seed: Int = 0, noise: Int = 0) -> RGBImage {
    var px = [UInt8](repeating: 0, count: size * size * 3)
    let c = Double(size) / 2
    for y in 0..<size {
      for x in 0..<size {
        let i = (y * size + x) * 3
        let d = hypot(Double(x) - c * 0.9, Double(y) - c * 1.1) / Double(size)
        let inside = d < 0.25
        var r = inside ? 150 : 90 + (x * 120) / size
        var g = inside ? 100 : 140 + (y * 80) / size
        var b = inside ? 60 : 200 - ((x + y) * 60) / size
        if noise > 0 {
          let h = ((x * 73856093) ^ (y * 19349663) ^ (seed * 83492791)) & 0xFFFF
          let n = (h % (2 * noise + 1)) - noise
          r += n; g += n; b += n
        }
        px[i] = UInt8(clamping: r)
        px[i + 1] = UInt8(clamping: g)
        px[i + 2] = UInt8(clamping: b)
      }
    }
    return RGBImage(width: size, height: size, pixels: px)
  }

  /// A Gaussian blob map of `size` x `size` centred at (`cx`, `cy`) in [0, 1] units.
  static func map(size: Int = 7, cx: Double = 0.5, cy: Double = 0.5, sigma: Double = 0.2) -> ScalarMap {
    var v = [Float]()
    for y in 0..<size {
      for x in 0..<size {
        let u = (Double(x) + 0.5) / Double(size) - cx, w = (Double(y) + 0.5) / Double(size) - cy
        v.append(Float(exp(-(u * u + w * w) / (2 * sigma * sigma))))
      }
    }
    return ScalarMap(width: size, height: size, values: v)
  }

  static let corruptions15 = [
    "gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur", "glass_blur", "motion_blur",
    "zoom_blur", "snow", "frost", "fog", "brightness", "contrast", "elastic_transform", "pixelate",
    "jpeg_compression",
  ]
  static let corruptions19 = corruptions15 + ["speckle_noise", "gaussian_blur", "spatter", "saturate"]
  static let classes = [
    "golden retriever", "Staffordshire bullterrier", "tennis ball", "Labrador retriever",
    "German short-haired pointer", "cocker spaniel",
  ]

  /// A grid of `rows` corruptions x (clean + 5 severities) with captions, markers and metrics.
  static func grid(rows: Int, columns: Int = 6, imageSize: Int = 32, blocks: Int = 1) -> HeatmapGrid {
    let headers = ["clean"] + (1..<columns).map { "severity \($0)" }
    var out: [HeatmapGrid.Block] = []
    for b in 0..<blocks {
      var rowList: [HeatmapGrid.Row] = []
      for r in 0..<rows {
        let name = corruptions19[r % corruptions19.count]
        var cells: [HeatmapGrid.Cell] = []
        for s in 0..<columns {
          let shift = Double(s) * 0.07 * (r % 2 == 0 ? 1 : -1)
          let cls = s < 3 ? classes[0] : classes[(r + s + b) % classes.count]
          let conf = 0.95 - 0.12 * Double(s)
          cells.append(
            HeatmapGrid.Cell(
              image: image(size: imageSize, seed: r * 10 + s, noise: s * 6),
              map: map(cx: 0.45 + shift, cy: 0.55 - shift / 2, sigma: 0.18 + 0.03 * Double(s)),
              caption: ["\(cls) \(String(format: "%.2f", conf))"],
              marker: cls == classes[0] ? .correct : .incorrect,
              metric: s == 0 ? nil : "ρ=\(String(format: "%.2f", 1 - 0.1 * Double(s))) IoU=0.5\(s)"))
        }
        rowList.append(HeatmapGrid.Row(header: name, cells: cells))
      }
      out.append(HeatmapGrid.Block(title: blocks > 1 ? "image \(b + 1): dog.png (label: golden retriever)" : nil,
                                   columnHeaders: headers, rows: rowList))
    }
    return HeatmapGrid(
      title: "Grad-CAM under ImageNet-C corruptions (ResNet-50, layer4)",
      subtitle: "marker: top-1 prediction vs ground-truth label \"golden retriever\"", blocks: out)
  }
}
