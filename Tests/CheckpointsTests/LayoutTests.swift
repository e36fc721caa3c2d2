import Checkpoints
import Foundation
import XCTest

/// Nested SSL checkpoint layouts (mmselfsup, DINO, MoCo, SwAV, ...) reduce to torchvision/timm
/// names (`KeyNormalization.standard`).
final class LayoutTests: XCTestCase {
  private func check(_ file: String, path: [String], dropped: Set<String>) throws {
    let all = try XCTUnwrap(Fixtures.json(Fixtures.good("expected_layouts.json")) as? [String: [String: [String: Any]]])
    let expected = try XCTUnwrap(all[file])
    let sd = try Checkpoint.loadStateDict(contentsOf: Fixtures.good(file))
    XCTAssertEqual(sd.sourcePath, path, file)
    XCTAssertEqual(Set(sd.keys), Set(expected.keys), file)
    XCTAssertEqual(Set(sd.droppedKeys), dropped, file)
    for (key, info) in expected {
      let entry = try XCTUnwrap(sd.entry(key), "\(file): \(key)")
      XCTAssertEqual(entry.originalKey, info["original"] as? String)
      XCTAssertEqual(entry.tensor.shape, Fixtures.ints(info["shape"]))
      assertValuesEqual(entry.tensor.doubles(), Fixtures.numbers(info["values"]), "\(file): \(key)")
    }
  }

  func testStateDictWithModulePrefix() throws {
    try check("nested_module.pth", path: ["state_dict"], dropped: [])
  }

  func testDINOTeacherBackbone() throws {
    try check("dino_teacher.pth", path: ["teacher"], dropped: ["head.mlp.0.weight", "head.last_layer.weight_g"])
  }

  func testMoCoEncoderQ() throws {
    try check("moco_v2.pth.tar", path: ["state_dict"],
              dropped: ["module.encoder_q.fc.0.weight", "module.encoder_k.conv1.weight", "module.queue", "module.queue_ptr"])
  }

  func testMMClsBackboneAndHeadFC() throws {
    try check("mmcls_linear.pth", path: ["state_dict"], dropped: [])
    // numpy scalars in meta are decoded, not errors.
    let value = try Checkpoint.load(contentsOf: Fixtures.good("mmcls_linear.pth"))
    guard case .int(1234)? = value["meta"]?["seed"] else { return XCTFail("meta.seed \(String(describing: value["meta"]?["seed"]))") }
    guard case .double(0.1)? = value["meta"]?["lr"] else { return XCTFail("meta.lr") }
    guard case .string("mmcls")? = value["meta"]?["note"] else { return XCTFail("meta.note") }
    // argparse.Namespace in DINO checkpoints stays opaque.
    let dino = try Checkpoint.load(contentsOf: Fixtures.good("dino_teacher.pth"))
    guard case .opaque("argparse.Namespace")? = dino["args"] else { return XCTFail("args") }
  }

  func testNormalizationRulesDirectly() {
    let keys = ["module.backbone.conv1.weight", "module.head.fc.weight", "module.head.mlp.0.weight",
                "_orig_mod.module.backbone.bn1.bias"]
    XCTAssertEqual(KeyNormalization.standard.normalize(keys), ["conv1.weight", "fc.weight", nil, "bn1.bias"])
    XCTAssertEqual(KeyNormalization.standard.normalize(["module.linear.weight"]), ["linear.weight"])
    XCTAssertEqual(KeyNormalization.standard.renaming("linear.", to: "fc.").normalize(["module.linear.weight"]),
                   ["fc.weight"])
    XCTAssertEqual(KeyNormalization.standard.normalize(["module.base_encoder.fc.0.weight", "module.base_encoder.conv1.weight",
                                                        "module.momentum_encoder.conv1.weight", "module.predictor.0.weight"]),
                   [nil, "conv1.weight", nil, nil])
    XCTAssertEqual(KeyNormalization.standard.normalize(["module.encoder.fc.weight", "module.encoder.layer1.0.conv1.weight"]),
                   [nil, "layer1.0.conv1.weight"])
    XCTAssertEqual(KeyNormalization.standard.normalize(["module.projection_head.0.weight", "module.conv1.weight"]),
                   [nil, "conv1.weight"])
    XCTAssertEqual(KeyNormalization.none.normalize(["module.conv1.weight"]), ["module.conv1.weight"])
    // Without a container, `head.fc` is the model's own layer (timm ConvNeXt, Swin): kept.
    XCTAssertEqual(KeyNormalization.standard.normalize(["stem.0.weight", "head.norm.weight", "head.fc.weight"]),
                   ["stem.0.weight", "head.norm.weight", "head.fc.weight"])
  }

  func testCollidingKeysAreRefused() throws {
    let t = CheckpointTensor(shape: [1], floats: [1])
    let value = CheckpointValue.dict([(key: "module.w", value: .tensor(t)), (key: "w", value: .tensor(t))])
    XCTAssertThrowsError(try StateDict(from: value)) {
      XCTAssertTrue("\($0)".contains("'w'"), "\($0)")
    }
  }

  func testKeyMatchReport() throws {
    let sd = try StateDict([("a", CheckpointTensor(shape: [2], floats: [1, 2])),
                            ("b", CheckpointTensor(shape: [1, 2], floats: [1, 2])),
                            ("extra", CheckpointTensor(shape: [], floats: [0]))])
    let expected: [(key: String, shape: [Int])] = [("a", [2]), ("b", [2, 1]), ("c", [3])]
    let report = sd.compare(to: expected)
    XCTAssertEqual(report.missing, ["c"])
    XCTAssertEqual(report.unexpected, ["extra"])
    XCTAssertEqual(report.shapeMismatches, [.init(key: "b", expected: [2, 1], actual: [1, 2])])
    XCTAssertEqual(report.lines, ["missing: c", "unexpected: extra", "shape mismatch: b expected [2, 1] got [1, 2]"])
    XCTAssertThrowsError(try sd.validate(against: expected)) { error in
      let message = "\(error)"
      XCTAssertFalse(message.contains("\n"))
      XCTAssertTrue(message.contains("1 missing (c)") && message.contains("extra") && message.contains("b [2, 1] vs [1, 2]"),
                    message)
    }
    // Non-strict mode tolerates missing/unexpected keys but not shape mismatches.
    XCTAssertThrowsError(try sd.validate(against: expected, strict: false))
    let ok = try sd.validate(against: [("a", [2])], strict: false)
    XCTAssertEqual(ok.unexpected, ["b", "extra"])
    XCTAssertTrue(try sd.validate(against: [("a", [2]), ("b", [1, 2]), ("extra", [])]).isExactMatch)
    XCTAssertTrue(sd.compare(to: [("a", [2]), ("b", [1, 2])], ignoringSuffixes: ["extra"]).isExactMatch)
    XCTAssertEqual(try sd.tensor("a", shape: [2]).floats(), [1, 2])
    XCTAssertThrowsError(try sd.tensor("zz")) { XCTAssertEqual("\($0)", "state dict does not match: missing key 'zz'") }
    XCTAssertThrowsError(try sd.tensor("b", shape: [2])) { XCTAssertTrue("\($0)".contains("[1, 2], expected [2]")) }
    XCTAssertEqual(sd.filter { $0.key != "extra" }.keys, ["a", "b"])
    XCTAssertNil(sd.filter { $0.key != "extra" }["extra"])
  }
}
