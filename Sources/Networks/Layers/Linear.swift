import Autodiff

/// A fully connected layer (`weight [out, in]`, optional `bias [out]`), as `nn.Linear`.
public final class Linear: Module {
  let weight: Weight
  let bias: Weight?

  init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
    weight = Weight([outFeatures, inFeatures])
    self.bias = bias ? Weight([outFeatures]) : nil
  }

  override func forward(_ x: Tensor) -> Tensor {
    let w = weight.value
    // Inference reads the weight packed once; training changes it every step.
    let packed = ForwardContext.current.training ? nil : weight.table.packed("pack:\(path)") { PackedWeights(linearWeight: w) }
    return linear(x, weight: w, bias: bias?.value, packedWeight: packed)
  }
}
