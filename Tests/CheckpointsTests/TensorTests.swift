import Checkpoints
import Foundation
import XCTest

final class TensorTests: XCTestCase {
  func testHalfAndBFloat16Conversion() throws {
    // 1, -2, 65504 (max), 2^-24 (smallest subnormal), inf, -0
    let halfBits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x8000]
    let half = try CheckpointTensor(shape: [6], dtype: .float16, data: halfBits.withUnsafeBytes { Data($0) })
    XCTAssertEqual(half.floats(), [1, -2, 65504, Float(pow(2.0, -24.0)), .infinity, -0.0])
    let nan = try CheckpointTensor(shape: [1], dtype: .float16, data: Data([0x01, 0x7E]))
    XCTAssertTrue(nan.floats()[0].isNaN)
    let bf = try CheckpointTensor(shape: [2], dtype: .bfloat16, data: Data([0xC0, 0x3F, 0x80, 0xBF]))
    XCTAssertEqual(bf.floats(), [1.5, -1])
  }

  func testSizeIsValidated() {
    XCTAssertThrowsError(try CheckpointTensor(shape: [2, 2], dtype: .float32, data: Data(count: 12)))
    XCTAssertThrowsError(try CheckpointTensor(shape: [-1], dtype: .float32, data: Data())) {
      XCTAssertTrue("\($0)".contains("negative"), "\($0)")
    }
  }

  func testDTypeTables() {
    for dt in CheckpointDType.allCases {
      XCTAssertEqual(CheckpointDType(safeTensorsCode: dt.safeTensorsCode), dt)
      XCTAssertEqual(CheckpointDType(torchName: dt.rawValue), dt)
    }
    XCTAssertEqual(CheckpointDType(torchStorageClass: "BFloat16Storage"), .bfloat16)
    XCTAssertNil(CheckpointDType(torchStorageClass: "QInt8Storage"))
  }

  func testFormatDetection() {
    XCTAssertEqual(CheckpointFormat.detect(Data("PK\u{3}\u{4}rest".utf8)), .torchZip)
    XCTAssertEqual(CheckpointFormat.detect(Data([0x80, 0x02, 0x7D, 0x2E])), .pickle)
    XCTAssertEqual(CheckpointFormat.detect(Data([8, 0, 0, 0, 0, 0, 0, 0]) + Data("{}      ".utf8)), .safeTensors)
    XCTAssertNil(CheckpointFormat.detect(Data("hello".utf8)))
    // A 640-byte safetensors header starts with 80 02, like a pickle PROTO 2.
    let st = try! SafeTensors.encode([(String(repeating: "k", count: 584), CheckpointTensor(shape: [1], floats: [1]))])
    XCTAssertEqual(Array(st.prefix(2)), [0x80, 0x02])
    XCTAssertEqual(CheckpointFormat.detect(st), .safeTensors)
    XCTAssertEqual(try! Checkpoint.load(data: st, name: "st").keys, [String(repeating: "k", count: 584)])
    XCTAssertNil(CheckpointFormat.detect(Data()))
  }

  func testErrorDescriptionsAreSingleLines() {
    let errors: [CheckpointError] = [
      .globalNotAllowed(module: "os", name: "system"), .opcodeNotAllowed(opcode: 0x49, offset: 2),
      .inFile("/tmp/x.pth", .truncated("pickle ended")), .keyMismatch("1 missing (fc.weight)"),
    ]
    for e in errors { XCTAssertFalse(e.description.contains("\n"), e.description) }
    XCTAssertEqual(CheckpointError.opcodeNotAllowed(opcode: 0x49, offset: 2).description,
                   "pickle opcode 0x49 'I' at byte 2 is not allowed")
    XCTAssertEqual(CheckpointError.inFile("a.pth", .globalNotAllowed(module: "os", name: "system")).underlying,
                   .globalNotAllowed(module: "os", name: "system"))
  }

  func testPickleFromMemory() throws {
    // {'a': [1, 2.5, 'x', None, True]} protocol 2, then a GLOBAL refused by name.
    var p = Data([0x80, 0x02, 0x7D, 0x58, 1, 0, 0, 0, 0x61, 0x5D, 0x28, 0x4B, 1])
    p += Data([0x47, 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0x58, 1, 0, 0, 0, 0x78, 0x4E, 0x88, 0x65, 0x73, 0x2E])
    let value = try Checkpoint.load(data: p, name: "mem.pkl")
    guard case .list(let items)? = value["a"], items.count == 5, case .int(1) = items[0],
          case .double(2.5) = items[1], case .string("x") = items[2], case .none = items[3], case .bool(true) = items[4]
    else { return XCTFail("\(value)") }
    let bad = Data([0x80, 0x02]) + Data("cos\nsystem\n".utf8) + Data([0x29, 0x52, 0x2E])
    XCTAssertThrowsError(try Checkpoint.load(data: bad, name: "mem.pkl")) {
      XCTAssertEqual("\($0)", "mem.pkl: pickle GLOBAL 'os.system' is not allowed (only the tensor/storage allow-list is accepted; nothing is executed)")
    }
  }
}

