/// numpy's summation order, which bit-exact ports of numpy/scipy code need.
public enum NumpySum {
  /// numpy's pairwise summation (`np.sum` of a contiguous float64 vector).
  public static func pairwise(_ a: UnsafeBufferPointer<Double>) -> Double {
    let n = a.count
    if n < 8 {
      var r = -0.0
      for v in a { r += v }
      return r
    }
    if n <= 128 {
      var r = [Double](a[0..<8])
      var i = 8
      while i < n - (n % 8) {
        for j in 0..<8 { r[j] += a[i + j] }
        i += 8
      }
      var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
      while i < n {
        res += a[i]
        i += 1
      }
      return res
    }
    var n2 = n / 2
    n2 -= n2 % 8
    return pairwise(UnsafeBufferPointer(rebasing: a[0..<n2]))
      + pairwise(UnsafeBufferPointer(rebasing: a[n2..<n]))
  }

  /// numpy's pairwise summation of an array.
  public static func pairwise(_ a: [Double]) -> Double { a.withUnsafeBufferPointer { pairwise($0) } }
}
