import Autodiff

/// Batch normalisation over channels (`weight`, `bias`, buffers `running_mean`, `running_var`),
/// as `nn.BatchNorm2d` with eps 1e-5. In training mode it normalises with the batch's
/// statistics and reports the updated running statistics in
/// ``ForwardContext/updatedBuffers``.
public final class BatchNorm2d: Module {
  let weight: Weight, bias: Weight
  let runningMean: Weight, runningVar: Weight
  let epsilon: Double

  init(_ channels: Int, epsilon: Double = 1e-5) {
    weight = Weight([channels])
    bias = Weight([channels])
    runningMean = .buffer([channels])
    runningVar = .buffer([channels])
    self.epsilon = epsilon
  }

  override func forward(_ x: Tensor) -> Tensor {
    let context = ForwardContext.current
    guard context.training else {
      return batchNorm(
        x, runningMean: runningMean.value, runningVariance: runningVar.value, weight: weight.value, bias: bias.value,
        epsilon: epsilon)
    }
    let r = batchNormTraining(
      x, runningMean: runningMean.value, runningVariance: runningVar.value, weight: weight.value, bias: bias.value,
      epsilon: epsilon)
    context.updatedBuffers[runningMean.name] = r.runningMean
    context.updatedBuffers[runningVar.name] = r.runningVariance
    return r.output
  }
}
