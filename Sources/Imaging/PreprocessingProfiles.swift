import Suggestions
/// An unknown preprocessing profile name.
public struct PreprocessingError: Error, CustomStringConvertible, Equatable {
  /// One line: the bad name, the closest known name if any, and the known names.
  public let description: String
}

extension Preprocessing {
  /// ImageNet mean (R, G, B), as torchvision's reference scripts.
  public static let imagenetMean = [0.485, 0.456, 0.406]
  /// ImageNet std (R, G, B).
  public static let imagenetStd = [0.229, 0.224, 0.225]

  /// `Resize(256)`, `CenterCrop(224)`, `ToTensor()`, `Normalize(imagenetMean, imagenetStd)`.
  public static let imagenet = Preprocessing(
    name: "imagenet", pixelSteps: [.resizeShorterSide(256), .centerCrop(height: 224, width: 224)],
    mean: imagenetMean, std: imagenetStd)

  /// `Resize((32, 32))` (a no-op on 32x32 input), `ToTensor()`, and `Normalize` with the
  /// ImageNet statistics (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225), which the shared CIFAR
  /// models were trained with.
  public static let cifar = Preprocessing(
    name: "cifar", pixelSteps: [.resize(height: 32, width: 32)],
    mean: imagenetMean, std: imagenetStd)

  /// `Resize((64, 64))` (a no-op on the 64x64 demo images), `ToTensor()`, and `Normalize`
  /// with the ImageNet statistics: the input of the bundled demo models (`demo-vit`, `demo-cnn`).
  public static let demo = Preprocessing(
    name: "demo", pixelSteps: [.resize(height: 64, width: 64)],
    mean: imagenetMean, std: imagenetStd)

  /// `Resize(256)`, `CenterCrop(224)`, `ToTensor()` and no normalisation: the input the paper's
  /// ImageNet-C evaluation fed its models.
  public static let none = Preprocessing(
    name: "none", pixelSteps: [.resizeShorterSide(256), .centerCrop(height: 224, width: 224)])

