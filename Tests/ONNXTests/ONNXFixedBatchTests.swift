import Autodiff
import AutodiffTestSupport
import Foundation
import GradCAM
import Networks
import ONNX
import ToolTestSupport
import XCTest

/// Graphs exported as `torch.onnx.export` does by default, with the example's batch folded into
/// constants (`make_onnx_fixtures.py fusion`: the tiny ViT block exported at batch 1 and at
/// batch 2). The batch-1 graph runs every command in passes of one image; logits equal
/// onnxruntime's image by image (1e-4 relative), and maps equal those of one image at a time.
/// A graph fixed at another batch is refused at load time with one line.
final class ONNXFixedBatchTests: XCTestCase {
  static let x = WeightFormula.tensor("input", [3, 3, 32, 32])

  func testABatchThatOnlyNamesTheExampleIsNotFixed() throws {
    // fusion_near_miss declares batch 1, but nothing in it depends on the batch.
    let model = try ONNXClassifier(url: ONNXFixtures.url("fusion_near_miss.onnx"))
    XCTAssertNil(model.input.batch)
    XCTAssertEqual(try model.checkedForward(Self.x).shape, [3, 4])
  }

  /// The batch-1 export, and the same graph with its batch declared symbolic (a dynamic-axes
  /// export whose constants still hold batch 1).
  func testFixedBatchOfOneRunsImageByImage() throws {
    for name in ["fusion_block_fixed_batch1", "fusion_block_fixed_batch1_symbolic"] {
      try checkImageByImage(ONNXClassifier(url: ONNXFixtures.url("\(name).onnx")))
    }
  }

  private func checkImageByImage(_ model: ONNXClassifier) throws {
    XCTAssertEqual(model.input.batch, 1)
    let reference = try ONNXFixtures.tensor("fusion_block_fixed_batch1_logits")
    let logits = model.logits(Self.x)
    XCTAssertEqual(logits.shape, [3, 5])
    let scale = reference.scalars.map { abs(Double($0)) }.max() ?? 1
    XCTAssertLessThanOrEqual(maxAbsDifference(logits, reference) / scale, 1e-4)
    // Running three images in one pass is the error the graph's constants cause, as one line.
    XCTAssertThrowsError(try model.checkedForward(Self.x)) { error in
      XCTAssertTrue("\(error)".contains("runs batches of 1 only"), "\(error)")
      XCTAssertFalse("\(error)".contains("\n"))
    }
    // Grad-CAM and rollout of three images in one call equal the maps of each image alone.
    for method in [CAMMethod.gradCAM, .rollout] {
      let explainer = try CAMExplainer(model: model, method: method)
      let all = try explainer.explain(batch: Self.x, target: .predicted)
      XCTAssertEqual(all.maps.shape[0], 3, "\(method)")
      for i in 0..<3 {
        let one = try explainer.explain(batch: Self.x.slice(axis: 0, range: i..<(i + 1)), target: .predicted)
        XCTAssertEqual(all.targetClasses[i], one.targetClasses[0], "\(method)")
        XCTAssertLessThanOrEqual(
          maxAbsDifference(all.maps.slice(axis: 0, range: i..<(i + 1)), one.maps), 1e-6, "\(method) image \(i)")
      }
    }
  }

  func testFixedBatchOfTwoIsRefusedAtLoad() throws {
    let url = try ONNXFixtures.url("fusion_block_fixed_batch2.onnx")
    XCTAssertThrowsError(try ONNXClassifier(url: url)) { error in
      let message = "\(error)"
      XCTAssertTrue(message.hasPrefix(url.path), message)
      XCTAssertTrue(message.contains("fixed batch of 2"), message)
      XCTAssertFalse(message.contains("\n"))
    }
  }

  func testMainCommandAndPredictWithAFixedBatchOfOne() throws {
    let folder = try ONNXFixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = try ONNXFixtures.url("fusion_block_fixed_batch1.onnx").path
    let dog = BuiltTool.packageRoot.appendingPathComponent("examples/dog.png").path
    let grid = folder.appendingPathComponent("grid.png")
    // Nine cells and the clean image: the sweep's batches of 16 become passes of one image.
    let run = try BuiltTool.run(
      ["--model", model, "--image", dog, "--severities", "1-3", "--corruptions", "glass_blur,snow,fog", "--out", grid.path, "--quiet"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: grid.path))
    let predict = try BuiltTool.run(["predict", "--model", model, dog, dog, dog])
    XCTAssertEqual(predict.status, 0, predict.stderr)
  }
}
