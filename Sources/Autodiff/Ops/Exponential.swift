// exp, log, sqrt and pow, each with its derivative.

struct ExpKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { .exp(x) }
}
struct LogKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { .log(x) }
}
struct SqrtKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x.squareRoot() }
}
struct PowKernel: UnaryKernel {
  let exponent: Double
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
    exponent == 2 ? x * x : .pow(x, T(exponent))
  }
}

/// `e^x` elementwise.
public func exp(_ x: Tensor) -> Tensor {
  let y = x.mapped(ExpKernel())
  return Tensor.recorded(y, op: "exp", inputs: [x]) { g, _ in [g * y] }
}

/// Natural logarithm elementwise.
public func log(_ x: Tensor) -> Tensor {
  let y = x.mapped(LogKernel())
  return Tensor.recorded(y, op: "log", inputs: [x]) { g, _ in [g / x.detached()] }
}

/// Square root elementwise.
public func sqrt(_ x: Tensor) -> Tensor {
  let y = x.mapped(SqrtKernel())
  return Tensor.recorded(y, op: "sqrt", inputs: [x]) { g, _ in [g / (y * 2)] }
}

/// `x^p` elementwise for a constant exponent (negative bases only with integral exponents).
public func pow(_ x: Tensor, _ p: Double) -> Tensor {
  let y = x.mapped(PowKernel(exponent: p))
  return Tensor.recorded(y, op: "pow", inputs: [x]) { g, _ in
    [g * x.detached().mapped(PowKernel(exponent: p - 1)) * p]
  }
}

/// `base^exponent` elementwise with broadcasting, differentiable in both (base must be > 0
/// where the exponent's gradient is needed).
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor {
  exp(exponent * log(base))
}
