import GradCAM
import XCTest

/// Attention-shift numbers against hand-checked values (Spearman reference: scipy 1.17.1
/// `spearmanr`, average ranks for ties).
final class AttentionShiftTests: XCTestCase {
  func testIdenticalMapsDoNotShift() {
    let m: [Float] = (0..<64).map { Float(($0 * 37) % 11) }
    let s = AttentionShift(map: m, reference: m, width: 8, height: 8)
    XCTAssertEqual(s.rankCorrelation, 1, accuracy: 1e-12)
    XCTAssertEqual(s.topIoU, 1)
    XCTAssertEqual(s.centerShift, 0)
    XCTAssertEqual(s.entropyChange, 0)
  }

  func testSpearmanWithTiesMatchesScipy() {
    let a: [Float] = [0.1, 0.5, 0.5, 0.9, 0.0, 0.3]
    let b: [Float] = [0.2, 0.4, 0.6, 0.8, 0.1, 0.1]
    let s = AttentionShift(map: a, reference: b, width: 3, height: 2)
    XCTAssertEqual(s.rankCorrelation, 0.8823529411764706, accuracy: 1e-12)
  }

  func testMovedBlobShiftsTheCentreAndKeepsEntropy() {
    func blob(_ cx: Int, _ cy: Int) -> [Float] {
      (0..<100).map { i in (abs(i % 10 - cx) <= 1 && abs(i / 10 - cy) <= 1) ? 1 : 0 }
    }
    let s = AttentionShift(map: blob(6, 6), reference: blob(3, 2), width: 10, height: 10, scale: 2)
    XCTAssertEqual(s.centerShift, 2 * 5, accuracy: 1e-12)  // (3, 4) map pixels, 2 display pixels each
    XCTAssertEqual(s.entropyChange, 0, accuracy: 1e-12)
    XCTAssertLessThan(s.topIoU, 1)
  }

  func testEntropyIsInBits() {
    // p = (1, 1, 2, 4) / 8 has entropy 1.75 bits; the uniform 2x2 map has 2 bits.
    let s = AttentionShift(map: [1, 1, 2, 4], reference: [1, 1, 1, 1], width: 2, height: 2)
    XCTAssertEqual(s.entropyChange, 1.75 - 2, accuracy: 1e-12)
  }
}
