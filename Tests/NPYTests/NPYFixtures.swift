import Foundation
import NPY
import XCTest

/// The `.npy` files written by `Scripts/fixtures/make_npy_fixtures.py` (numpy 2.4.6).
enum NPYFixtures {
  /// The values of every 2x3 fixture, by element type (as in the generator's `VALUES`).
  static let values: [NPYArray.ElementType: [Double]] = [
    .float16: [-2.5, -1, 0, 0.5, 1, 65504],
    .float32: [-2.5, -1, 0, Double(Float(0.1 as Double)), 1, Double(Float(1e30 as Double))],  // numpy rounds the doubles
    .float64: [-2.5, -1, 0, 0.1, 1, 1e300],
    .uint8: [0, 1, 2, 127, 128, 255],
    .int8: [-128, -1, 0, 1, 2, 127],
    .int16: [-32768, -1, 0, 1, 2, 32767],
    .int32: [-2_147_483_648, -1, 0, 1, 2, 2_147_483_647],
    .int64: [-9_007_199_254_740_992, -1, 0, 1, 2, 9_007_199_254_740_992],
    .bool: [1, 0, 1, 1, 0, 0],
  ]

  /// The fixture file name (without `.npy`) of each element type.
  static let names: [NPYArray.ElementType: String] = [
    .float16: "f2", .float32: "f4", .float64: "f8", .uint8: "u1", .int8: "i1", .int16: "i2", .int32: "i4",
    .int64: "i8", .bool: "b1",
  ]

  /// The bytes of fixture `name`; a missing fixture fails the test.
  static func data(_ name: String) throws -> Data {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Fixtures"), "missing fixture \(name).npy")
    return try Data(contentsOf: url)
  }
}
