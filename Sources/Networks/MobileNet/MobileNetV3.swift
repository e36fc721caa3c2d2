import Autodiff

/// torchvision's MobileNetV3 `InvertedResidual`: `block` = [1x1 expansion,] depthwise
/// convolution, [squeeze-excitation with a hardsigmoid gate,] 1x1 linear projection; ReLU or
/// hardswish; batch norm eps 1e-3; the input is added back when the shape is unchanged.
final class InvertedResidualV3: Module {
  let block: Sequential
  let residual: Bool

  init(_ setting: MobileNetV3.Block, inChannels: Int) {
    let (kernel, expanded, out, useSE, hardswish, stride) = setting
    func activation() -> Module { hardswish ? Hardswish() : ReLU() }
    var layers: [Module] = []
    if expanded != inChannels {
      layers.append(convNormActivation(inChannels, expanded, kernel: 1, epsilon: 1e-3, activation: activation()))
    }
    layers.append(convNormActivation(
      expanded, expanded, kernel: kernel, stride: stride, groups: expanded, epsilon: 1e-3, activation: activation()))
    if useSE {
      layers.append(SqueezeExcitation(
        expanded, squeezed: MobileNetV3.makeDivisible(expanded / 4), names: ("fc1", "fc2"), activation: ReLU(),
        gate: Hardsigmoid()))
    }
    layers.append(convNormActivation(expanded, out, kernel: 1, epsilon: 1e-3, activation: nil))
    block = Sequential(layers)
    residual = stride == 1 && inChannels == out
  }

  override func forward(_ x: Tensor) -> Tensor { residual ? x + block(x) : block(x) }
}

/// torchvision's `mobilenet_v3_large()` and `mobilenet_v3_small()`: module paths
/// `features.0`...`features.16` (large; `features.12` small), `classifier.0`, `classifier.3`.
/// The default CAM layer is the last feature layer (`features.16` / `features.12`: the 1x1
/// convolution with hardswish, 960 / 576 channels at 1/32 of the input).
public final class MobileNetV3: Network, ImageClassifier {
  public let architecture: String
  public let classCount: Int
  public let input = InputSpec(height: 224, width: 224, profile: "imagenet")
  public let defaultCAMLayer: String

  let features: Sequential
  let classifier: Sequential

  /// kernel, expanded channels, output channels, squeeze-excitation, hardswish (else ReLU), stride.
  typealias Block = (Int, Int, Int, Bool, Bool, Int)

  static let large: [Block] = [
    (3, 16, 16, false, false, 1), (3, 64, 24, false, false, 2), (3, 72, 24, false, false, 1),
    (5, 72, 40, true, false, 2), (5, 120, 40, true, false, 1), (5, 120, 40, true, false, 1),
    (3, 240, 80, false, true, 2), (3, 200, 80, false, true, 1), (3, 184, 80, false, true, 1),
    (3, 184, 80, false, true, 1), (3, 480, 112, true, true, 1), (3, 672, 112, true, true, 1),
    (5, 672, 160, true, true, 2), (5, 960, 160, true, true, 1), (5, 960, 160, true, true, 1),
  ]
  static let small: [Block] = [
    (3, 16, 16, true, false, 2), (3, 72, 24, false, false, 2), (3, 88, 24, false, false, 1),
    (5, 96, 40, true, true, 2), (5, 240, 40, true, true, 1), (5, 240, 40, true, true, 1),
    (5, 120, 48, true, true, 1), (5, 144, 48, true, true, 1), (5, 288, 96, true, true, 2),
    (5, 576, 96, true, true, 1), (5, 576, 96, true, true, 1),
  ]

  /// torchvision's `_make_divisible(v, 8)`: the nearest multiple of 8, never below 90% of `v`.
  static func makeDivisible(_ v: Int) -> Int {
    var n = max(8, (v + 4) / 8 * 8)
    if Double(n) < 0.9 * Double(v) { n += 8 }
    return n
  }

  /// Builds `mobilenet_v3_large` or `mobilenet_v3_small` with weights from `source`.
  public init(_ architecture: String, classCount: Int = 1000, weights source: WeightSource) throws {
    let blocks: [Block], lastChannels: Int
    switch architecture {
    case "mobilenet_v3_large": (blocks, lastChannels) = (Self.large, 1280)
    case "mobilenet_v3_small": (blocks, lastChannels) = (Self.small, 1024)
    default: throw NetworkError.unknownArchitecture(architecture, known: ["mobilenet_v3_large", "mobilenet_v3_small"])
    }
    self.architecture = architecture
    self.classCount = classCount
    var layers: [Module] = [convNormActivation(3, 16, stride: 2, epsilon: 1e-3, activation: Hardswish())]
    var inChannels = 16
    for b in blocks {
      layers.append(InvertedResidualV3(b, inChannels: inChannels))
      inChannels = b.2
    }
    layers.append(convNormActivation(inChannels, 6 * inChannels, kernel: 1, epsilon: 1e-3, activation: Hardswish()))
    features = Sequential(layers)
    defaultCAMLayer = "features.\(layers.count - 1)"
    classifier = Sequential([Linear(6 * inChannels, lastChannels), Hardswish(), Dropout(), Linear(lastChannels, classCount)])
    super.init()
    try build(weights: source)
  }

  override func forward(_ x: Tensor) -> Tensor {
    classifier(features(x).mean(alongAxes: [2, 3]))
  }
}
