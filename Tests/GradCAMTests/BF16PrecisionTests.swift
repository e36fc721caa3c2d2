import Autodiff
import AutodiffTestSupport
import Foundation
import GradCAM
import Imaging
import Networks
import TestFixtures
import XCTest

/// `--precision bf16` (ComputePrecision.bf16: every product's operands rounded to bfloat16, sums
/// in float32) against the float32 default on whole networks: predictions and Grad-CAM maps stay
/// close, and are not bit-identical (the products did run at bf16). Reference: the same network
/// and input at float32. Tolerances (measured figures in docs/performance.md, "bf16 precision"):
/// bf16 keeps 8 significant bits, a relative error of up to 2^-9 per operand, which a deep
/// network's layers compound rather than cancel, so the bounds are on the outcome, about three
/// times the differences measured here (Intel Xeon, AVX512-BF16): top-1 agreement, |logit
/// difference| relative to the logits' range, and the Grad-CAM maps (each normalised to [0, 1])
/// by max |difference| and per-map Pearson correlation.
/// Skipped, with the reason, where bf16 cannot run (no AVX512-BF16, GRADCAM_ISA=avx2,
/// GRADCAM_GEMM=blas); BF16KernelTests checks it runs on processors that have it.
final class BF16PrecisionTests: XCTestCase {
  override func setUpWithError() throws {
    if let problem = ComputePrecision.problem(for: .bf16) { throw XCTSkip(problem) }
  }

  /// `body` run once at float32 and once at bf16 (the process back at float32 after); models must
  /// be made inside `body`, as packed weights take the precision of their loading.
  private func bothPrecisions<T>(_ body: () throws -> T) throws -> (fp32: T, bf16: T) {
    XCTAssertEqual(ComputePrecision.current, .fp32)
    let fp32 = try body()
    XCTAssertNil(ComputePrecision.select(.bf16))
    defer { ComputePrecision.select(.fp32) }
    return (fp32, try body())
  }

