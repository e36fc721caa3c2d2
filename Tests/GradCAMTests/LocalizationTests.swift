import GradCAM
import XCTest

/// Pointing game and mask energy ratio on hand-made 5x4 maps and masks.
final class LocalizationTests: XCTestCase {
  // A 5-wide, 4-high mask: the 2x2 block at x 3...4, y 1...2.
  let mask: [Bool] = [
    false, false, false, false, false,
    false, false, false, true, true,
    false, false, false, true, true,
    false, false, false, false, false,
  ]

  func map(peakAt x: Int, _ y: Int, value: Float = 9) -> [Float] {
    var m = [Float](repeating: 1, count: 20)
    m[y * 5 + x] = value
    return m
  }

  func testPeakIsTheFirstMaximumInRowMajorOrderAndSkipsNaN() {
    let m: [Float] = [0, 3, .nan, 3, 1, 2]
    XCTAssertEqual(Localization.peak(of: m, width: 3)?.x, 1)
    XCTAssertEqual(Localization.peak(of: m, width: 3)?.y, 0)
    XCTAssertNil(Localization.peak(of: [.nan, .nan], width: 2))
    XCTAssertNil(Localization.peak(of: [], width: 2))
  }

  func testPointingHitInsideAndMissOutsideWithoutTolerance() {
    XCTAssertTrue(Localization.pointingHit(map: map(peakAt: 3, 1), mask: mask, width: 5))
    XCTAssertTrue(Localization.pointingHit(map: map(peakAt: 4, 2), mask: mask, width: 5))
    XCTAssertFalse(Localization.pointingHit(map: map(peakAt: 2, 1), mask: mask, width: 5))
    XCTAssertFalse(Localization.pointingHit(map: map(peakAt: 0, 3), mask: mask, width: 5))
    // Byte masks: nonzero is inside.
    let bytes: [UInt8] = mask.map { $0 ? 255 : 0 }
    XCTAssertTrue(Localization.pointingHit(map: map(peakAt: 3, 2), mask: bytes, width: 5))
    XCTAssertFalse(Localization.pointingHit(map: map(peakAt: 1, 2), mask: bytes, width: 5))
  }

  func testToleranceIsAStrictEuclideanRadiusAsTorchRay() {
    // Peak at (1, 1): the nearest mask pixel (3, 1) is exactly 2 away.
    let m = map(peakAt: 1, 1)
    XCTAssertFalse(Localization.pointingHit(map: m, mask: mask, width: 5, tolerance: 2))  // 4 < 4 is false
    XCTAssertTrue(Localization.pointingHit(map: m, mask: mask, width: 5, tolerance: 2.01))
    // Peak at (1, 3): nearest mask pixel (3, 2) is sqrt(5) ~ 2.236 away.
    XCTAssertFalse(Localization.pointingHit(map: map(peakAt: 1, 3), mask: mask, width: 5, tolerance: 2.2))
    XCTAssertTrue(Localization.pointingHit(map: map(peakAt: 1, 3), mask: mask, width: 5, tolerance: 2.25))
  }

  func testTiesPickTheFirstPeak() {
    // Two equal peaks: (0, 0) outside first, (3, 1) inside second -> a miss.
    var m = [Float](repeating: 0, count: 20)
    m[0] = 5
    m[8] = 5
    XCTAssertFalse(Localization.pointingHit(map: m, mask: mask, width: 5))
    m[0] = 4.999
    XCTAssertTrue(Localization.pointingHit(map: m, mask: mask, width: 5))
  }

  func testDegenerateInputsMiss() {
    XCTAssertFalse(Localization.pointingHit(map: [Float](repeating: .nan, count: 20), mask: mask, width: 5))
    XCTAssertFalse(Localization.pointingHit(map: map(peakAt: 3, 1), mask: [Bool](repeating: false, count: 20), width: 5, tolerance: 10))
  }

  func testEnergyRatioByHand() {
    // Ones everywhere, 9 at one mask pixel: inside 9 + 3 = 12, total 9 + 19 = 28.
    XCTAssertEqual(Localization.energyRatio(map: map(peakAt: 3, 1), mask: mask)!, 12.0 / 28.0, accuracy: 1e-6)
    // A uniform map scores the mask's share of the image.
    let uniform = [Float](repeating: 0.5, count: 20)
    XCTAssertEqual(Localization.energyRatio(map: uniform, mask: mask)!, 0.2, accuracy: 1e-6)
    XCTAssertEqual(Localization.maskFraction(mask), 0.2, accuracy: 1e-6)
    // Everything inside -> 1; everything outside -> 0.
    let inside = mask.map { $0 ? Float(2) : 0 }
    XCTAssertEqual(Localization.energyRatio(map: inside, mask: mask), 1)
    XCTAssertEqual(Localization.energyRatio(map: inside, mask: mask.map { !$0 }), 0)
    // Scale does not matter; byte masks give the same.
    let scaled = map(peakAt: 3, 1).map { $0 * 1000 }
    XCTAssertEqual(Localization.energyRatio(map: scaled, mask: mask.map { $0 ? UInt8(1) : 0 })!, 12.0 / 28.0, accuracy: 1e-6)
  }

  func testEnergyRatioIgnoresNegativeAndNaNAndHasNoValueWithoutMass() {
    var m = [Float](repeating: -3, count: 20)
    m[8] = 1  // inside
    m[0] = 3  // outside
    m[1] = .nan
    XCTAssertEqual(Localization.energyRatio(map: m, mask: mask)!, 0.25, accuracy: 1e-6)
    XCTAssertNil(Localization.energyRatio(map: [Float](repeating: 0, count: 20), mask: mask))
    XCTAssertNil(Localization.energyRatio(map: [Float](repeating: -1, count: 20), mask: mask))
  }
}
