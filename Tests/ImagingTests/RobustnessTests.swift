import Foundation
import Imaging
import XCTest

/// Corrupted and concurrent use: decoders may succeed or throw `ImageError`, never crash.
final class RobustnessTests: XCTestCase {
  /// Deterministic xorshift generator so failures are reproducible.
  private struct XorShift: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
  }

  func testRandomByteCorruptionNeverCrashes() throws {
    var rng = XorShift(state: 0x9E37_79B9_7F4A_7C15)
    let files = [
      "png_rgb8.png", "png_palette4_trns.png", "png_rgb8_interlaced.png", "png_rgba16.png",
      "jpeg_baseline.jpg", "jpeg_progressive.jpg", "jpeg_cmyk.jpg", "jpeg_exif6.jpg",
    ]
    // IMAGING_FUZZ_ITERATIONS raises the number of corrupted copies per file (default 150).
    let iterations = ProcessInfo.processInfo.environment["IMAGING_FUZZ_ITERATIONS"]
      .flatMap(Int.init) ?? 150
    var decoded = 0, failed = 0
    for name in files {
      let original = [UInt8](try Fixture.data(name))
      for _ in 0..<iterations {
        var bytes = original
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
          // Keep the signature so the real decoder, not the magic check, meets the damage.
          let at = Int.random(in: 8..<bytes.count, using: &rng)
          bytes[at] = UInt8.random(in: 0...255, using: &rng)
        }
        do {
          let image = try name.hasSuffix(".png")
            ? PNGCodec.decode(Data(bytes)) : JPEGCodec.decode(Data(bytes))
          XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
          decoded += 1
        } catch is ImageError {
          failed += 1
        }
      }
    }
    XCTAssertEqual(decoded + failed, files.count * iterations)
    XCTAssertGreaterThan(failed, 0)
  }

  func testConcurrentDecodeEncodeAndResize() throws {
    let png = try Fixture.data("png_rgb8.png")
    let jpeg = try Fixture.data("jpeg_progressive.jpg")
    let expectedPNG = try PNGCodec.decode(png)
    let expectedJPEG = try JPEGCodec.decode(jpeg)
    let expectedCrop = Preprocessing.imagenet.pixels(expectedJPEG)
    let lock = NSLock()
    var problems = [String]()
    DispatchQueue.concurrentPerform(iterations: 64) { i in
      do {
        switch i % 3 {
        case 0:
          if try PNGCodec.decode(png) != expectedPNG { throw ImageError.invalid("png \(i)") }
        case 1:
          let image = try JPEGCodec.decode(jpeg)
          _ = try JPEGCodec.encode(image, quality: 10 + i)
          if image != expectedJPEG { throw ImageError.invalid("jpeg \(i)") }
        default:
          if Preprocessing.imagenet.pixels(expectedJPEG) != expectedCrop {
            throw ImageError.invalid("resize \(i)")
          }
          _ = try? PNGCodec.decode(Data(png.prefix(100)))
        }
      } catch {
        lock.lock()
        problems.append("\(error)")
        lock.unlock()
      }
    }
    XCTAssertEqual(problems, [])
  }
}
