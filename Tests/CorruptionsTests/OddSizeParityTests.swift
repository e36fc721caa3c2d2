import Corruptions
import XCTest

/// Every corruption against imagecorruptions 1.1.2 on a 173x115 image (no ImageNet/CIFAR/Tiny side),
/// severities 3 and 5, with the seeds of ``ParityTests`` (fixture:
/// Scripts/fixtures/make_oddsize_corruption_fixtures.py). Exact, as on the standard sizes, except
/// motion blur with the tolerance ``ParityTests`` states for it. Pixelate at severity 3 upscales
/// 69x46 to 173x115, where Pillow's NEAREST picks source rows by accumulated steps.
final class OddSizeParityTests: XCTestCase {
  private func agreement(_ c: Corruption) throws -> Agreement { try measureAgreement(c, images: Fixtures.oddSizeImages) }

  func testEveryCorruptionButMotionBlurIsExact() throws {
    for c in Corruption.all where c != .motionBlur {
      let a = try agreement(c)
      XCTAssertEqual(a.maxAbs, 0, "\(c) at 173x115: \(a)")
    }
  }

  func testMotionBlur() throws {
    let a = try agreement(.motionBlur)
    XCTAssertLessThanOrEqual(a.maxAbs, 1, "\(a)")
    XCTAssertLessThanOrEqual(a.mean, 0.001, "\(a)")
    XCTAssertLessThanOrEqual(a.mismatchFraction, 0.0005, "\(a)")
  }

}
