import Autodiff
import AutodiffTestSupport
import Foundation
import Networks
import XCTest

/// The module tree: paths and parameters come from each module's declaration. The path lists
/// and parameter tables equal those of the hand-written lists they replaced (`OldModulePaths`
/// and Fixtures/module_tree, dumped from the code before the change), every listed path can be
/// tapped, and one pass gives every layer's output shape.
final class ModuleTreeTests: XCTestCase {
  let shapesOnly = { WeightSource(.shapesOnly) }

  func testResNet50PathsAreTheHandWrittenList() throws {
    let model = try ResNet("resnet50", weights: shapesOnly())
    XCTAssertEqual(model.modulePaths, OldModulePaths.resnet50)
    try checkParameters(model, "resnet50")
  }

  func testCIFARResNet20PathsAreTheHandWrittenList() throws {
    let model = try CIFARResNet(depth: 20, weights: shapesOnly())
    XCTAssertEqual(model.modulePaths, OldModulePaths.cifarResNet20)
    try checkParameters(model, "cifar_resnet20")
  }

  func testViTSmallPatch16PathsAreTheHandWrittenList() throws {
    let model = try VisionTransformer("vit_small_patch16", config: .named("vit_small_patch16")!, weights: shapesOnly())
    XCTAssertEqual(model.modulePaths, OldModulePaths.vitSmallPatch16)
    try checkParameters(model, "vit_small_patch16")
  }

  func testOtherArchitecturesKeepTheirParameterTables() throws {
    try checkParameters(try ResNet("resnet18", weights: shapesOnly()), "resnet18")
    try checkParameters(try CIFARResNet.demo(weights: shapesOnly()), "demo_cnn")
    try checkParameters(
      try VisionTransformer("vit_small_patch16_reg4", config: .named("vit_small_patch16_reg4")!, weights: shapesOnly()),
      "vit_small_patch16_reg4")
    try checkParameters(try VisionTransformer("vit_demo", config: .demo(), weights: shapesOnly()), "vit_demo")
  }

  /// A tap on every listed path captures a tensor, in one pass; spot-checked shapes.
  func testEveryPathCanBeTappedAndHasAnOutputShape() throws {
    let resnet = try ResNet("resnet50", weights: WeightFormula.source)
    let r = Dictionary(uniqueKeysWithValues: resnet.layerShapes(input: WeightFormula.tensor("input", [1, 3, 64, 64])).map { ($0.path, $0.shape) })
    XCTAssertEqual(r.count, resnet.modulePaths.count)
    for path in resnet.modulePaths { XCTAssertNotNil(r[path] ?? nil, path) }
    XCTAssertEqual(r["relu"], [1, 64, 32, 32])
    XCTAssertEqual(r["maxpool"], [1, 64, 16, 16])
    XCTAssertEqual(r["layer1.0.downsample"], [1, 256, 16, 16])
    XCTAssertEqual(r["layer4.2.relu"], [1, 2048, 2, 2])
    XCTAssertEqual(r["avgpool"], [1, 2048, 1, 1])
    XCTAssertEqual(r["fc"], [1, 1000])

    let cifar = try CIFARResNet(depth: 20, weights: WeightFormula.source)
    let c = cifar.layerShapes()
    XCTAssertEqual(c.map(\.path), cifar.modulePaths)
    for (path, shape) in c { XCTAssertNotNil(shape, path) }
    XCTAssertEqual(c.first { $0.path == "layer2.0.shortcut" }?.shape, [1, 32, 16, 16])
    XCTAssertEqual(c.first { $0.path == "avgpool" }?.shape, [1, 64])

    let vit = try VisionTransformer("vit_small_patch16", config: .named("vit_small_patch16")!, weights: WeightFormula.source)
    let v = vit.layerShapes(input: WeightFormula.tensor("input", [1, 3, 64, 64]))
    XCTAssertEqual(v.map(\.path), vit.modulePaths)
    for (path, shape) in v { XCTAssertNotNil(shape, path) }
    XCTAssertEqual(v.first { $0.path == "patch_embed" }?.shape, [1, 16, 384])
    XCTAssertEqual(v.first { $0.path == "blocks.11.attn.attn_drop" }?.shape, [1, 6, 17, 17])
    XCTAssertEqual(v.first { $0.path == "blocks.3.mlp.act" }?.shape, [1, 17, 1536])
    XCTAssertEqual(v.first { $0.path == "head" }?.shape, [1, 1000])
  }

