import Autodiff
import AutodiffTestSupport
import Checkpoints
import Foundation
import Networks
import XCTest

/// EfficientNet and MobileNet against timm 1.0.31 / torchvision 0.29.2 (torch 2.15.0) on the 8
/// real photos of Fixtures/photos, preprocessed as timm does for `tf_efficientnet_lite0`
/// (Fixtures/photos_input_u8.npy); fixtures from Scripts/fixtures/make_efficientnet_fixtures.py
/// (Fixtures/README.md). Tolerance: logits within 1e-3 relative (logitDifference: against
/// max(|reference|, 1% of the largest)); the bundled Lite0 also has timm's top-1 on every photo.
final class EfficientNetParityTests: XCTestCase {
  /// The photos as timm's float input, `(u8 / 255 - 0.5) / 0.5` in float32, times `scale`.
  static func photoInput(scale: Float = 1) throws -> Tensor {
    let u8 = try loadFixture("photos_input_u8", bundle: .module)
    return Tensor(shape: u8.shape, scalars: u8.doubles.map { (Float($0) / 255 - 0.5) / 0.5 * scale })
  }

  func testBundledLite0MatchesTimmOnRealPhotos() throws {
    let url = try XCTUnwrap(BundledModels.url("efficientnet-lite0"), "bundled efficientnet-lite0 is missing")
    let (model, unused) = try Architectures.load("efficientnet_lite0", weights: url, strict: true)
    XCTAssertEqual(unused, [])
    XCTAssertEqual(model.defaultCAMLayer, "_conv_head")
    let logits = model.logits(try Self.photoInput())
    let expected = try loadFixture("efficientnet_lite0_logits", bundle: .module)
    let difference = logitDifference(logits, expected)
    print("[parity] efficientnet-lite0 (real weights): \(difference)")
    XCTAssertLessThanOrEqual(difference, 1e-3)
    let top1 = try loadFixture("efficientnet_lite0_top1", bundle: .module).doubles.map { Int($0) }
    XCTAssertEqual(argmaxRows(logits), top1)
  }

  func testEfficientNetB0TimmLayoutMatchesTimm() throws {
    try checkFormula("efficientnet_b0", layout: .timm, fixture: "efficientnet_b0_formula_logits")
  }

  func testTFEfficientNetB0LukemelasLayoutMatchesTimm() throws {
    let model = try checkFormula(
      "tf_efficientnet_b0", layout: .lukemelas, fixture: "tf_efficientnet_b0_lukemelas_formula_logits")
    // Its logits depend little on the photo, so also its lukemelas `_blocks.10` (timm blocks.4)
    // output on photo 0: max |difference| / max |reference| <= 1e-3.
    let x = try Self.photoInput(scale: 100).slice(axis: 0, range: 0..<1)
    let context = ForwardContext(taps: ["_blocks.10"])
    _ = withoutGradients { model.forward(x, context: context) }
    let h = try XCTUnwrap(context.captured["_blocks.10"]).detached()
    let expected = try loadFixture("tf_efficientnet_b0_lukemelas_formula_blocks4_photo0", bundle: .module)
    XCTAssertEqual(h.shape, expected.shape)
    let scale = expected.doubles.map(abs).max() ?? 1
    let difference = maxAbsDifference(h, expected) / scale
    print("[parity] tf_efficientnet_b0 _blocks.10: \(difference)")
    XCTAssertLessThanOrEqual(difference, 1e-3)
  }

  func testLite0TimmLayoutMatchesTimm() throws {
    try checkFormula("efficientnet_lite0", layout: .timm, fixture: "tf_efficientnet_lite0_timm_formula_logits")
  }

  func testMobileNetV2MatchesTorchvision() throws {
    try checkFormula(MobileNetV2(weights: WeightFormula.source), fixture: "mobilenet_v2_formula_logits")
  }

  func testMobileNetV3LargeMatchesTorchvision() throws {
    try checkFormula(MobileNetV3("mobilenet_v3_large", weights: WeightFormula.source), fixture: "mobilenet_v3_large_formula_logits")
  }

  func testMobileNetV3SmallMatchesTorchvision() throws {
    try checkFormula(MobileNetV3("mobilenet_v3_small", weights: WeightFormula.source), fixture: "mobilenet_v3_small_formula_logits")
  }

  @discardableResult
  private func checkFormula(_ name: String, layout: EfficientNetLayout, fixture: String) throws -> EfficientNet {
    let model = try EfficientNet(name, layout: layout, weights: WeightFormula.source)
    try checkFormula(model, fixture: fixture)
    return model
  }

  private func checkFormula(_ model: ImageClassifier, fixture: String) throws {
    let logits = model.logits(try Self.photoInput(scale: 100))
    let expected = try loadFixture(fixture, bundle: .module)
    XCTAssertEqual(logits.shape, expected.shape)
    let difference = logitDifference(logits, expected)
    print("[parity] \(fixture): \(difference)")
    XCTAssertLessThanOrEqual(difference, 1e-3, fixture)
  }
}

/// The index of the largest value of each row of `[N, C]`.
func argmaxRows(_ t: Tensor) -> [Int] {
  let c = t.shape[1], v = t.doubles
  return (0..<t.shape[0]).map { r in (0..<c).max { v[r * c + $0] < v[r * c + $1] }! }
}

