import Autodiff

/// torchvision's ResNet (v1.5: the stride sits in the 3x3 convolution of a bottleneck), with
/// the same module paths and parameter names: `conv1`, `bn1`, `layer1`...`layer4`, `fc`.
public final class ResNet: Network, ImageClassifier {
  public let architecture: String
  public let classCount: Int
  public let input = InputSpec(height: 224, width: 224, profile: "imagenet")
  public let defaultCAMLayer = "layer4"

  let conv1: Conv2d
  let bn1: BatchNorm2d
  let relu = ReLU()
  let maxpool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
  let layer1: Sequential, layer2: Sequential, layer3: Sequential, layer4: Sequential
  let avgpool = AdaptiveAvgPool2d()
  let fc: Linear

  /// Known depths and their blocks per stage; `wide` doubles the bottleneck width.
  static let configurations: [String: (bottleneck: Bool, blocks: [Int], widthFactor: Int)] = [
    "resnet18": (false, [2, 2, 2, 2], 1), "resnet34": (false, [3, 4, 6, 3], 1),
    "resnet50": (true, [3, 4, 6, 3], 1), "resnet101": (true, [3, 4, 23, 3], 1),
    "resnet152": (true, [3, 8, 36, 3], 1), "wide_resnet50_2": (true, [3, 4, 6, 3], 2),
  ]

  /// Builds `architecture` (one of ``configurations``) with weights from `source`.
  public init(_ architecture: String, classCount: Int = 1000, weights source: WeightSource) throws {
    guard let config = Self.configurations[architecture] else {
      throw NetworkError.unknownArchitecture(architecture, known: Self.configurations.keys.sorted())
    }
    self.architecture = architecture
    self.classCount = classCount
    conv1 = Conv2d(3, 64, kernel: 7, stride: 2, padding: 3, bias: false)
    bn1 = BatchNorm2d(64)
    var inPlanes = 64
    // torchvision's _make_layer: the first block of a stage strides and, when the shape
    // changes, projects the shortcut with `downsample`.
    func makeLayer(_ planes: Int, blocks: Int, stride: Int) -> Sequential {
      let expansion = config.bottleneck ? 4 : 1
      var layers: [Module] = []
      for b in 0..<blocks {
        let s = b == 0 ? stride : 1
        var downsample: Sequential? = nil
        if b == 0 && (stride != 1 || inPlanes != planes * expansion) {
          downsample = Sequential([Conv2d(inPlanes, planes * expansion, kernel: 1, stride: s, bias: false), BatchNorm2d(planes * expansion)])
        }
        layers.append(config.bottleneck
          ? Bottleneck(inPlanes, planes, stride: s, width: planes * config.widthFactor, downsample: downsample)
          : BasicBlock(inPlanes, planes, stride: s, downsample: downsample))
        inPlanes = planes * expansion
      }
      return Sequential(layers)
    }
    layer1 = makeLayer(64, blocks: config.blocks[0], stride: 1)
    layer2 = makeLayer(128, blocks: config.blocks[1], stride: 2)
    layer3 = makeLayer(256, blocks: config.blocks[2], stride: 2)
    layer4 = makeLayer(512, blocks: config.blocks[3], stride: 2)
    fc = Linear(inPlanes, classCount)
    super.init()
    try build(weights: source)
  }

  override func forward(_ x: Tensor) -> Tensor {
    // relu(bn1(conv1(x))) as one convolution pass.
    var h = relu.output(convBN(conv1, bn1, x, relu: true))
    h = maxpool(h)
    h = layer4(layer3(layer2(layer1(h))))
    return fc(avgpool(h).flattened(from: 1))
  }
}
