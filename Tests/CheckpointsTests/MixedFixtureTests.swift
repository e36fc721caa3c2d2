import Checkpoints
import Foundation
import XCTest

/// The synthetic mixed-dtype dict (views, shared storage, 0-d, Parameter, uint16 via v3) in
/// every container must load to exactly the values torch saved.
final class MixedFixtureTests: XCTestCase {
  private func expected() throws -> [String: [String: Any]] {
    try XCTUnwrap(Fixtures.json(Fixtures.good("expected_mixed.json")) as? [String: [String: Any]])
  }

  private func check(_ file: String, format: CheckpointFormat, skipping: Set<String> = []) throws {
    let url = Fixtures.good(file)
    XCTAssertEqual(try Checkpoint.format(of: url), format, file)
    let value = try Checkpoint.load(contentsOf: url)
    let sd = try StateDict(from: value, normalization: .none)
    let exp = try expected().filter { !skipping.contains($0.key) }
    XCTAssertEqual(Set(sd.keys), Set(exp.keys), file)
    for (key, info) in exp {
      let t = try XCTUnwrap(sd[key], "\(file): \(key)")
      XCTAssertEqual(t.dtype.rawValue, info["dtype"] as? String, "\(file): \(key) dtype")
      XCTAssertEqual(t.shape, Fixtures.ints(info["shape"]), "\(file): \(key) shape")
      assertValuesEqual(t.doubles(), Fixtures.numbers(info["values"]), "\(file): \(key)")
      XCTAssertEqual(t.data.count, t.count * t.dtype.byteCount)
    }
  }

  func testZipProtocol2() throws { try check("mixed_zip_p2.pth", format: .torchZip) }
  func testZipProtocol4() throws { try check("mixed_zip_p4.pth", format: .torchZip) }
  func testZipProtocol5() throws { try check("mixed_zip_p5.pth", format: .torchZip) }
  func testZipWithDottedArchivePrefix() throws { try check("weird.name-1.pth.tar", format: .torchZip) }
  func testZipRecompressedWithDeflate() throws { try check("mixed_zip_deflated.pth", format: .torchZip) }
  func testLegacyProtocol2() throws { try check("mixed_legacy_p2.pth", format: .torchLegacy) }
  func testLegacyProtocol4() throws { try check("mixed_legacy_p4.pth", format: .torchLegacy) }
  func testPlainPickle() throws { try check("mixed_plain_p2.pkl", format: .pickle, skipping: ["u16"]) }
  func testSafeTensorsFromPython() throws {
    try check("mixed.safetensors", format: .safeTensors, skipping: ["u16"])
    let file = try SafeTensors.read(contentsOf: Fixtures.good("mixed.safetensors"))
    XCTAssertEqual(file.metadata, ["format": "pt", "note": "fixture"])
  }

  func testViewsAreMaterialisedIndependently() throws {
    let sd = try Checkpoint.loadStateDict(contentsOf: Fixtures.good("mixed_zip_p2.pth"), normalization: .none)
    XCTAssertEqual(sd["shared.view"]?.floats(), [1.0, 1.5, 2.0])
    XCTAssertEqual(sd["shared.strided"]?.floats(), [0.5, 2.0, 3.5])
    XCTAssertEqual(sd["fc.weight_t"]?.shape, [3, 2])
    XCTAssertEqual(sd["fc.weight_t"]?.floats(), [0, 3, 1, 4, 2, 5])
    XCTAssertEqual(sd["bn.num_batches_tracked"]?.shape, [])
    XCTAssertEqual(sd["bn.num_batches_tracked"]?.int64s(), [42])
    XCTAssertEqual(sd["long"]?.int64s(), [-(1 << 40), 0, 7])
    XCTAssertEqual(sd["flag"]?.floats(), [1, 0, 1])
  }

  func testTensorLimitIsConfigurable() throws {
    var options = CheckpointLoadOptions()
    options.limits.maxTensorElements = 8
    XCTAssertThrowsError(try Checkpoint.load(contentsOf: Fixtures.good("mixed_zip_p2.pth"), options: options)) {
      XCTAssertTrue("\($0)".contains("too large"), "\($0)")
    }
  }
}
