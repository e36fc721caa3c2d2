import Corruptions
import Foundation
import XCTest

/// Prints the time of all 19 corruptions × 5 severities on one 224×224 image (compare with
/// imagecorruptions: see the module report). Run in release for meaningful numbers.
final class TimingTests: XCTestCase {
  func testTimeAll224() throws {
    let (img, _) = try Fixtures.load("imagenet224")
    _ = try Corruptions.apply(img, .frost, severity: 1, seed: 0)  // texture decode, outside the timing
    var total = 0.0
    var lines: [String] = []
    for c in Corruption.all {
      let t0 = Date()
      for s in 1...5 { _ = try Corruptions.apply(img, c, severity: s, seed: UInt32(s)) }
      let dt = Date().timeIntervalSince(t0)
      total += dt
      lines.append(String(format: "%@ %.4f", c.name, dt))
    }
    print("TIMING total \(String(format: "%.3f", total)) s\n" + lines.joined(separator: "\n"))
  }
}
