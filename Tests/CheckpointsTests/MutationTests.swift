import Checkpoints
import Foundation
import XCTest

/// Deterministic mutation fuzzing of the good fixtures: every corrupted variant must either
/// load or fail with a one-line ``CheckpointError`` (never trap, hang or throw anything else).
final class MutationTests: XCTestCase {
  /// SplitMix64: reproducible without Foundation's random sources.
  private struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
  }

  private let files = [
    "mixed_zip_p2.pth", "mixed_zip_p4.pth", "mixed_zip_deflated.pth", "mixed_legacy_p2.pth",
    "mixed_legacy_p4.pth", "mixed_plain_p2.pkl", "mixed.safetensors", "mmcls_linear.pth", "dino_teacher.pth",
  ]

  func testCorruptedFixturesFailCleanly() throws {
    var rng = Rng(state: 0xC0FFEE)
    let rounds = Int(ProcessInfo.processInfo.environment["CHECKPOINT_FUZZ_ROUNDS"] ?? "") ?? 150
    var loaded = 0, refused = 0
    for name in files {
      let original = [UInt8](try Data(contentsOf: Fixtures.good(name)))
      for round in 0..<rounds {
        var bytes = original
        switch round % 5 {
        case 0:  // truncate
          bytes = Array(bytes.prefix(rng.below(bytes.count)))
        case 1:  // flip a few random bytes anywhere
          for _ in 0..<(1 + rng.below(4)) { bytes[rng.below(bytes.count)] ^= UInt8(1 + rng.below(255)) }
        case 2:  // corrupt the structured head of the file (pickle / headers)
          for _ in 0..<(1 + rng.below(3)) { bytes[rng.below(min(bytes.count, 700))] = UInt8(rng.below(256)) }
        case 3:  // corrupt the tail (zip central directory, legacy key list / records)
          for _ in 0..<(1 + rng.below(3)) {
            bytes[bytes.count - 1 - rng.below(min(bytes.count, 400))] = UInt8(rng.below(256))
          }
        default:  // set a 32-bit field to an extreme value
          let at = rng.below(bytes.count - 4)
          let v: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80], [0, 0, 0, 0]][rng.below(4)]
          bytes.replaceSubrange(at..<(at + 4), with: v)
        }
        do {
          let value = try Checkpoint.load(data: Data(bytes), name: name)
          _ = try? StateDict(from: value)
          loaded += 1
        } catch let error as CheckpointError {
          XCTAssertFalse(error.description.contains("\n"), error.description)
          refused += 1
        } catch {
          XCTFail("\(name) round \(round): non-CheckpointError \(error)")
        }
      }
    }
    XCTAssertGreaterThan(refused, files.count * rounds / 3)
    print("mutation fuzzing: \(loaded) variants loaded, \(refused) refused")
  }

  /// Random opcode soup (protocol-2..5 opcodes mixed with random operand bytes).
  func testRandomPicklesFailCleanly() {
    let rounds = Int(ProcessInfo.processInfo.environment["CHECKPOINT_FUZZ_ROUNDS"] ?? "") ?? 150
    let opcodes: [UInt8] = Array("().0123NKMJGXUTCBQRbcqrhj)t]la}dsueI".utf8) + [0x80, 0x85, 0x86, 0x87, 0x88, 0x89,
      0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96]
    var rng = Rng(state: 42)
    for _ in 0..<(rounds * 20) {
      var bytes: [UInt8] = [0x80, UInt8(2 + rng.below(4))]
      for _ in 0..<(1 + rng.below(120)) {
        bytes.append(rng.below(3) == 0 ? UInt8(rng.below(256)) : opcodes[rng.below(opcodes.count)])
      }
      if rng.below(2) == 0 { bytes.append(0x2E) }
      do {
        _ = try Checkpoint.load(data: Data(bytes), name: "soup.pkl")
      } catch let error as CheckpointError {
        XCTAssertFalse(error.description.contains("\n"))
      } catch {
        XCTFail("non-CheckpointError \(error)")
      }
    }
  }
}
