import Autodiff
import AutodiffTestSupport
import Foundation
import GradCAM
import Imaging
import Networks
import TestFixtures
import XCTest

/// Shared inputs of the GradCAM tests: the real CIFAR-10 ResNet-56 on the images the fixtures
/// were made from, and WeightFormula networks (built once per test process).
enum CAMFixtures {
  static let cifarModel: ImageClassifier = {
    try! Architectures.load("cifar_resnet56", weights: SharedFixtures.model("cifar10-resnet56.th")).model
  }()

  /// The 20 fixture images, preprocessed, and their labels.
  static let cifarBatch: (batch: Tensor, labels: [Int]) = {
    let url = Bundle.module.url(forResource: "cifar_images", withExtension: "txt", subdirectory: "Fixtures")!
    let rows = try! String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
    var values: [Float] = []
    for r in rows {
      let image = try! ImageFile.read(SharedFixtures.cifarImage(String(r[0])))
      values += Preprocessing.cifar.apply(image).values
    }
    return (Tensor(shape: [rows.count, 3, 32, 32], scalars: values), rows.map { Int($0[1])! })
  }()

  static let resnet50: ImageClassifier = { try! ResNet("resnet50", weights: WeightFormula.source) }()

  static func vit(_ name: String) -> VisionTransformer {
    try! VisionTransformer(name, config: VisionTransformer.Config.named(name)!, weights: WeightFormula.source)
  }

  static func fixture(_ name: String) -> Tensor { try! loadFixture(name, bundle: .module) }

  /// The integer values of a small fixture.
  static func ints(_ name: String) -> [Int] { fixture(name).doubles.map { Int($0) } }
}

/// Selects maps `indices` of `[M, H, W]`.
func rows(_ t: Tensor, _ indices: [Int]) -> Tensor { t.selecting(indices: indices, axis: 0) }

/// Reports a parity figure in the test log (collected for the engineering report).
func reportParity(_ label: String, _ diff: Double) {
  print(String(format: "PARITY %@: max abs diff %.3g", label, diff))
}
