import Foundation

/// OpenCV-compatible filters used by defocus blur and spatter (BORDER_REFLECT_101 unless noted).
enum CVFilters {
  /// BORDER_REFLECT_101 index (c b | a b c | b a).
  @inline(__always) static func reflect101(_ i: Int, _ n: Int) -> Int {
    if n == 1 { return 0 }
    var i = i
    while i < 0 || i >= n {
      if i < 0 { i = -i }
      if i >= n { i = 2 * n - 2 - i }
    }
    return i
  }

  /// `cv2.getGaussianKernel(n, sigma, CV_32F)` (σ > 0).
  static func gaussianKernel32(_ n: Int, sigma: Double) -> [Float] {
    let scale2X = -0.5 / (sigma * sigma)
    var cf = [Float](repeating: 0, count: n)
    var sum = 0.0
    for i in 0..<n {
      let x = Double(i) - Double(n - 1) * 0.5
      cf[i] = Float(Foundation.exp(scale2X * x * x))
      sum += Double(cf[i])
    }
    sum = 1.0 / sum
    for i in 0..<n { cf[i] = Float(Double(cf[i]) * sum) }
    return cf
  }

  /// `cv2.GaussianBlur(img32, (n, n), sigma)` on a single-channel float32 image (separable,
  /// symmetric small-kernel arithmetic order).
  static func gaussianBlur32(_ src: [Float], height h: Int, width w: Int, ksize n: Int, sigma: Double) -> [Float] {
    let k = gaussianKernel32(n, sigma: sigma)
    let r = n / 2
    var tmp = [Float](repeating: 0, count: h * w)
    for y in 0..<h {
      for x in 0..<w {
        var s = src[y * w + x] * k[r]
        for j in 1...r {
          s += (src[y * w + reflect101(x - j, w)] + src[y * w + reflect101(x + j, w)]) * k[r - j]
        }
        tmp[y * w + x] = s
      }
    }
    var out = [Float](repeating: 0, count: h * w)
    for y in 0..<h {
      for x in 0..<w {
        var s = tmp[y * w + x] * k[r]
        for j in 1...r {
          s += (tmp[reflect101(y - j, h) * w + x] + tmp[reflect101(y + j, h) * w + x]) * k[r - j]
        }
        out[y * w + x] = s
      }
    }
    return out
  }

  /// `cv2.filter2D(plane, -1, kernel)` on float64 planes: correlation, anchor at the centre,
  /// BORDER_REFLECT_101. Zero taps are skipped. Applied to each channel of an H×W×C array.
  static func filter2D(
    _ src: [Double], height h: Int, width w: Int, channels c: Int, kernel: [Double], ksize kn: Int
  ) -> [Double] {
    let r = kn / 2
    // Taps grouped by identical weight (the disk kernels are symmetric): Σ pixels, then one multiply.
    var groups: [Double: [(Int, Int)]] = [:]
    var order: [Double] = []
    for ky in 0..<kn {
      for kx in 0..<kn where kernel[ky * kn + kx] != 0 {
        let v = kernel[ky * kn + kx]
        if groups[v] == nil { order.append(v) }
        groups[v, default: []].append((ky - r, kx - r))
      }
    }
    let pw = w + 2 * r, ph = h + 2 * r
    var weights: [Double] = [], groupEnd: [Int] = [], offsets: [Int] = []
    for v in order {
      weights.append(v)
      for (dy, dx) in groups[v]! { offsets.append((dy + r) * pw + r + dx) }
      groupEnd.append(offsets.count)
    }
    var out = [Double](repeating: 0, count: src.count)
    // Padded planes (REFLECT_101) so the inner loops have no branches.
    var pads = [Double](repeating: 0, count: pw * ph * c)
    for ch in 0..<c {
      for y in 0..<ph {
        let sy = reflect101(y - r, h)
        for x in 0..<pw { pads[ch * pw * ph + y * pw + x] = src[(sy * w + reflect101(x - r, w)) * c + ch] }
      }
    }
    let chunks = 4
    pads.withUnsafeBufferPointer { pp in
      out.withUnsafeMutableBufferPointer { o in
        weights.withUnsafeBufferPointer { wp in
          groupEnd.withUnsafeBufferPointer { ge in
            offsets.withUnsafeBufferPointer { op in
              let outp = o.baseAddress!
              DispatchQueue.concurrentPerform(iterations: c * chunks) { task in
                let ch = task / chunks, part = task % chunks
                let p = pp.baseAddress! + ch * pw * ph
                let acc = UnsafeMutablePointer<Double>.allocate(capacity: w)
                let q = UnsafeMutablePointer<Double>.allocate(capacity: w)
                defer {
                  acc.deallocate()
                  q.deallocate()
                }
                for y in (h * part / chunks)..<(h * (part + 1) / chunks) {
                  for x in 0..<w { acc[x] = 0 }
                  var t = 0
                  for g in 0..<wp.count {
                    for x in 0..<w { q[x] = 0 }
                    while t < ge[g] {
                      let base = p + y * pw + op[t]
                      for x in 0..<w { q[x] += base[x] }
                      t += 1
                    }
                    let kv = wp[g]
                    for x in 0..<w { acc[x] += q[x] * kv }
                  }
                  for x in 0..<w { outp[(y * w + x) * c + ch] = acc[x] }
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}
