import Autodiff
import AutodiffTestSupport
import Foundation
import Imaging
import Networks
import TestFixtures
import XCTest

/// The real CIFAR-10 ResNet-20 and ResNet-56 of Tests/Fixtures/models (PyTorch legacy format, keys
/// prefixed `module.`) on all 846 images of Tests/Fixtures/cifar10-test, against PyTorch
/// (Scripts/fixtures/make_network_fixtures.py, torch 2.15.0): the same top-1 on every image and
/// probabilities within 1e-4.
final class CIFARParityTests: XCTestCase {
  func testResNet20MatchesPyTorchOnAll846Images() throws {
    try check(depth: 20, expectedCorrect: 776)
  }

  func testResNet56MatchesPyTorchOnAll846Images() throws {
    try check(depth: 56, expectedCorrect: 789)
  }

  func testStrictLoadingReportsUnexpectedKeys() throws {
    let url = SharedFixtures.model("cifar10-resnet20.th")
    XCTAssertThrowsError(try Architectures.load("cifar_resnet32", weights: url)) { error in
      XCTAssertTrue("\(error)".contains("missing weight 'layer1.3.conv1.weight'"), "\(error)")
    }
    XCTAssertThrowsError(try Architectures.load("resnet_99", weights: url)) { error in
      XCTAssertTrue("\(error)".contains("unknown architecture 'resnet_99'"), "\(error)")
    }
  }

  private func check(depth: Int, expectedCorrect: Int) throws {
    let (model, unused) = try Architectures.load(
      "cifar_resnet\(depth)", weights: SharedFixtures.model("cifar10-resnet\(depth).th"), strict: true)
    XCTAssertEqual(unused, [])
    let expected = try loadFixture("cifar_resnet\(depth)_probs", bundle: .module)
    let listURL = try XCTUnwrap(Bundle.module.url(forResource: "cifar_paths", withExtension: "txt", subdirectory: "Fixtures"))
    let rows = try String(contentsOf: listURL, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
    XCTAssertEqual(rows.count, 846)
    let images = try rows.map { try ImageFile.read(SharedFixtures.cifarImage(String($0[0]))) }
    let labels = rows.map { Int($0[1])! }
    var probs: [Float] = []
    for start in stride(from: 0, to: images.count, by: 128) {
      let chunk = images[start..<min(images.count, start + 128)]
      var values: [Float] = []
      for image in chunk { values += Preprocessing.cifar.apply(image).values }
      let batch = Tensor(shape: [chunk.count, 3, 32, 32], scalars: values)
      probs += softmax(model.logits(batch), axis: 1).scalars
    }
    let got = Tensor(shape: [846, 10], scalars: probs)
    XCTAssertLessThanOrEqual(maxAbsDifference(got, expected), 1e-4)
    let top1 = (0..<846).map { i in (0..<10).max { probs[i * 10 + $0] < probs[i * 10 + $1] }! }
    let reference = (0..<846).map { i in (0..<10).max { expected.scalars[i * 10 + $0] < expected.scalars[i * 10 + $1] }! }
    XCTAssertEqual(top1, reference)
    XCTAssertEqual(zip(top1, labels).filter { $0 == $1 }.count, expectedCorrect)
  }
}
