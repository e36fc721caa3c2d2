import Checkpoints
import Foundation
import XCTest

final class SafeTensorsTests: XCTestCase {
  private func sample() throws -> [(String, CheckpointTensor)] {
    [
      ("w", CheckpointTensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, -6])),
      ("d", CheckpointTensor(shape: [], doubles: [0.125])),
      ("h", try CheckpointTensor(shape: [2], dtype: .float16, data: Data([0x00, 0x3C, 0x00, 0xC0]))),  // 1, -2
      ("b", try CheckpointTensor(shape: [1], dtype: .bfloat16, data: Data([0x80, 0x3F]))),  // 1
      ("n", try CheckpointTensor(shape: [2], dtype: .int64, data: Data([255, 255, 255, 255, 255, 255, 255, 255, 3, 0, 0, 0, 0, 0, 0, 0]))),
      ("empty", CheckpointTensor(shape: [0, 4], floats: [])),
      ("quote\"name", CheckpointTensor(shape: [1], floats: [7])),
    ]
  }

  func testEncodeDecodeRoundTrip() throws {
    let tensors = try sample()
    let bytes = try SafeTensors.encode(tensors, metadata: ["format": "pt"])
    let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    XCTAssertEqual((8 + headerLength) % 8, 0, "data must start 8-byte aligned")
    let file = try SafeTensors.decode(bytes)
    XCTAssertEqual(file.metadata, ["format": "pt"])
    XCTAssertEqual(file.tensors.map(\.name).sorted(), tensors.map(\.0).sorted())
    for (name, tensor) in tensors {
      XCTAssertEqual(file.tensors.first(where: { $0.name == name })?.tensor, tensor, name)
    }
    let h = try XCTUnwrap(file.tensors.first(where: { $0.name == "h" })?.tensor)
    XCTAssertEqual(h.floats(), [1, -2])
    XCTAssertEqual(file.tensors.first(where: { $0.name == "b" })?.tensor.floats(), [1])
    XCTAssertEqual(file.tensors.first(where: { $0.name == "n" })?.tensor.int64s(), [-1, 3])
  }

  /// The writer's bytes are exactly those of `Fixtures/written/sample.safetensors`, which
  /// Python's safetensors 0.8.0 read as recorded in `sample.python.json`
  /// (Scripts/fixtures/make_safetensors_reader_fixtures.py); those values are the sample's, exactly.
  func testWriteIsAtomicAndReadableByPython() throws {
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("t.safetensors")
    try Data("old".utf8).write(to: url)
    try SafeTensors.write(try sample(), to: url, metadata: ["k": "v"])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["t.safetensors"])
    XCTAssertEqual(try SafeTensors.read(contentsOf: url).tensors.count, 7)
    XCTAssertEqual(try Data(contentsOf: url), try Data(contentsOf: Fixtures.written("sample.safetensors")),
                   "the writer's layout changed: rerun Scripts/fixtures/make_safetensors_reader_fixtures.py")

    let python = try XCTUnwrap(Fixtures.json(Fixtures.written("sample.python.json")) as? [String: Any])
    XCTAssertEqual(python["metadata"] as? [String: String], ["k": "v"])
    let read = try XCTUnwrap(python["tensors"] as? [String: [String: Any]])
    XCTAssertEqual(Set(read.keys), Set(try sample().map(\.0)))
    for (name, tensor) in try sample() {
      let info = try XCTUnwrap(read[name], name)
      XCTAssertEqual(Fixtures.ints(info["shape"]), tensor.shape, name)
      let values = tensor.dtype == .int64 ? tensor.int64s().map(Double.init) : tensor.doubles()
      XCTAssertEqual(Fixtures.numbers(info["values"]), values, name)
    }
  }

  func testWriteRefusesDuplicateNames() {
    let t = CheckpointTensor(shape: [1], floats: [1])
    XCTAssertThrowsError(try SafeTensors.encode([("a", t), ("a", t)])) {
      XCTAssertTrue("\($0)".contains("duplicate"), "\($0)")
    }
  }

  func testWriteIntoMissingDirectoryFailsCleanly() {
    let url = URL(fileURLWithPath: "/nonexistent-dir-\(UUID().uuidString)/x.safetensors")
    XCTAssertThrowsError(try SafeTensors.write([("a", CheckpointTensor(shape: [1], floats: [1]))], to: url)) {
      XCTAssertTrue("\($0)".contains("x.safetensors"), "\($0)")
    }
  }
}
