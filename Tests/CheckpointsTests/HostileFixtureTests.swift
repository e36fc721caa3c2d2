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