  /// The CIFAR-10 fixture images (Tests/Fixtures/cifar10-test, all 846) preprocessed as CIFAR.
  private static let cifar: Tensor = {
    let rows = try! String(contentsOf: SharedFixtures.cifar10Test.appendingPathComponent("labels.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
    var values: [Float] = []
    for r in rows { values += Preprocessing.cifar.apply(try! ImageFile.read(SharedFixtures.cifarImage(String(r[3])))).values }
    return Tensor(shape: [rows.count, 3, 32, 32], scalars: values)
  }()

  private struct Comparison {
    var agreement: Double, maxLogitDiff: Double, logitRange: Double
  }

  private func compareLogits(_ a: Tensor, _ b: Tensor) -> Comparison {
    let classes = a.shape[1], x = a.doubles, y = b.doubles
    var agree = 0
    for i in 0..<a.shape[0] {
      let row = i * classes..<(i + 1) * classes
      if x[row].indices.max(by: { x[$0] < x[$1] }) == y[row].indices.max(by: { y[$0] < y[$1] }) { agree += 1 }
    }
    return Comparison(agreement: Double(agree) / Double(a.shape[0]), maxLogitDiff: maxAbsDifference(a, b),
                      logitRange: x.max()! - x.min()!)
  }

  /// The bundled CIFAR-10 ResNets on the 846 fixture images: top-1 agreement >= 99% (measured
  /// 99.6%, 99.9%) and max |logit difference| <= 1.5% of the logits' range (measured 0.5%).
  func testCIFARResNetsPredictAsAtFloat32() throws {
    for name in ["cifar10-resnet20", "cifar10-resnet56"] {
      let logits = try bothPrecisions { try BundledModels.load(name).logits(Self.cifar) }
      let c = compareLogits(logits.fp32, logits.bf16)
      print(String(format: "BF16 %@ on %d CIFAR-10 fixtures: top-1 agreement %.4f, max |logit diff| %.4g (logit range %.3g)",
                   name, Self.cifar.shape[0], c.agreement, c.maxLogitDiff, c.logitRange))
      XCTAssertGreaterThanOrEqual(c.agreement, 0.99, name)
      XCTAssertLessThanOrEqual(c.maxLogitDiff, 0.015 * c.logitRange, name)
      XCTAssertGreaterThan(c.maxLogitDiff, 0, "\(name): bf16 logits identical to float32: the products did not run at bf16")
    }
  }

  /// Grad-CAM of `makeModel` on `batch` for `target` at both precisions: the maps' max |difference|
  /// and the lowest per-map Pearson correlation.
  private func compareMaps(_ label: String, _ makeModel: () throws -> ImageClassifier, batch: Tensor, target: CAMTarget,
                           labels: [Int]? = nil) throws -> (maxDiff: Double, minCorrelation: Double, logits: Comparison)
  {
    let results = try bothPrecisions {
      try CAMExplainer(model: makeModel(), method: .gradCAM).explain(batch: batch, target: target, labels: labels)
    }
    let (a, b) = (results.fp32.maps, results.bf16.maps)
    let plane = a.shape[1] * a.shape[2], x = a.doubles, y = b.doubles
    let correlations = (0..<a.shape[0]).map { i in
      AttentionShift.pearson(Array(x[i * plane..<(i + 1) * plane]), Array(y[i * plane..<(i + 1) * plane]))
    }
    let logits = compareLogits(results.fp32.logits, results.bf16.logits)
    let maxDiff = maxAbsDifference(a, b), minCorrelation = correlations.min()!
    print(String(format: "BF16 %@ Grad-CAM: max |map diff| %.4g, min correlation %.6f, max |logit diff| %.4g (range %.3g), top-1 agreement %.2f",
                 label, maxDiff, minCorrelation, logits.maxLogitDiff, logits.logitRange, logits.agreement))
    return (maxDiff, minCorrelation, logits)
  }

  /// The bundled ResNet-56 on the 20 CAM fixture images (target: ground truth): maps within 0.03
  /// (measured 0.0072) and correlated >= 0.999 (measured 0.99996).
  func testCIFARGradCAMMapsAsAtFloat32() throws {
    let (batch, labels) = CAMFixtures.cifarBatch
    let r = try compareMaps("cifar10-resnet56 (20 images)", { try BundledModels.load("cifar10-resnet56") }, batch: batch,
                            target: .groundTruth, labels: labels)
    XCTAssertLessThanOrEqual(r.maxDiff, 0.03)
    XCTAssertGreaterThanOrEqual(r.minCorrelation, 0.999)
  }

  /// examples/dog.png on a formula-weight ResNet-50 (its 3x3 convolutions at 56x56 to 14x14 take
  /// Winograd, whose 16 products run at bf16 too) and on the bundled
  /// EfficientNet-Lite0: the fp32 top-1 class's map within 0.05 (measured 0.004, 0.015) and
  /// correlated >= 0.999 (measured 0.99999, 0.9999), the top-1 class unchanged.
  func testDogGradCAMMapsAsAtFloat32() throws {
    let dog = try ImageFile.read(packageRoot().appendingPathComponent("examples/dog.png"))
    let models: [(String, () throws -> ImageClassifier)] = [
      ("resnet50 (formula weights)", { try ResNet("resnet50", weights: WeightFormula.source) }),
      ("efficientnet-lite0", { try BundledModels.load("efficientnet-lite0") }),
    ]
    for (label, make) in models {
      let model = try make()
      let batch = ModelInput(preprocessing: try Preprocessing.profile(named: model.input.profile)).batch([dog])
      let top = try CAMExplainer(model: model, method: .gradCAM).explain(batch: batch, target: .predicted).targetClasses[0]
      let r = try compareMaps("\(label) on dog.png", make, batch: batch, target: .classIndex(top))
      XCTAssertLessThanOrEqual(r.maxDiff, 0.05, label)
      XCTAssertGreaterThanOrEqual(r.minCorrelation, 0.999, label)
      XCTAssertEqual(r.logits.agreement, 1, "\(label): bf16 changed the top-1 class")
    }
  }
}
