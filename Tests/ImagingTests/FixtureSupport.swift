import Checksums
import Foundation
import Imaging
import NPY
import TestFixtures
import XCTest

/// Fixture access and comparison helpers. Fixtures come from
/// Scripts/fixtures/make_imaging_fixtures.py (Pillow 13.0.0 with libjpeg-turbo 3.2.0,
/// torchvision 0.29.2, torch 2.15.0; see Fixtures/versions.json).
enum Fixture {
  static func url(_ name: String) throws -> URL {
    let ext = (name as NSString).pathExtension
    let base = (name as NSString).deletingPathExtension
    guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures")
    else { throw FixtureMissing(description: "missing fixture \(name); run Scripts/fixtures/make_imaging_fixtures.py") }
    return url
  }

  static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

  static func npy(_ name: String) throws -> NPYArray { try NPYArray(contentsOf: url(name)) }

  /// An expected HWC uint8 image stored as .npy.
  static func image(_ name: String) throws -> RGBImage {
    let array = try npy(name)
    XCTAssertEqual(array.elementType, .uint8, name)
    XCTAssertEqual(array.shape.count, 3, name)
    return RGBImage(width: array.shape[1], height: array.shape[0], pixels: [UInt8](array.payload))
  }

  /// The committed CIFAR-10 test PNGs (Tests/Fixtures/cifar10-test).
  static func cifarDirectory() throws -> URL { SharedFixtures.cifar10Test }
}

/// A fixture missing from the test bundle: the test fails (it never skips).
struct FixtureMissing: Error, CustomStringConvertible {
  let description: String
}

/// Largest absolute difference between two byte arrays of equal length (Int.max if lengths differ).
func maxAbsDiff(_ a: [UInt8], _ b: [UInt8]) -> Int {
  guard a.count == b.count else { return Int.max }
  var worst = 0
  for i in 0..<a.count { worst = max(worst, abs(Int(a[i]) - Int(b[i]))) }
  return worst
}

/// Largest absolute difference between two float arrays of equal length (.infinity if not).
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
  guard a.count == b.count else { return .infinity }
  var worst: Float = 0
  for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i])) }
  return worst
}

/// Asserts two images are identical; on failure reports sizes and the max abs pixel difference.
func assertSameImage(
  _ actual: RGBImage, _ expected: RGBImage, _ what: String, file: StaticString = #filePath,
  line: UInt = #line
) {
  XCTAssertEqual(actual.width, expected.width, "\(what): width", file: file, line: line)
  XCTAssertEqual(actual.height, expected.height, "\(what): height", file: file, line: line)
  if actual.width == expected.width && actual.height == expected.height {
    let diff = maxAbsDiff(actual.pixels, expected.pixels)
    XCTAssertEqual(diff, 0, "\(what): max abs pixel difference \(diff)", file: file, line: line)
  }
}
