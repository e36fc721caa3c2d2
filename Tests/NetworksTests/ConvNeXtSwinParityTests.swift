import Autodiff
import AutodiffTestSupport
import Foundation
import Networks
import Checkpoints
import XCTest

/// ConvNeXt and Swin Transformer against torchvision 0.29.2 and timm 1.0.31 (torch 2.15.0): small
/// configurations of the real classes (ConvNeXt depths [1, 1, 2, 1], widths [16, 32, 64, 128];
/// Swin width 16, depths [2, 2, 2, 2], heads [1, 2, 4, 8], window 7) with WeightFormula weights,
/// on the 8 real photos of Fixtures/photos (Fixtures/photos_input_u8.npy as (u8 / 255 - 0.5) / 0.5)
/// at 224, and at a second size: the centre 160x160 (torchvision and timm ConvNeXt, torchvision
/// Swin: windows padded at every stage) or photos 0 and 4 with every pixel repeated 2x2 (448,
/// timm Swin). Fixtures from Scripts/fixtures/make_convnext_swin_fixtures.py logits. Tolerance:
/// logits within 1e-3 relative (logitDifference).
final class ConvNeXtSwinParityTests: XCTestCase {
  static let convnext = ConvNeXtConfig(depths: [1, 1, 2, 1], dims: [16, 32, 64, 128])
  static let swin = SwinConfig(embedDim: 16, depths: [2, 2, 2, 2], heads: [1, 2, 4, 8])

  static func centre160(_ x: Tensor) -> Tensor {
    x.slice(axis: 2, range: 32..<192).slice(axis: 3, range: 32..<192)
  }

  /// Photos 0 and 4 with every pixel repeated 2x2.
  static func doubled(_ x: Tensor) -> Tensor {
    let picked = x.selecting(indices: [0, 4], axis: 0)
    let (n, c, h, w) = (picked.shape[0], picked.shape[1], picked.shape[2], picked.shape[3])
    return picked.reshaped([n, c, h, 1, w, 1]).broadcast(to: [n, c, h, 2, w, 2]).reshaped([n, c, 2 * h, 2 * w])
  }

  func testConvNeXtTorchvisionLayout() throws {
    let model = try ConvNeXt("convnext_test", config: Self.convnext, layout: .torchvision, weights: WeightFormula.source)
    XCTAssertEqual(model.defaultCAMLayer, "features.7")
    let x = try EfficientNetParityTests.photoInput()
    try check(model, x, "convnext_tv_small_formula_logits_224")
    try check(model, Self.centre160(x), "convnext_tv_small_formula_logits_160")
  }

  func testConvNeXtTimmLayout() throws {
    let model = try ConvNeXt("convnext_test", config: Self.convnext, layout: .timm, weights: WeightFormula.source)
    XCTAssertEqual(model.defaultCAMLayer, "stages.3")
    let x = try EfficientNetParityTests.photoInput()
    try check(model, x, "convnext_timm_small_formula_logits_224")
    try check(model, Self.centre160(x), "convnext_timm_small_formula_logits_160")
  }

  func testSwinTorchvisionLayout() throws {
    let model = try SwinTransformer("swin_test", config: Self.swin, layout: .torchvision, weights: WeightFormula.source)
    let x = try EfficientNetParityTests.photoInput()
    try check(model, x, "swin_tv_small_formula_logits_224")
    try check(model, Self.centre160(x), "swin_tv_small_formula_logits_160")
  }

  func testSwinTimmLayout() throws {
    let model = try SwinTransformer("swin_test", config: Self.swin, layout: .timm, weights: WeightFormula.source)
    let x = try EfficientNetParityTests.photoInput()
    try check(model, x, "swin_timm_small_formula_logits_224")
    try check(model, Self.doubled(x), "swin_timm_small_formula_logits_448")
  }

  private func check(_ model: ImageClassifier, _ x: Tensor, _ fixture: String) throws {
    let logits = model.logits(x)
    let expected = try loadFixture(fixture, bundle: .module)
    XCTAssertEqual(logits.shape, expected.shape, fixture)
    let difference = logitDifference(logits, expected)
    print("[parity] \(fixture): \(difference)")
    XCTAssertLessThanOrEqual(difference, 1e-3, fixture)
    XCTAssertEqual(argmaxRows(logits), argmaxRows(expected), fixture)
  }
}

