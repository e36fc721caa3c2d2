import Corruptions
import Imaging
import XCTest

/// The CIFAR/Tiny profiles beyond the CIFAR golden hashes (GoldenTests).
final class ProfileTests: XCTestCase {
  /// Tiny-ImageNet-C frost: textures resized ×0.3 by cv2 INTER_LINEAR (the only Tiny-specific
  /// primitive), against a cv2 re-implementation in the fixture generator: exact.
  func testTinyFrostExact() throws {
    let (img, _) = try Fixtures.load("tiny64")
    let ref = try Fixtures.npy("ref_tiny64_frost_tinyprofile.npy")
    let want = [UInt8](ref.payload)
    let ci = Fixtures.names.firstIndex(of: "frost")!
    for s in 1...5 {
      let out = try Corruptions.apply(img, .frost, severity: s, seed: UInt32(1000 + 10 * ci + s), profile: .tiny)
      XCTAssertEqual(out.pixels, Array(want[((s - 1) * 64 * 64 * 3)..<(s * 64 * 64 * 3)]), "severity \(s)")
    }
  }

  /// Every corruption runs in every profile on a 64 px image, keeps the size, is deterministic for a
  /// seed, and (for random ones) changes with the seed.
  func testAllProfilesRunDeterministically() throws {
    let (img, _) = try Fixtures.load("tiny64")
    for p in Profile.allCases {
      for c in Corruption.all {
        let a = try Corruptions.apply(img, c, severity: 3, seed: 5, profile: p)
        let b = try Corruptions.apply(img, c, severity: 3, seed: 5, profile: p)
        XCTAssertEqual(a, b, "\(c) \(p)")
        XCTAssertEqual(a.width, 64)
        XCTAssertNotEqual(a, img, "\(c) \(p) left the image unchanged")
        if c.isRandom && c != .frost {
          XCTAssertNotEqual(a, try Corruptions.apply(img, c, severity: 3, seed: 6, profile: p), "\(c) \(p)")
        }
      }
    }
  }

  /// Larger and non-square images with the CIFAR profile (frost falls back to the rescaled texture).
  func testCIFARProfileOnOtherSizes() throws {
    let (img, _) = try Fixtures.load("imagenet224")
    for c in Corruption.all {
      let out = try Corruptions.apply(img, c, severity: 2, seed: 1, profile: .cifar)
      XCTAssertEqual(out.width, 224, "\(c)")
    }
  }
}
