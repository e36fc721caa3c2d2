import Autodiff

/// The CIFAR-10 ResNets of He et al. (2016) §4.2 as in akamaster/pytorch_resnet_cifar10:
/// depth 6n+2 (20, 32, 44, 56, 110), stages of 16/32/64 channels on 32x32 inputs, option-A
/// shortcuts (stride-2 subsampling and zero channel padding, no parameters), head `linear`.
public final class CIFARResNet: Network, ImageClassifier {
  public let architecture: String
  public let classCount: Int
  public let input: InputSpec
  public let defaultCAMLayer = "layer3"

  let conv1: Conv2d
  let bn1: BatchNorm2d
  let layer1: Sequential, layer2: Sequential, layer3: Sequential
  let avgpool = AdaptiveAvgPool2d(flattened: true)
  let linear: Linear

  /// Known depths.
  public static let depths = [20, 32, 44, 56, 110]

  /// Builds `cifar_resnet<depth>` with weights from `source`.
  public convenience init(depth: Int, classCount: Int = 10, weights source: WeightSource) throws {
    guard Self.depths.contains(depth) else {
      throw NetworkError.unknownArchitecture("cifar_resnet\(depth)", known: Self.depths.map { "cifar_resnet\($0)" })
    }
    try self.init(
      architecture: "cifar_resnet\(depth)", blocksPerStage: (depth - 2) / 6, stemStride: 1,
      input: InputSpec(height: 32, width: 32, profile: "cifar"), classCount: classCount, weights: source)
  }

  /// `demo_cnn`, the network of the bundled `demo-cnn` model: the same layout with one block
  /// per stage (depth 8) and a stride-2 stem, for 64x64 input (`layer3` is 8x8, like the
  /// patch grid of `vit_demo`).
  public static func demo(classCount: Int = 6, weights source: WeightSource) throws -> CIFARResNet {
    try CIFARResNet(
      architecture: "demo_cnn", blocksPerStage: 1, stemStride: 2,
      input: InputSpec(height: 64, width: 64, profile: "demo"), classCount: classCount, weights: source)
  }

  init(architecture: String, blocksPerStage n: Int, stemStride: Int, input: InputSpec, classCount: Int,
       weights source: WeightSource) throws {
    self.architecture = architecture
    self.input = input
    self.classCount = classCount
    conv1 = Conv2d(3, 16, kernel: 3, stride: stemStride, padding: 1, bias: false)
    bn1 = BatchNorm2d(16)
    var inPlanes = 16
    func makeLayer(_ planes: Int, stride: Int) -> Sequential {
      var blocks: [Module] = []
      for b in 0..<n {
        blocks.append(CIFARBlock(inPlanes, planes, stride: b == 0 ? stride : 1))
        inPlanes = planes
      }
      return Sequential(blocks)
    }
    layer1 = makeLayer(16, stride: 1)
    layer2 = makeLayer(32, stride: 2)
    layer3 = makeLayer(64, stride: 2)
    linear = Linear(64, classCount)
    super.init()
    try build(weights: source)
  }

  override func forward(_ x: Tensor) -> Tensor {
    let h = convBN(conv1, bn1, x, relu: true)
    return linear(avgpool(layer3(layer2(layer1(h)))))
  }
}

/// A basic block with an option-A shortcut.
final class CIFARBlock: Module {
  let conv1: Conv2d, bn1: BatchNorm2d
  let conv2: Conv2d, bn2: BatchNorm2d
  let shortcut: OptionAShortcut

  init(_ inPlanes: Int, _ planes: Int, stride: Int) {
    conv1 = Conv2d(inPlanes, planes, kernel: 3, stride: stride, padding: 1, bias: false)
    bn1 = BatchNorm2d(planes)
    conv2 = Conv2d(planes, planes, kernel: 3, padding: 1, bias: false)
    bn2 = BatchNorm2d(planes)
    shortcut = OptionAShortcut(inPlanes, planes, subsampling: stride != 1 || inPlanes != planes)
  }

  override func forward(_ x: Tensor) -> Tensor {
    let out = convBN(conv1, bn1, x, relu: true)
    // relu(bn2(conv2(out)) + shortcut(x)), the addition and ReLU fused into the convolution's output pass.
    return convBN(conv2, bn2, out, relu: true, residual: shortcut(x))
  }
}

/// The option-A shortcut (akamaster's `LambdaLayer`): the identity, or for a subsampling block
/// `pad(x[:, :, ::2, ::2], channels: planes/4 each side)`, computed as a fixed 1x1 stride-2
/// convolution whose weight is a shifted identity (ops the autodiff already differentiates).
final class OptionAShortcut: Module {
  let subsampling: Tensor?

  init(_ inPlanes: Int, _ planes: Int, subsampling: Bool) {
    self.subsampling = subsampling ? Self.shiftedIdentity(inPlanes, planes) : nil
  }

  /// `[planes, inPlanes, 1, 1]` mapping input channel `c` to output channel `c + planes/4`.
  private static func shiftedIdentity(_ inPlanes: Int, _ planes: Int) -> Tensor {
    var w = [Float](repeating: 0, count: planes * inPlanes)
    let offset = planes / 4
    for c in 0..<inPlanes { w[(c + offset) * inPlanes + c] = 1 }
    return Tensor(shape: [planes, inPlanes, 1, 1], scalars: w)
  }

  override func forward(_ x: Tensor) -> Tensor {
    subsampling.map { conv2d(x, weight: $0, options: Conv2dOptions(stride: 2)) } ?? x
  }
}
