import CZlib
import Foundation
import Imaging
import XCTest

/// The banded PNG encoder (CImageSupport/png_encode.c): images of several bands round-trip
/// exactly through libpng's decoder (which checks every CRC and the zlib Adler-32), and the
/// inflated image data equals a plain reference of libpng's adaptive filtering (per row the
/// first of None, Sub, Up, Average, Paeth with the smallest sum of |byte as Int8|, PNG 1.2
/// section 6 and libpng's png_write_find_filter); tolerance: exact.
final class PNGBandEncodingTests: XCTestCase {
  /// A test image whose rows favour different filters: flat runs, gradients, and noise.
  private func sample(width: Int, height: Int, channels: Int) -> [UInt8] {
    var state: UInt32 = 12345
    return (0..<(width * height * channels)).map { i in
      let x = i / channels % width, y = i / channels / width
      state = state &* 1_664_525 &+ 1_013_904_223
      switch y % 4 {
      case 0: return UInt8((x / 16 * 40) % 256)  // flat runs
      case 1: return UInt8(truncatingIfNeeded: x * 3 + y + i % channels * 50)  // gradient
      case 2: return UInt8(truncatingIfNeeded: state >> 24)  // noise
      default: return UInt8(truncatingIfNeeded: (x + y) / 3 + Int(state >> 29))
      }
    }
  }

  /// Rows per band for an image `width` samples of `channels` wide.
  private func rowsPerBand(width: Int, channels: Int) -> Int { max(1, PNGCodec.bandBytes / (width * channels + 1)) }

  func testImagesOfSeveralBandsRoundTripExactly() throws {
    let (w, h) = (700, 1200)
    XCTAssertGreaterThan(h, 2 * rowsPerBand(width: w, channels: 3), "the image spans at least three bands")
    let image = RGBImage(width: w, height: h, pixels: sample(width: w, height: h, channels: 3))
    for runLength in [false, true] {
      for level in [0, 1, 6, 9] {
        let data = try PNGCodec.encode(image, compression: level, runLength: runLength)
        XCTAssertEqual(try PNGCodec.decode(data), image, "level \(level), runLength \(runLength)")
      }
    }
    let grey = sample(width: 2000, height: 1100, channels: 1)
    XCTAssertGreaterThan(1100, rowsPerBand(width: 2000, channels: 1), "the grey image spans two bands")
    let decoded = try PNGCodec.decode(PNGCodec.encodeGrey(grey, width: 2000, height: 1100))
    XCTAssertEqual(decoded.pixels, grey.flatMap { [$0, $0, $0] })
  }

  func testImageDataIsLibpngsAdaptiveFilteringInOneZlibStream() throws {
    for (w, h, channels) in [(700, 1200, 3), (1, 5, 3), (9, 4, 1), (2000, 1100, 1)] {
      let samples = sample(width: w, height: h, channels: channels)
      let reference = Self.referenceFiltered(samples, width: w, height: h, channels: channels)
      for runLength in [false, true] {
        let data = channels == 3
          ? try PNGCodec.encode(RGBImage(width: w, height: h, pixels: samples), compression: 3, runLength: runLength)
          : try PNGCodec.encodeGrey(samples, width: w, height: h, compression: 3)
        let chunks = try Self.chunks(data)
        XCTAssertEqual(chunks.map(\.type).first, "IHDR")
        XCTAssertEqual(chunks.map(\.type).last, "IEND")
        let size: [UInt8] = [w, h].flatMap { (v: Int) -> [UInt8] in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        let colorType: UInt8 = channels == 1 ? 0 : 2
        XCTAssertEqual(chunks.first?.data, size + [8, colorType, 0, 0, 0], "IHDR: size, 8 bits, grey or RGB, no interlace")
        let stream = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
        let inflated = try Self.inflate(stream, count: reference.count)  // zlib checks the header and the Adler-32
        let firstDifference = inflated.indices.first { $0 >= reference.count || inflated[$0] != reference[$0] } ?? inflated.count
        XCTAssertTrue(
          inflated == reference,
          "\(w)x\(h)x\(channels), runLength \(runLength): first difference in row \(firstDifference / (w * channels + 1))")
      }
    }
  }

  // MARK: - Reference

  /// libpng's adaptive filtering, written out filter by filter.
  static func referenceFiltered(_ samples: [UInt8], width: Int, height: Int, channels bpp: Int) -> [UInt8] {
    let n = width * bpp
    var out: [UInt8] = []
    for y in 0..<height {
      let cur = Array(samples[(y * n)..<((y + 1) * n)])
      let prev = y == 0 ? [UInt8](repeating: 0, count: n) : Array(samples[((y - 1) * n)..<(y * n)])
      func left(_ i: Int) -> Int { i >= bpp ? Int(cur[i - bpp]) : 0 }
      func upLeft(_ i: Int) -> Int { i >= bpp ? Int(prev[i - bpp]) : 0 }
      func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      let predictors: [(Int) -> Int] = [
        { _ in 0 }, { left($0) }, { Int(prev[$0]) }, { (left($0) + Int(prev[$0])) / 2 },
        { paeth(left($0), Int(prev[$0]), upLeft($0)) },
      ]
      let candidates = predictors.map { predict in (0..<n).map { UInt8(truncatingIfNeeded: Int(cur[$0]) - predict($0)) } }
      let sums = candidates.map { row in row.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) } }
      let best = sums.firstIndex(of: sums.min()!)!
      out.append(UInt8(best))
      out += candidates[best]
    }
    return out
  }

  static func chunks(_ data: Data) throws -> [(type: String, data: [UInt8])] {
    let bytes = [UInt8](data)
    XCTAssertEqual(Array(bytes.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
    var result: [(String, [UInt8])] = []
    var at = 8
    while at + 12 <= bytes.count {
      let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
      result.append((type, Array(bytes[(at + 8)..<(at + 8 + length)])))
      at += 12 + length
    }
    XCTAssertEqual(at, bytes.count, "chunks fill the file")
    return result
  }

  static func inflate(_ stream: [UInt8], count: Int) throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count + 1)
    var size = uLongf(out.count)
    let status = stream.withUnsafeBufferPointer { input in
      out.withUnsafeMutableBufferPointer { uncompress($0.baseAddress, &size, input.baseAddress, uLong(input.count)) }
    }
    guard status == Z_OK else { throw ImageError.invalid("zlib uncompress failed: \(status)") }
    return Array(out.prefix(Int(size)))
  }
}