/// The key layouts and architecture names of the EfficientNet family.
final class EfficientNetStructureTests: XCTestCase {
  func testKeyNamesOfBothLayouts() throws {
    let luke = try EfficientNet("tf_efficientnet_b0", layout: .lukemelas, weights: WeightSource(.shapesOnly))
    let names = Set(luke.parameters.names)
    for key in ["_conv_stem.weight", "_bn0.running_var", "_blocks.0._depthwise_conv.weight", "_blocks.0._se_reduce.bias",
                "_blocks.1._expand_conv.weight", "_blocks.15._bn2.weight", "_conv_head.weight", "_bn1.bias", "_fc.weight"] {
      XCTAssertTrue(names.contains(key), key)
    }
    XCTAssertFalse(names.contains("_blocks.0._expand_conv.weight"))
    let timm = try EfficientNet("efficientnet_b0", layout: .timm, weights: WeightSource(.shapesOnly))
    let timmNames = Set(timm.parameters.names)
    for key in ["conv_stem.weight", "bn1.weight", "blocks.0.0.conv_dw.weight", "blocks.0.0.conv_pw.weight", "blocks.0.0.bn2.bias",
                "blocks.1.0.conv_pwl.weight", "blocks.1.0.se.conv_expand.bias", "blocks.6.0.bn3.running_mean",
                "conv_head.weight", "bn2.weight", "classifier.weight"] {
      XCTAssertTrue(timmNames.contains(key), key)
    }
    XCTAssertTrue(timm.modulePaths.contains("blocks.6"))
    XCTAssertEqual(names.count, timmNames.count)
  }
}

/// A checkpoint of another EfficientNet variant than the architecture asked for: one error naming
/// the first differing layer with the expected and found shapes.
final class EfficientNetVariantMismatchTests: XCTestCase {
  func testLite0CheckpointForOtherVariants() throws {
    let url = try XCTUnwrap(BundledModels.url("efficientnet-lite0"))
    // Lite1 has three blocks in stage 1 where Lite0 has two: block 3 is a 3x3, not a 5x5.
    XCTAssertThrowsError(try Architectures.load("efficientnet_lite1", weights: url)) { error in
      XCTAssertEqual("\(error)", "efficientnet-lite0.safetensors: not a efficientnet_lite1 checkpoint: first differing layer "
        + "'_blocks.3._depthwise_conv': efficientnet_lite1 needs '_blocks.3._depthwise_conv.weight' of shape [144, 1, 3, 3], "
        + "the checkpoint has shape [144, 1, 5, 5]")
    }
    // B0 has squeeze-excitation, which Lite0 lacks.
    XCTAssertThrowsError(try Architectures.load("tf_efficientnet_b0", weights: url)) { error in
      XCTAssertEqual("\(error)", "efficientnet-lite0.safetensors: not a tf_efficientnet_b0 checkpoint: first differing layer "
        + "'_blocks.0._se_reduce': tf_efficientnet_b0 needs '_blocks.0._se_reduce.weight' of shape [8, 32, 1, 1], "
        + "the checkpoint has no such weight")
    }
  }

  /// Other pairs, each from a checkpoint file holding exactly the names and shapes one variant
  /// needs (zeros): a timm-layout B0 for B1 (B1's stage 0 has a second block), a lukemelas B0 for
  /// B1 (its `_blocks.1` is B0's first expanding block), and MobileNetV3-Large for -Small (whose
  /// first block has squeeze-excitation).
  func testOtherVariantPairs() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("variant-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func checkpoint(_ name: String, _ build: (WeightSource) throws -> Any) throws -> URL {
      let source = WeightSource(.shapesOnly)
      _ = try build(source)
      let url = dir.appendingPathComponent("\(name).safetensors")
      try SafeTensors.write(
        source.requested.map { ($0.name, CheckpointTensor(shape: $0.shape, floats: [Float](repeating: 0, count: $0.shape.reduce(1, *)))) },
        to: url)
      return url
    }
    let b0 = try checkpoint("b0-timm") { try EfficientNet("efficientnet_b0", layout: .timm, weights: $0) }
    XCTAssertThrowsError(try Architectures.load("efficientnet_b1", weights: b0)) { error in
      XCTAssertEqual("\(error)", "b0-timm.safetensors: not a efficientnet_b1 checkpoint: first differing layer "
        + "'blocks.0.1.conv_dw': efficientnet_b1 needs 'blocks.0.1.conv_dw.weight' of shape [16, 1, 3, 3], the checkpoint has no such weight")
    }
    let b0Luke = try checkpoint("b0-lukemelas") { try EfficientNet("efficientnet_b0", layout: .lukemelas, weights: $0) }
    XCTAssertThrowsError(try Architectures.load("efficientnet_b1", weights: b0Luke)) { error in
      XCTAssertEqual("\(error)", "b0-lukemelas.safetensors: not a efficientnet_b1 checkpoint: first differing layer "
        + "'_blocks.1._depthwise_conv': efficientnet_b1 needs '_blocks.1._depthwise_conv.weight' of shape [16, 1, 3, 3], "
        + "the checkpoint has shape [96, 1, 3, 3]")
    }
    let large = try checkpoint("v3-large") { try MobileNetV3("mobilenet_v3_large", weights: $0) }
    XCTAssertThrowsError(try Architectures.load("mobilenet_v3_small", weights: large)) { error in
      XCTAssertEqual("\(error)", "v3-large.safetensors: not a mobilenet_v3_small checkpoint: first differing layer "
        + "'features.1.block.1.fc1': mobilenet_v3_small needs 'features.1.block.1.fc1.weight' of shape [8, 16, 1, 1], "
        + "the checkpoint has no such weight")
    }
  }
}