  /// timm's evaluation transform of the TensorFlow-ported EfficientNets (`tf_efficientnet_lite0`,
  /// the bundled `efficientnet-lite0`): `Resize(256, BICUBIC)`, `CenterCrop(224)` (crop 0.875),
  /// `ToTensor()`, `Normalize(0.5, 0.5)`: inputs in [-1, 1], the Inception convention.
  public static let inception = Preprocessing(
    name: "inception", pixelSteps: [.resizeShorterSideBicubic(256), .centerCrop(height: 224, width: 224)],
    mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])

  /// timm's evaluation transforms of the EfficientNets at their native input sizes (the default
  /// pretrained tag of each timm 1.0.31 model): `Resize(floor(size / crop_pct))` (bicubic, or
  /// bilinear for Lite3/4), `CenterCrop(size)`, `ToTensor()`, `Normalize`. Each is named after
  /// its timm model; Lite0's is ``inception``.
  public static let efficientNets: [Preprocessing] = [
    centerCropEval("efficientnet_b0", size: 224, resize: 256, mean: imagenetMean, std: imagenetStd),
    centerCropEval("efficientnet_b1", size: 240, resize: 266, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
    centerCropEval("efficientnet_b2", size: 256, resize: 292, mean: imagenetMean, std: imagenetStd),
    centerCropEval("efficientnet_b3", size: 288, resize: 329, mean: imagenetMean, std: imagenetStd),
    centerCropEval("tf_efficientnet_b0", size: 224, resize: 256, mean: imagenetMean, std: imagenetStd),
    centerCropEval("tf_efficientnet_b1", size: 240, resize: 272, mean: imagenetMean, std: imagenetStd),
    centerCropEval("tf_efficientnet_b2", size: 260, resize: 292, mean: imagenetMean, std: imagenetStd),
    centerCropEval("tf_efficientnet_b3", size: 300, resize: 331, mean: imagenetMean, std: imagenetStd),
    centerCropEval("tf_efficientnet_lite1", size: 240, resize: 272, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
    centerCropEval("tf_efficientnet_lite2", size: 260, resize: 292, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
    centerCropEval("tf_efficientnet_lite3", size: 300, resize: 331, bicubic: false, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
    centerCropEval("tf_efficientnet_lite4", size: 380, resize: 413, bicubic: false, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]),
  ]

  /// facebookresearch/dinov2's `make_classification_eval_transform()` (its linear and k-NN
  /// evaluations): `Resize(256, BICUBIC)`, `CenterCrop(224)`, `ToTensor()`, `Normalize` with the
  /// ImageNet statistics.
  public static let dinov2 = centerCropEval("dinov2", size: 224, resize: 256, mean: imagenetMean, std: imagenetStd)

  /// The DeiT authors' evaluation transform (facebookresearch/deit `build_transform`, eval crop
  /// ratio 0.875, the one their published top-1 was measured with): `Resize(256, BICUBIC)`,
  /// `CenterCrop(224)`, `ToTensor()`, `Normalize` with the ImageNet statistics. (timm's
  /// `pretrained_cfg` for `deit_*_224` says crop_pct 0.9, i.e. `Resize(248)`; the zoo's DeiT
  /// files are the authors' release, so theirs is used.)
  public static let deit = centerCropEval("deit", size: 224, resize: 256, mean: imagenetMean, std: imagenetStd)

  /// torchvision's `Weights.transforms()` of the IMAGENET1K_V1 ConvNeXt and Swin weights
  /// (`ImageClassification`: `Resize(resize_size, interpolation)`, `CenterCrop(224)`,
  /// `ToTensor()`, `Normalize` with the ImageNet statistics), each named after its torchvision
  /// model: ConvNeXt bilinear at 236/230/232, Swin bicubic at 232/246/238.
  public static let convNeXtSwin: [Preprocessing] = [
    centerCropEval("convnext_tiny", size: 224, resize: 236, bicubic: false, mean: imagenetMean, std: imagenetStd),
    centerCropEval("convnext_small", size: 224, resize: 230, bicubic: false, mean: imagenetMean, std: imagenetStd),
    centerCropEval("convnext_base", size: 224, resize: 232, bicubic: false, mean: imagenetMean, std: imagenetStd),
    centerCropEval("swin_t", size: 224, resize: 232, mean: imagenetMean, std: imagenetStd),
    centerCropEval("swin_s", size: 224, resize: 246, mean: imagenetMean, std: imagenetStd),
    centerCropEval("swin_b", size: 224, resize: 238, mean: imagenetMean, std: imagenetStd),
  ]

  /// An evaluation transform in centre-crop mode (timm's `transforms_imagenet_eval`,
  /// torchvision's `ImageClassification`, dinov2's eval transform): shorter side to `resize`
  /// (bicubic or bilinear, antialiased as PIL), centre crop `size` x `size`, normalise.
  static func centerCropEval(
    _ name: String, size: Int, resize: Int, bicubic: Bool = true, mean: [Double], std: [Double]
  ) -> Preprocessing {
    Preprocessing(
      name: name,
      pixelSteps: [bicubic ? .resizeShorterSideBicubic(resize) : .resizeShorterSide(resize), .centerCrop(height: size, width: size)],
      mean: mean, std: std)
  }

  /// All named profiles.
  public static let profiles: [Preprocessing] = [imagenet, cifar, none, demo, inception] + efficientNets
    + [dinov2, deit] + convNeXtSwin

  /// The profile called `name` (case-insensitive: "imagenet", "cifar", "none", "demo",
  /// "inception", an EfficientNet's timm name such as "tf_efficientnet_b3", "dinov2", "deit",
  /// or a torchvision ConvNeXt/Swin name such as "convnext_tiny", "swin_t").
  /// - Throws: `PreprocessingError` naming the closest known profile.
  public static func profile(named name: String) throws -> Preprocessing {
    let key = name.lowercased()
    if let found = profiles.first(where: { $0.name == key }) { return found }
    let known = profiles.map(\.name)
    let hint = closestMatches(to: key, in: known).first.map { " did you mean '\($0)'?" } ?? ""
    throw PreprocessingError(
      description: "unknown preprocessing profile '\(name)';\(hint) known profiles: "
        + known.joined(separator: ", "))
  }

}
