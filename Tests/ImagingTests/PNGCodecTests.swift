import Checksums
import Foundation
import Imaging
import XCTest

/// PNG decoding against Pillow 13.0.0 `Image.open(f).convert("RGB")`; tolerance: exact (0).
/// Exception: 16-bit grey, where Pillow clips to 255 and we keep the high byte (documented in
/// PNGCodec and the fixture generator).
final class PNGCodecTests: XCTestCase {
  static let variants = [
    "grey8", "grey1", "grey2", "grey4_trns", "grey16", "greyalpha8", "greyalpha16", "palette8",
    "palette4_trns", "rgb8", "rgb8_trns", "rgb8_interlaced", "rgba8", "rgb16", "rgba16",
  ]

  func testDecodeMatchesPillowForEveryVariant() throws {
    for name in Self.variants {
      let decoded = try PNGCodec.decode(Fixture.data("png_\(name).png"))
      assertSameImage(decoded, try Fixture.image("png_\(name).npy"), "png_\(name)")
    }
  }

  func testEncodeRoundTripsExactly() throws {
    let image = try Fixture.image("png_rgba8.npy")
    let data = try PNGCodec.encode(image)
    XCTAssertEqual(ImageFormat(magic: data), .png)
    XCTAssertEqual(try PNGCodec.decode(data), image)
    // One-pixel and one-row images.
    for (w, h) in [(1, 1), (7, 1), (1, 5)] {
      let small = RGBImage(
        width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 37) })
      XCTAssertEqual(try PNGCodec.decode(PNGCodec.encode(small)), small)
    }
  }

  /// Every zlib level round-trips exactly; the levels trade size for time as zlib documents
  /// (0 stores, 9 compresses hardest); out-of-range levels are clamped.
  func testCompressionLevelsRoundTripExactly() throws {
    let pixels: [UInt8] = (0..<(64 * 48 * 3)).map { (i: Int) -> UInt8 in
      let column = i / 3 % 64, row = i / 192
      return UInt8(column * 3 + row % 7)
    }
    let image = RGBImage(width: 64, height: 48, pixels: pixels)
    var sizes: [Int: Int] = [:]
    for level in [0, 1, 3, 6, 9, -5, 42] {
      let data = try PNGCodec.encode(image, compression: level)
      XCTAssertEqual(try PNGCodec.decode(data), image, "level \(level)")
      sizes[level] = data.count
    }
    XCTAssertGreaterThan(sizes[0]!, sizes[3]!)
    XCTAssertGreaterThanOrEqual(sizes[3]!, sizes[9]!)
    XCTAssertEqual(sizes[-5], sizes[0])
    XCTAssertEqual(sizes[42], sizes[9])
    XCTAssertEqual(try PNGCodec.encode(image, compression: nil), try PNGCodec.encode(image, compression: 6))
  }

  /// Grey PNGs are colour type 0, 8 bits, and decode (grey replicated to RGB) to the samples.
  func testGreyEncodeRoundTripsExactly() throws {
    let (w, h) = (13, 7)
    let samples: [UInt8] = (0..<(w * h)).map { UInt8(truncatingIfNeeded: $0 * 29) }
    let data = try PNGCodec.encodeGrey(samples, width: w, height: h)
    XCTAssertEqual(Array(data[24..<26]), [8, 0])  // IHDR bit depth 8, colour type 0 (grey)
    let decoded = try PNGCodec.decode(data)
    XCTAssertEqual(decoded.width, w)
    XCTAssertEqual(decoded.pixels, samples.flatMap { [$0, $0, $0] })
    XCTAssertThrowsError(try PNGCodec.encodeGrey(samples, width: w, height: h + 1)) { XCTAssertTrue($0 is ImageError) }
    XCTAssertThrowsError(try PNGCodec.encodeGrey([], width: 0, height: 0)) { XCTAssertTrue($0 is ImageError) }
  }

  func testEncodingAnEmptyImageThrows() {
    XCTAssertThrowsError(try PNGCodec.encode(RGBImage(width: 0, height: 0, pixels: []))) {
      XCTAssertTrue($0 is ImageError)
    }
  }

  func testRealCIFARImagesDecodeAsPillowDoes() throws {
    let directory = try Fixture.cifarDirectory()
    let entries = try JSONSerialization.jsonObject(with: Fixture.data("cifar_checksums.json"))
      as! [[String: Any]]
    XCTAssertGreaterThanOrEqual(entries.count, 8)
    for entry in entries {
      let path = entry["path"] as! String
      let image = try ImageFile.read(directory.appendingPathComponent(path))
      XCTAssertEqual(image.width, entry["width"] as? Int, path)
      XCTAssertEqual(image.height, entry["height"] as? Int, path)
      XCTAssertEqual(Int(CRC32.checksum(image.pixels)), entry["crc32"] as? Int, "\(path): pixel CRC-32")
      XCTAssertEqual(try PNGCodec.decode(PNGCodec.encode(image)), image, path)
    }
  }
}
