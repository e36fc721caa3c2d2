import Autodiff
import Foundation

/// Matmul and conv2d throughput against the raw sgemm peak, and the cost of graph recording.
struct CoreBench {
  let repeats: Int

  func run() -> [BenchResult] {
    var out: [BenchResult] = []
    let peak = GEMMProbe.gflops(m: 2048, n: 2048, k: 2048, repeats: repeats)
    print(String(format: "sgemm peak (2048^3 raw OpenBLAS cblas_sgemm, its own threads): %.1f GFLOPS", peak))
    print("float32 products below run on: \(GEMMKernel.name)")
    out.append(BenchResult(suite: "core", name: "sgemm 2048^3", seconds: 0, gflops: peak, ratio: nil, ratioTo: nil))
    // OpenBLAS's worker threads busy-wait for a while after the probe; measured right away, our
    // products would share a core with them (seen as single-core speed for a whole case).
    Thread.sleep(forTimeInterval: 1)

    for size in [512, 1024, 2048] {
      let a = Tensor.uniform([size, size], seed: 1), b = Tensor.uniform([size, size], seed: 2)
      let t = bestTime(repeats: repeats) { _ = matmul(a, b) }
      let gf = 2 * pow(Double(size), 3) / t / 1e9
      out.append(report("matmul \(size)^3", t, gf, peak))
    }

    // ResNet-50 convolution shapes at 224x224 input: (C, H, O, k, stride).
    let shapes: [(Int, Int, Int, Int, Int)] = [
      (64, 56, 64, 3, 1), (64, 56, 256, 1, 1), (256, 56, 64, 1, 1), (128, 28, 128, 3, 1),
      (512, 28, 128, 1, 1), (256, 14, 256, 3, 1), (1024, 14, 256, 1, 1), (512, 7, 512, 3, 1),
      (2048, 7, 512, 1, 1), (3, 224, 64, 7, 2),
    ]
    for batch in [1, 8] {
      var totalFlops = 0.0, totalTime = 0.0
      for (c, h, o, k, s) in shapes {
        let x = Tensor.uniform([batch, c, h, h], seed: 3)
        let w = Tensor.uniform([o, c, k, k], seed: 4)
        let opts = Conv2dOptions(stride: s, padding: k / 2)
        let t = bestTime(repeats: repeats) { _ = conv2d(x, weight: w, options: opts) }
        let oh = (h + 2 * (k / 2) - k) / s + 1
        let flops = 2 * Double(batch * o * oh * oh * c * k * k)
        totalFlops += flops
        totalTime += t
        out.append(report("conv2d b\(batch) \(c)x\(h)x\(h) -> \(o) k\(k) s\(s)", t, flops / t / 1e9, peak))
      }
      out.append(report("conv2d b\(batch) ResNet-50 shapes (total)", totalTime, totalFlops / totalTime / 1e9, peak))
    }

    // Graph bookkeeping: the same ResNet-style stack with the input tracked (every op recorded)
    // versus in no-grad mode; the difference is what recording costs.
    let x = Tensor.uniform([1, 64, 56, 56], seed: 5)
    let ws = (0..<8).map { Tensor.normal([64, 64, 3, 3], std: 0.05, seed: UInt64(10 + $0)) }
    let scale = Tensor.ones([64]), shift = Tensor.zeros([64])
    func stack(_ input: Tensor) -> Tensor {
      var h = input
      for w in ws {
        h = relu(channelAffine(conv2d(h, weight: w, options: Conv2dOptions(padding: 1)), scale: scale, shift: shift)) + h
      }
      return h
    }
    // Alternate the two so that a burst of load on the machine hits both alike; best of each.
    var plain = Double.infinity, recorded = Double.infinity
    for _ in 0..<max(3, 3 * repeats) {
      plain = min(plain, bestTime(repeats: 1) { _ = withoutGradients { stack(x) } })
      recorded = min(recorded, bestTime(repeats: 1) { _ = stack(x.tracked()) })
    }
    let overhead = (recorded - plain) / plain
    print(String(format: "graph recording overhead on a 32-op conv stack: %.2f%% (%.2f ms vs %.2f ms)", overhead * 100, recorded * 1e3, plain * 1e3))
    out.append(BenchResult(suite: "core", name: "graph overhead", seconds: recorded - plain, gflops: nil, ratio: overhead, ratioTo: "no-grad forward"))
    return out
  }

  private func report(_ name: String, _ t: Double, _ gf: Double, _ peak: Double) -> BenchResult {
    print(String(format: "%@ %9.3f ms %8.1f GFLOPS %6.1f%% of sgemm peak", pad(name, 48), t * 1e3, gf, gf / peak * 100))
    return BenchResult(suite: "core", name: name, seconds: t, gflops: gf, ratio: gf / peak, ratioTo: "sgemm peak")
  }
}
