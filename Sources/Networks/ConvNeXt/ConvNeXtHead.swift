import Autodiff

/// timm's `NormMlpClassifierHead` as ConvNeXt uses it: global average pooling, `norm`
/// (LayerNorm2d on the pooled `[N, C, 1, 1]`), flatten, `fc`.
final class ConvNeXtHead: Module {
  let norm: LayerNorm2d
  let fc: Linear

  init(norm: LayerNorm2d, fc: Linear) {
    self.norm = norm
    self.fc = fc
  }

  override func forward(_ x: Tensor) -> Tensor {
    fc(norm(x.mean(alongAxes: [2, 3], keepingDimensions: true)).flattened(from: 1))
  }
}
