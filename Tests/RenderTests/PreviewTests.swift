import Foundation
import Imaging
import NPY
import Render
import XCTest

/// Writes preview figures when `RENDER_PREVIEW_DIR` is set (for looking at them by eye).
final class PreviewTests: XCTestCase {
  func testWritePreviews() throws {
    guard let dir = ProcessInfo.processInfo.environment["RENDER_PREVIEW_DIR"] else {
      throw XCTSkip("set RENDER_PREVIEW_DIR to write preview figures")
    }
    let out = URL(fileURLWithPath: dir)
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    var options = HeatmapGridOptions()
    options.pixelsPerPoint = 2
    let small = Sample.grid(rows: 4, imageSize: 64)
    try small.write(to: out.appendingPathComponent("grid4.png"), options: options)
    try Sample.grid(rows: 19, imageSize: 64, blocks: 1).write(to: out.appendingPathComponent("grid19.png"), options: options)
    try small.write(to: out.appendingPathComponent("grid4.pdf"), options: options)
    try small.write(to: out.appendingPathComponent("grid4.svg"), options: options)
    var shared = options
    shared.scale = .sharedAuto
    shared.difference = .againstColumn(0)
    try Sample.grid(rows: 3, imageSize: 64, blocks: 2).write(to: out.appendingPathComponent("grid-diff.png"), options: shared)
  }

  /// With `RENDER_PREVIEW_NPY=dir` holding images.npy (uint8 [R,C,H,W,3]) and maps.npy
  /// (float32 [R,C,h,w]), writes real-photo previews to `RENDER_PREVIEW_DIR`.
  func testWriteRealPhotoPreview() throws {
    let env = ProcessInfo.processInfo.environment
    guard let src = env["RENDER_PREVIEW_NPY"], let dir = env["RENDER_PREVIEW_DIR"] else {
      throw XCTSkip("set RENDER_PREVIEW_NPY and RENDER_PREVIEW_DIR to write real-photo previews")
    }
    let images = try NPYArray(contentsOf: URL(fileURLWithPath: src).appendingPathComponent("images.npy"))
    let maps = try NPYArray(contentsOf: URL(fileURLWithPath: src).appendingPathComponent("maps.npy"))
    let (r, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let (mh, mw) = (maps.shape[2], maps.shape[3])
    let bytes = [UInt8](images.payload), values = maps.floats
    let names = ["gaussian_noise", "defocus_blur", "contrast", "elastic_transform", "jpeg_compression"]
    var rows: [HeatmapGrid.Row] = []
    for i in 0..<r {
      var cells: [HeatmapGrid.Cell] = []
      for j in 0..<c {
        let o = ((i * c + j) * h * w * 3)
        let image = RGBImage(width: w, height: h, pixels: Array(bytes[o..<(o + h * w * 3)]))
        let mo = (i * c + j) * mh * mw
        let map = ScalarMap(width: mw, height: mh, values: Array(values[mo..<(mo + mh * mw)]))
        let ok = j < 3 || i == 2
        cells.append(HeatmapGrid.Cell(
          image: image, map: map, caption: [ok ? "military uniform 0.\(91 - 9 * j)" : "suit 0.\(40 + j)"],
          marker: ok ? .correct : .incorrect, metric: j == 0 ? nil : "ρ=0.\(9 - j) IoU=0.\(8 - j)"))
      }
      rows.append(HeatmapGrid.Row(header: names[i % names.count], cells: cells))
    }
    let grid = HeatmapGrid(
      title: "Grad-CAM of ResNet-50 under corruptions",
      subtitle: "marker: prediction vs ground truth \"military uniform\"",
      blocks: [HeatmapGrid.Block(title: "grace_hopper.jpg", columnHeaders: ["clean", "s=1", "s=2", "s=3", "s=4", "s=5"], rows: rows)])
    var options = HeatmapGridOptions()
    options.pixelsPerPoint = 2
    try grid.write(to: URL(fileURLWithPath: dir).appendingPathComponent("real.png"), options: options)
    options.difference = .againstColumn(0)
    try grid.write(to: URL(fileURLWithPath: dir).appendingPathComponent("real-diff.png"), options: options)
    try grid.write(to: URL(fileURLWithPath: dir).appendingPathComponent("real.pdf"), options: options)
  }
}
