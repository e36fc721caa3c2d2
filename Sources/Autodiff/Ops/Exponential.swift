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
  /// The exponent as an Int when it is integral: `Real.pow(x, y)` is NaN for every negative
  /// base (and for 0^0), while `Real.pow(x, n)` handles them as `torch.pow` does.
  let integral: Int?
  init(exponent: Double) {
    self.exponent = exponent
    integral = Int(exactly: exponent)
  }
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
    if exponent == 2 { return x * x }
    if let n = integral { return n == 1 ? x : .pow(x, n) }
    return .pow(x, T(exponent))
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
    // x^0 is constant: its gradient is 0 even at x = 0 (where 0 * 0^-1 would be NaN), as torch.
    if p == 0 { return [Tensor.zeros(x.shape, dtype: g.dtype)] }
    return [g * x.detached().mapped(PowKernel(exponent: p - 1)) * p]
  }
}

/// `x^p` with both operands varying; integral exponents allow negative bases, as `torch.pow`.
struct PowBinaryKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T, _ p: T) -> T {
    if let n = Int(exactly: p) { return .pow(x, n) }
    return .pow(x, p)
  }
}

/// d(x^p)/dx = p * x^(p-1), taken as 0 where p == 0 (also at x = 0, as torch).
struct PowBaseDerivativeKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T, _ p: T) -> T {
    p == 0 ? 0 : p * PowBinaryKernel()(x, p - 1)
  }
}

/// d(x^p)/dp = x^p * log(x), taken as 0 where x == 0 and p >= 0 (torch's convention).
struct PowExponentDerivativeKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T, _ p: T) -> T {
    if x == 0 && p >= 0 { return 0 }
    return PowBinaryKernel()(x, p) * T.log(x)
  }
}

/// `base^exponent` elementwise with broadcasting (PyTorch `pow(tensor, tensor)`), differentiable
/// in both. Negative bases need integral exponents; the exponent's gradient needs base > 0
/// (it is NaN for negative bases, and 0 at base 0 for exponents >= 0, as in PyTorch).
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor {
  let y = Tensor.zipped(base, exponent, PowBinaryKernel(), op: "pow")
  return Tensor.recorded(y, op: "pow", inputs: [base, exponent]) { g, needs in
    let b = base.detached(), e = exponent.detached()
    return [
      needs[0]
        ? (g * Tensor.zipped(b, e, PowBaseDerivativeKernel(), op: "pow")).summed(toShape: base.shape) : nil,
      needs[1]
        ? (g * Tensor.zipped(b, e, PowExponentDerivativeKernel(), op: "pow")).summed(toShape: exponent.shape) : nil,
    ]
  }
}