  /// A pseudo-module computed inside a fused convolution taps the value its PyTorch module
  /// outputs: `layer1.0.relu` is the block's output, the stem's `relu` feeds `maxpool`.
  func testFusedOutputsTapTheModuleValue() throws {
    let model = try ResNet("resnet18", weights: WeightFormula.source)
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    let context = ForwardContext(taps: ["relu", "layer1.0.bn2", "layer1.0.relu", "layer1.0", "layer1.1.conv1"])
    _ = withoutGradients { model.forward(x, context: context) }
    let captured = context.captured
    XCTAssertEqual(maxAbsDifference(captured["layer1.0.relu"]!, captured["layer1.0"]!), 0)
    let stem = captured["relu"]!
    XCTAssertEqual(stem.scalars.min(), 0)
    // relu(bn2(conv2(...)) + x) from the tapped bn2 output, the block's input being maxpool(relu).
    let identity = withoutGradients { maxPool2d(stem, kernel: 3, stride: 2, padding: 1) }
    let expected = withoutGradients { relu(captured["layer1.0.bn2"]! + identity) }
    XCTAssertLessThanOrEqual(maxAbsDifference(captured["layer1.0.relu"]!, expected), 1e-5)
  }

  /// DINOv2 checkpoints have layer scales: `ls1.gamma` and `ls2.gamma` load into
  /// `blocks.N.ls1` / `ls2` and scale each branch (a gamma of 0 removes the branch).
  func testLayerScaleLoadsFromAStateDict() throws {
    let config = VisionTransformer.Config.demo()
    let plain = try VisionTransformer("vit_demo", config: config, weights: WeightFormula.source)
    var tensors: [String: Tensor] = [:]
    for name in plain.parameters.names { tensors[name] = plain.parameters[name] }
    for b in 0..<config.depth {
      tensors["blocks.\(b).ls1.gamma"] = Tensor.zeros([config.dim])
      tensors["blocks.\(b).ls2.gamma"] = Tensor.zeros([config.dim])
    }
    let scaled = try VisionTransformer("vit_demo", config: config, weights: WeightSource(.stateDict(tensors)))
    XCTAssertTrue(scaled.modulePaths.contains("blocks.0.ls1"))
    XCTAssertEqual(scaled.parameters.names.filter { $0.hasSuffix("gamma") }.count, 2 * config.depth)
    // With zero gammas every block is the identity: the blocks' output is pos_drop's.
    let x = WeightFormula.tensor("input", [1, 3, 64, 64])
    let context = ForwardContext(taps: ["pos_drop", "blocks.3"])
    _ = withoutGradients { scaled.forward(x, context: context) }
    XCTAssertEqual(maxAbsDifference(context.captured["pos_drop"]!, context.captured["blocks.3"]!), 0)
  }

  /// Names, shapes and trainable flags in registration order, as the fixture lists them.
  private func checkParameters(_ model: ImageClassifier, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "\(name)_params", withExtension: "txt", subdirectory: "Fixtures/module_tree"))
    let expected = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let trainable = Set(model.parameters.trainable)
    let got = model.parameters.names.map {
      "\($0) \(model.parameters[$0].shape.map(String.init).joined(separator: "x")) \(trainable.contains($0) ? "T" : "B")"
    }
    XCTAssertEqual(got, expected, name, file: file, line: line)
    XCTAssertEqual(model.parameters.trainable, model.parameters.names.filter { trainable.contains($0) }, file: file, line: line)
  }
}
