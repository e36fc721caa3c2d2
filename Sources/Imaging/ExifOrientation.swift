import Foundation

/// The EXIF orientation tag (0x0112): how a stored image must be transformed to display upright.
///
/// Raw values follow the EXIF specification (1 = upright ... 8). `normalize(_:)` applies the
/// same transposition as Pillow's `ImageOps.exif_transpose`.
public enum ExifOrientation: Int, Sendable, CaseIterable {
  case up = 1
  case upMirrored = 2
  case down = 3
  case downMirrored = 4
  case leftMirrored = 5
  case right = 6
  case rightMirrored = 7
  case left = 8

  /// Reads the orientation from a JPEG's first APP1 "Exif" segment (IFD0, tag 0x0112, SHORT or
  /// LONG), as Pillow's `getexif()` does. Returns nil when the data has no such segment before
  /// the first scan, the tag is absent, or it is malformed or outside 1...8.
  public init?(jpeg data: Data) {
    guard let tiff = ExifOrientation.exifPayload(jpeg: [UInt8](data)),
      let value = ExifOrientation.orientationTag(tiff: tiff),
      let orientation = ExifOrientation(rawValue: value)
    else { return nil }
    self = orientation
  }

  /// Returns `image` turned upright (Pillow's `exif_transpose` method for this value).
  public func normalize(_ image: RGBImage) -> RGBImage {
    switch self {
    case .up: return image
    case .upMirrored: return image.flippedLeftRight()
    case .down: return image.rotated180()
    case .downMirrored: return image.flippedTopBottom()
    case .leftMirrored: return image.transposed()
    case .right: return image.rotated270()
    case .rightMirrored: return image.transversed()
    case .left: return image.rotated90()
    }
  }

  /// The TIFF bytes of the first APP1 segment starting "Exif\0\0", scanning markers up to SOS.
  static func exifPayload(jpeg bytes: [UInt8]) -> ArraySlice<UInt8>? {
    guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
    var i = 2
    while i + 4 <= bytes.count {
      guard bytes[i] == 0xFF else { return nil }
      let marker = bytes[i + 1]
      if marker == 0xFF { i += 1; continue }  // fill byte
      if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
      if marker == 0xDA || marker == 0xD9 { return nil }  // start of scan / end of image
      let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
      guard length >= 2, i + 2 + length <= bytes.count else { return nil }
      let body = bytes[(i + 4)..<(i + 2 + length)]
      if marker == 0xE1, body.starts(with: Array("Exif\0\0".utf8)) {
        return body.dropFirst(6)
      }
      i += 2 + length
    }
    return nil
  }

  /// The value of tag 0x0112 (SHORT) in IFD0 of a TIFF structure, if present.
  static func orientationTag(tiff: ArraySlice<UInt8>) -> Int? {
    let t = Array(tiff)
    guard t.count >= 8 else { return nil }
    let little: Bool
    switch (t[0], t[1]) {
    case (0x49, 0x49): little = true
    case (0x4D, 0x4D): little = false
    default: return nil
    }
    func u16(_ at: Int) -> Int? {
      guard at >= 0, at + 2 <= t.count else { return nil }
      return little ? Int(t[at]) | Int(t[at + 1]) << 8 : Int(t[at]) << 8 | Int(t[at + 1])
    }
    func u32(_ at: Int) -> Int? {
      guard let a = u16(at), let b = u16(at + 2) else { return nil }
      return little ? a | b << 16 : a << 16 | b
    }
    guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
    for entry in 0..<count {
      let at = ifd + 2 + 12 * entry
      guard let tag = u16(at), let type = u16(at + 2) else { return nil }
      if tag == 0x0112 {
        switch type {
        case 3: return u16(at + 8)  // SHORT
        case 4: return u32(at + 8)  // LONG
        default: return nil
        }
      }
    }
    return nil
  }
}
