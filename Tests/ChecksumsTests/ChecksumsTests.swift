import Checksums
import Foundation
import XCTest

/// SHA-256 against the NIST FIPS 180-4 example vectors (csrc.nist.gov "SHA256.pdf",
/// "SHA2_Additional.pdf"), CRC-32 against the standard check value, both exactly.
final class ChecksumsTests: XCTestCase {
  func testSHA256NISTVectors() {
    XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(
      SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(
      SHA256.hex(Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                   "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    XCTAssertEqual(SHA256.hex([0xbd]), "68325720aabd7c82f30f554b313d0570c95accbb7dc4b5aae11204c08ffe732b")
    XCTAssertEqual(SHA256.hex([0xc9, 0x8c, 0x8e, 0x55]), "7abc22c0ae5af26ce93dbb94433a0e0b2e119d014f8e7f65bd56c61ccccd9504")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 55)), "02779466cdec163811d078815c633f21901413081449002f24aa3e80f0b88ef7")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 56)), "d4817aa5497628e7c77e6b606107042bbba3130888c5f47a375e6179be789fbb")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 57)), "65a16cb7861335d5ace3c60718b5052e44660726da4cd13bb745381b235a1785")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 64)), "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 1000)), "541b3e9daa09b20bf85fa273e5cbd3e80185aa4ec298e765db87742b70138a53")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x41, count: 1000)), "c2e686823489ced2017f6059b8b239318b6364f6dcd835d0a519105a1eadd6e4")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x55, count: 1005)), "f4d62ddec0f3dd90ea1380fa16a5ff8dc4c54b21740650f24afc4120903552b0")
  }

  /// Any split into chunks gives the digest of the whole message (chunks that straddle,
  /// fill and skip the 64-byte block boundaries).
  func testSHA256ChunkedEqualsWhole() {
    let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let whole = SHA256.hex(message)
    for sizes in [[1], [63], [64], [65], [7, 120, 1], [200, 3, 64]] {
      var hasher = SHA256()
      var offset = 0, i = 0
      while offset < message.count {
        let n = min(sizes[i % sizes.count], message.count - offset)
        hasher.update(Array(message[offset..<(offset + n)]))
        offset += n
        i += 1
      }
      XCTAssertEqual(SHA256.hexString(hasher.finalize()), whole, "\(sizes)")
    }
    XCTAssertEqual(SHA256.hex(Data(message)), whole)
  }

  func testCRC32CheckValue() {
    XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    XCTAssertEqual(CRC32.hex("123456789"), "cbf43926")
    XCTAssertEqual(CRC32.hex(""), "00000000")
    XCTAssertEqual(CRC32.checksum(Data("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
    let tail = Array("6789".utf8)
    let head = CRC32.checksum(Array("12345".utf8))
    XCTAssertEqual(tail.withUnsafeBytes { CRC32.checksum($0, continuing: head) }, 0xCBF4_3926)
  }
}