/// The real ConvNeXt-T/S/B and Swin-T/S/B in both key layouts: every floating-point state_dict
/// entry of torchvision 0.29.2's and timm 1.0.31's models with its shape
/// (Fixtures/convnext_swin_keys.json, Scripts/fixtures/make_convnext_swin_fixtures.py keys).
final class ConvNeXtSwinStructureTests: XCTestCase {
  func testKeysAndShapesOfRealSizes() throws {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "convnext_swin_keys", withExtension: "json", subdirectory: "Fixtures"),
                            "Fixtures/convnext_swin_keys.json is missing")
    let listing = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: [[Any]]])
    XCTAssertEqual(listing.count, 12)
    for (entry, rows) in listing.sorted(by: { $0.key < $1.key }) {
      let parts = entry.split(separator: " ").map(String.init)
      let (name, layout) = (parts[0], parts[1])
      let model: ImageClassifier
      if name.hasPrefix("convnext") {
        model = try ConvNeXt(name, layout: layout == "timm" ? .timm : .torchvision, weights: WeightSource(.shapesOnly))
      } else {
        model = try SwinTransformer(name, layout: layout == "timm" ? .timm : .torchvision, weights: WeightSource(.shapesOnly))
      }
      // PyTorch lists a module's own parameters before its children's; the set of keys and
      // their shapes is what loading needs.
      let expected = Set(rows.map { "\($0[0] as! String) \(($0[1] as! [Int]))" })
      let actual = Set(model.parameters.names.map { "\($0) \(model.parameters[$0].shape)" })
      XCTAssertEqual(model.parameters.names.count, rows.count, entry)
      XCTAssertEqual(actual.subtracting(expected).sorted(), [], "\(entry): keys PyTorch does not have")
      XCTAssertEqual(expected.subtracting(actual).sorted(), [], "\(entry): keys missing")
    }
  }

  func testModulePathsAsPyTorchNamesThem() throws {
    let tv = try ConvNeXt("convnext_tiny", layout: .torchvision, weights: WeightSource(.shapesOnly))
    for path in ["features.0.0", "features.0.1", "features.1.0.block.0", "features.1.0.block.2", "features.2.1", "features.7",
                 "avgpool", "classifier.0", "classifier.2"] {
      XCTAssertTrue(tv.modulePaths.contains(path), path)
    }
    let timm = try ConvNeXt("convnext_tiny", layout: .timm, weights: WeightSource(.shapesOnly))
    for path in ["stem.0", "stages.0.blocks.0.conv_dw", "stages.1.downsample.1", "stages.3.blocks.2.mlp.fc2", "stages.3",
                 "head.norm", "head.fc"] {
      XCTAssertTrue(timm.modulePaths.contains(path), path)
    }
    let swin = try SwinTransformer("swin_t", layout: .torchvision, weights: WeightSource(.shapesOnly))
    for path in ["features.0.2", "features.1.1.attn", "features.2", "features.5.5.mlp.3", "features.7", "norm", "head"] {
      XCTAssertTrue(swin.modulePaths.contains(path), path)
    }
    XCTAssertEqual(swin.defaultCAMLayer, "norm")
    let shapes = Dictionary(uniqueKeysWithValues: swin.layerShapes().compactMap { p, s in s.map { (p, $0) } })
    XCTAssertEqual(shapes["norm"], [1, 7, 7, 768])
    XCTAssertEqual(shapes["features.2"], [1, 28, 28, 192])
    XCTAssertEqual(shapes["permute"], [1, 768, 7, 7])
    XCTAssertTrue(swin.outputsChannelsLast("norm"))
    XCTAssertFalse(swin.outputsChannelsLast("permute"))
  }

  /// timm-layout ConvNeXt-T and Swin-T checkpoint files load by `--arch` name: their `head.fc` is
  /// the model's own layer, not mmcls's head that the standard key normalisation renames to `fc`.
  /// Weights are zeros except the head's bias, whose values must land in `head.fc.bias`.
  func testTimmCheckpointFilesWithHeadFCLoad() throws {
    let models: [(String, ImageClassifier)] = [
      ("convnext_tiny", try ConvNeXt("convnext_tiny", layout: .timm, weights: WeightSource(.shapesOnly))),
      ("swin_t", try SwinTransformer("swin_t", layout: .timm, weights: WeightSource(.shapesOnly))),
    ]
    for (name, shapes) in models {
      let url = FileManager.default.temporaryDirectory.appendingPathComponent("timm-\(name)-\(UUID().uuidString).safetensors")
      defer { try? FileManager.default.removeItem(at: url) }
      let bias = (0..<1000).map { Float($0) / 1000 }
      let tensors = shapes.parameters.names.map { key -> (String, CheckpointTensor) in
        let shape = shapes.parameters[key].shape
        return (key, CheckpointTensor(shape: shape, floats: key == "head.fc.bias" ? bias : [Float](repeating: 0, count: shape.reduce(1, *))))
      }
      try SafeTensors.write(tensors, to: url)
      let (model, unused) = try Architectures.load(name, weights: url, strict: true)
      XCTAssertEqual(unused, [], name)
      XCTAssertEqual(model.parameters["head.fc.bias"].scalars, bias, name)
    }
  }

  /// A ViT checkpoint given for ConvNeXt-T is named as the ViT it looks like, not only by its
  /// first differing layer.
  func testViTCheckpointGivenAsConvNeXtIsNamed() throws {
    let vit = try VisionTransformer("vit_small_patch16", config: .named("vit_small_patch16")!, weights: WeightSource(.shapesOnly))
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vit-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try SafeTensors.write(vit.parameters.names.map { key in
      let shape = vit.parameters[key].shape
      return (key, CheckpointTensor(shape: shape, floats: [Float](repeating: 0, count: shape.reduce(1, *))))
    }, to: url)
    XCTAssertThrowsError(try Architectures.load("convnext_tiny", weights: url)) { error in
      XCTAssertTrue("\(error)".hasPrefix("\(url.lastPathComponent): not a convnext_tiny checkpoint: it looks like vit_small_patch16"), "\(error)")
    }
  }
}

