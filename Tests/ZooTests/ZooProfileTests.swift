import Networks
import XCTest
import Zoo

/// Every zoo and bundled model is fed with the evaluation transform of its weights' publisher
/// (the profiles themselves are checked against those transforms in ImagingTests'
/// FamilyProfileTests), and `gradcam models` shows it.
final class ZooProfileTests: XCTestCase {
  func testEachModelsProfileIsItsPublishersTransform() throws {
    let expected: [String: String] = [
      "dinov2-vits14": "dinov2", "dinov2-vits14-reg": "dinov2", "dinov2-vitb14": "dinov2", "dinov2-vitb14-reg": "dinov2",
      "deit-s": "deit", "deit-s-distilled": "deit", "convnext-tiny": "convnext_tiny", "swin-t": "swin_t",
      "efficientnet-lite0": "inception", "cifar10-resnet56": "cifar", "cifar10-resnet20": "cifar",
      "demo-vit": "demo", "demo-cnn": "demo",
    ]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-profiles-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = ModelTable.rows(cache: ModelCache(directory: dir))
    XCTAssertEqual(Set(rows.map(\.name)), Set(Zoo.names))
    for row in rows {
      XCTAssertEqual(row.profile, expected[row.name] ?? "imagenet", row.name)
    }
    let text = ModelTable.render(cache: ModelCache(directory: dir))
    XCTAssertTrue(text.contains(" PROFILE "), text)
    let swin = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("swin-t ") })
    XCTAssertTrue(swin.contains(" swin_t  "), String(swin))
  }

  /// ``Architectures/profile(of:)`` is the profile of the model ``Architectures/build`` makes.
  func testProfileLookupEqualsTheBuiltModels() throws {
    for name in [
      "resnet18", "cifar_resnet20", "demo_cnn", "vit_demo", "mobilenet_v3_small", "efficientnet_lite0", "efficientnet_b0",
      "convnext_tiny", "swin_t", "deit_tiny_patch16_224", "deit_tiny_distilled_patch16_224", "vit_small_patch14_reg4_dinov2",
      "vit_small_patch16",
    ] {
      let model = try Architectures.build(name, weights: WeightSource(.shapesOnly))
      XCTAssertEqual(Architectures.profile(of: name), model.input.profile, name)
    }
    XCTAssertNil(Architectures.profile(of: "convnext_huge"))
  }
}
