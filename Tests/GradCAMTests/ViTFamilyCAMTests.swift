import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Grad-CAM, rollout and gradient rollout on DINOv2 with registers (timm layout) and DeiT
/// distilled, the small WeightFormula configs of Scripts/fixtures/make_vit_family_fixtures.py
/// (width 96, 3 heads, 4 blocks), on one real photo (Fixtures/vitfamily_photo0_u8.npy as
/// `(u8 / 255 - 0.5) / 0.5`).
/// - Grad-CAM at `blocks.-1.norm1` against pytorch-grad-cam 1.5.7 with the standard reshape
///   transform skipping the prefix tokens (5: class + 4 registers; 2: class + distillation):
///   max |difference| of the normalised maps ≤ 1e-4.
/// - Rollout and gradient rollout against the script's `reference_rollout` (the published
///   formula) on the model run in float64: registers and the distillation token take part in
///   every block's matrix; the map is the class-token row over the patch tokens only. Rollout:
///   every entry within 1e-4 relative (floor 1e-6 of the largest). Gradient rollout: max
///   |difference| ≤ 1e-4 of the largest entry, every entry within 1e-3 relative (float32
///   gradients: torch's own float32 run is 9.7e-5 relative from the float64 one).
final class ViTFamilyCAMTests: XCTestCase {
  static func photo() -> Tensor {
    let u8 = CAMFixtures.fixture("vitfamily_photo0_u8")
    return Tensor(shape: u8.shape, scalars: u8.doubles.map { (Float($0) / 255 - 0.5) / 0.5 })
  }

  static func dinov2Registers() throws -> VisionTransformer {
    var config = try XCTUnwrap(VisionTransformer.Config.named("vit_small_patch14_reg4_dinov2", head: .dinov2Linear(classes: 1000, blocks: 1)))
    (config.dim, config.depth, config.heads, config.positionGrid) = (96, 4, 3, 18)
    return try VisionTransformer("vit_small_patch14_reg4_dinov2", config: config, weights: WeightFormula.source)
  }

  static func deitDistilled() throws -> VisionTransformer {
    var config = try XCTUnwrap(VisionTransformer.Config.named("deit_small_distilled_patch16_224"))
    (config.dim, config.depth, config.heads) = (96, 4, 3)
    return try VisionTransformer("deit_small_distilled_patch16_224", config: config, weights: WeightFormula.source)
  }

  func check(_ model: VisionTransformer, _ tag: String, grid: Int) throws {
    let x = Self.photo()
    let target = CAMFixtures.ints("vitfamily_\(tag)_target")
    let cam = try CAMExplainer(model: model, method: .gradCAM)
    XCTAssertEqual(cam.layer, "blocks.3.norm1")
    let result = try cam.explain(batch: x, target: .predicted)
    XCTAssertEqual(result.targetClasses, target)
    XCTAssertEqual(result.rawMaps.shape, [1, grid, grid])
    let diff = maxAbsDifference(result.maps, CAMFixtures.fixture("vitfamily_\(tag)_gradcam"))
    reportParity("\(tag) gradcam", diff)
    XCTAssertLessThanOrEqual(diff, 1e-4)

    for (method, fixture) in [(CAMMethod.rollout, "rollout"), (.gradRollout, "gradrollout")] {
      let r = try CAMExplainer(model: model, method: method).explain(batch: x, target: .predicted)
      let expected = CAMFixtures.fixture("vitfamily_\(tag)_\(fixture)")
      XCTAssertEqual(expected.shape, [1, grid * grid])
      let got = r.rawMaps.reshaped(expected.shape)
      let top = expected.doubles.map(abs).max() ?? 1
      let relative = maxRelativeDifference(got, expected, floor: 1e-6 * top)
      let ofMax = maxAbsDifference(got, expected) / top
      reportParity("\(tag) \(fixture) (relative)", relative)
      reportParity("\(tag) \(fixture) (of max)", ofMax)
      XCTAssertLessThanOrEqual(method == .rollout ? relative : ofMax, 1e-4, "\(tag) \(fixture)")
      XCTAssertLessThanOrEqual(relative, 1e-3, "\(tag) \(fixture)")
    }
  }

  func testDINOv2WithRegisters() throws {
    let model = try Self.dinov2Registers()
    XCTAssertEqual(TokenGrid.of(model, height: 224, width: 224), TokenGrid(prefixTokens: 5, rows: 16, columns: 16))
    try check(model, "dinov2_reg4", grid: 16)
  }

  func testDeiTDistilled() throws {
    let model = try Self.deitDistilled()
    XCTAssertEqual(TokenGrid.of(model, height: 224, width: 224), TokenGrid(prefixTokens: 2, rows: 14, columns: 14))
    try check(model, "deit_distilled", grid: 14)
  }
}
