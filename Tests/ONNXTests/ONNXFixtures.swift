import Autodiff
import AutodiffTestSupport
import Foundation
import Networks
import ONNX
import SwiftProtobuf
import XCTest

/// Fixtures of Tests/ONNXTests/Fixtures, made by Scripts/fixtures/make_onnx_fixtures.py.
enum ONNXFixtures {
  static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

  struct Missing: Error, CustomStringConvertible {
    let description: String
  }

  /// A fixture file's URL; a missing fixture fails the test that asks for it.
  static func url(_ name: String) throws -> URL {
    let url = folder.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(description: "missing fixture \(name)") }
    return url
  }

  /// A `.npy` fixture.
  static func tensor(_ name: String) throws -> Tensor { try loadFixture(name, bundle: .module) }

  /// A scratch folder for one test, removed by the caller's teardown.
  static func scratch() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// The fixture graph `name.onnx` with every initializer the generator emptied refilled from
  /// WeightFormula (by its state_dict name), written to `folder`.
  static func completed(_ name: String, in folder: URL) throws -> URL {
    var model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: url("\(name).onnx")))
    for i in model.graph.initializer.indices {
      let t = model.graph.initializer[i]
      let shape = t.dims.map { Int($0) }
      guard t.rawData.isEmpty, t.floatData.isEmpty, t.dataType == 1, Shape.count(shape) > 0 else { continue }
      let values = WeightFormula.tensor(t.name, shape).scalars
      model.graph.initializer[i].rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
    }
    let out = folder.appendingPathComponent("\(name).onnx")
    try model.serializedData().write(to: out)
    return out
  }

  /// `completed(name)` loaded.
  static func model(_ name: String) throws -> ONNXClassifier {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    return try ONNXClassifier(url: completed(name, in: dir))
  }
}