/// Hostile object graphs built in memory: deep nesting and memo cycles must fail cleanly
/// (no stack overflow while parsing, converting or releasing).
final class PickleGraphTests: XCTestCase {
  private func assertRefused(_ bytes: Data, _ needle: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try Checkpoint.load(data: bytes, name: "graph.pkl"), file: file, line: line) {
      XCTAssertTrue("\($0)".contains(needle), "\($0)", file: file, line: line)
    }
  }

  func testMillionDeepListsAreRefusedWithoutStackOverflow() {
    let n = 1_000_000
    var p = Data([0x80, 0x02])
    p.append(Data(repeating: 0x5D, count: n))  // EMPTY_LIST x n
    p.append(Data(repeating: 0x61, count: n - 1))  // APPEND x (n-1): each list goes into the one below
    p.append(0x2E)
    assertRefused(p, "deeper than")
  }

  func testDeepTuplesAreRefused() {
    var p = Data([0x80, 0x02, 0x29])
    p.append(Data(repeating: 0x85, count: 100_000))  // TUPLE1 x 100k
    p.append(0x2E)
    assertRefused(p, "tuples nested deeper than 256")
  }

  func testSelfReferencingListIsRefused() {
    // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP: l = []; l.append(l)
    assertRefused(Data([0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]), "deeper than")
  }

  func testMemoChainOfDictsIsRefused() {
    // d0 = {}; repeat: BINGET 0, EMPTY_DICT, BINPUT 0, key, swap via SETITEM... built as
    // h0 } q0 ... then set into parent: use MARK-free SETITEM with key on top.
    var p = Data([0x80, 0x02, 0x7D, 0x71, 0x00, 0x68, 0x00])  // {} memo0, push it again (root stays below)
    for _ in 0..<200_000 {
      // stack: [.., parent]; push key 'k', push new dict, memo it as 0, SETITEM -> parent[k] = new; POP parent; GET new
      p.append(contentsOf: [0x4B, 0x01, 0x7D, 0x71, 0x00, 0x73, 0x30, 0x68, 0x00])
    }
    p.append(contentsOf: [0x30, 0x2E])  // POP the innermost, STOP returns the root
    assertRefused(p, "deeper than")
  }
}

final class ErrorFormattingTests: XCTestCase {
  func testControlCharactersAreEscapedAndLengthIsCapped() {
    let e = CheckpointError.inFile("a.pth", .invalidZip("entry path 'x\ny\r\u{1}' is unsafe"))
    XCTAssertEqual(e.description, "a.pth: invalid zip archive: entry path 'x\\ny\\r\\u{1}' is unsafe")
    let long = CheckpointError.invalidZip(String(repeating: "n", count: 5000))
    XCTAssertLessThanOrEqual(long.description.count, 1001)
    XCTAssertTrue(long.description.hasSuffix("…"))
  }
}
