import Foundation
import NPY
import XCTest

/// Reading numpy's files and writing files numpy reads, against `np.save` output
/// (Scripts/fixtures/make_npy_fixtures.py, numpy 2.4.6). Values compare exactly.
final class NPYReadWriteTests: XCTestCase {
  func testReadsEveryElementTypeNumpyWrites() throws {
    for type in NPYArray.ElementType.allCases {
      let name = try XCTUnwrap(NPYFixtures.names[type])
      let array = try NPYArray(data: try NPYFixtures.data(name))
      XCTAssertEqual(array.elementType, type, name)
      XCTAssertEqual(array.shape, [2, 3], name)
      XCTAssertEqual(array.count, 6, name)
      XCTAssertEqual(array.payload.count, 6 * type.byteCount, name)
      XCTAssertEqual(array.doubles, NPYFixtures.values[type], name)
    }
  }

  func testFloatAndIntViews() throws {
    let f4 = try NPYArray(data: try NPYFixtures.data("f4"))
    XCTAssertEqual(f4.floats, [-2.5, -1, 0, Float(0.1 as Double), 1, Float(1e30 as Double)])
    let f2 = try NPYArray(data: try NPYFixtures.data("f2"))
    XCTAssertEqual(f2.floats, [-2.5, -1, 0, 0.5, 1, 65504])
    let i4 = try NPYArray(data: try NPYFixtures.data("i4"))
    XCTAssertEqual(i4.ints, [-2_147_483_648, -1, 0, 1, 2, 2_147_483_647])
  }

  /// Our encoder writes the bytes `np.save` writes (format 1.0, header padded to 64 bytes; for
  /// these headers numpy's extra growth padding lands on the same boundary).
  func testEncodingIsByteIdenticalToNumpySave() throws {
    for type in NPYArray.ElementType.allCases {
      let name = try XCTUnwrap(NPYFixtures.names[type])
      let numpy = try NPYFixtures.data(name)
      XCTAssertEqual(try NPYArray(data: numpy).encoded(), numpy, name)
    }
    for name in ["f4_scalar", "f8_empty"] {
      let numpy = try NPYFixtures.data(name)
      XCTAssertEqual(try NPYArray(data: numpy).encoded(), numpy, name)
    }
  }

  func testVersion2And3HeadersReadLikeVersion1() throws {
    let v1 = try NPYArray(data: try NPYFixtures.data("f4"))
    for name in ["f4_v2", "f4_v3"] {
      let data = try NPYFixtures.data(name)
      XCTAssertEqual(data[6], name == "f4_v2" ? 2 : 3, "fixture \(name) has the wrong version")
      XCTAssertEqual(try NPYArray(data: data), v1, name)
    }
  }

  func testScalarAndEmptyShapes() throws {
    let scalar = try NPYArray(data: try NPYFixtures.data("f4_scalar"))
    XCTAssertEqual(scalar.shape, [])
    XCTAssertEqual(scalar.count, 1)
    XCTAssertEqual(scalar.floats, [3.5])
    let empty = try NPYArray(data: try NPYFixtures.data("f8_empty"))
    XCTAssertEqual(empty.shape, [0, 4])
    XCTAssertEqual(empty.count, 0)
    XCTAssertEqual(empty.payload, Data())
  }

  func testRoundTripOfEveryTypeAndShape() throws {
    let shapes: [[Int]] = [[], [0], [1], [7], [2, 3], [3, 0, 2], [1, 1, 1, 1], [2, 3, 4, 5]]
    for type in NPYArray.ElementType.allCases {
      for shape in shapes {
        let n = shape.reduce(1, *) * type.byteCount
        let payload = Data((0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        let array = NPYArray(shape: shape, elementType: type, payload: payload)
        let encoded = array.encoded()
        XCTAssertEqual(try NPYArray(data: encoded), array, "\(type) \(shape)")
        // Data starts on a 64-byte boundary and the header ends in a newline, as numpy requires.
        XCTAssertEqual((encoded.count - n) % 64, 0, "\(type) \(shape)")
        XCTAssertEqual(encoded[encoded.count - n - 1], 0x0A, "\(type) \(shape)")
      }
    }
  }

  func testShapeTextIsPythonTupleSyntax() throws {
    func header(_ shape: [Int]) -> String {
      let data = NPYArray(shape: shape, floats: [Float](repeating: 0, count: shape.reduce(1, *))).encoded()
      return String(decoding: data[10..<(10 + Int(data[8]) + Int(data[9]) << 8)], as: UTF8.self)
    }
    XCTAssertTrue(header([]).contains("'shape': (), "), header([]))
    XCTAssertTrue(header([5]).contains("'shape': (5,), "), header([5]))
    XCTAssertTrue(header([2, 3]).contains("'shape': (2, 3), "), header([2, 3]))
  }

  func testConvenienceInitialisersStoreLittleEndianElements() {
    XCTAssertEqual(NPYArray(shape: [2], floats: [1, -2]).payload, Data([0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0]))
    XCTAssertEqual(NPYArray(shape: [1], doubles: [1]).payload, Data([0, 0, 0, 0, 0, 0, 0xF0, 0x3F]))
    XCTAssertEqual(NPYArray(shape: [3], bytes: [1, 2, 255]).doubles, [1, 2, 255])
  }

  func testHalfPrecisionConversionIsExact() {
    XCTAssertEqual(Float(halfBits: 0x3C00), 1)
    XCTAssertEqual(Float(halfBits: 0xC000), -2)
    XCTAssertEqual(Float(halfBits: 0x7BFF), 65504)
    XCTAssertEqual(Float(halfBits: 0x0001), Float(sign: .plus, exponent: -24, significand: 1))  // smallest subnormal
    XCTAssertEqual(Float(halfBits: 0x8000).sign, .minus)
    XCTAssertEqual(Float(halfBits: 0x7C00), .infinity)
    XCTAssertTrue(Float(halfBits: 0x7E00).isNaN)
  }

  func testReadsFromAFile() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString).npy")
    defer { try? FileManager.default.removeItem(at: url) }
    let array = NPYArray(shape: [2, 2], doubles: [1, 2, 3, 4])
    try array.encoded().write(to: url)
    XCTAssertEqual(try NPYArray(contentsOf: url), array)
  }
}
