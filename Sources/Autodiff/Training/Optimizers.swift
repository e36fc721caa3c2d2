import Foundation

// SGD (with momentum, dampening, weight decay, Nesterov) and AdamW, with the exact update rules
// of `torch.optim.SGD` and `torch.optim.AdamW` (single-tensor CPU implementations), computed in
// each parameter's own element type.

/// Stochastic gradient descent, as `torch.optim.SGD`.
///
/// Per step, with `g` the gradient: `g += weightDecay * p`; with momentum, `buf = g` on the first
/// step and `buf = momentum * buf + (1 - dampening) * g` after, then `g = g + momentum * buf`
/// (Nesterov) or `g = buf`; finally `p -= learningRate * g`.
public final class SGD {
  public var learningRate: Double
  public let momentum: Double
  public let dampening: Double
  public let weightDecay: Double
  public let nesterov: Bool
  /// Momentum buffers, per parameter (the parameter is retained so its identity stays unique).
  private var buffers: [ObjectIdentifier: (Parameter, Tensor)] = [:]

  public init(
    learningRate: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
    nesterov: Bool = false
  ) {
    precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
  }

  /// Updates each parameter in place from its gradient (same order, same shapes).
  public func step(_ params: [Parameter], gradients: [Tensor]) {
    checkStep("SGD.step", params, gradients)
    for (p, grad) in zip(params, gradients) {
      let id = ObjectIdentifier(p)
      let previous = buffers[id]?.1
      func run<T: TensorScalar>(_: T.Type) {
        var x = p.value.array(T.self)
        var g = grad.detached().converted(to: T.dtype).array(T.self)
        let (lr, mu, damp, wd) = (T(learningRate), T(momentum), T(1 - dampening), T(weightDecay))
        if weightDecay != 0 { for i in g.indices { g[i] += wd * x[i] } }
        if momentum != 0 {
          var buf: [T]
          if let previous {
            buf = previous.array(T.self)
            for i in buf.indices { buf[i] = buf[i] * mu + g[i] * damp }
          } else {
            buf = g
          }
          buffers[id] = (p, Tensor(shape: p.value.shape, array: buf))
          if nesterov { for i in g.indices { g[i] += mu * buf[i] } } else { g = buf }
        }
        for i in x.indices { x[i] += -lr * g[i] }
        p.value = Tensor(shape: p.value.shape, array: x)
      }
      switch p.value.dtype {
      case .float32: run(Float.self)
      case .float64: run(Double.self)
      }
    }
  }
}

/// Adam with decoupled weight decay, as `torch.optim.AdamW` (no amsgrad).
///
/// Per step `t`: `p *= 1 - lr * weightDecay`; `m = lerp(m, g, 1 - beta1)`;
/// `v = beta2 * v + (1 - beta2) * g^2`; `p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)`.
public final class AdamW {
  public var learningRate: Double
  public let beta1: Double
  public let beta2: Double
  public let epsilon: Double
  public let weightDecay: Double
  private struct State {
    let parameter: Parameter
    var step: Int
    var m: Tensor
    var v: Tensor
  }
  private var states: [ObjectIdentifier: State] = [:]

  /// Creates the optimiser; the defaults are PyTorch's.
  public init(
    learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
    weightDecay: Double = 1e-2
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// Updates each parameter in place from its gradient (same order, same shapes).
  public func step(_ params: [Parameter], gradients: [Tensor]) {
    checkStep("AdamW.step", params, gradients)
    for (p, grad) in zip(params, gradients) {
      let id = ObjectIdentifier(p)
      let dtype = p.value.dtype
      var state = states[id] ?? State(
        parameter: p, step: 0, m: .zeros(p.value.shape, dtype: dtype), v: .zeros(p.value.shape, dtype: dtype))
      state.step += 1
      let t = Double(state.step)
      let stepSize = learningRate / (1 - Foundation.pow(beta1, t))
      let correction2Sqrt = (1 - Foundation.pow(beta2, t)).squareRoot()
      func run<T: TensorScalar>(_: T.Type) {
        var x = p.value.array(T.self)
        let g = grad.detached().converted(to: T.dtype).array(T.self)
        var m = state.m.array(T.self), v = state.v.array(T.self)
        let decay = T(1 - learningRate * weightDecay)
        let (w1, b2, c2) = (T(1 - beta1), T(beta2), T(1 - beta2))
        let (size, bc2, eps) = (T(stepSize), T(correction2Sqrt), T(epsilon))
        for i in x.indices {
          if weightDecay != 0 { x[i] *= decay }
          m[i] += w1 * (g[i] - m[i])
          v[i] = v[i] * b2 + c2 * (g[i] * g[i])
          let denom = v[i].squareRoot() / bc2 + eps
          x[i] += -size * (m[i] / denom)
        }
        state.m = Tensor(shape: p.value.shape, array: m)
        state.v = Tensor(shape: p.value.shape, array: v)
        p.value = Tensor(shape: p.value.shape, array: x)
      }
      switch dtype {
      case .float32: run(Float.self)
      case .float64: run(Double.self)
      }
      states[id] = state
    }
  }
}
