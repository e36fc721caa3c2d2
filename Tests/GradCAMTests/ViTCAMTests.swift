import Autodiff
import AutodiffTestSupport
import GradCAM
import Networks
import XCTest

/// Vision Transformer Grad-CAM against pytorch-grad-cam 1.5.7 with a reshape_transform derived
/// from timm's `num_prefix_tokens` and patch grid (not the stock 14×14 / one-token helper), at
/// the default layer `blocks.-1.norm1`. WeightFormula ViT-S/16 and ViT-S/8 at 224, with and
/// without 4 register tokens. Tolerance 1e-4 on the normalised maps.
final class ViTCAMTests: XCTestCase {
  func check(_ name: String, tag: String) throws {
    let model = CAMFixtures.vit(name)
    let explainer = try CAMExplainer(model: model, method: .gradCAM)
    XCTAssertEqual(explainer.layer, "blocks.11.norm1")
    let result = try explainer.explain(batch: WeightFormula.tensor("input", [1, 3, 224, 224]), target: .predicted)
    XCTAssertEqual(result.targetClasses, CAMFixtures.ints("vit_\(tag)_target"))
    let grid = 224 / model.config.patch
    XCTAssertEqual(result.rawMaps.shape, [1, grid, grid])
    let diff = maxAbsDifference(result.maps, CAMFixtures.fixture("vit_\(tag)_gradcam"))
    reportParity("vit \(tag) gradcam", diff)
    XCTAssertLessThanOrEqual(diff, 1e-4)
  }

  func testViTSmallPatch16() throws { try check("vit_small_patch16", tag: "s16") }
  func testViTSmallPatch16WithRegisters() throws { try check("vit_small_patch16_reg4", tag: "s16reg4") }
  func testViTSmallPatch8() throws { try check("vit_small_patch8", tag: "s8") }
  func testViTSmallPatch8WithRegisters() throws { try check("vit_small_patch8_reg4", tag: "s8reg4") }

  /// The token layout comes from the model: prefix = class token + registers, grid = input/patch.
  func testTokenGridIsDerivedFromTheModel() throws {
    let reg = TokenGrid.of(CAMFixtures.vit("vit_small_patch8_reg4"), height: 224, width: 160)
    XCTAssertEqual(reg, TokenGrid(prefixTokens: 5, rows: 28, columns: 20))
    XCTAssertNil(TokenGrid.of(CAMFixtures.cifarModel, height: 32, width: 32))
    // A token layer with the wrong count is refused with the layout in the message.
    let grid = TokenGrid(prefixTokens: 1, rows: 14, columns: 14)
    XCTAssertThrowsError(try grid.featureMaps(Tensor.zeros([1, 200, 8]), layer: "x")) { error in
      XCTAssertTrue("\(error)".contains("1 prefix + 14x14"), "\(error)")
    }
  }
}
