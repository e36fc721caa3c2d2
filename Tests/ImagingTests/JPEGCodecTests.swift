import Foundation
import Imaging
import XCTest

/// JPEG against Pillow 13.0.0 (bundled libjpeg-turbo 3.2.0); ours links the system
/// libjpeg-turbo (2.1.5 on the dev machine). Decoding reference:
/// `ImageOps.exif_transpose(Image.open(f)).convert("RGB")`. Tolerance: exact (0) for decoded
/// pixels, byte-identical files for encoding.
final class JPEGCodecTests: XCTestCase {
  static let variants = ["baseline", "progressive", "grey", "cmyk", "odd", "s444", "s422"]
  static let qualities = [1, 5, 10, 25, 50, 75, 90, 95, 100]

  func testDecodeMatchesPillow() throws {
    for name in Self.variants {
      let decoded = try JPEGCodec.decode(Fixture.data("jpeg_\(name).jpg"))
      assertSameImage(decoded, try Fixture.image("jpeg_\(name).npy"), "jpeg_\(name)")
    }
  }

  func testEXIFOrientationsMatchPillowExifTranspose() throws {
    let stored = try Fixture.image("jpeg_exif1.npy")  // orientation 1: as stored
    for k in 1...8 {
      let data = try Fixture.data("jpeg_exif\(k).jpg")
      XCTAssertEqual(ExifOrientation(jpeg: data)?.rawValue, k, "orientation tag of exif\(k)")
      assertSameImage(
        try JPEGCodec.decode(data), try Fixture.image("jpeg_exif\(k).npy"), "exif\(k) upright")
      assertSameImage(
        try JPEGCodec.decode(data, applyOrientation: false), stored, "exif\(k) as stored")
    }
    let bigEndian = try Fixture.data("jpeg_exif6_bigendian.jpg")
    XCTAssertEqual(ExifOrientation(jpeg: bigEndian), .right)
    assertSameImage(
      try JPEGCodec.decode(bigEndian), try Fixture.image("jpeg_exif6_bigendian.npy"),
      "big-endian EXIF")
    XCTAssertNil(ExifOrientation(jpeg: try Fixture.data("jpeg_baseline.jpg")))
  }

  /// The ImageNet-C jpeg_compression corruption needs Pillow's `save(f, "JPEG", quality=q)`.
  func testEncodeIsByteIdenticalToPillow() throws {
    let source = try PNGCodec.decode(Fixture.data("encode_source.png"))
    for q in Self.qualities {
      let ours = try JPEGCodec.encode(source, quality: q)
      let pillow = try Fixture.data("encode_q\(q).jpg")
      XCTAssertEqual(ours, pillow, "quality \(q): \(ours.count) bytes vs Pillow's \(pillow.count)")
      assertSameImage(
        try JPEGCodec.decode(ours), try JPEGCodec.decode(pillow), "quality \(q) decoded")
    }
  }

  /// The jpeg_compression corruption's qualities (ImageNet-C 20/15/10/7/5, CIFAR-10-C
  /// 80/65/58/50/40) on a 224x224 preprocessed image: byte-identical to Pillow.
  func testCorruptionQualitiesAreByteIdenticalToPillow() throws {
    let source = try PNGCodec.decode(Fixture.data("pre_imagenet_500x375.png"))
    XCTAssertEqual(source.width, 224)
    for q in [5, 7, 10, 15, 20, 40, 50, 58, 65, 80] {
      let ours = try JPEGCodec.encode(source, quality: q)
      let pillow = try Fixture.data("corrupt_q\(q).jpg")
      XCTAssertEqual(ours, pillow, "quality \(q): \(ours.count) bytes vs Pillow's \(pillow.count)")
      assertSameImage(
        try JPEGCodec.decode(ours), try JPEGCodec.decode(pillow), "quality \(q) decoded")
    }
  }

  func testEncodeDecodeOddAndTinySizes() throws {
    for (w, h) in [(1, 1), (3, 17), (16, 16), (17, 9)] {
      let image = RGBImage(
        width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(truncatingIfNeeded: $0 * 11) })
      let decoded = try JPEGCodec.decode(JPEGCodec.encode(image, quality: 100))
      XCTAssertEqual(decoded.width, w)
      XCTAssertEqual(decoded.height, h)
    }
  }

  func testBadQualityThrows() throws {
    let image = RGBImage(width: 4, height: 4)
    for q in [0, 101, -5] {
      XCTAssertThrowsError(try JPEGCodec.encode(image, quality: q)) {
        XCTAssertTrue("\($0)".contains("quality"), "\($0)")
      }
    }
  }

  func testOrientationTransformsAreConsistent() {
    let image = RGBImage(
      width: 3, height: 2, pixels: (0..<18).map { UInt8($0) })
    XCTAssertEqual(image.rotated90().rotated270(), image)
    XCTAssertEqual(image.rotated90().rotated90(), image.rotated180())
    XCTAssertEqual(image.transposed().transposed(), image)
    XCTAssertEqual(image.transversed(), image.transposed().rotated180())
    XCTAssertEqual(image.flippedLeftRight().flippedTopBottom(), image.rotated180())
    XCTAssertEqual(ExifOrientation.up.normalize(image), image)
  }
}

/// EXIF parsing edge cases on hand-built segments.
final class ExifOrientationTests: XCTestCase {
  /// SOI + APP1(Exif, one IFD0 entry) + EOI.
  private func jpeg(littleEndian: Bool, type: UInt16, value: UInt32, count: UInt16 = 1) -> Data {
    func u16(_ v: UInt16) -> [UInt8] {
      littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)]
    }
    func u32(_ v: UInt32) -> [UInt8] {
      littleEndian
        ? [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        : [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
    var tiff: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
    tiff += u16(42) + u32(8) + u16(count)
    let field = type == 3 ? u16(UInt16(value)) + [0, 0] : u32(value)
    tiff += u16(0x0112) + u16(type) + u32(1) + field + u32(0)
    let body = Array("Exif\0\0".utf8) + tiff
    let length = body.count + 2
    return Data([0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body + [0xFF, 0xD9])
  }

  func testShortAndLongTagsInBothByteOrders() {
    for little in [true, false] {
      for value in UInt32(1)...8 {
        XCTAssertEqual(ExifOrientation(jpeg: jpeg(littleEndian: little, type: 3, value: value))?.rawValue, Int(value))
        XCTAssertEqual(ExifOrientation(jpeg: jpeg(littleEndian: little, type: 4, value: value))?.rawValue, Int(value))
      }
    }
  }

  func testInvalidValuesAndMalformedSegmentsAreIgnored() {
    XCTAssertNil(ExifOrientation(jpeg: jpeg(littleEndian: true, type: 3, value: 0)))
    XCTAssertNil(ExifOrientation(jpeg: jpeg(littleEndian: true, type: 3, value: 9)))
    XCTAssertNil(ExifOrientation(jpeg: jpeg(littleEndian: true, type: 2, value: 6)))  // ASCII
    // An IFD claiming more entries than present: entries that are there are still read.
    XCTAssertEqual(ExifOrientation(jpeg: jpeg(littleEndian: true, type: 3, value: 6, count: 40)), .right)
    let good = jpeg(littleEndian: false, type: 3, value: 6)
    for cut in 0..<good.count - 2 {
      _ = ExifOrientation(jpeg: good.prefix(cut))  // must not crash
    }
    XCTAssertNil(ExifOrientation(jpeg: Data([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01])))
  }
}
