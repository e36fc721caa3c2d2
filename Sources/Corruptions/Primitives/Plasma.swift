import Foundation

/// The plasma fractal (diamond-square on a torus) of imagecorruptions' fog, float64, in [0, 1].
enum Plasma {
  static func fractal(mapSize n: Int, wibbleDecay: Double, rng: inout NumpyRandomState) -> [Double] {
    precondition(n > 0 && n & (n - 1) == 0, "plasma map size must be a power of two")
    var m = [Double](repeating: 0, count: n * n)
    var step = n
    var wibble = 100.0
    while step >= 2 {
      let k = n / step, half = step / 2
      // squares
      var sq = [Double](repeating: 0, count: k * k)
      for i in 0..<k {
        for j in 0..<k {
          let a = m[(i * step) * n + j * step] + m[(((i + 1) % k) * step) * n + j * step]
          let b = m[(i * step) * n + ((j + 1) % k) * step] + m[(((i + 1) % k) * step) * n + ((j + 1) % k) * step]
          sq[i * k + j] = a + b
        }
      }
      for i in 0..<k {
        for j in 0..<k {
          m[(i * step + half) * n + j * step + half] = sq[i * k + j] / 4 + wibble * rng.uniform(-wibble, wibble)
        }
      }
      // diamonds
      func dr(_ i: Int, _ j: Int) -> Double { m[(((i % k) + k) % k * step + half) * n + (((j % k) + k) % k) * step + half] }
      func ul(_ i: Int, _ j: Int) -> Double { m[(((i % k) + k) % k * step) * n + (((j % k) + k) % k) * step] }
      var lt = [Double](repeating: 0, count: k * k)
      for i in 0..<k {
        for j in 0..<k { lt[i * k + j] = (dr(i, j) + dr(i - 1, j)) + (ul(i, j) + ul(i, j + 1)) }
      }
      for i in 0..<k {
        for j in 0..<k { m[(i * step) * n + j * step + half] = lt[i * k + j] / 4 + wibble * rng.uniform(-wibble, wibble) }
      }
      var tt = [Double](repeating: 0, count: k * k)
      for i in 0..<k {
        for j in 0..<k { tt[i * k + j] = (dr(i, j) + dr(i, j - 1)) + (ul(i, j) + ul(i + 1, j)) }
      }
      for i in 0..<k {
        for j in 0..<k { m[(i * step + half) * n + j * step] = tt[i * k + j] / 4 + wibble * rng.uniform(-wibble, wibble) }
      }
      step /= 2
      wibble /= wibbleDecay
    }
    let mn = m.min()!
    for i in m.indices { m[i] -= mn }
    let mx = m.max()!
    for i in m.indices { m[i] /= mx }
    return m
  }
}
