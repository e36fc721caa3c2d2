import Checkpoints
import Foundation
import XCTest

/// Fixtures/regressions: inputs that crashed or hung a fuzz target (`fuzz_*`, see Fuzz/) and the
/// extra hostile files of Scripts/fixtures/make_hostile_fixtures.py (`hostile_*`). Each must be
/// refused with a one-line `CheckpointError` naming the file.
final class CheckpointsFuzzRegressionTests: XCTestCase {
  func testRegressionsAreRefused() throws {
    let dir = Fixtures.root.appendingPathComponent("regressions")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    XCTAssertGreaterThanOrEqual(names.count, 8)
    for name in names {
      do {
        let value = try Checkpoint.load(contentsOf: dir.appendingPathComponent(name))
        XCTFail("\(name) was accepted: \(value.keys)")
      } catch let error as CheckpointError {
        XCTAssertFalse(error.description.contains("\n"), "\(name): \(error)")
        XCTAssertTrue(error.description.contains(name), "\(name): \(error)")
      }
    }
  }
}

/// The opcode budget bounds the memory a small pickle can make the VM allocate.
final class PickleOperationLimitTests: XCTestCase {
  func testOpcodeBudget() throws {
    let flood = Data([0x80, 0x02] + [UInt8](repeating: 0x29, count: 5000))  // 5000 EMPTY_TUPLEs
    var limits = CheckpointLimits()
    limits.maxPickleOperations = 1000
    XCTAssertThrowsError(try Checkpoint.load(data: flood, name: "flood.pkl", options: CheckpointLoadOptions(limits: limits))) {
      XCTAssertTrue("\($0)".contains("more than 1000 opcodes"), "\($0)")
      XCTAssertTrue("\($0)".contains("flood.pkl"), "\($0)")
    }
    // The default budget still reads real checkpoints.
    XCTAssertNoThrow(try Checkpoint.load(contentsOf: Fixtures.good("mixed_zip_p2.pth")))
    XCTAssertNoThrow(try Checkpoint.load(contentsOf: Fixtures.good("mixed_legacy_p2.pth")))
  }
}
