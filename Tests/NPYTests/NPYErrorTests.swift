import Foundation
import NPY
import XCTest

/// Bad, truncated and hostile `.npy` data gives an `NPYError` with a one-line message, never a
/// crash or a huge allocation.
final class NPYErrorTests: XCTestCase {
  /// A version 1.0 file with header text `header` (padded like numpy) and `payload`.
  private func file(_ header: String, payload: [UInt8] = [], version: UInt8 = 1) -> Data {
    var text = header
    let lengthBytes = version == 1 ? 2 : 4
    let unpadded = 8 + lengthBytes + text.utf8.count + 1
    text += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    let n = text.utf8.count
    var out = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
    out.append(contentsOf: (0..<lengthBytes).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) })
    out.append(contentsOf: Array(text.utf8))
    out.append(contentsOf: payload)
    return out
  }

  private func header(descr: String = "'<f4'", fortran: String = "False", shape: String = "(2,)") -> String {
    "{'descr': \(descr), 'fortran_order': \(fortran), 'shape': \(shape), }"
  }

  private func assertError(
    _ data: Data, _ expected: NPYError, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try NPYArray(data: data), file: file, line: line) { error in
      XCTAssertEqual(error as? NPYError, expected, file: file, line: line)
      XCTAssertFalse("\(error)".contains("\n"), "\(error)", file: file, line: line)
    }
  }

  func testValidHandMadeFileReads() throws {
    let data = file(header(), payload: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
    XCTAssertEqual(try NPYArray(data: data).floats, [1, 2])
    XCTAssertEqual(try NPYArray(data: file(header(), payload: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40], version: 2)).floats, [1, 2])
  }

  func testBadMagic() {
    assertError(Data(), .badMagic)
    assertError(Data([0x93] + Array("NUMPY".utf8)), .badMagic)
    assertError(Data("PK\u{3}\u{4} not numpy at all".utf8), .badMagic)
    var wrong = file(header(), payload: [UInt8](repeating: 0, count: 8))
    wrong[1] = UInt8(ascii: "n")
    assertError(wrong, .badMagic)
  }

  func testUnknownFormatVersion() {
    assertError(file(header(), payload: [UInt8](repeating: 0, count: 8), version: 4), .unsupported("format version 4"))
  }

  func testTruncatedHeaders() {
    assertError(Data([0x93] + Array("NUMPY".utf8) + [2, 0, 0x10, 0]), .truncated("header length"))
    let full = file(header(), payload: [UInt8](repeating: 0, count: 8))
    assertError(full.prefix(20), .truncated("header"))
    // A header length pointing past the end of the data.
    var long = full
    long[8] = 0xFF
    assertError(long, .truncated("header"))
  }

  func testHostileHeaderLengthIsRefusedBeforeReading() {
    var data = Data([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0x7F])
    data.append(Data(repeating: 0x20, count: 100))
    assertError(data, .badHeader("header length 2147483647 is too large"))
  }

  func testMalformedHeaderDictionaries() {
    assertError(file("{'fortran_order': False, 'shape': (2,), }"), .badHeader("missing 'descr'"))
    assertError(file("{'descr': '<f4', 'shape': (2,), }"), .badHeader("missing 'fortran_order'"))
    assertError(file("{'descr': '<f4', 'fortran_order': False, }"), .badHeader("missing 'shape'"))
    assertError(file("{'descr' '<f4', 'fortran_order': False, 'shape': (2,), }"), .badHeader("no ':' after 'descr'"))
    assertError(file(header(shape: "(2, 3")), .badHeader("unclosed shape"))
    assertError(file(header(shape: "(-1,)")), .badHeader("bad dimension '-1'"))
    assertError(file(header(shape: "(two,)")), .badHeader("bad dimension 'two'"))
    var notUTF8 = file(header(), payload: [UInt8](repeating: 0, count: 8))
    notUTF8[12] = 0xFF
    assertError(notUTF8, .badHeader("not UTF-8"))
  }

  func testHugeShapesAreRefusedWithoutAllocating() {
    assertError(file(header(shape: "(9223372036854775807, 2)")), .badHeader("shape (9223372036854775807, 2) is too large"))
    assertError(file(header(shape: "(4294967296, 4294967296)")), .badHeader("shape (4294967296, 4294967296) is too large"))
    // Within the element limit but far beyond the data: a truncation error, nothing allocated.
    assertError(file(header(shape: "(1000000000,)")), .truncated("expected 4000000000 data bytes, found 0"))
  }

  func testUnsupportedContent() throws {
    assertError(file(header(descr: "'<c8'")), .unsupported("element type '<c8'"))
    assertError(file(header(descr: "'|O'")), .unsupported("element type '|O'"))
    assertError(file(header(fortran: "True"), payload: [UInt8](repeating: 0, count: 8)), .unsupported("Fortran-ordered arrays"))
    // The same from numpy's own files: Fortran order, big-endian and complex element types.
    assertError(try NPYFixtures.data("f4_fortran"), .unsupported("Fortran-ordered arrays"))
    assertError(try NPYFixtures.data("f4_bigendian"), .unsupported("element type '>f4'"))
    assertError(try NPYFixtures.data("c8"), .unsupported("element type '<c8'"))
  }

  func testTruncatedPayload() {
    assertError(file(header(), payload: [0, 0, 0x80, 0x3F, 0, 0]), .truncated("expected 8 data bytes, found 6"))
  }

  /// Every proper prefix of a real file is an error (the payload is needed), never a crash.
  func testEveryPrefixOfANumpyFileThrows() throws {
    for name in ["f8", "f4_v2", "f4_v3"] {
      let data = try NPYFixtures.data(name)
      for n in 0..<data.count {
        XCTAssertThrowsError(try NPYArray(data: data.prefix(n)), "\(name) cut at \(n)") { error in
          XCTAssertTrue(error is NPYError, "\(name) cut at \(n): \(error)")
        }
      }
    }
  }

  /// Any single byte of the header replaced by any of a few hostile values: a clean result or an
  /// `NPYError`, never a crash.
  func testCorruptedHeaderBytesNeverCrash() throws {
    let data = try NPYFixtures.data("i2")
    let headerEnd = data.count - 12
    for i in 0..<headerEnd {
      for v: UInt8 in [0x00, 0x0A, 0x27, 0x28, 0x29, 0x2C, 0x2D, 0x39, 0x7D, 0xFF] {
        var bad = data
        bad[i] = v
        do {
          let array = try NPYArray(data: bad)
          XCTAssertEqual(array.payload.count, array.count * array.elementType.byteCount)
        } catch {
          XCTAssertTrue(error is NPYError, "byte \(i) = \(v): \(error)")
        }
      }
    }
  }
}
