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

  /// Rank correlation and top-20% IoU on maps with many ties, zeros of both signs and a wide
  /// range of values, against the textbook definitions written here with plain sorts
  /// (the implementation sorts packed integer keys for speed).
  func testRanksAndTopRegionsMatchPlainSorts() {
    var state: UInt64 = 7
    func next() -> Float {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let r = Int(state >> 33) % 50
      return r < 5 ? (r % 2 == 0 ? 0 : -0.0) : Float(r) * (r % 3 == 0 ? 1e-6 : 0.37)
    }
    func ranks(_ v: [Float]) -> [Double] {
      let order = v.indices.sorted { v[$0] != v[$1] ? v[$0] < v[$1] : $0 < $1 }
      var r = [Double](repeating: 0, count: v.count)
      var i = 0
      while i < order.count {
        var j = i
        while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
        for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
        i = j + 1
      }
      return r
    }
    func pearson(_ x: [Double], _ y: [Double]) -> Double {
      let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
      let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
      let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
      return sxy / (sxx * syy).squareRoot()
    }
    func top(_ v: [Float]) -> Set<Int> {
      Set(v.indices.sorted { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }.prefix(Int((Double(v.count) * 0.2).rounded())))
    }
    for _ in 0..<5 {
      let a = (0..<(23 * 17)).map { _ in next() }, b = (0..<(23 * 17)).map { _ in next() }
      let s = AttentionShift(map: a, reference: b, width: 23, height: 17)
      XCTAssertEqual(s.rankCorrelation, pearson(ranks(a), ranks(b)), accuracy: 1e-12)
      let (ta, tb) = (top(a), top(b))
      XCTAssertEqual(s.topIoU, Double(ta.intersection(tb).count) / Double(ta.union(tb).count))
    }
  }

  func testEntropyIsInBits() {
    // p = (1, 1, 2, 4) / 8 has entropy 1.75 bits; the uniform 2x2 map has 2 bits.
    let s = AttentionShift(map: [1, 1, 2, 4], reference: [1, 1, 1, 1], width: 2, height: 2)
    XCTAssertEqual(s.entropyChange, 1.75 - 2, accuracy: 1e-12)
  }
}
