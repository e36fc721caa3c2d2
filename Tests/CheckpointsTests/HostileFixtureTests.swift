import Checkpoints
import Foundation
import XCTest

/// Every hostile file is refused with a one-line error that names the file and the problem.
final class HostileFixtureTests: XCTestCase {
  func testEveryHostileFileIsRefusedWithANamedReason() throws {
    let expected = try XCTUnwrap(Fixtures.json(Fixtures.hostile("expected.json")) as? [String: [String]])
    XCTAssertGreaterThanOrEqual(expected.count, 30)
    for (name, needles) in expected.sorted(by: { $0.key < $1.key }) {
      let url = Fixtures.hostile(name)
      do {
        let value = try Checkpoint.load(contentsOf: url)
        XCTFail("\(name) was accepted: \(value.keys)")
      } catch let error as CheckpointError {
        let message = error.description
        XCTAssertFalse(message.contains("\n"), "\(name): multi-line message: \(message)")
        XCTAssertTrue(message.contains(name), "\(name): message does not name the file: \(message)")
        for needle in needles {
          XCTAssertTrue(message.contains(needle), "\(name): '\(needle)' not in: \(message)")
        }
      } catch {
        XCTFail("\(name): non-CheckpointError \(error)")
      }
    }
  }

  func testCodeExecutionGlobalsNameTheGlobal() throws {
    for (file, global) in [("os_system.pkl", "os.system"), ("builtins_eval.pkl", "builtins.eval"),
                           ("posix_system.pkl", "posix.system"), ("builtins_getattr.pkl", "builtins.getattr")] {
      XCTAssertThrowsError(try Checkpoint.load(contentsOf: Fixtures.hostile(file))) { error in
        guard case .globalNotAllowed(let module, let name) = (error as? CheckpointError)?.underlying else {
          return XCTFail("\(file): \(error)")
        }
        XCTAssertEqual("\(module).\(name)", global)
      }
    }
  }

  func testExtraOpaqueGlobalsCannotUnlockForbiddenModules() {
    let options = CheckpointLoadOptions(extraOpaqueGlobals: ["os.system", "builtins.eval"])
    XCTAssertThrowsError(try Checkpoint.load(contentsOf: Fixtures.hostile("os_system.pkl"), options: options))
    XCTAssertThrowsError(try Checkpoint.load(contentsOf: Fixtures.hostile("builtins_eval.pkl"), options: options))
  }

  func testMissingFileIsAnIOError() {
    XCTAssertThrowsError(try Checkpoint.load(contentsOf: Fixtures.hostile("does-not-exist.pth"))) {
      XCTAssertTrue("\($0)".contains("does-not-exist.pth"), "\($0)")
    }
  }
}

/// Opt-in timing / oracle check on any checkpoint: `CHECKPOINT_PROBE_FILE=/path swift test --filter ProbeFileTests`
/// (`CHECKPOINT_PROBE_OUT=/path.safetensors` also writes the normalised state dict for comparison).
final class ProbeFileTests: XCTestCase {
  func testLoadFileFromEnvironment() throws {
    guard let path = ProcessInfo.processInfo.environment["CHECKPOINT_PROBE_FILE"] else {
      throw XCTSkip("set CHECKPOINT_PROBE_FILE to load a file")
    }
    let start = Date()
    do {
      let sd = try Checkpoint.loadStateDict(contentsOf: URL(fileURLWithPath: path))
      let bytes = sd.entries.reduce(0) { $0 + $1.tensor.data.count }
      print("PROBE \(path): \(sd.count) tensors, \(bytes) bytes, path \(sd.sourcePath), dropped \(sd.droppedKeys.count), \(Date().timeIntervalSince(start)) s")
      for e in sd.entries.prefix(3) { print("PROBE   \(e.originalKey) -> \(e.key) \(e.tensor.dtype) \(e.tensor.shape)") }
      if let out = ProcessInfo.processInfo.environment["CHECKPOINT_PROBE_OUT"] {
        try SafeTensors.write(sd, to: URL(fileURLWithPath: out))
        print("PROBE wrote \(out)")
      }
    } catch {
      print("PROBE \(path): \(error)")
    }
    if ProcessInfo.processInfo.environment["CHECKPOINT_PROBE_ALL_HOSTILE"] != nil {
      let dir = Fixtures.root.appendingPathComponent("hostile")
      for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name != "expected.json" {
        do { _ = try Checkpoint.load(contentsOf: dir.appendingPathComponent(name)) } catch { print("HOSTILE \(error)") }
      }
    }
  }
}

final class GlobalPolicyTests: XCTestCase {
  /// {'cfg': pathlib.PosixPath('a', 'b'), 'w': tensor} as a plain pickle (no torch needed).
  private func pickle(module: String, name: String) -> Data {
    var p = Data([0x80, 0x02, 0x7D, 0x58, 3, 0, 0, 0]) + Data("cfg".utf8)
    p += Data("c\(module)\n\(name)\n".utf8) + Data([0x58, 1, 0, 0, 0, 0x61, 0x85, 0x52, 0x73, 0x2E])
    return p
  }

  func testUnknownGlobalsAreRefusedByDefaultAndOpaqueOnRequest() throws {
    XCTAssertThrowsError(try Checkpoint.load(data: pickle(module: "pathlib", name: "PosixPath"), name: "m.pkl")) {
      XCTAssertTrue("\($0)".contains("'pathlib.PosixPath' is not allowed"), "\($0)")
    }
    let lenient = CheckpointLoadOptions(acceptsUnknownGlobalsAsOpaque: true)
    let value = try Checkpoint.load(data: pickle(module: "pathlib", name: "PosixPath"), name: "m.pkl", options: lenient)
    guard case .opaque("pathlib.PosixPath")? = value["cfg"] else { return XCTFail("\(value)") }
    let listed = CheckpointLoadOptions(extraOpaqueGlobals: ["pathlib.PosixPath"])
    XCTAssertNoThrow(try Checkpoint.load(data: pickle(module: "pathlib", name: "PosixPath"), name: "m.pkl", options: listed))
    // Dangerous modules, dunder names and torch internals stay refused even in lenient mode.
    for (module, name) in [("os", "system"), ("posix", "system"), ("builtins", "eval"), ("subprocess", "Popen"),
                           ("torch", "load"), ("torch.hub", "load"), ("pathlib", "__class__"), ("os.path", "join")] {
      XCTAssertThrowsError(try Checkpoint.load(data: pickle(module: module, name: name), name: "m.pkl", options: lenient)) {
        XCTAssertTrue("\($0)".contains("'\(module).\(name)' is not allowed"), "\($0)")
      }
    }
  }
}
