import Corruptions
import Foundation
import Imaging

/// An existing ImageNet-C style tree `root/<corruption>/<severity>/<class>/<image>`. Images are
/// matched across folders by class and file name without extension. The image list (and index)
/// comes from the clean `--data` folder when given, else from the first corruption/severity folder.
public struct TreeSource: EvalSource {
  let list: [DatasetBuilder.Item]
  let labels: [Int]
  public let classFolders: [String]
  /// True when the labels are sorted folder positions (``ClassMap``).
  public let labelsByPosition: Bool
  let files: [String: [String: URL]]  // "corruption/severity" -> "class/stem" -> file
  public let hasClean: Bool
  public var kind: String { "corrupted-tree" }
  public var count: Int { list.count }

  /// The tree at `root` for `corruptions` x `severities`, with the clean ImageFolder `clean` when
  /// given; labels by ``ClassMap`` (`classNames`: the model's classes).
  public init(root: String, clean: String?, corruptions: [Corruption], severities: [Int], classMapFile: String?, classNames: [String]? = nil) throws {
    let rootURL = URL(fileURLWithPath: root)
    var files: [String: [String: URL]] = [:]
    var first: [DatasetBuilder.Item]?
    for c in corruptions {
      for s in severities {
        let dir = rootURL.appendingPathComponent(c.name).appendingPathComponent(String(s))
        guard FileManager.default.fileExists(atPath: dir.path) else { throw EvaluationError.io("\(dir.path): no such folder") }
        let items = try DatasetBuilder.scan(dir)
        if first == nil { first = items }
        files["\(c.name)/\(s)"] = Dictionary(items.map { (Self.identity($0), $0.url) }, uniquingKeysWith: { a, _ in a })
      }
    }
    if let clean {
      list = try DatasetBuilder.scan(URL(fileURLWithPath: clean))
    } else {
      guard let first else { throw EvaluationError.format("no corruptions or severities to evaluate") }
      list = first
    }
    hasClean = clean != nil
    classFolders = Array(Set(list.map(\.className))).sorted()
    let map = try ClassMap(folders: classFolders, file: classMapFile, classNames: classNames)
    labelsByPosition = map.byPosition
    labels = try list.map { try map.label($0.className) }
    self.files = files
  }

  static func identity(_ item: DatasetBuilder.Item) -> String {
    item.className + "/" + item.url.deletingPathExtension().lastPathComponent
  }

  public func label(_ i: Int) -> Int { labels[i] }
  public func path(_ i: Int) -> String { list[i].className + "/" + list[i].url.lastPathComponent }
  public func base(_ i: Int) throws -> RGBImage? { nil }

  public func image(_ i: Int, _ corruption: Corruption?, _ severity: Int, base: RGBImage?) throws -> RGBImage {
    guard let corruption else { return try ImageFile.read(list[i].url) }
    guard let url = files["\(corruption.name)/\(severity)"]?[Self.identity(list[i])] else {
      throw EvaluationError.io("no \(corruption)/\(severity) image for \(Self.identity(list[i]))")
    }
    return try ImageFile.read(url)
  }
}
