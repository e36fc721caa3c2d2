import Autodiff

/// Why a gradient check could not run or failed, in one line.
public struct GradientCheckError: Error, CustomStringConvertible {
  public let description: String
}

/// The result of comparing analytic gradients with central finite differences.
public struct GradientCheckReport: CustomStringConvertible {
  /// Largest `|analytic - numeric| / (atol + rtol * |numeric|)` over all elements; ≤ 1 passes.
  public var worstRatio: Double
  /// Where the worst element is: input index and flat element index.
  public var worst: (input: Int, element: Int, analytic: Double, numeric: Double)
  /// Whether every element is within tolerance.
  public var passed: Bool { worstRatio <= 1 }

  public var description: String {
    "worst ratio \(worstRatio) at input \(worst.input)[\(worst.element)]: analytic \(worst.analytic), numeric \(worst.numeric)"
  }
}

/// Checks the gradients of `f` at `inputs` against central finite differences, in Double.
///
/// The scalar checked is `sum(f(inputs) * r)` for a fixed random `r`, so every output element
/// contributes with a distinct weight (a permutation or sign bug cannot cancel out).
///
/// - Parameters:
///   - inputs: float64 tensors; NaN or infinite values are refused.
///   - epsilon: the finite-difference step (1e-6 suits Double).
///   - atol, rtol: an element passes when `|a - n| <= atol + rtol * |n|`.
/// - Throws: `GradientCheckError` for bad inputs.
public func checkGradients(
  _ inputs: [Tensor], epsilon: Double = 1e-6, atol: Double = 1e-6, rtol: Double = 1e-5,
  seed: UInt64 = 7, _ f: ([Tensor]) -> Tensor
) throws -> GradientCheckReport {
  for (i, x) in inputs.enumerated() {
    guard x.dtype == .float64 else {
      throw GradientCheckError(description: "checkGradients: input \(i) is \(x.dtype); use float64 for finite differences")
    }
    if let bad = x.doubles.firstIndex(where: { !$0.isFinite }) {
      throw GradientCheckError(description: "checkGradients: input \(i) has a non-finite value at element \(bad)")
    }
  }
  let probe = withoutGradients { f(inputs) }
  let weights = Tensor.uniform(probe.shape, low: -1, high: 1, seed: seed, dtype: .float64)
  func objective(_ xs: [Tensor]) -> Double {
    withoutGradients { (f(xs) * weights).sum().item }
  }

  let tracked = inputs.map { $0.tracked() }
  let loss = (f(tracked) * weights).sum()
  let analytic = try gradients(of: loss, wrt: tracked, allowUnused: true)

  var report = GradientCheckReport(worstRatio: 0, worst: (0, 0, 0, 0))
  for (i, x) in inputs.enumerated() {
    let base = x.doubles
    let a = analytic[i].doubles
    for e in 0..<base.count {
      var plus = base, minus = base
      plus[e] += epsilon
      minus[e] -= epsilon
      var xp = inputs, xm = inputs
      xp[i] = Tensor(shape: x.shape, doubles: plus)
      xm[i] = Tensor(shape: x.shape, doubles: minus)
      let numeric = (objective(xp) - objective(xm)) / (2 * epsilon)
      let ratio = abs(a[e] - numeric) / (atol + rtol * abs(numeric))
      if !(ratio <= report.worstRatio) {
        report.worstRatio = ratio.isNaN ? .infinity : ratio
        report.worst = (i, e, a[e], numeric)
      }
    }
  }
  return report
}
