import Corruptions
import Foundation
import Imaging
import NPY
import XCTest

/// Loads the fixtures written by Scripts/fixtures/make_corruption_fixtures.py.
enum Fixtures {
  static let names = [
    "gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur", "glass_blur", "motion_blur", "zoom_blur",
    "snow", "frost", "fog", "brightness", "contrast", "elastic_transform", "pixelate", "jpeg_compression",
    "speckle_noise", "gaussian_blur", "spatter", "saturate",
  ]
  static let images = ["cifar_cat", "cifar_ship", "tiny64", "nonsquare40x48", "imagenet224"]

  static func url(_ file: String) -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(file)
  }

  static func npy(_ file: String) throws -> NPYArray { try NPYArray(contentsOf: url(file)) }

  static func input(_ name: String) throws -> RGBImage {
    let a = try npy("input_\(name).npy")
    return RGBImage(width: a.shape[1], height: a.shape[0], pixels: [UInt8](a.payload))
  }

  /// Images whose reference holds only some severities (listed in `severities_<name>.npy`).
  static let oddSizeImages = ["odd173x115"]

  struct Reference {
    let rows: [Int]
    let width: Int
    /// The severities stored, in order.
    var severities = Array(1...5)
    let data: [UInt8]  // (19, severities, rows, width, 3)
    func slice(_ ci: Int, _ s: Int) -> ArraySlice<UInt8> {
      let n = rows.count * width * 3
      let o = (ci * severities.count + severities.firstIndex(of: s)!) * n
      return data[o..<(o + n)]
    }
  }

  static var cache: [String: (RGBImage, Reference)] = [:]
  static func load(_ name: String) throws -> (RGBImage, Reference) {
    if let c = cache[name] { return c }
    let img = try input(name)
    let rows = try npy("rows_\(name).npy").ints
    let ref = try npy("ref_\(name).npy")
    var reference = Reference(rows: rows, width: ref.shape[3], data: [UInt8](ref.payload))
    if oddSizeImages.contains(name) { reference.severities = try npy("severities_\(name).npy").ints }
    let r = (img, reference)
    cache[name] = r
    return r
  }
}

/// Agreement of a corruption with the reference over all fixture images and severities.
struct Agreement: CustomStringConvertible {
  var maxAbs = 0
  var sumAbs = 0
  var count = 0
  var mismatched = 0
  var exactCells = 0
  var cells = 0
  var mean: Double { count == 0 ? 0 : Double(sumAbs) / Double(count) }
  var mismatchFraction: Double { count == 0 ? 0 : Double(mismatched) / Double(count) }
  var description: String {
    String(
      format: "max %d, mean %.4f, differing %.4f%%, exact cells %d/%d", maxAbs, mean, 100 * mismatchFraction,
      exactCells, cells)
  }
}

func measureAgreement(_ corruption: Corruption, images: [String] = Fixtures.images) throws -> Agreement {
  let ci = Fixtures.names.firstIndex(of: corruption.name)!
  var a = Agreement()
  for name in images {
    let (img, ref) = try Fixtures.load(name)
    for s in ref.severities {
      let out = try Corruptions.apply(
        img, corruption, severity: s, seed: UInt32(1000 + 10 * ci + s), profile: .imagenet)
      let want = ref.slice(ci, s)
      var i = want.startIndex
      var cellExact = true
      for r in ref.rows {
        for k in 0..<(img.width * 3) {
          let d = abs(Int(out.pixels[r * img.width * 3 + k]) - Int(want[i]))
          i += 1
          a.count += 1
          a.sumAbs += d
          if d > 0 {
            a.mismatched += 1
            cellExact = false
          }
          a.maxAbs = max(a.maxAbs, d)
        }
      }
      a.cells += 1
      if cellExact { a.exactCells += 1 }
    }
  }
  print("AGREEMENT \(corruption.name): \(a)")
  return a
}
