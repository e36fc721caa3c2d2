import Checkpoints
import Foundation
import NPY
import TestFixtures
import XCTest

/// The committed CIFAR-10 ResNets of Tests/Fixtures/models (legacy format, `module.` prefix, old `_rebuild_tensor`) against
/// the oracle written by the fixture generator (checkpoint_probe.py's VM, cross-checked with torch).
final class RealModelTests: XCTestCase {
  private func check(_ name: String) throws -> StateDict {
    let url = SharedFixtures.model("\(name).th")
    let oracle = try XCTUnwrap(Fixtures.json(Fixtures.models("\(name).json")) as? [String: Any])
    let tensors = try XCTUnwrap(oracle["tensors"] as? [String: [String: Any]])
    let keys = try XCTUnwrap(oracle["keys"] as? [String])

    XCTAssertEqual(try Checkpoint.format(of: url), .torchLegacy)
    let value = try Checkpoint.load(contentsOf: url)
    XCTAssertEqual(value.keys, oracle["top_level_keys"] as? [String])
    var bestPrec1: Double?
    if case .double(let v)? = value["best_prec1"] { bestPrec1 = v }
    let best = try XCTUnwrap(bestPrec1, "best_prec1 is not a float: \(String(describing: value["best_prec1"]))")
    XCTAssertEqual(best, (oracle["best_prec1"] as? NSNumber)?.doubleValue)

    let sd = try StateDict(from: value)
    XCTAssertEqual(sd.sourcePath, ["state_dict"])
    XCTAssertEqual(sd.entries.map(\.originalKey), keys)
    XCTAssertEqual(sd.keys, keys.map { String($0.dropFirst("module.".count)) })
    for entry in sd.entries {
      let info = try XCTUnwrap(tensors[entry.originalKey])
      XCTAssertEqual(entry.tensor.dtype.rawValue, info["dtype"] as? String, entry.key)
      XCTAssertEqual(entry.tensor.shape, Fixtures.ints(info["shape"]), entry.key)
      let values = entry.tensor.doubles()
      let sum = values.reduce(0, +), absSum = values.reduce(0) { $0 + abs($1) }
      let expectedSum = try XCTUnwrap((info["sum"] as? NSNumber)?.doubleValue)
      let expectedAbs = try XCTUnwrap((info["abs_sum"] as? NSNumber)?.doubleValue)
      XCTAssertEqual(sum, expectedSum, accuracy: 1e-9 * max(1, expectedAbs), entry.key)
      XCTAssertEqual(absSum, expectedAbs, accuracy: 1e-9 * max(1, expectedAbs), entry.key)
      assertValuesEqual(Array(values.prefix(5)), Fixtures.numbers(info["first"]), entry.key)
    }
    return sd
  }

  func testResNet20MatchesOracle() throws {
    let sd = try check("cifar10-resnet20")
    for key in ["module.linear.weight", "module.linear.bias", "module.bn1.running_var"] {
      let npy = try NPYArray(contentsOf: Fixtures.models("cifar10-resnet20.\(key).npy"))
      let t = try XCTUnwrap(sd[String(key.dropFirst("module.".count))])
      XCTAssertEqual(t.shape, npy.shape, key)
      XCTAssertEqual(t.floats(), npy.floats, key)
    }
  }

  func testResNet56MatchesOracle() throws {
    let sd = try check("cifar10-resnet56")
    XCTAssertEqual(sd["linear.weight"]?.shape, [10, 64])
  }

  func testResNet20KeyValidation() throws {
    let sd = try check("cifar10-resnet20")
    var expected = sd.entries.map { (key: $0.key, shape: $0.tensor.shape) }
    XCTAssertTrue(try sd.validate(against: expected).isExactMatch)
    expected[0].shape = [1]
    expected.append((key: "fc.weight", shape: [10, 64]))
    let report = sd.compare(to: expected.filter { $0.key != "linear.bias" })
    XCTAssertEqual(report.missing, ["fc.weight"])
    XCTAssertEqual(report.unexpected, ["linear.bias"])
    XCTAssertEqual(report.shapeMismatches.map(\.key), ["conv1.weight"])
  }

  /// Legacy resnet20 -> safetensors -> read back equal. The bytes equal the bundled
  /// `cifar10-resnet20.safetensors` (written by `gradcam convert`), which Python's safetensors
  /// 0.8.0 read as recorded in `models/cifar10-resnet20.safetensors.python.json`
  /// (Scripts/fixtures/make_safetensors_reader_fixtures.py): same keys, shapes, and float64 sums
  /// within 1e-6 relative (summation order).
  func testResNet20SafeTensorsRoundTrip() throws {
    let url = SharedFixtures.model("cifar10-resnet20.th")
    let sd = try Checkpoint.loadStateDict(contentsOf: url)
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("resnet20.safetensors")
    let metadata = ["converter": "gradcam 0.1.0", "source": "cifar10-resnet20.th"]
    try SafeTensors.write(sd, to: out, metadata: metadata)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["resnet20.safetensors"])

    let back = try SafeTensors.read(contentsOf: out)
    XCTAssertEqual(back.metadata, metadata)
    XCTAssertEqual(back.tensors.map(\.name), sd.keys)
    for (name, tensor) in back.tensors { XCTAssertEqual(tensor, sd[name], name) }
    let reloaded = try Checkpoint.loadStateDict(contentsOf: out)
    XCTAssertEqual(reloaded.keys, sd.keys)

    let bundled = SharedFixtures.packageRoot.appendingPathComponent("Sources/Networks/Resources/models/cifar10-resnet20.safetensors")
    XCTAssertEqual(try Data(contentsOf: out), try Data(contentsOf: bundled), "the bundled model is not this conversion")
    let python = try XCTUnwrap(Fixtures.json(Fixtures.models("cifar10-resnet20.safetensors.python.json")) as? [String: Any])
    XCTAssertEqual(python["metadata"] as? [String: String], metadata)
    let pyTensors = try XCTUnwrap(python["tensors"] as? [String: [Any]])
    XCTAssertEqual(Set(pyTensors.keys), Set(sd.keys))
    for entry in sd.entries {
      let info = try XCTUnwrap(pyTensors[entry.key])
      XCTAssertEqual(Fixtures.ints(info[0]), entry.tensor.shape, entry.key)
      let sum = entry.tensor.doubles().reduce(0, +)
      XCTAssertEqual((info[1] as? NSNumber)?.doubleValue ?? .nan, sum, accuracy: 1e-6 * max(1, abs(sum)), entry.key)
    }
  }
}
