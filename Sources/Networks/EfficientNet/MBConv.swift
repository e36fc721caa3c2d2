import Autodiff

/// EfficientNet's mobile inverted bottleneck: an optional 1x1 expansion, a depthwise
/// convolution, optional squeeze-excitation, and a 1x1 linear projection, each convolution
/// followed by batch norm; the input is added back when the shape is unchanged. timm calls the
/// block without expansion `DepthwiseSeparableConv` and the others `InvertedResidual`;
/// EfficientNet-PyTorch calls both `MBConvBlock`.
///
/// Its members are named per ``EfficientNetLayout`` (``members()``):
///
/// | role | lukemelas | timm (expanding) | timm (first block) |
/// |---|---|---|---|
/// | expansion | `_expand_conv`, `_bn0` | `conv_pw`, `bn1` | none |
/// | depthwise | `_depthwise_conv`, `_bn1` | `conv_dw`, `bn2` | `conv_dw`, `bn1` |
/// | squeeze-excitation | `_se_reduce`, `_se_expand` | `se.conv_reduce`, `se.conv_expand` | same |
/// | projection | `_project_conv`, `_bn2` | `conv_pwl`, `bn3` | `conv_pw`, `bn2` |
///
/// In timm the activation belongs to the batch norm (`BatchNormAct2d`), so in that layout a
/// batch norm's tapped output is after the activation.
final class MBConv: Module {
  let layout: EfficientNetLayout
  let expandConv: Conv2d?, expandBN: BatchNorm2d?
  let depthwiseConv: Conv2d, depthwiseBN: BatchNorm2d
  let se: SqueezeExcitation?
  let projectConv: Conv2d, projectBN: BatchNorm2d
  let activation: Module
  let residual: Bool

  init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, expansion: Int,
       config: EfficientNetConfig, layout: EfficientNetLayout) {
    self.layout = layout
    let mid = inChannels * expansion
    let eps = config.tfPorted ? 1e-3 : 1e-5
    let same = config.tfPorted
    if expansion != 1 {
      expandConv = Conv2d(inChannels, mid, kernel: 1, bias: false)
      expandBN = BatchNorm2d(mid, epsilon: eps)
    } else {
      expandConv = nil
      expandBN = nil
    }
    depthwiseConv = Conv2d(mid, mid, kernel: kernel, stride: stride, padding: kernel / 2, groups: mid, bias: false,
                           tfSamePadding: same)
    depthwiseBN = BatchNorm2d(mid, epsilon: eps)
    activation = EfficientNet.activationModule(config.activation)
    se = config.squeezeExcitation
      ? SqueezeExcitation(
        mid, squeezed: max(1, inChannels / 4),
        names: layout == .timm ? ("conv_reduce", "conv_expand") : ("_se_reduce", "_se_expand"),
        activation: EfficientNet.activationModule(config.activation), gate: Sigmoid())
      : nil
    projectConv = Conv2d(mid, outChannels, kernel: 1, bias: false)
    projectBN = BatchNorm2d(outChannels, epsilon: eps)
    residual = stride == 1 && inChannels == outChannels
  }

  override func members() -> [(name: String, member: Member)] {
    var m: [(name: String, member: Member)] = []
    switch layout {
    case .lukemelas:
      if let expandConv, let expandBN { m += [("_expand_conv", .module(expandConv)), ("_bn0", .module(expandBN))] }
      m += [("_depthwise_conv", .module(depthwiseConv)), ("_bn1", .module(depthwiseBN))]
      if let se { m += se.members() }
      m += [("_project_conv", .module(projectConv)), ("_bn2", .module(projectBN))]
    case .timm:
      if let expandConv, let expandBN {
        m += [("conv_pw", .module(expandConv)), ("bn1", .module(expandBN)),
              ("conv_dw", .module(depthwiseConv)), ("bn2", .module(depthwiseBN))]
        if let se { m.append(("se", .module(se))) }
        m += [("conv_pwl", .module(projectConv)), ("bn3", .module(projectBN))]
      } else {
        m += [("conv_dw", .module(depthwiseConv)), ("bn1", .module(depthwiseBN))]
        if let se { m.append(("se", .module(se))) }
        m += [("conv_pw", .module(projectConv)), ("bn2", .module(projectBN))]
      }
    }
    return m
  }

  override func forward(_ x: Tensor) -> Tensor {
    var h = x
    if let expandConv, let expandBN {
      h = EfficientNet.convBNActivation(expandConv, expandBN, h, activation, layout)
    }
    h = EfficientNet.convBNActivation(depthwiseConv, depthwiseBN, h, activation, layout)
    if let se {
      // In the lukemelas layout the squeeze-excitation is not a module of its own.
      h = layout == .timm ? se(h) : se.forward(h)
    }
    return convBN(projectConv, projectBN, h, relu: false, residual: residual ? x : nil)
  }
}
