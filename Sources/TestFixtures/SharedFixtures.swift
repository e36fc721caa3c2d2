import Foundation

/// The fixtures several test targets read, committed under `Tests/Fixtures` (its README.md names
/// their sources and licences): the 846 CIFAR-10 test images and the two CIFAR-10 ResNet
/// checkpoints in PyTorch's legacy format. Nothing outside the repository is read; a missing file
/// makes the reading test throw, so it fails rather than skips.
public enum SharedFixtures {
  /// The package root (the folder holding Package.swift), found from this file's location.
  public static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
      url = url.deletingLastPathComponent()
    }
    return url
  }()

  /// `Tests/Fixtures`.
  public static var root: URL { packageRoot.appendingPathComponent("Tests/Fixtures") }

  /// The CIFAR-10 test images: one folder per class, and `labels.csv` (index,label,class,path).
  public static var cifar10Test: URL { root.appendingPathComponent("cifar10-test") }

  /// One CIFAR-10 test image by its path in `labels.csv`, e.g. `cat/00000.png`.
  public static func cifarImage(_ path: String) -> URL { cifar10Test.appendingPathComponent(path) }

  /// A checkpoint of `Tests/Fixtures/models`: `cifar10-resnet20.th` or `cifar10-resnet56.th`.
  public static func model(_ name: String) -> URL { root.appendingPathComponent("models").appendingPathComponent(name) }
}
