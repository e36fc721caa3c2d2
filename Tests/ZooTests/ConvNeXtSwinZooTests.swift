import Foundation
import Networks
import XCTest
import Zoo

/// The ConvNeXt-T and Swin-T zoo entries against the key layout of torchvision's checkpoints:
/// every floating-point state_dict entry of torchvision 0.29.2's `convnext_tiny()` and `swin_t()`
/// with its shape (Tests/NetworksTests/Fixtures/convnext_swin_keys.json, written by
/// Scripts/fixtures/make_convnext_swin_fixtures.py keys), compared as `Architectures.load`
/// compares a whole-model checkpoint.
final class ConvNeXtSwinZooTests: XCTestCase {
  static func listing(_ entry: String) throws -> [String: [Int]] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("NetworksTests/Fixtures/convnext_swin_keys.json")
    let all = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: [[Any]]], url.path)
    let rows = try XCTUnwrap(all[entry], entry)
    return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as! String, $0[1] as! [Int]) })
  }

  /// Why a checkpoint of these shapes does not fit `architecture` (torchvision layout), or nil.
  static func mismatch(_ architecture: String, _ shapes: [String: [Int]]) throws -> String? {
    let source = WeightSource(.shapesOnly)
    _ = try Architectures.build(architecture, weights: source)
    return Architectures.variantMismatch(architecture, requested: source.requested, shapes: shapes)
  }

  func testEntriesAndTheirCheckpointLayouts() throws {
    for (name, arch, hash, sibling) in [("convnext-tiny", "convnext_tiny", "983f1562", "convnext_small"),
                                        ("swin-t", "swin_t", "704ceda3", "swin_s")] {
      let model = try XCTUnwrap(ZooCatalog.model(named: name), name)
      XCTAssertEqual(model.architecture, arch)
      XCTAssertEqual(model.files.count, 1)
      XCTAssertEqual(model.files[0].url.host, "download.pytorch.org")
      XCTAssertEqual(model.files[0].checksum, .sha256Prefix(hash))
      XCTAssertNil(try Self.mismatch(arch, try Self.listing("\(arch) torchvision")), "\(name) fits torchvision's \(arch)")
      let other = try XCTUnwrap(try Self.mismatch(arch, try Self.listing("\(sibling) torchvision")))
      XCTAssertTrue(other.hasPrefix("not a \(arch) checkpoint (it looks like \(sibling) (torchvision layout))"), other)
    }
  }
}