/// A checkpoint of another ConvNeXt or Swin size or family than asked for: one error naming what
/// the checkpoint looks like (from its keys and shapes) and the first differing layer. Real sizes
/// are checked on their key/shape listings (the whole-model comparison `Architectures.load` runs),
/// small configurations end to end through a safetensors file.
final class ConvNeXtSwinMismatchTests: XCTestCase {
  private static func shapes(_ model: Network) -> [String: [Int]] {
    Dictionary(uniqueKeysWithValues: model.parameters.names.map { ($0, model.parameters[$0].shape) })
  }

  /// What `Architectures.load` says when `checkpoint`'s weights are given for `arch`.
  private func message(_ arch: String, _ requested: (WeightSource) throws -> Network, _ checkpoint: Network) throws -> String? {
    let source = WeightSource(.shapesOnly)
    _ = try requested(source)
    return Architectures.variantMismatch(arch, requested: source.requested, shapes: Self.shapes(checkpoint))
  }

  func testConvNeXtSmallGivenAsTiny() throws {
    let small = try ConvNeXt("convnext_small", layout: .torchvision, weights: WeightSource(.shapesOnly))
    let text = try XCTUnwrap(message("convnext_tiny", { try ConvNeXt("convnext_tiny", layout: .torchvision, weights: $0) }, small))
    XCTAssertEqual(text, "not a convnext_tiny checkpoint (it looks like convnext_small (torchvision layout)): first differing layer "
                   + "'features.5.9.block.0': the checkpoint has 'features.5.9.block.0.bias' of shape [384], convnext_tiny has no such weight")
    let same = try ConvNeXt("convnext_tiny", layout: .torchvision, weights: WeightSource(.shapesOnly))
    XCTAssertNil(try message("convnext_tiny", { try ConvNeXt("convnext_tiny", layout: .torchvision, weights: $0) }, same))
  }

  func testConvNeXtBaseGivenAsSwin() throws {
    let base = try ConvNeXt("convnext_base", layout: .timm, weights: WeightSource(.shapesOnly))
    let text = try XCTUnwrap(message("swin_t", { try SwinTransformer("swin_t", layout: .timm, weights: $0) }, base))
    XCTAssertTrue(text.hasPrefix("not a swin_t checkpoint (it looks like convnext_base (timm layout)): first differing layer 'patch_embed.proj'"), text)
  }

  func testSwinSmallGivenAsTiny() throws {
    let small = try SwinTransformer("swin_s", layout: .torchvision, weights: WeightSource(.shapesOnly))
    let text = try XCTUnwrap(message("swin_t", { try SwinTransformer("swin_t", layout: .torchvision, weights: $0) }, small))
    XCTAssertTrue(text.hasPrefix("not a swin_t checkpoint (it looks like swin_s (torchvision layout)): first differing layer 'features.5.6"), text)
  }

  func testSmallSwinFileGivenAsConvNeXtEndToEnd() throws {
    let swin = try SwinTransformer("swin_test", config: ConvNeXtSwinParityTests.swin, layout: .timm, weights: WeightFormula.source)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convfam-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    let tensors = swin.parameters.names.map { name -> (String, CheckpointTensor) in
      let t = swin.parameters[name]
      return (name, CheckpointTensor(shape: t.shape, floats: t.scalars))
    }
    try SafeTensors.write(tensors, to: url)
    XCTAssertThrowsError(try Architectures.load("convnext_tiny", weights: url)) { error in
      let text = "\(error)"
      XCTAssertTrue(text.hasPrefix("\(url.lastPathComponent): not a convnext_tiny checkpoint (it looks like a Swin Transformer with width 16, "
                                   + "depths [2, 2, 2, 2], heads [1, 2, 4, 8], window 7 (timm layout))"), text)
      XCTAssertFalse(text.contains("\n"))
    }
    // Swin-T refuses it too: the same family at other sizes.
    XCTAssertThrowsError(try Architectures.load("swin_t", weights: url)) { error in
      XCTAssertTrue("\(error)".contains("not a swin_t checkpoint (it looks like a Swin Transformer with width 16"), "\(error)")
    }
  }
}
