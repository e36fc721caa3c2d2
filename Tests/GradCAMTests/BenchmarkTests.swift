import Autodiff
import Foundation
import GradCAM
import Networks
import XCTest

/// Grad-CAM wall time on ResNet-50 (WeightFormula weights, layer4, predicted class) at batch 1
/// and 8: forward, one backward pass to layer4, maps. Opt-in (`GRADCAM_BENCH=1`) because it is
/// a measurement, not a check; compare with `make_cam_fixtures.py bench` (pytorch-grad-cam).
final class BenchmarkTests: XCTestCase {
  func testResNet50GradCAMTiming() throws {
    guard ProcessInfo.processInfo.environment["GRADCAM_BENCH"] == "1" else {
      throw XCTSkip("set GRADCAM_BENCH=1 to time Grad-CAM")
    }
    let explainer = try CAMExplainer(model: CAMFixtures.resnet50, method: .gradCAM)
    for batch in [1, 8] {
      let x = WeightFormula.tensor("input", [batch, 3, 224, 224])
      _ = try explainer.explain(batch: x, target: .predicted)  // warm-up
      var times: [Double] = []
      for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try explainer.explain(batch: x, target: .predicted)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      times.sort()
      print(String(format: "BENCH swift gradcam resnet50 batch %d: median %.3f s (min %.3f, max %.3f)", batch, times[1], times[0], times[2]))
      var forward: [Double] = []
      for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = CAMFixtures.resnet50.logits(x)
        forward.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      forward.sort()
      print(String(format: "BENCH swift forward only resnet50 batch %d: median %.3f s", batch, forward[1]))
    }
  }
}
