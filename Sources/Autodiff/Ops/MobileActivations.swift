import RealModule

// The activations of EfficientNet and MobileNet: relu6, hardsigmoid, hardswish and SiLU, each
// forward kernel beside its derivative. At the kinks the derivative follows PyTorch's backward.

struct Relu6Kernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 6 ? 6 : (x > 0 ? x : 0) }
}
/// 1 where 0 < x < 6, else 0 (PyTorch's hardtanh backward).
struct Relu6DerivativeKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 && x < 6 ? 1 : 0 }
}
struct HardSigmoidKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x <= -3 ? 0 : (x >= 3 ? 1 : x / 6 + T(0.5)) }
}
/// 1/6 where -3 < x < 3, else 0 (PyTorch's hardsigmoid backward).
struct HardSigmoidDerivativeKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > -3 && x < 3 ? T(1) / 6 : 0 }
}
struct HardSwishKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x <= -3 ? 0 : (x >= 3 ? x : x * (x + 3) / 6) }
}
/// 0 below -3, (2x + 3) / 6 up to 3, 1 above (PyTorch's hardswish backward).
struct HardSwishDerivativeKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x < -3 ? 0 : (x <= 3 ? (2 * x + 3) / 6 : 1) }
}
struct SiLUKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x / (1 + T.exp(-x)) }
}
/// d/dx x * sigmoid(x) = s * (1 + x * (1 - s)).
struct SiLUDerivativeKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
    let s: T = 1 / (1 + T.exp(-x))
    return s * (1 + x * (1 - s))
  }
}

/// `min(max(x, 0), 6)` elementwise, as `nn.ReLU6`.
public func relu6(_ x: Tensor) -> Tensor {
  let y = x.mapped(Relu6Kernel())
  return Tensor.recorded(y, op: "relu6", inputs: [x]) { g, _ in [g * x.detached().mapped(Relu6DerivativeKernel())] }
}

/// `relu6(x + 3) / 6` elementwise, as `nn.Hardsigmoid`.
public func hardSigmoid(_ x: Tensor) -> Tensor {
  let y = x.mapped(HardSigmoidKernel())
  return Tensor.recorded(y, op: "hardsigmoid", inputs: [x]) { g, _ in
    [g * x.detached().mapped(HardSigmoidDerivativeKernel())]
  }
}

/// `x * relu6(x + 3) / 6` elementwise, as `nn.Hardswish`.
public func hardSwish(_ x: Tensor) -> Tensor {
  let y = x.mapped(HardSwishKernel())
  return Tensor.recorded(y, op: "hardswish", inputs: [x]) { g, _ in
    [g * x.detached().mapped(HardSwishDerivativeKernel())]
  }
}

/// `x * sigmoid(x)` elementwise (swish), as `nn.SiLU`.
public func silu(_ x: Tensor) -> Tensor {
  let y = x.mapped(SiLUKernel())
  return Tensor.recorded(y, op: "silu", inputs: [x]) { g, _ in [g * x.detached().mapped(SiLUDerivativeKernel())] }
}
