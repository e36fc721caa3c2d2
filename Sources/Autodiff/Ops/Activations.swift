import RealModule

// tanh, sigmoid, relu and gelu: forward kernel and derivative side by side.

struct TanhKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { .tanh(x) }
}
struct SigmoidKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
    let e: T = T.exp(-x)
    return 1 / (1 + e)
  }
}
struct ReluKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? x : 0 }
}
/// 1 where x > 0, else 0: relu'(0) is taken as 0, as in PyTorch.
struct StepKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? 1 : 0 }
}
/// GELU, exact erf form: x * Phi(x).
struct GeluKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
    let cdf: T = (1 + T.erf(x * T(0.5).squareRoot())) / 2
    return x * cdf
  }
}
/// d/dx GELU = Phi(x) + x * phi(x).
struct GeluDerivativeKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
    let cdf: T = (1 + T.erf(x * T(0.5).squareRoot())) / 2
    let density: T = T.exp(-(x * x) / 2)
    let pdf: T = density / (2 * T.pi).squareRoot()
    return cdf + x * pdf
  }
}

/// Hyperbolic tangent elementwise.
public func tanh(_ x: Tensor) -> Tensor {
  let y = x.mapped(TanhKernel())
  return Tensor.recorded(y, op: "tanh", inputs: [x]) { g, _ in [g * (1 - y * y)] }
}

/// Logistic sigmoid elementwise.
public func sigmoid(_ x: Tensor) -> Tensor {
  let y = x.mapped(SigmoidKernel())
  return Tensor.recorded(y, op: "sigmoid", inputs: [x]) { g, _ in [g * y * (1 - y)] }
}

/// Rectified linear unit elementwise; the subgradient at 0 is 0 (PyTorch's convention).
public func relu(_ x: Tensor) -> Tensor {
  let y = x.mapped(ReluKernel())
  return Tensor.recorded(y, op: "relu", inputs: [x]) { g, _ in [g * y.mapped(StepKernel())] }
}

/// Gaussian error linear unit, exact erf form (PyTorch `gelu(approximate='none')`).
public func gelu(_ x: Tensor) -> Tensor {
  let vectorised = x.dtype == .float32 && VectorMath.enabled && x.count > 0
  let y = vectorised ? Tensor(shape: x.shape, array: VectorMath.gelu(x.array(Float.self))) : x.mapped(GeluKernel())
  return Tensor.recorded(y, op: "gelu", inputs: [x]) { g, _ in
    let derivative = vectorised
      ? Tensor(shape: x.shape, array: VectorMath.geluDerivative(x.array(Float.self))) : x.detached().mapped(GeluDerivativeKernel())
    return [g * derivative]
  }
}
