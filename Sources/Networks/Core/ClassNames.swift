import Foundation

/// Human-readable class names for a classifier's outputs.
public enum ClassNames {
  /// The ten CIFAR-10 classes in label order.
  public static let cifar10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

  /// The six shapes of the procedural demo dataset (`DemoData`) in label order: the classes of
  /// the bundled `demo-vit` and `demo-cnn` models.
  public static let demoShapes = ["disc", "square", "triangle", "star", "cross", "ring"]

  /// The 1000 ImageNet-1k classes in label order (torchvision's category list).
  public static let imagenet: [String] = {
    guard let url = Bundle.module.url(forResource: "imagenet_classes", withExtension: "txt"),
      let text = try? String(contentsOf: url, encoding: .utf8)
    else { return (0..<1000).map { "class \($0)" } }
    return text.split(separator: "\n").map(String.init)
  }()

  /// The WordNet ids of the 1000 ImageNet-1k classes in label order (`n01440764` is "tench"): the
  /// folder names of ImageNet's train/val folders and of ImageNet-R, -A and -100 style subsets.
  public static let imagenetWordNetIDs: [String] = {
    guard let url = Bundle.module.url(forResource: "imagenet_wnids", withExtension: "txt"),
      let text = try? String(contentsOf: url, encoding: .utf8)
    else { return [] }
    return text.split(separator: "\n").map(String.init)
  }()

  /// Names for `count` classes: CIFAR-10 for 10, ImageNet for 1000, else `class N`.
  public static func defaults(count: Int) -> [String] {
    switch count {
    case 10: return cifar10
    case 1000: return imagenet
    default: return (0..<count).map { "class \($0)" }
    }
  }

  /// Reads one name per line from a text file; the count must match the model's outputs.
  public static func read(_ url: URL, expected count: Int) throws -> [String] {
    let names = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard names.count == count else {
      throw NetworkError.invalidInput("\(url.lastPathComponent) has \(names.count) class names, the model has \(count) outputs")
    }
    return names
  }
}
