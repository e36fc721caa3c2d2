import Corruptions
import XCTest

/// Each corruption against imagecorruptions 1.1.2 (seeded, ImageNet table) on 2 CIFAR images (32 px),
/// a 64 px and a 224 px composite, severities 1-5. Thresholds are the achieved agreement.
final class ParityTests: XCTestCase {
  func assertExact(_ c: Corruption) throws {
    let a = try measureAgreement(c)
    XCTAssertEqual(a.maxAbs, 0, "\(c): \(a)")
  }

  func assertClose(_ c: Corruption, maxAbs: Int, mean: Double, differing: Double) throws {
    let a = try measureAgreement(c)
    XCTAssertLessThanOrEqual(a.maxAbs, maxAbs, "\(c): \(a)")
    XCTAssertLessThanOrEqual(a.mean, mean, "\(c): \(a)")
    XCTAssertLessThanOrEqual(a.mismatchFraction, differing, "\(c): \(a)")
  }

  func testGaussianNoise() throws { try assertExact(.gaussianNoise) }
  func testShotNoise() throws { try assertExact(.shotNoise) }
  func testImpulseNoise() throws { try assertExact(.impulseNoise) }
  func testSpeckleNoise() throws { try assertExact(.speckleNoise) }
  func testGaussianBlur() throws { try assertExact(.gaussianBlur) }
  func testGlassBlur() throws { try assertExact(.glassBlur) }
  func testDefocusBlur() throws { try assertExact(.defocusBlur) }
  func testMotionBlur() throws { try assertClose(.motionBlur, maxAbs: 1, mean: 0.001, differing: 0.0005) }
  func testZoomBlur() throws { try assertExact(.zoomBlur) }
  func testSnow() throws { try assertExact(.snow) }
  func testFog() throws { try assertExact(.fog) }
  func testBrightness() throws { try assertExact(.brightness) }
  func testContrast() throws { try assertExact(.contrast) }
  func testElastic() throws { try assertExact(.elasticTransform) }
  func testPixelate() throws { try assertExact(.pixelate) }
  func testSaturate() throws { try assertExact(.saturate) }
}

extension ParityTests {
  func testFrost() throws { try assertExact(.frost) }
  func testSpatter() throws { try assertExact(.spatter) }
  func testJPEG() throws { try assertExact(.jpegCompression) }
}
