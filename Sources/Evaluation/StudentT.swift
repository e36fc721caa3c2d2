import Foundation

/// Student's t distribution quantiles for confidence intervals.
public enum StudentT {
  /// t(0.975) for 1...30 degrees of freedom (scipy.stats.t.ppf(0.975, df), 6 decimals).
  static let table975: [Double] = [
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
    2.200985, 2.178813, 2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
    2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
  ]

  /// The 97.5% quantile (two-sided 95% intervals) for `df` degrees of freedom: the table up to 30,
  /// then the Cornish-Fisher expansion around the normal quantile (error below 1e-7 from 31 on).
  public static func quantile975(df: Int) -> Double {
    precondition(df >= 1, "StudentT: df must be at least 1")
    if df <= table975.count { return table975[df - 1] }
    let z = 1.959963984540054, d = Double(df)
    let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z
    return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d)
      + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d)
      + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * d * d * d * d)
  }
}
