import Autodiff
import AutodiffTestSupport
import Networks
import XCTest

/// Full-size networks with deterministic weights (WeightFormula, mirrored by
/// Scripts/fixtures/weight_formula.py) against PyTorch logits written by
/// Scripts/fixtures/make_network_fixtures.py (torch 2.15.0, torchvision 0.29.2, timm 1.0.31).
/// Tolerance: max |Swift - torch| / max(|torch|, 1% of max |torch|) over the logits ≤ 1e-3 (logitDifference).
final class FormulaParityTests: XCTestCase {
  func testResNet50MatchesTorchvision() throws {
    let model = try ResNet("resnet50", weights: WeightFormula.source)
    let x = WeightFormula.tensor("input", [2, 3, 224, 224])
    let expected = try loadFixture("resnet50_formula_logits", bundle: .module)
    let logits = model.logits(x)
    XCTAssertLessThanOrEqual(logitDifference(logits, expected), 1e-3)
  }

  func testViTSmallPatch16MatchesTimm() throws {
    try checkViT("vit_small_patch16", size: 224, fixture: "vit_small_patch16_224_formula_logits")
  }

  func testViTSmallPatch8MatchesTimm() throws {
    try checkViT("vit_small_patch8", size: 224, fixture: "vit_small_patch8_224_formula_logits")
  }

  func testViTSmallPatch8At480InterpolatesPositionsAsTimm() throws {
    try checkViT("vit_small_patch8", size: 480, fixture: "vit_small_patch8_480_formula_logits")
  }

  func testViTWithRegisterTokensMatchesTimm() throws {
    try checkViT("vit_small_patch16_reg4", size: 224, fixture: "vit_small_patch16_224_reg4_formula_logits")
  }

  private func checkViT(_ name: String, size: Int, fixture: String) throws {
    let config = try XCTUnwrap(VisionTransformer.Config.named(name))
    let model = try VisionTransformer(name, config: config, weights: WeightFormula.source)
    let x = WeightFormula.tensor("input", [1, 3, size, size])
    let expected = try loadFixture(fixture, bundle: .module)
    let logits = model.logits(x)
    XCTAssertEqual(logits.shape, expected.shape)
    XCTAssertLessThanOrEqual(logitDifference(logits, expected), 1e-3, "\(name) at \(size)")
  }
}

/// Batch norm folded into convolutions (the inference fast path) equals running the modules one
/// by one (forced by tapping every batch-norm layer): max |difference| of logits ≤ 1e-4.
final class FoldedBatchNormTests: XCTestCase {
  func testFoldedAndUnfoldedResNet18Agree() throws {
    let model = try ResNet("resnet18", weights: WeightFormula.source)
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    let folded = model.logits(x)
    let everyBN = Set(model.modulePaths.filter { $0.hasSuffix("bn1") || $0.hasSuffix("bn2") || $0.hasSuffix("downsample.1") })
    let unfolded = withoutGradients { model.forward(x, context: ForwardContext(taps: everyBN)) }
    XCTAssertLessThanOrEqual(maxAbsDifference(folded, unfolded.detached()), 1e-4)
  }
}

/// DINO's linear-evaluation heads on a WeightFormula ViT-S/16 against the same computation in
/// PyTorch on timm's blocks (Scripts/fixtures/make_network_fixtures.py dino_heads): the last four
/// normalised class tokens (1536-d), and the class token interleaved with the mean patch token.
/// Tolerance: relative 1e-3 of the logits (logitDifference).
final class DINOHeadTests: XCTestCase {
  func testLastFourClassTokensHead() throws {
    try check(.dinoLinear(classes: 1000, blocks: 4, averagePatches: false), "vit_small_patch16_dino_last4_formula_logits")
  }

  func testAveragePoolHead() throws {
    try check(.dinoLinear(classes: 1000, blocks: 1, averagePatches: true), "vit_small_patch16_dino_avgpool_formula_logits")
  }

  private func check(_ head: VisionTransformer.Head, _ fixture: String) throws {
    let config = try XCTUnwrap(VisionTransformer.Config.named("vit_small_patch16", head: head))
    let model = try VisionTransformer("vit_small_patch16", config: config, weights: WeightFormula.source)
    let logits = model.logits(WeightFormula.tensor("input", [1, 3, 224, 224]))
    XCTAssertLessThanOrEqual(logitDifference(logits, try loadFixture(fixture, bundle: .module)), 1e-3)
  }
}

/// Relative difference of logits, each against max(|reference|, 1% of the largest |reference|):
/// a logit near zero (some are 1e-3 of the largest) would otherwise turn float32 rounding of the
/// large ones (about 1e-7 of the scale) into a "relative" error of 1e-3.
func logitDifference(_ logits: Tensor, _ reference: Tensor) -> Double {
  maxRelativeDifference(logits, reference, floor: 0.01 * (reference.doubles.map(abs).max() ?? 1))
}
