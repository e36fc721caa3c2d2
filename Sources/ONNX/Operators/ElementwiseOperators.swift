import Autodiff
import Foundation

/// Arithmetic, comparisons and activations, elementwise with numpy broadcasting.
enum ElementwiseOperators {
  static let table: [String: Operator] = [
    "Add": binary { $0 + $1 }, "Sub": binary { $0 - $1 }, "Mul": binary { $0 * $1 },
    "Div": { call in
      let (a, b) = try operands(call)
      if a.isInteger { return [Value(truncated(a.tensor / b.tensor), isInteger: true)] }
      return [Value(a.tensor / b.tensor)]
    },
    "Pow": { call in
      let (a, b) = try operands(call)
      // A constant scalar exponent (LayerNorm's x^2) takes the scalar path.
      if !b.tensor.isTracked, b.tensor.count == 1 { return [Value(pow(a.tensor, b.doubles[0]), isInteger: a.isInteger)] }
      return [Value(pow(a.tensor, b.tensor), isInteger: a.isInteger)]
    },
    "Max": variadic(maximum), "Min": variadic(minimum), "Sum": variadic(+),
    "Mean": { call in
      let sum = try variadic(+)(call)[0]
      return [Value(sum.float / Double(call.inputs.count))]
    },
    "Sqrt": unary(sqrt), "Exp": unary(exp), "Log": unary(log), "Neg": integerUnary { -$0 },
    "Abs": integerUnary { abs($0) }, "Reciprocal": unary { 1 / $0 }, "Relu": unary(relu), "Sigmoid": unary(sigmoid),
    "Tanh": unary(tanh), "Erf": unary(erf), "HardSwish": unary(hardSwish),
    "Floor": integerUnary { Tensor(shape: $0.shape, doubles: $0.detached().converted(to: .float64).doubles.map { $0.rounded(.down) }).converted(to: $0.dtype) },
    "Ceil": integerUnary { Tensor(shape: $0.shape, doubles: $0.detached().converted(to: .float64).doubles.map { $0.rounded(.up) }).converted(to: $0.dtype) },
    "Gelu": { call in
      let x = try call.float(0)
      guard call.node.string("approximate", default: "none") == "tanh" else { return [Value(gelu(x))] }
      // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
      let inner = (x + pow(x, 3) * 0.044715) * (2 / Double.pi).squareRoot()
      return [Value(x * 0.5 * (1 + tanh(inner)))]
    },
    "HardSigmoid": { call in
      let x = try call.float(0)
      let alpha = call.node.float("alpha", default: 0.2), beta = call.node.float("beta", default: 0.5)
      if Swift.abs(alpha - 1.0 / 6) < 1e-7 && beta == 0.5 { return [Value(hardSigmoid(x))] }
      return [Value(clamp(x * alpha + beta, low: 0, high: 1))]
    },
    "LeakyRelu": { call in
      let x = try call.float(0)
      let alpha = call.node.float("alpha", default: 0.01)
      return [Value(relu(x) - relu(-x) * alpha)]
    },
    "Clip": { call in
      let v = try call.input(0)
      // Opset 11+ takes the bounds as optional scalar inputs.
      let low = call.optional(1).map { $0.doubles.first ?? -.infinity } ?? -.infinity
      let high = call.optional(2).map { $0.doubles.first ?? .infinity } ?? .infinity
      if v.isInteger { return [Value(clamp(v.tensor, low: low, high: high), isInteger: true)] }
      if low == 0 && high == 6 { return [Value(relu6(v.tensor))] }
      if low == 0 && high == .infinity { return [Value(relu(v.tensor))] }
      return [Value(clamp(v.tensor, low: low, high: high))]
    },
    "Mod": { call in
      let (a, b) = try operands(call)
      let shape = try broadcastShape(a.shape, b.shape, "Mod")
      let x = a.tensor.detached().converted(to: .float64).broadcast(to: shape).doubles
      let y = b.tensor.detached().converted(to: .float64).broadcast(to: shape).doubles
      // fmod=1: the sign of the dividend (C fmod); fmod=0: the sign of the divisor (Python %).
      let cStyle = call.node.int("fmod", default: 0) == 1
      let r = zip(x, y).map { p, q -> Double in
        let m = Foundation.fmod(p, q)
        return cStyle || m == 0 || (m < 0) == (q < 0) ? m : m + q
      }
      let t = Tensor(shape: shape, doubles: r)
      return [a.isInteger ? Value(t, isInteger: true) : Value(t.converted(to: .float32))]
    },
    "Equal": compare { $0 == $1 }, "Less": compare { $0 < $1 }, "Greater": compare { $0 > $1 },
    "LessOrEqual": compare { $0 <= $1 }, "GreaterOrEqual": compare { $0 >= $1 },
    "And": compare { $0 != 0 && $1 != 0 }, "Or": compare { $0 != 0 || $1 != 0 },
    "Not": { call in [Value(integers: try call.input(0).doubles.map { $0 == 0 ? 1 : 0 }, shape: try call.input(0).shape)] },
    "Where": { call in
      let condition = try call.input(0)
      let (a, b) = try operands(OperatorCall(node: call.node, inputs: [try call.input(1), try call.input(2)], opset: call.opset, limits: call.limits))
      _ = try broadcastShape(try broadcastShape(condition.shape, a.shape, "Where"), b.shape, "Where")
      return [Value(select(condition.tensor, a.tensor, b.tensor), isInteger: a.isInteger)]
    },
  ]

