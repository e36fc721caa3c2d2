import Autodiff

/// torchvision's `Conv2dNormActivation`: convolution (padding `(k - 1) / 2`, no bias), batch
/// norm and an optional activation, as a sequence (`0`, `1`, `2`).
func convNormActivation(
  _ inChannels: Int, _ outChannels: Int, kernel: Int = 3, stride: Int = 1, groups: Int = 1, epsilon: Double,
  activation: Module?
) -> Sequential {
  Sequential([
    Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false),
    BatchNorm2d(outChannels, epsilon: epsilon),
  ] + (activation.map { [$0] } ?? []))
}

/// torchvision's MobileNetV2 `InvertedResidual`: `conv` = [1x1 expansion with ReLU6,] 3x3
/// depthwise with ReLU6, 1x1 linear projection and its batch norm; the input is added back when
/// the shape is unchanged.
final class InvertedResidualV2: Module {
  let conv: Sequential
  let residual: Bool

  init(_ inChannels: Int, _ outChannels: Int, stride: Int, expansion: Int) {
    let hidden = inChannels * expansion
    var layers: [Module] = []
    if expansion != 1 {
      layers.append(convNormActivation(inChannels, hidden, kernel: 1, epsilon: 1e-5, activation: ReLU6()))
    }
    layers += [
      convNormActivation(hidden, hidden, stride: stride, groups: hidden, epsilon: 1e-5, activation: ReLU6()),
      Conv2d(hidden, outChannels, kernel: 1, bias: false), BatchNorm2d(outChannels),
    ]
    conv = Sequential(layers)
    residual = stride == 1 && inChannels == outChannels
  }

  override func forward(_ x: Tensor) -> Tensor { residual ? x + conv(x) : conv(x) }
}

/// torchvision's `mobilenet_v2()`: module paths `features.0`...`features.18`, `classifier.1`.
/// The default CAM layer is `features.18` (the last 1x1 convolution with its ReLU6, 1280
/// channels at 1/32 of the input).
public final class MobileNetV2: Network, ImageClassifier {
  public let architecture = "mobilenet_v2"
  public let classCount: Int
  public let input = InputSpec(height: 224, width: 224, profile: "imagenet")
  public let defaultCAMLayer = "features.18"

  let features: Sequential
  let classifier: Sequential

  /// (expansion, channels, repeats, first stride) of each stage, as torchvision's.
  static let settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

  /// Builds the network with weights from `source`.
  public init(classCount: Int = 1000, weights source: WeightSource) throws {
    self.classCount = classCount
    var layers: [Module] = [convNormActivation(3, 32, stride: 2, epsilon: 1e-5, activation: ReLU6())]
    var inChannels = 32
    for (t, c, n, s) in Self.settings {
      for i in 0..<n {
        layers.append(InvertedResidualV2(inChannels, c, stride: i == 0 ? s : 1, expansion: t))
        inChannels = c
      }
    }
    layers.append(convNormActivation(inChannels, 1280, kernel: 1, epsilon: 1e-5, activation: ReLU6()))
    features = Sequential(layers)
    classifier = Sequential([Dropout(), Linear(1280, classCount)])
    super.init()
    try build(weights: source)
  }

  override func forward(_ x: Tensor) -> Tensor {
    classifier(features(x).mean(alongAxes: [2, 3]))
  }
}
