import Foundation
import Imaging
import NPY
import Render
import XCTest

final class OverlayTests: XCTestCase {
  private func npy(_ name: String) throws -> NPYArray {
    try NPYArray(contentsOf: Sample.fixtures.appendingPathComponent(name))
  }

  /// Exact parity with pytorch-grad-cam 1.5.7 `show_cam_on_image(..., use_rgb=True)`.
  func testBlendMatchesShowCamOnImage() throws {
    let img = try npy("overlay_img.npy"), mask = try npy("overlay_mask.npy")
    XCTAssertEqual(img.shape, [12, 10, 3])
    let image = RGBImage(width: 10, height: 12, pixels: img.ints.map { UInt8($0) })
    let map = ScalarMap(width: 10, height: 12, values: mask.floats)
    for (w, name) in [(Float(0.5), "overlay_w050.npy"), (0.3, "overlay_w030.npy")] {
      let expected = try npy(name).ints.map { UInt8($0) }
      let got = try Overlay.blend(heatmap: map, on: image, colorMap: .jet, imageWeight: w)
      XCTAssertEqual(got.width, 10)
      XCTAssertEqual(got.height, 12)
      let diffs = zip(got.pixels, expected).filter { $0 != $1 }.count
      XCTAssertEqual(diffs, 0, "\(name): \(diffs) bytes differ from pytorch-grad-cam")
    }
  }

  /// The hottest pixel on black is red in the R channel (no BGR swap).
  func testOverlayIsRGBOrdered() throws {
    let black = RGBImage(width: 2, height: 1, fill: (0, 0, 0))
    let map = ScalarMap(width: 2, height: 1, values: [1, 0])
    let out = try Overlay.blend(heatmap: map, on: black, imageWeight: 0.5, normalizeByMax: false)
    // JET[255] = (128, 0, 0) halved; JET[0] = (0, 0, 128) halved.
    XCTAssertEqual(out[0, 0].r, 64)
    XCTAssertEqual(out[0, 0].b, 0)
    XCTAssertEqual(out[1, 0].b, 64)
    XCTAssertEqual(out[1, 0].r, 0)
  }

  func testBlendResizesTheMapAndRejectsBadWeights() throws {
    let image = Sample.image(size: 20)
    let out = try Overlay.blend(heatmap: Sample.map(size: 5), on: image)
    XCTAssertEqual(out.width, 20)
    XCTAssertEqual(out.height, 20)
    XCTAssertThrowsError(try Overlay.blend(heatmap: Sample.map(), on: image, imageWeight: 1.5)) {
      XCTAssertTrue("\($0)".contains("image weight"))
    }
  }

  func testColorizeUsesTheTable() {
    let map = ScalarMap(width: 3, height: 1, values: [0, 0.5, 1])
    let img = Overlay.colorize(map, colorMap: .viridis)
    XCTAssertEqual(img[0, 0].r, 68)
    XCTAssertEqual(img[2, 0].g, 231)
  }
}

final class ScalarMapTests: XCTestCase {
  /// Bilinear resize equals `cv2.resize(..., INTER_LINEAR)` (half-pixel centres).
  func testResizeMatchesOpenCV() throws {
    let src = try NPYArray(contentsOf: Sample.fixtures.appendingPathComponent("resize_src.npy"))
    let dst = try NPYArray(contentsOf: Sample.fixtures.appendingPathComponent("resize_dst.npy"))
    XCTAssertEqual(dst.shape, [16, 20])
    let got = ScalarMap(width: 7, height: 7, values: src.floats).resized(width: 20, height: 16)
    for (a, b) in zip(got.values, dst.floats) { XCTAssertEqual(a, b, accuracy: 1e-5) }
  }

  func testNormalizationFollowsPytorchGradCam() {
    // pgc's second normalisation sees a range of about 1, so its top value is 1 - 1e-7.
    let m = ScalarMap(width: 3, height: 1, values: [0, 0.5, 1]).normalizedMinMax()
    XCTAssertEqual(m.values[0], 0)
    XCTAssertLessThan(m.values[2], 1)
    XCTAssertEqual(ColorMap.index(for: m.values[2]), 254)
    XCTAssertEqual(ScalarMap(width: 2, height: 1, values: [3, 3]).normalizedMinMax().values, [0, 0])
    XCTAssertEqual(ScalarMap(width: 3, height: 1, values: [-1, 0.5, 9]).scaled(from: 0, to: 1).values, [0, 0.5, 1])
    let d = ScalarMap(width: 2, height: 1, values: [1, 2]).subtracting(ScalarMap(width: 2, height: 1, values: [0.5, 3]))
    XCTAssertEqual(d.values, [0.5, -1])
  }
}
