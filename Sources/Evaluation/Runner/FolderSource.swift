import Corruptions
import Foundation
import Imaging

/// An ImageFolder corrupted on the fly, seeded per file as `gradcam corrupt --data` does.
public struct FolderSource: EvalSource {
  let items: [DatasetBuilder.Item]
  let labels: [Int]
  public let classFolders: [String]
  /// True when the labels are sorted folder positions (``ClassMap``).
  public let labelsByPosition: Bool
  /// Base seed of the per-file corruption seeds.
  public let seed: UInt32
  /// Corruption parameters (nil: chosen by image size).
  public let profile: Profile?
  public var kind: String { "imagefolder" }
  public var count: Int { items.count }
  public var hasClean: Bool { true }

  /// The ImageFolder at `root`, labelled by ``ClassMap`` (`classNames`: the model's classes).
  public init(root: String, classMapFile: String?, classNames: [String]? = nil, seed: UInt32, profile: Profile?) throws {
    items = try DatasetBuilder.scan(URL(fileURLWithPath: root))
    classFolders = Array(Set(items.map(\.className))).sorted()
    let map = try ClassMap(folders: classFolders, file: classMapFile, classNames: classNames)
    labelsByPosition = map.byPosition
    labels = try items.map { try map.label($0.className) }
    self.seed = seed
    self.profile = profile
  }

  public func label(_ i: Int) -> Int { labels[i] }
  public func path(_ i: Int) -> String { items[i].className + "/" + items[i].url.lastPathComponent }
  public func base(_ i: Int) throws -> RGBImage? { try ImageFile.read(items[i].url) }

  public func image(_ i: Int, _ corruption: Corruption?, _ severity: Int, base: RGBImage?) throws -> RGBImage {
    let clean = try base ?? ImageFile.read(items[i].url)
    guard let c = corruption else { return clean }
    return try Corruptions.apply(
      clean, c, severity: severity, seed: DatasetBuilder.seed(base: seed, fileIndex: i, corruption: c, severity: severity),
      profile: profile)
  }
}
