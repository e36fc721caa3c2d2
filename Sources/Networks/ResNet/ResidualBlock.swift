import Autodiff

/// torchvision's BasicBlock: two 3x3 convolutions (ResNet-18/34).
final class BasicBlock: Module {
  let conv1: Conv2d, bn1: BatchNorm2d
  let conv2: Conv2d, bn2: BatchNorm2d
  let downsample: Sequential?
  let relu = ReLU()

  init(_ inPlanes: Int, _ planes: Int, stride: Int, downsample: Sequential?) {
    conv1 = Conv2d(inPlanes, planes, kernel: 3, stride: stride, padding: 1, bias: false)
    bn1 = BatchNorm2d(planes)
    conv2 = Conv2d(planes, planes, kernel: 3, padding: 1, bias: false)
    bn2 = BatchNorm2d(planes)
    self.downsample = downsample
  }

  override func forward(_ x: Tensor) -> Tensor {
    let out = convBN(conv1, bn1, x, relu: true)
    let identity = downsample.map { $0(x) } ?? x
    // relu(bn2(conv2(out)) + identity), the addition and ReLU fused into the convolution's output pass.
    return relu.output(convBN(conv2, bn2, out, relu: true, residual: identity))
  }
}

/// torchvision's Bottleneck: 1x1, 3x3 (with the stride), 1x1 expanding by 4.
final class Bottleneck: Module {
  let conv1: Conv2d, bn1: BatchNorm2d
  let conv2: Conv2d, bn2: BatchNorm2d
  let conv3: Conv2d, bn3: BatchNorm2d
  let downsample: Sequential?
  let relu = ReLU()

  init(_ inPlanes: Int, _ planes: Int, stride: Int, width: Int, downsample: Sequential?) {
    conv1 = Conv2d(inPlanes, width, kernel: 1, bias: false)
    bn1 = BatchNorm2d(width)
    conv2 = Conv2d(width, width, kernel: 3, stride: stride, padding: 1, bias: false)
    bn2 = BatchNorm2d(width)
    conv3 = Conv2d(width, planes * 4, kernel: 1, bias: false)
    bn3 = BatchNorm2d(planes * 4)
    self.downsample = downsample
  }

  override func forward(_ x: Tensor) -> Tensor {
    var out = convBN(conv1, bn1, x, relu: true)
    out = convBN(conv2, bn2, out, relu: true)
    let identity = downsample.map { $0(x) } ?? x
    // relu(bn3(conv3(out)) + identity), the addition and ReLU fused into the convolution's output pass.
    return relu.output(convBN(conv3, bn3, out, relu: true, residual: identity))
  }
}
