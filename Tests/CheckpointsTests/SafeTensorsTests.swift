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

  func testWriteIsAtomicAndReadableByPython() throws {
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("t.safetensors")
    try Data("old".utf8).write(to: url)
    try SafeTensors.write(try sample(), to: url, metadata: ["k": "v"])
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["t.safetensors"])
    XCTAssertEqual(try SafeTensors.read(contentsOf: url).tensors.count, 7)
    guard let python = Fixtures.python else { throw XCTSkip("no Python venv") }
    let process = Process()
    process.executableURL = python
    process.arguments = ["-c", """
      import sys
      from safetensors import safe_open
      try:
          import torch
          fw = 'pt'
      except ImportError:
          fw = None
      if fw is None:  # numpy cannot hold bfloat16: check the other tensors only
          with safe_open(sys.argv[1], 'np') as f:
              d = {k: f.get_tensor(k) for k in f.keys() if k != 'b'}
          tolist = lambda t: t.tolist()
      else:
          with safe_open(sys.argv[1], 'pt') as f:
              d = {k: f.get_tensor(k) for k in f.keys()}
              assert f.metadata() == {'k': 'v'}
          assert d['b'].dtype == torch.bfloat16 and d['b'].float().tolist() == [1.0]
          tolist = lambda t: t.tolist()
      assert tolist(d['w']) == [[1, 2, 3], [4, 5, -6]], tolist(d['w'])
      assert tolist(d['h']) == [1.0, -2.0] and tolist(d['n']) == [-1, 3] and tuple(d['d'].shape) == ()
      assert tuple(d['empty'].shape) == (0, 4) and tolist(d['quote"name']) == [7.0]
      """, url.path]
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
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
