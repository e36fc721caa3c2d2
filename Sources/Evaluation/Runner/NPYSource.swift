import Corruptions
import Foundation
import Imaging

/// The CIFAR-10-C layout: `root/<corruption>.npy` uint8 [5·N, H, W, 3], severity-major (row
/// (s − 1)·N + i), `root/labels.npy` [5·N] or [N]; optional `root/clean.npy` [N, H, W, 3] for the
/// clean images. Arrays are memory-mapped.
public struct NPYSource: EvalSource {
  let root: URL
  let labels: [Int]
  public let count: Int
  let arrays: [Corruption: MappedImages]
  let clean: MappedImages?
  public var kind: String { "npy" }
  public var hasClean: Bool { clean != nil }
  public var classFolders: [String] { [] }
  public var labelsByPosition: Bool { false }
  public func path(_ i: Int) -> String { "" }

  /// Whether `root` holds this layout (a labels.npy).
  public static func isLayout(_ root: String) -> Bool {
    FileManager.default.fileExists(atPath: URL(fileURLWithPath: root).appendingPathComponent("labels.npy").path)
  }

  /// The arrays of `corruptions` in `root` (all five severities are in each file).
  public init(root: String, corruptions: [Corruption], severities: [Int]) throws {
    self.root = URL(fileURLWithPath: root)
    let labelArray = try MappedImages.readLabels(self.root.appendingPathComponent("labels.npy"))
    var arrays: [Corruption: MappedImages] = [:]
    var n: Int?
    for c in corruptions {
      let a = try MappedImages(self.root.appendingPathComponent("\(c.name).npy"))
      guard a.count % 5 == 0 else { throw EvaluationError.format("\(c).npy: \(a.count) images is not 5 severities x N") }
      if let n, n != a.count / 5 { throw EvaluationError.format("\(c).npy has \(a.count / 5) images per severity, others \(n)") }
      n = a.count / 5
      arrays[c] = a
    }
    let cleanURL = self.root.appendingPathComponent("clean.npy")
    clean = FileManager.default.fileExists(atPath: cleanURL.path) ? try MappedImages(cleanURL) : nil
    guard let count = n ?? clean?.count, count > 0 else { throw EvaluationError.format("\(root): nothing to evaluate (no images)") }
    if let clean, clean.count != count { throw EvaluationError.format("clean.npy has \(clean.count) images, corruptions \(count)") }
    guard labelArray.count == count || labelArray.count == 5 * count else {
      throw EvaluationError.format("labels.npy has \(labelArray.count) labels for \(count) images per severity")
    }
    labels = Array(labelArray.prefix(count))
    self.count = count
    self.arrays = arrays
    _ = severities
  }

  public func label(_ i: Int) -> Int { labels[i] }
  public func base(_ i: Int) throws -> RGBImage? { nil }

  public func image(_ i: Int, _ corruption: Corruption?, _ severity: Int, base: RGBImage?) throws -> RGBImage {
    guard let corruption else {
      guard let clean else { throw EvaluationError.io("\(root.path): no clean.npy") }
      return clean.image(i)
    }
    guard let array = arrays[corruption] else { throw EvaluationError.io("\(root.path): no \(corruption.name).npy") }
    return array.image((severity - 1) * count + i)
  }
}
