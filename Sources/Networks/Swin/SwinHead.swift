import Autodiff

/// timm's `ClassifierHead` as Swin uses it: the mean over the channels-last map's pixels, then `fc`.
final class SwinHead: Module {
  let fc: Linear

  init(fc: Linear) {
    self.fc = fc
  }

  override func forward(_ x: Tensor) -> Tensor { fc(x.mean(alongAxes: [1, 2])) }
}
