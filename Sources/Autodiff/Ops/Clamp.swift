// Elementwise functions an imported graph needs beside the network layers: erf, absolute value,
// clamping, elementwise maximum and minimum, and selection by a mask.

struct ErfKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { T.erf(x) }
}
/// d/dx erf(x) = 2 / sqrt(pi) * exp(-x^2).
struct ErfDerivativeKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { 2 / T.pi.squareRoot() * T.exp(-(x * x)) }
}
struct AbsKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x < 0 ? -x : x }
}
/// sign(x), with sign(0) = 0 (PyTorch's abs backward).
struct SignKernel: UnaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}
struct ClampKernel: UnaryKernel {
  let low: Double, high: Double
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T {
    let lo = T(low), hi = T(high)
    return x < lo ? lo : (x > hi ? hi : x)
  }
}
/// 1 where low <= x <= high, else 0 (PyTorch's clamp backward).
struct ClampMaskKernel: UnaryKernel {
  let low: Double, high: Double
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x >= T(low) && x <= T(high) ? 1 : 0 }
}
struct MaximumKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a >= b ? a : b }
}
struct MinimumKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b ? a : b }
}
/// 1 where the first argument is at least the second (ties go to the first).
struct GreaterOrEqualKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a >= b ? 1 : 0 }
}
/// 1 where the first argument is at most the second (ties go to the first).
struct LessOrEqualKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b ? 1 : 0 }
}
/// Keeps the second argument where the first (a mask) is non-zero, else 0.
struct MaskKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ m: T, _ x: T) -> T { m != 0 ? x : 0 }
}

/// The Gauss error function elementwise.
public func erf(_ x: Tensor) -> Tensor {
  let y = x.mapped(ErfKernel())
  return Tensor.recorded(y, op: "erf", inputs: [x]) { g, _ in [g * x.detached().mapped(ErfDerivativeKernel())] }
}

/// `|x|` elementwise; the subgradient at 0 is 0 (PyTorch's convention).
public func abs(_ x: Tensor) -> Tensor {
  let y = x.mapped(AbsKernel())
  return Tensor.recorded(y, op: "abs", inputs: [x]) { g, _ in [g * x.detached().mapped(SignKernel())] }
}

/// `min(max(x, low), high)` elementwise; the gradient passes where `low <= x <= high`.
public func clamp(_ x: Tensor, low: Double = -.infinity, high: Double = .infinity) -> Tensor {
  let y = x.mapped(ClampKernel(low: low, high: high))
  return Tensor.recorded(y, op: "clamp", inputs: [x]) { g, _ in
    [g * x.detached().mapped(ClampMaskKernel(low: low, high: high))]
  }
}

/// Elementwise maximum with broadcasting; at ties the gradient goes to `a`.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
  let y = Tensor.zipped(a, b, MaximumKernel(), op: "maximum")
  return Tensor.recorded(y, op: "maximum", inputs: [a, b]) { g, needs in
    let takeA = Tensor.zipped(a.detached(), b.detached(), GreaterOrEqualKernel(), op: "maximum")
    return [needs[0] ? (g * takeA).summed(toShape: a.shape) : nil,
            needs[1] ? (g * (1 - takeA)).summed(toShape: b.shape) : nil]
  }
}

/// Elementwise minimum with broadcasting; at ties the gradient goes to `a`.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
  let y = Tensor.zipped(a, b, MinimumKernel(), op: "minimum")
  return Tensor.recorded(y, op: "minimum", inputs: [a, b]) { g, needs in
    let takeA = Tensor.zipped(a.detached(), b.detached(), LessOrEqualKernel(), op: "minimum")
    return [needs[0] ? (g * takeA).summed(toShape: a.shape) : nil,
            needs[1] ? (g * (1 - takeA)).summed(toShape: b.shape) : nil]
  }
}

/// `a` where `mask` is non-zero, else `b`, with broadcasting (ONNX `Where`); infinities in the
/// branch not taken do not leak into the result. `mask` is a constant.
public func select(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
  let shape = shapeCheck("select") { () throws(ShapeError) in
    try Shape.broadcast(Shape.broadcast(mask.shape, a.shape), b.shape)
  }
  let m = mask.detached().converted(to: a.dtype).broadcast(to: shape)
  let notM = 1 - m
  let y = Tensor.zipped(m, a.detached().broadcast(to: shape), MaskKernel(), op: "select")
    + Tensor.zipped(notM, b.detached().broadcast(to: shape), MaskKernel(), op: "select")
  return Tensor.recorded(y, op: "select", inputs: [a, b]) { g, needs in
    [needs[0] ? (g * m).summed(toShape: a.shape) : nil, needs[1] ? (g * notM).summed(toShape: b.shape) : nil]
  }
}