  /// The two operands in one element type: both integer, or both float32.
  static func operands(_ call: OperatorCall) throws -> (Value, Value) {
    let a = try call.input(0), b = try call.input(1)
    _ = try broadcastShape(a.shape, b.shape, call.node.opType)
    if a.isInteger && b.isInteger { return (a, b) }
    return (Value(a.float), Value(b.float))
  }

  static func binary(_ f: @escaping (Tensor, Tensor) -> Tensor) -> Operator {
    { call in
      let (a, b) = try operands(call)
      return [Value(f(a.tensor, b.tensor), isInteger: a.isInteger)]
    }
  }

  static func variadic(_ f: @escaping (Tensor, Tensor) -> Tensor) -> Operator {
    { call in
      var acc = try call.input(0)
      for i in 1..<call.inputs.count {
        let (a, b) = try operands(OperatorCall(node: call.node, inputs: [acc, call.inputs[i]], opset: call.opset, limits: call.limits))
        acc = Value(f(a.tensor, b.tensor), isInteger: a.isInteger)
      }
      return [acc]
    }
  }

  static func unary(_ f: @escaping (Tensor) -> Tensor) -> Operator {
    { call in [Value(f(try call.float(0)))] }
  }

  /// A unary function that keeps integer data integer.
  static func integerUnary(_ f: @escaping (Tensor) -> Tensor) -> Operator {
    { call in
      let v = try call.input(0)
      return [Value(f(v.tensor), isInteger: v.isInteger)]
    }
  }

  /// A comparison or logical operator: a boolean result, no gradient.
  static func compare(_ f: @escaping (Double, Double) -> Bool) -> Operator {
    { call in
      let a = try call.input(0), b = try call.input(1)
      let shape = try broadcastShape(a.shape, b.shape, call.node.opType)
      let x = a.tensor.detached().converted(to: .float64).broadcast(to: shape).doubles
      let y = b.tensor.detached().converted(to: .float64).broadcast(to: shape).doubles
      return [Value(integers: zip(x, y).map { f($0, $1) ? 1 : 0 }, shape: shape)]
    }
  }

  /// Integer division's result: truncated toward zero.
  static func truncated(_ t: Tensor) -> Tensor {
    Tensor(shape: t.shape, doubles: t.doubles.map { $0.rounded(.towardZero) })
  }
}
