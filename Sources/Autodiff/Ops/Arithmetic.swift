// Elementwise arithmetic with numpy broadcasting. Each gradient is summed back over the axes
// its input was broadcast along.

struct AddKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a + b }
}
struct SubtractKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a - b }
}
struct MultiplyKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a * b }
}
struct DivideKernel: BinaryKernel {
  @inline(__always) func callAsFunction<T: TensorScalar>(_ a: T, _ b: T) -> T { a / b }
}

extension Tensor {
  /// Elementwise sum with broadcasting.
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    let value = zipped(a, b, AddKernel(), op: "add")
    return recorded(value, op: "add", inputs: [a, b]) { g, needs in
      [needs[0] ? g.summed(toShape: a.shape) : nil, needs[1] ? g.summed(toShape: b.shape) : nil]
    }
  }

  /// Elementwise difference with broadcasting.
  public static func - (a: Tensor, b: Tensor) -> Tensor {
    let value = zipped(a, b, SubtractKernel(), op: "subtract")
    return recorded(value, op: "subtract", inputs: [a, b]) { g, needs in
      [needs[0] ? g.summed(toShape: a.shape) : nil, needs[1] ? (-g).summed(toShape: b.shape) : nil]
    }
  }

  /// Elementwise product with broadcasting.
  public static func * (a: Tensor, b: Tensor) -> Tensor {
    let value = zipped(a, b, MultiplyKernel(), op: "multiply")
    return recorded(value, op: "multiply", inputs: [a, b]) { g, needs in
      [needs[0] ? (g * b).summed(toShape: a.shape) : nil,
       needs[1] ? (g * a).summed(toShape: b.shape) : nil]
    }
  }

  /// Elementwise quotient with broadcasting.
  public static func / (a: Tensor, b: Tensor) -> Tensor {
    let value = zipped(a, b, DivideKernel(), op: "divide")
    return recorded(value, op: "divide", inputs: [a, b]) { g, needs in
      [needs[0] ? (g / b).summed(toShape: a.shape) : nil,
       needs[1] ? (-(g * value) / b).summed(toShape: b.shape) : nil]
    }
  }

  /// Elementwise negation.
  public static prefix func - (a: Tensor) -> Tensor {
    let value = a.mapped(ScaleKernel(factor: -1))
    return recorded(value, op: "negate", inputs: [a]) { g, _ in [-g] }
  }

  /// Adds a constant.
  public static func + (a: Tensor, b: Double) -> Tensor {
    let value = a.mapped(ShiftKernel(offset: b))
    return recorded(value, op: "add scalar", inputs: [a]) { g, _ in [g] }
  }

  /// Subtracts a constant.
  public static func - (a: Tensor, b: Double) -> Tensor { a + (-b) }

  /// Multiplies by a constant.
  public static func * (a: Tensor, b: Double) -> Tensor {
    let value = a.mapped(ScaleKernel(factor: b))
    return recorded(value, op: "multiply scalar", inputs: [a]) { g, _ in [g * b] }
  }

  /// Divides by a constant.
  public static func / (a: Tensor, b: Double) -> Tensor { a * (1 / b) }

  /// Adds a tensor to a constant.
  public static func + (a: Double, b: Tensor) -> Tensor { b + a }
  /// Subtracts a tensor from a constant.
  public static func - (a: Double, b: Tensor) -> Tensor { -b + a }
  /// Multiplies a constant by a tensor.
  public static func * (a: Double, b: Tensor) -> Tensor { b * a }
  /// Divides a constant by a tensor.
  public static func / (a: Double, b: Tensor) -> Tensor {
    Tensor(repeating: a, shape: [], dtype: b.dtype) / b
  }
}

struct ScaleKernel: UnaryKernel {
  let factor: Double
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x * T(factor) }
}

struct ShiftKernel: UnaryKernel {
  let offset: Double
  @inline(__always) func callAsFunction<T: TensorScalar>(_ x: T) -> T { x + T(offset) }
}
