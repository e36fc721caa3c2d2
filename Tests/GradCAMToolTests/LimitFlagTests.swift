import Foundation
import TestFixtures
import XCTest

/// `--max-image-pixels` and `--max-tensor-bytes`: over the limit is a clear one-line error that
/// names the flag's subject; raising the flag accepts the same file.
final class LimitFlagTests: XCTestCase {
  let image = SharedFixtures.cifarImage("cat/00000.png").path  // 32x32
  let checkpoint = Tool.packageRoot.appendingPathComponent("Tests/CheckpointsTests/Fixtures/good/mixed_zip_p2.pth").path

  func testMaxImagePixels() throws {
    let refused = try Tool.run(["predict", "--max-image-pixels", "1000", image])
    XCTAssertEqual(refused.status, 1, refused.stderr)
    XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("00000.png") && refused.stderr.contains("exceeds the limit of 1000 pixels"), refused.stderr)
    let accepted = try Tool.run(["predict", "--max-image-pixels", "1024", image])
    XCTAssertEqual(accepted.status, 0, accepted.stderr)

    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("fog.png")
    let corrupt = try Tool.run(["corrupt", "--image", image, "--corruption", "fog", "--severity", "1", "--out", out.path, "--max-image-pixels", "1023"])
    XCTAssertEqual(corrupt.status, 1, corrupt.stderr)
    XCTAssertTrue(corrupt.stderr.contains("exceeds the limit"), corrupt.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    let cam = try Tool.run(["cam", "--image", image, "--out", dir.appendingPathComponent("m.npy").path, "--max-image-pixels", "10"])
    XCTAssertEqual(cam.status, 1, cam.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])

    let invalid = try Tool.run(["predict", "--max-image-pixels", "0", image])
    XCTAssertEqual(invalid.status, 64, invalid.stderr)
  }

  func testMaxTensorBytes() throws {
    let dir = try Tool.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("m.safetensors")
    let refused = try Tool.run(["convert", checkpoint, out.path, "--max-tensor-bytes", "16"])
    XCTAssertEqual(refused.status, 1, refused.stderr)
    XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("mixed_zip_p2.pth") && refused.stderr.contains("--max-tensor-bytes"), refused.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    let accepted = try Tool.run(["convert", checkpoint, out.path, "--max-tensor-bytes", "1000000"])
    XCTAssertEqual(accepted.status, 0, accepted.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.path))

    // The same flag guards --weights.
    let weights = SharedFixtures.model("cifar10-resnet20.th").path
    let small = try Tool.run(["predict", "--arch", "cifar_resnet20", "--weights", weights, "--max-tensor-bytes", "4096", image])
    XCTAssertEqual(small.status, 1, small.stderr)
    XCTAssertTrue(small.stderr.contains("cifar10-resnet20.th") && small.stderr.contains("--max-tensor-bytes"), small.stderr)
    let large = try Tool.run(["predict", "--arch", "cifar_resnet20", "--weights", weights, "--max-tensor-bytes", "100000000", image])
    XCTAssertEqual(large.status, 0, large.stderr)
  }
}
