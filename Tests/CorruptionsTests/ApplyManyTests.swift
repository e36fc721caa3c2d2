import Corruptions
import Foundation
import XCTest

/// `applyMany` (parallel over jobs) gives exactly what `apply` gives, job by job, for all 19
/// corruptions x 5 severities on one 224x224 image. Their speed is measured by
/// `gradcam bench --suites corruptions`, not here.
final class ApplyManyTests: XCTestCase {
  func testApplyManyMatchesApply() throws {
    let (img, _) = try Fixtures.load("imagenet224")
    let jobs = Corruption.all.flatMap { c in (1...5).map { Corruptions.Job(c, severity: $0, seed: UInt32($0)) } }
    let many = try Corruptions.applyMany(img, jobs)
    XCTAssertEqual(many.count, 95)
    for (j, out) in zip(jobs, many) {
      XCTAssertEqual(out, try Corruptions.apply(img, j.corruption, severity: j.severity, seed: j.seed), "\(j)")
    }
  }
}
