import Checksums
import Foundation
import Imaging
import XCTest

/// Pillow 13.0.0 `Image.resize(size, Image.BILINEAR)` and torchvision 0.29.2 size/crop
/// arithmetic. Tolerance: exact (max abs difference 0).
final class ResampleTests: XCTestCase {
  func testBilinearIsBitExactOnNoise() throws {
    let noise = try PNGCodec.decode(Fixture.data("resize_noise.png"))
    XCTAssertEqual(noise.width, 37)
    let sizes = try Fixture.npy("resize_noise_sizes.npy").ints
    let expected = [UInt8](try Fixture.npy("resize_noise_expected.npy").payload)
    var offset = 0
    for i in 0..<(sizes.count / 2) {
      let (w, h) = (sizes[2 * i], sizes[2 * i + 1])
      let out = PillowResample.bilinear(noise, width: w, height: h)
      let want = RGBImage(
        width: w, height: h, pixels: Array(expected[offset..<(offset + w * h * 3)]))
      assertSameImage(out, want, "noise 37x29 -> \(w)x\(h)")
      offset += w * h * 3
    }
    XCTAssertEqual(offset, expected.count)
  }

  /// 400 random resizes (crops of a 120x90 noise image to 1...159 x 1...159, up, down and
  /// mixed): CRC-32 of our output equals that of Pillow's.
  func testBilinearIsBitExactOnRandomSizes() throws {
    let noise = try PNGCodec.decode(Fixture.data("resize_noise_big.png"))
    let rows = try Fixture.npy("resize_random_cases.npy").ints
    XCTAssertEqual(rows.count, 400 * 5)
    var mismatches = [String]()
    for r in stride(from: 0, to: rows.count, by: 5) {
      let (iw, ih, ow, oh) = (rows[r], rows[r + 1], rows[r + 2], rows[r + 3])
      let source = noise.cropped(left: 0, top: 0, width: iw, height: ih)
      let out = PillowResample.bilinear(source, width: ow, height: oh)
      if Int(CRC32.checksum(out.pixels)) != rows[r + 4] { mismatches.append("\(iw)x\(ih)->\(ow)x\(oh)") }
    }
    XCTAssertEqual(mismatches, [], "\(mismatches.count) of 400 resizes differ from Pillow")
  }

  /// Pillow 13 runs the vertical pass first in some cases; the fixture lists 120 random resizes
  /// where only one pass order reproduces Pillow 13.0.0 exactly.
  func testPassOrderMatchesPillow13() throws {
    let rows = try Fixture.npy("resize_pass_order.npy").ints
    XCTAssertEqual(rows.count, 120 * 5)
    var verticalCount = 0
    for r in stride(from: 0, to: rows.count, by: 5) {
      let (iw, ih, ow, oh) = (rows[r], rows[r + 1], rows[r + 2], rows[r + 3])
      let expected = rows[r + 4] == 1
      verticalCount += expected ? 1 : 0
      XCTAssertEqual(
        PillowResample.verticalFirst(from: (iw, ih), to: (ow, oh)), expected,
        "\(iw)x\(ih) -> \(ow)x\(oh)")
      XCTAssertFalse(
        PillowResample.verticalFirst(from: (iw, ih), to: (ow, oh), order: .pillow4to12))
    }
    XCTAssertGreaterThan(verticalCount, 10)
  }

  func testResizeShorterSideSizesMatchTorchvision() throws {
    let table = try Fixture.npy("resize_sizes.npy").ints
    XCTAssertGreaterThan(table.count / 4, 150)
    for row in stride(from: 0, to: table.count, by: 4) {
      let (h, w) = (table[row], table[row + 1])
      let got = Transforms.resizedSize(height: h, width: w, shorterSide: 256)
      XCTAssertEqual(got.height, table[row + 2], "Resize(256) of \(h)x\(w): height")
      XCTAssertEqual(got.width, table[row + 3], "Resize(256) of \(h)x\(w): width")
    }
  }

  func testCenterCropOffsetsMatchTorchvision() throws {
    let table = try Fixture.npy("crop_offsets.npy").ints
    for row in stride(from: 0, to: table.count, by: 6) {
      let (h, w, ch, cw) = (table[row], table[row + 1], table[row + 2], table[row + 3])
      let (top, left) = (table[row + 4], table[row + 5])
      // Index image: R = y + 1, G = x + 1, B = 7 (zero padding is all-zero).
      var pixels = [UInt8]()
      for y in 0..<h { for x in 0..<w { pixels += [UInt8(truncatingIfNeeded: y + 1), UInt8(truncatingIfNeeded: x + 1), 7] } }
      let image = RGBImage(width: w, height: h, pixels: pixels)
      let got = Transforms.centerCrop(image, height: ch, width: cw)
      let want = image.cropped(left: left, top: top, width: cw, height: ch)
      assertSameImage(got, want, "CenterCrop(\(ch),\(cw)) of \(h)x\(w)")
    }
  }
}
