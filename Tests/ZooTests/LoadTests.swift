import Autodiff
import Checkpoints
import Foundation
import Networks
import XCTest
import Zoo

/// A backbone and a separately published head, fetched from local servers and merged: the
/// DINO layout, on the bundled CIFAR ResNet-20 split in two.
final class LoadTests: XCTestCase {
  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-zooload-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  /// The bundled ResNet-20 as (backbone without `linear.*`, head with DINO's `module.linear.*` keys).
  func splitBundled() throws -> (full: URL, backbone: Data, head: Data) {
    let full = try XCTUnwrap(BundledModels.url("cifar10-resnet20"))
    let sd = try Checkpoint.loadStateDict(contentsOf: full)
    let backbone = sd.entries.filter { !$0.key.hasPrefix("linear.") }.map { ($0.key, $0.tensor) }
    let head = sd.entries.filter { $0.key.hasPrefix("linear.") }.map { ("module." + $0.key, $0.tensor) }
    XCTAssertEqual(head.count, 2)
    return (full, try SafeTensors.encode(backbone), try SafeTensors.encode(head))
  }

  func logits(_ model: ImageClassifier) -> [Float] {
    let x = Tensor(shape: [1, 3, 32, 32], scalars: (0..<3072).map { Float(($0 * 37) % 101) / 101 - 0.5 })
    return model.logits(x).scalars
  }

  func testBackboneAndHeadFilesMergeIntoTheSameModel() throws {
    let (full, backbone, head) = try splitBundled()
    let b = dir.appendingPathComponent("backbone.safetensors"), h = dir.appendingPathComponent("head.safetensors")
    try backbone.write(to: b)
    try head.write(to: h)
    let merged = try Architectures.load("cifar_resnet20", weights: [b, h], strict: true)
    XCTAssertEqual(merged.unusedKeys, [])
    let reference = try Architectures.load("cifar_resnet20", weights: full, strict: true).model
    XCTAssertEqual(logits(merged.model), logits(reference))

    XCTAssertThrowsError(try Architectures.load("cifar_resnet20", weights: [full, h])) { error in
      XCTAssertTrue("\(error)".contains("key 'linear.weight' is in both"), "\(error)")
    }
  }

  func testZooModelIsFetchedVerifiedMergedAndLoaded() throws {
    let (full, backbone, head) = try splitBundled()
    let s1 = try LocalHTTPServer(body: backbone, replies: [.whole])
    let s2 = try LocalHTTPServer(body: head, replies: [.whole])
    let model = ZooModel(
      name: "test-resnet20", architecture: "cifar_resnet20",
      files: [
        ZooFile(s1.url("r20_pretrain.safetensors"), checksum: .sha256(FileHash.sha256(backbone)), approximateBytes: 0),
        ZooFile(s2.url("r20_linearweights.safetensors"), checksum: .unpublished, approximateBytes: 0),
      ],
      licence: "BSD-2-Clause", summary: "test")
    var downloader = Downloader(cache: ModelCache(directory: dir.appendingPathComponent("cache")))
    downloader.progress = nil
    var warnings: [String] = []
    downloader.warn = { warnings.append($0) }
    let loaded = try Zoo.load(model, downloader: downloader, strict: true)
    XCTAssertEqual(loaded.model.classCount, 10)
    XCTAssertEqual(logits(loaded.model), logits(try Architectures.load("cifar_resnet20", weights: full).model))
    XCTAssertEqual(warnings.count, 1, "the head has no published hash: \(warnings)")
    XCTAssertEqual(downloader.cache.state(of: model), "yes + yes (unverified)")
  }

  /// DINO ViT-S/16's layout: a flat backbone file and a head file with `module.linear.*`
  /// (1000 x 1536: four class tokens) merge into a ViT with DINO's linear head.
  func testDinoViTBackboneAndLinearHeadFilesGiveTheDinoHead() throws {
    let config = VisionTransformer.Config.named("vit_small_patch16", head: .dinoLinear(classes: 1000, blocks: 4, averagePatches: false))!
    let reference = try VisionTransformer("vit_small_patch16", config: config, weights: WeightFormula.source)
    let tensors = reference.parameters.names.map { name -> (String, CheckpointTensor) in
      let t = reference.parameters[name]
      return (name, CheckpointTensor(shape: t.shape, floats: t.scalars))
    }
    let b = dir.appendingPathComponent("dino_deitsmall16_pretrain.safetensors")
    let h = dir.appendingPathComponent("dino_deitsmall16_linearweights.safetensors")
    try SafeTensors.encode(tensors.filter { !$0.0.hasPrefix("linear.") }).write(to: b)
    try SafeTensors.encode(tensors.filter { $0.0.hasPrefix("linear.") }.map { ("module." + $0.0, $0.1) }).write(to: h)

    let dino = ZooCatalog.model(named: "dino-vits16")!
    let loaded = try Architectures.load(dino.architecture, weights: [b, h], normalization: dino.normalization, strict: true)
    let vit = try XCTUnwrap(loaded.model as? VisionTransformer)
    XCTAssertEqual(vit.config.head, .dinoLinear(classes: 1000, blocks: 4, averagePatches: false))
    let x = Tensor(shape: [1, 3, 224, 224], scalars: (0..<150_528).map { Float(($0 * 13) % 97) / 97 - 0.5 })
    XCTAssertEqual(vit.logits(x).scalars, reference.logits(x).scalars)
  }
}
