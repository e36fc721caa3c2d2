import Corruptions
import Foundation
import Imaging

/// An ImageFolder corrupted on the fly, seeded per file as `gradcam corrupt --data` does.
public struct FolderSource: EvalSource {
  let items: [DatasetBuilder.Item]
  let labels: [Int]
  public let classFolders: [String]
  /// Base seed of the per-file corruption seeds.
  public let seed: UInt32
  /// Corruption parameters (nil: chosen by image size).
  public let profile: Profile?
  public var kind: String { "imagefolder" }
  public var count: Int { items.count }
  public var hasClean: Bool { true }

  /// The ImageFolder at `root`, labelled by sorted class folder or by `classMapFile` (``ClassMap``).
  public init(root: String, classMapFile: String?, seed: UInt32, profile: Profile?) throws {
    items = try DatasetBuilder.scan(URL(fileURLWithPath: root))
    classFolders = Array(Set(items.map(\.className))).sorted()
    let map = try ClassMap(folders: classFolders, file: classMapFile)
    labels = try items.map { try map.label($0.className) }
    self.seed = seed
    self.profile = profile
  }

  public func label(_ i: Int) -> Int { labels[i] }
  public func base(_ i: Int) throws -> RGBImage? { try ImageFile.read(items[i].url) }

  public func image(_ i: Int, _ corruption: Corruption?, _ severity: Int, base: RGBImage?) throws -> RGBImage {
    let clean = try base ?? ImageFile.read(items[i].url)
    guard let c = corruption else { return clean }
    return try Corruptions.apply(
      clean, c, severity: severity, seed: DatasetBuilder.seed(base: seed, fileIndex: i, corruption: c, severity: severity),
      profile: profile)
  }
}
