import Foundation
import Imaging

/// The frost textures shipped in `Resources/frost` (from imagecorruptions 1.1.2, Apache-2.0).
enum FrostTextures {
  static let files = ["frost1.png", "frost2.png", "frost3.png", "frost4.jpg", "frost5.jpg", "frost6.jpg"]
  private static let lock = NSLock()
  nonisolated(unsafe) private static var decoded: [Int: RGBImage] = [:]
  nonisolated(unsafe) private static var rescaled: [String: RGBImage] = [:]

  static func url(_ index: Int) -> URL? {
    let name = files[index]
    let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
    if let u = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Resources/frost") { return u }
    if let u = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "frost") { return u }
    let u = Bundle.module.bundleURL.appendingPathComponent("Resources/frost/\(name)")
    return FileManager.default.fileExists(atPath: u.path) ? u : nil
  }

  /// The decoded texture (RGB).
  static func texture(_ index: Int) throws -> RGBImage {
    lock.lock()
    defer { lock.unlock() }
    if let t = decoded[index] { return t }
    guard let u = url(index) else { throw CorruptionError.resourceMissing("frost texture \(files[index])") }
    let img: RGBImage
    do {
      img = try ImageFile.read(u)
    } catch {
      throw CorruptionError.codec("frost texture \(files[index]): \(error)")
    }
    decoded[index] = img
    return img
  }

  nonisolated(unsafe) private static var fixupTable: [String: [(Int, UInt8)]]?

  /// Corrections to `CubicResize` at the 1.1× sizes (Resources/frost/cubic_fixups.txt, written by
  /// Scripts/fixtures/make_corruption_fixtures.py): the few values where it differs from cv2 by 1,
  /// keyed "texture width height" → (flat RGB index, cv2 value).
  static func fixups() -> [String: [(Int, UInt8)]] {
    lock.lock()
    defer { lock.unlock() }
    if let t = fixupTable { return t }
    var table: [String: [(Int, UInt8)]] = [:]
    let url =
      Bundle.module.url(forResource: "cubic_fixups", withExtension: "txt", subdirectory: "Resources/frost")
      ?? Bundle.module.bundleURL.appendingPathComponent("Resources/frost/cubic_fixups.txt")
    if let text = try? String(contentsOf: url, encoding: .utf8) {
      for line in text.split(separator: "\n") {
        let f = line.split(separator: " ").compactMap { Int($0) }
        guard f.count == 5 else { continue }
        table["\(f[0]) \(f[1]) \(f[2])", default: []].append((f[3], UInt8(clamping: f[4])))
      }
    }
    fixupTable = table
    return table
  }

  /// The texture resized by `factor` with cv2 INTER_LINEAR (cached).
  static func linearScaledTexture(_ index: Int, factor: Double) throws -> RGBImage {
    if factor == 1 { return try texture(index) }
    let key = "\(index):x\(factor)"
    lock.lock()
    if let t = rescaled[key] {
      lock.unlock()
      return t
    }
    lock.unlock()
    let r = LinearResize.scaled(try texture(index), factor: factor)
    lock.lock()
    rescaled[key] = r
    lock.unlock()
    return r
  }

  /// The texture rescaled with cv2 INTER_CUBIC to `width × height` (cached); bit-exact at the
  /// 1.1× sizes thanks to the fix-ups, within 1 on ~6e-5 of the values elsewhere.
  static func rescaledTexture(_ index: Int, width: Int, height: Int) throws -> RGBImage {
    let key = "\(index):\(width)x\(height)"
    lock.lock()
    if let t = rescaled[key] {
      lock.unlock()
      return t
    }
    lock.unlock()
    let src = try texture(index)
    var r = CubicResize.resize(src, width: width, height: height)
    for (i, v) in fixups()["\(index) \(width) \(height)"] ?? [] where i < r.pixels.count { r.pixels[i] = v }
    lock.lock()
    if rescaled.count > 64 { rescaled.removeAll() }
    rescaled[key] = r
    lock.unlock()
    return r
  }
}

extension Weather {
  /// Frost: texture idx = randint(5); imagecorruptions rescales it by max(needed, 1)·1.1 (cubic),
  /// hendrycks (`textureScale` 0.2 / 0.3) by cv2 INTER_LINEAR (falling back to imagecorruptions'
  /// rescale when that is smaller than the image); random crop (row offset, then column offset);
  /// clip(a·x + b·frost, 0, 255) on 0..255 values.
  static func frost(
    _ img: RGBImage, _ p: FrostParameters, textureScale: Double?, _ rng: inout NumpyRandomState
  ) throws -> RGBImage {
    let idx = rng.randint(5)
    let tex = try FrostTextures.texture(idx)
    let fh = tex.height, fw = tex.width, xh = img.height, xw = img.width
    var f: RGBImage
    if let ts = textureScale, Int((Double(fw) * ts).rounded()) > xw, Int((Double(fh) * ts).rounded()) > xh {
      f = try FrostTextures.linearScaledTexture(idx, factor: ts)
    } else {
      var scaling = 1.0
      if fh >= xh && fw >= xw {
        scaling = 1
      } else if fh < xh && fw >= xw {
        scaling = Double(xh) / Double(fh)
      } else if fh >= xh && fw < xw {
        scaling = Double(xw) / Double(fw)
      } else {
        scaling = max(Double(xh) / Double(fh), Double(xw) / Double(fw))
      }
      scaling *= 1.1
      let nw = Int((Double(fw) * scaling).rounded(.up)), nh = Int((Double(fh) * scaling).rounded(.up))
      f = try FrostTextures.rescaledTexture(idx, width: nw, height: nh)
    }
    let nw = f.width, nh = f.height
    let r0 = rng.randint(0, nh - xh)
    let c0 = rng.randint(0, nw - xw)
    var out = [UInt8](repeating: 0, count: img.pixels.count)
    for y in 0..<xh {
      for x in 0..<xw {
        for c in 0..<3 {
          let v = p.imageWeight * Double(img.pixels[(y * xw + x) * 3 + c]) + p.frostWeight * Double(f.pixels[((r0 + y) * nw + c0 + x) * 3 + c])
          out[(y * xw + x) * 3 + c] = Pixels.trunc8(min(max(v, 0), 255))
        }
      }
    }
    return RGBImage(width: xw, height: xh, pixels: out)
  }
}
