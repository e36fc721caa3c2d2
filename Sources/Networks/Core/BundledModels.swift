import Foundation
import Suggestions

/// Real trained models that ship inside the package, so the toolkit works offline.
///
/// The CIFAR-10 ResNets of akamaster/pytorch_resnet_cifar10 (BSD-2-Clause, licence beside the
/// files), converted from the PyTorch legacy format with `gradcam convert`. Top-1 on the 846
/// shared CIFAR-10 test images: ResNet-20 776, ResNet-56 789 (same as PyTorch).
public enum BundledModels {
  /// The default model of every command.
  public static let defaultName = "cifar10-resnet56"

  /// Bundled names and their architectures.
  public static let architectures: [(name: String, architecture: String)] = [
    ("cifar10-resnet56", "cifar_resnet56"), ("cifar10-resnet20", "cifar_resnet20"),
  ]

  /// Every bundled name.
  public static var names: [String] { architectures.map(\.name) }

  /// The file of a bundled model.
  public static func url(_ name: String) -> URL? {
    Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "models")
  }

  /// Loads a bundled model by name.
  public static func load(_ name: String) throws -> ImageClassifier {
    guard let arch = architectures.first(where: { $0.name == name })?.architecture else {
      let hint = closestMatches(to: name, in: names).first.map { "; did you mean '\($0)'?" } ?? ""
      throw NetworkError.invalidInput(
        "unknown model '\(name)'\(hint); bundled: \(names.joined(separator: ", ")); for a checkpoint file give --arch NAME --weights FILE")
    }
    guard let url = url(name) else {
      throw NetworkError.invalidInput("bundled model '\(name)' is missing from the installation (Resources/models)")
    }
    return try Architectures.load(arch, weights: url, strict: true).model
  }
}
