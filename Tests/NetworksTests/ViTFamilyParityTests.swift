import Autodiff
import AutodiffTestSupport
import Foundation
import Networks
import XCTest

/// DINOv2 (timm's and facebookresearch/dinov2's key layouts, with and without registers) and
/// DeiT distilled against Scripts/fixtures/make_vit_family_fixtures.py (torch 2.15.0, timm
/// 1.0.31; DINOv2's forward and `_LinearClassifierWrapper` re-implemented there from the dinov2
/// source). Small configs of the same families (width 96, 3 heads, 4 blocks; DINOv2 positions
/// for 18x18 patches) with WeightFormula weights, on the first two real photos of
/// Fixtures/photos at 224 and a centre crop (168; DeiT 160), so positions are resampled in
/// every case. Tolerance: logits within 1e-3 relative (logitDifference).
final class ViTFamilyParityTests: XCTestCase {
  /// Photos 0 and 1 as `(u8 / 255 - 0.5) / 0.5`, centre-cropped to `size`.
  static func photos(size: Int) throws -> Tensor {
    let x = try EfficientNetParityTests.photoInput().slice(axis: 0, range: 0..<2)
    let o = (224 - size) / 2
    return size == 224 ? x : x.slice(axis: 2, range: o..<(o + size)).slice(axis: 3, range: o..<(o + size))
  }

  /// The fixture script's small DINOv2: the real config with width 96, 4 blocks, 3 heads.
  static func smallDINOv2(registers: Bool, layout: VisionTransformer.Layout, blocks: Int = 1) throws -> VisionTransformer {
    let name = registers ? "vit_small_patch14_reg4_dinov2" : "vit_small_patch14_dinov2"
    var config = try XCTUnwrap(VisionTransformer.Config.named(name, head: .dinov2Linear(classes: 1000, blocks: blocks)))
    (config.dim, config.depth, config.heads, config.positionGrid) = (96, 4, 3, 18)
    config.layout = layout
    // A timm-layout checkpoint is resampled as timm does (what Architectures picks from its keys).
    if layout == .timm { config.interpolation = .antialiased }
    return try VisionTransformer(name, config: config, weights: WeightFormula.source)
  }

  func check(_ model: VisionTransformer, _ tag: String, sizes: [Int]) throws {
    for size in sizes {
      let logits = model.logits(try Self.photos(size: size))
      let expected = try loadFixture("vitfamily_\(tag)_\(size)_logits", bundle: .module)
      XCTAssertEqual(logits.shape, expected.shape)
      let difference = logitDifference(logits, expected)
      print("[parity] \(tag) at \(size): \(difference)")
      XCTAssertLessThanOrEqual(difference, 1e-3, "\(tag) at \(size)")
      XCTAssertEqual(argmaxRows(logits), argmaxRows(expected), "\(tag) at \(size)")
    }
  }

  func testDINOv2TimmLayoutMatchesTimm() throws {
    try check(try Self.smallDINOv2(registers: false, layout: .timm), "dinov2_timm", sizes: [224, 168])
  }

  func testDINOv2TimmLayoutWithRegistersMatchesTimm() throws {
    try check(try Self.smallDINOv2(registers: true, layout: .timm), "dinov2_timm_reg4", sizes: [224, 168])
  }

  func testDINOv2FourLayerLinearHead() throws {
    try check(try Self.smallDINOv2(registers: false, layout: .timm, blocks: 4), "dinov2_timm_linear4", sizes: [224])
  }

  /// DINOv2's own code: offset 0.1 without antialias (plain), which timm does not do.
  func testDINOv2LayoutMatchesTheDINOv2Code() throws {
    let model = try Self.smallDINOv2(registers: false, layout: .dinov2)
    XCTAssertEqual(model.config.interpolation, .offset(0.1))
    try check(model, "dinov2_ref", sizes: [224, 168])
    // The two interpolations really differ (same weights: the plain layouts share every key).
    let timm = try loadFixture("vitfamily_dinov2_timm_224_logits", bundle: .module)
    XCTAssertGreaterThan(logitDifference(model.logits(try Self.photos(size: 224)), timm), 1e-3)
  }

  /// DINOv2's own code with registers: `register_tokens` go in after the class token once the
  /// positions (class token + patches) are added.
  func testDINOv2LayoutWithRegistersMatchesTheDINOv2Code() throws {
    let model = try Self.smallDINOv2(registers: true, layout: .dinov2)
    XCTAssertEqual(model.prefixTokenCount, 5)
    XCTAssertTrue(model.parameters.names.contains("register_tokens") && model.parameters.names.contains("mask_token"))
    try check(model, "dinov2_ref_reg4", sizes: [224, 168])
  }

  /// DeiT distilled: prediction = (head(class token) + head_dist(distillation token)) / 2.
  func testDeiTDistilledMatchesTimm() throws {
    var config = try XCTUnwrap(VisionTransformer.Config.named("deit_small_distilled_patch16_224"))
    (config.dim, config.depth, config.heads) = (96, 4, 3)
    let model = try VisionTransformer("deit_small_distilled_patch16_224", config: config, weights: WeightFormula.source)
    XCTAssertEqual(model.prefixTokenCount, 2)
    try check(model, "deit_distilled", sizes: [224, 160])
  }

  /// The real sizes against the key lists of timm's models and DINOv2's own (`_fb`;
  /// Fixtures/vitfamily_keys, written from the models' state dicts): ViT-S/14 (4 variants) and
  /// DeiT-S distilled are built and have exactly those names and shapes; for every size the
  /// width, depth and register count of the `--arch` name equal the list's.
  func testRealSizesHaveTheCheckpointKeys() throws {
    let names = Architectures.names.filter { $0.hasSuffix("_dinov2") } + ["deit_small_distilled_patch16_224", "deit_base_distilled_patch16_224"]
    XCTAssertEqual(names.count, 8)
    for name in names {
      for layout in name.hasPrefix("deit") ? [VisionTransformer.Layout.timm] : [.timm, .dinov2] {
        let file = name + (layout == .dinov2 ? "_fb" : "")
        let url = try XCTUnwrap(Bundle.module.url(forResource: file, withExtension: "txt", subdirectory: "Fixtures/vitfamily_keys"), file)
        let expected = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        var config = try XCTUnwrap(VisionTransformer.Config.named(name, head: name.hasPrefix("deit") ? .token(classes: 1000) : .none))
        config.layout = layout
        let shapes = Dictionary(uniqueKeysWithValues: expected.map { line in
          (String(line.split(separator: " ")[0]), line.split(separator: " ")[1].split(separator: "x").map { Int($0)! })
        })
        XCTAssertEqual(shapes["patch_embed.proj.weight"], [config.dim, 3, config.patch, config.patch], file)
        XCTAssertEqual(Set(shapes.keys.filter { $0.hasPrefix("blocks.") }.map { $0.split(separator: ".")[1] }).count, config.depth, file)
        XCTAssertEqual((shapes["reg_token"] ?? shapes["register_tokens"])?[1] ?? 0, config.registers, file)
        guard name.contains("small") else { continue }
        let model = try VisionTransformer(name, config: config, weights: WeightSource(.shapesOnly))
        let got = model.parameters.names.map { "\($0) \(model.parameters[$0].shape.map(String.init).joined(separator: "x"))" }.sorted()
        XCTAssertEqual(got, expected, file)
      }
    }
  }
}
