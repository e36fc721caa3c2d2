import Corruptions
import Foundation
import XCTest

/// Prints the time of all 19 corruptions × 5 severities on one 224×224 image: the first (cold) pass,
/// which includes decoding and resizing frost textures, and the best of 3 further passes. Compare
/// with imagecorruptions on the same machine (module report). Run in release for meaningful numbers.
final class TimingTests: XCTestCase {
  func testTimeAll224() throws {
    let (img, _) = try Fixtures.load("imagenet224")
    var best = [Double](repeating: .infinity, count: Corruption.all.count)
    var cold = 0.0
    var coldPer = [Double](repeating: 0, count: Corruption.all.count)
    for pass in 0..<4 {
      for (k, c) in Corruption.all.enumerated() {
        let t0 = Date()
        for s in 1...5 { _ = try Corruptions.apply(img, c, severity: s, seed: UInt32(s)) }
        let dt = Date().timeIntervalSince(t0)
        if pass == 0 {
          cold += dt
          coldPer[k] = dt
        } else {
          best[k] = min(best[k], dt)
        }
      }
    }
    let lines = Corruption.all.indices.map {
      String(format: "%@ cold %.4f warm %.4f", Corruption.all[$0].name, coldPer[$0], best[$0])
    }
    print(
      String(format: "TIMING cold %.3f s, warm (best of 3) %.3f s\n", cold, best.reduce(0, +))
        + lines.joined(separator: "\n"))
  }

  /// The same 95 outputs through `applyMany` (parallel over jobs); checks equality with `apply`.
  func testApplyManyMatchesAndTimes() throws {
    let (img, _) = try Fixtures.load("imagenet224")
    let jobs = Corruption.all.flatMap { c in (1...5).map { Corruptions.Job(c, severity: $0, seed: UInt32($0)) } }
    _ = try Corruptions.applyMany(img, jobs)
    let t0 = Date()
    let many = try Corruptions.applyMany(img, jobs)
    print(String(format: "TIMING applyMany 95 outputs %.3f s", Date().timeIntervalSince(t0)))
    for (j, out) in zip(jobs, many) {
      XCTAssertEqual(out, try Corruptions.apply(img, j.corruption, severity: j.severity, seed: j.seed), "\(j)")
    }
  }
}
