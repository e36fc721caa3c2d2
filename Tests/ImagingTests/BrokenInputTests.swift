import Foundation
import Imaging
import XCTest

/// Broken files must raise `ImageError` with a one-line message, never crash or exit.
final class BrokenInputTests: XCTestCase {
  /// Reads `name` through `ImageFile.read` and returns the error's message.
  private func failure(_ name: String, maxPixels: Int = ImageLimits.defaultMaxPixels,
                       file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let url = try Fixture.url(name)
    do {
      let image = try ImageFile.read(url, maxPixels: maxPixels)
      XCTFail("\(name) decoded as \(image.width)x\(image.height)", file: file, line: line)
      return ""
    } catch let error as ImageError {
      let message = "\(error)"
      XCTAssertFalse(message.contains("\n"), "multi-line message: \(message)", file: file, line: line)
      XCTAssertTrue(message.contains(url.lastPathComponent), "file not named: \(message)",
                    file: file, line: line)
      return message
    }
  }

  func testTruncatedPNG() throws {
    XCTAssertTrue(try failure("broken_truncated.png").contains("truncated"))
    _ = try failure("broken_no_iend.png")
  }

  func testBadCRC() throws {
    XCTAssertTrue(try failure("broken_crc.png").lowercased().contains("crc"))
    XCTAssertTrue(try failure("broken_crc_ancillary.png").lowercased().contains("crc"))
  }

  func testZeroByteFile() throws {
    XCTAssertTrue(try failure("broken_zero.png").contains("zero bytes"))
    XCTAssertThrowsError(try PNGCodec.decode(Data()))
    XCTAssertThrowsError(try JPEGCodec.decode(Data()))
  }

  func testWrongMagic() throws {
    XCTAssertTrue(try failure("broken_magic.png").contains("unknown file signature"))
    _ = try failure("broken_magic.jpg")
    // Direct codec calls on the wrong format.
    let png = try Fixture.data("png_rgb8.png")
    let jpeg = try Fixture.data("jpeg_baseline.jpg")
    XCTAssertThrowsError(try JPEGCodec.decode(png)) { XCTAssertTrue("\($0)".contains("JPEG")) }
    XCTAssertThrowsError(try PNGCodec.decode(jpeg)) { XCTAssertTrue("\($0)".contains("signature")) }
  }

  func testHugeDeclaredSize() throws {
    XCTAssertTrue(try failure("broken_huge.png").contains("exceeds the limit"))  // 20000x20000
    XCTAssertTrue(try failure("broken_huge.jpg").contains("exceeds the limit"))  // 65000x65000
    // The limit is configurable: a 72x48 JPEG is too large for 1000 pixels.
    XCTAssertTrue(try failure("jpeg_baseline.jpg", maxPixels: 1000).contains("exceeds the limit"))
    XCTAssertTrue(try failure("png_rgb8.png", maxPixels: 32 * 24 - 1).contains("exceeds"))
    XCTAssertNoThrow(try ImageFile.read(Fixture.url("png_rgb8.png"), maxPixels: 32 * 24))
  }

  func testProcessWideLimit() throws {
    let saved = ImageLimits.maxPixels
    defer { ImageLimits.maxPixels = saved }
    ImageLimits.maxPixels = 100
    XCTAssertThrowsError(try PNGCodec.decode(Fixture.data("png_rgb8.png")))
    ImageLimits.maxPixels = saved
    XCTAssertNoThrow(try PNGCodec.decode(Fixture.data("png_rgb8.png")))
  }

  func testTruncatedJPEG() throws {
    _ = try failure("broken_truncated.jpg")
    _ = try failure("broken_truncated_progressive.jpg")
    _ = try failure("broken_header_only.jpg")
  }

  func testOtherCorruption() throws {
    _ = try failure("broken_zero_width.png")
    _ = try failure("broken_segment.jpg")
  }

  /// Every prefix of a valid file either decodes or throws; none may crash.
  func testEveryTruncationIsAnErrorNotACrash() throws {
    for name in ["png_rgb8_interlaced.png", "jpeg_progressive.jpg", "jpeg_baseline.jpg"] {
      let data = try Fixture.data(name)
      for length in stride(from: 0, to: data.count, by: max(1, data.count / 97)) {
        let prefix = data.prefix(length)
        XCTAssertThrowsError(
          try name.hasSuffix("png") ? PNGCodec.decode(prefix) : JPEGCodec.decode(prefix),
          "\(name) cut at \(length)")
      }
    }
  }
}
