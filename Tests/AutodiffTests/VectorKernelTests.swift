import Autodiff
import CKernels
import Foundation
import XCTest

/// The AVX-512 elementwise kernels (Sources/CKernels/vector_math.c) against float64 references,
/// the thread pool behind the parallel loops (thread_pool.c), and weights packed once
/// (PackedWeights) against the same products packing on the fly.
final class VectorKernelTests: XCTestCase {
  private func requireAVX512() throws {
    try XCTSkipUnless(ck_sgemm_available() == 1, "this processor has no AVX-512: the Swift kernels run instead")
  }

  /// Reference: x * (1 + erf(x / sqrt 2)) / 2 in float64 (torch.nn.functional.gelu, exact form).
  /// Tolerance: |x| * 8e-8 (the erf approximation's 1.5e-7, times x / 2) + 1e-7 + 2e-6 relative
  /// (float rounding).
  func testGELUMatchesFloat64Reference() throws {
    try requireAVX512()
    checkGELU(ck_gelu)
  }

  /// The AVX2 GELU (vector_math_avx2.c) against the same reference and tolerance.
  func testAVX2GELUMatchesFloat64Reference() throws {
    try XCTSkipUnless(ck_avx2_available() == 1, "this processor has no AVX2 (or the x86-64 kernels are compiled out)")
    checkGELU(ck_gelu_avx2)
  }

  private func checkGELU(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
    var xs: [Float] = stride(from: -12.0, through: 12.0, by: 0.0137).map { Float($0) }
    xs += [0, -0, 1e-30, -1e-30, 88, -88, 1e6, -1e6, .infinity]
    for count in [xs.count, 1, 15, 16, 17] {
      let x = Array(xs.prefix(count))
      var y = [Float](repeating: .nan, count: count)
      kernel(x, &y, count)
      for (a, b) in zip(x, y) {
        let want = Double(a) * (1 + erf(Double(a) / 2.0.squareRoot())) / 2
        if want.isInfinite {
          XCTAssertEqual(Double(b), want)
        } else {
          XCTAssertLessThanOrEqual(abs(Double(b) - want), 8e-8 * abs(Double(a)) + 1e-7 + 2e-6 * abs(want), "gelu(\(a))")
        }
      }
    }
    var y: [Float] = [0]
    kernel([.nan], &y, 1)
    XCTAssertTrue(y[0].isNaN)
  }

  /// Reference: Phi(x) + x phi(x) in float64 (the derivative GELU's backward multiplies by; the
  /// Swift path's GeluDerivativeKernel). Tolerance: 1e-7 (the erf approximation's 1.5e-7, halved)
  /// + 2e-6 relative + |x phi(x)| (x^2 2^-23 + 1e-6) (float32 rounding of x^2, which exp turns into
  /// a relative error of that size, and exp's own). Infinities give NaN, as x * 0 does on the Swift path.
  func testGELUDerivativeMatchesFloat64Reference() throws {
    try requireAVX512()
    checkGELUDerivative(ck_gelu_derivative)
  }

  /// The AVX2 GELU derivative (vector_math_avx2.c) against the same reference and tolerance.
  func testAVX2GELUDerivativeMatchesFloat64Reference() throws {
    try XCTSkipUnless(ck_avx2_available() == 1, "this processor has no AVX2 (or the x86-64 kernels are compiled out)")
    checkGELUDerivative(ck_gelu_derivative_avx2)
  }

  private func checkGELUDerivative(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
    var xs: [Float] = stride(from: -12.0, through: 12.0, by: 0.0137).map { Float($0) }
    xs += [0, -0, 1e-30, -1e-30, 88, -88, 1e6, -1e6]
    var worst = 0.0
    for count in [xs.count, 1, 15, 16, 17] {
      let x = Array(xs.prefix(count))
      var y = [Float](repeating: .nan, count: count)
      kernel(x, &y, count)
      for (a, b) in zip(x, y) {
        let xd = Double(a), xpdf = xd * exp(-xd * xd / 2) / (2 * Double.pi).squareRoot()
        let want = (1 + erf(xd / 2.0.squareRoot())) / 2 + xpdf
        let error = abs(Double(b) - want)
        worst = max(worst, error)
        XCTAssertLessThanOrEqual(error, 1e-7 + 2e-6 * abs(want) + abs(xpdf) * (xd * xd * 0x1p-23 + 1e-6), "gelu'(\(a))")
      }
    }
    XCTAssertGreaterThan(worst, 0, "the kernel is an approximation: an exact match means the reference was not computed")
    var y: [Float] = [0, 0, 0]
    kernel([.nan, .infinity, -.infinity], &y, 3)
    XCTAssertTrue(y.allSatisfy(\.isNaN), "NaN and infinities: \(y)")
  }

  /// Reference: exp(x - max) / sum in float64. Tolerance per element, relative: 4e-7 plus the
  /// float32 rounding of the argument x - max (2^-23 |x - max|), which exp turns into a relative
  /// error of that size (as in any float32 softmax, PyTorch's included).
  func testSoftmaxRowMatchesFloat64Reference() throws {
    try requireAVX512()
    checkSoftmaxRow(ck_softmax_row)
  }

  /// The AVX2 softmax row (vector_math_avx2.c) against the same reference and tolerance.
  func testAVX2SoftmaxRowMatchesFloat64Reference() throws {
    try XCTSkipUnless(ck_avx2_available() == 1, "this processor has no AVX2 (or the x86-64 kernels are compiled out)")
    checkSoftmaxRow(ck_softmax_row_avx2)
  }

  private func checkSoftmaxRow(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Int32) {
    var seed: UInt64 = 3
    for n in [1, 5, 7, 8, 9, 16, 17, 197, 1000] {
      let x = (0..<n).map { _ -> Float in
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Float(Double(seed >> 40) / Double(1 << 24) * 60 - 30)
      }
      var y = [Float](repeating: .nan, count: n)
      XCTAssertEqual(kernel(x, &y, n), 1)
      let m = Double(x.max()!)
      let e = x.map { exp(Double($0) - m) }
      let total = e.reduce(0, +)
      for i in 0..<n {
        let want = e[i] / total, argument = abs(Double(x[i]) - m)
        XCTAssertLessThanOrEqual(abs(Double(y[i]) - want), want * (4e-7 + argument / Double(1 << 23)), "n \(n) element \(i)")
      }
    }
    // A NaN or an infinite maximum goes back to the caller's exact path.
    var y: [Float] = [0, 0, 0]
    XCTAssertEqual(kernel([1, .nan, 2], &y, 3), 0)
    XCTAssertEqual(kernel([1, .infinity, 2], &y, 3), 0)
    XCTAssertEqual(kernel([-.infinity, -.infinity, -.infinity], &y, 3), 0)
    // Through the op, rows come out as PyTorch gives them: a NaN or +inf makes the row NaN
    // (inf - inf), and -inf gets exactly 0.
    let t = softmax(Tensor(shape: [3, 3], scalars: [1, .nan, 2, 1, .infinity, 2, -.infinity, 0, 1]), axis: -1).scalars
    XCTAssertTrue(t[0...5].allSatisfy(\.isNaN))
    XCTAssertEqual(t[6], 0)
    XCTAssertEqual(Double(t[7]), 1 / (1 + exp(1.0)), accuracy: 1e-7)
  }

  /// Every index runs exactly once, from the caller and the workers; a loop started inside a
  /// loop, or from several threads at once, runs on its calling thread and still finishes.
  func testThreadPoolRunsEveryIndexOnceIncludingNestedAndConcurrentLoops() {
    final class Counts: @unchecked Sendable {
      var values: [Int32]
      let lock = NSLock()
      init(_ n: Int) { values = [Int32](repeating: 0, count: n) }
      func add(_ i: Int) { lock.lock(); values[i] += 1; lock.unlock() }
    }
    for count in [1, 2, 3, 100, 10_000] {
      let counts = Counts(count)
      let box = Unmanaged.passRetained(counts)
      ck_parallel_for(count, { context, i in
        Unmanaged<Counts>.fromOpaque(context!).takeUnretainedValue().add(i)
      }, box.toOpaque())
      box.release()
      XCTAssertEqual(counts.values, [Int32](repeating: 1, count: count), "count \(count)")
    }
    // Nested: each outer index runs an inner loop of 50.
    let nested = Counts(20 * 50)
    let box = Unmanaged.passRetained(nested)
    ck_parallel_for(20, { context, i in
      var inner = (context!, i)
      withUnsafeMutablePointer(to: &inner) { p in
        ck_parallel_for(50, { c, j in
          let (outer, i) = c!.assumingMemoryBound(to: (UnsafeMutableRawPointer, Int).self).pointee
          Unmanaged<Counts>.fromOpaque(outer).takeUnretainedValue().add(i * 50 + j)
        }, p)
      }
    }, box.toOpaque())
    box.release()
    XCTAssertEqual(nested.values, [Int32](repeating: 1, count: 1000))
    // Concurrent callers: four threads each run 200 loops of 64.
    let concurrent = Counts(4 * 64)
    let cbox = Unmanaged.passRetained(concurrent)
    DispatchQueue.concurrentPerform(iterations: 4) { t in
      var arg = (cbox.toOpaque(), t)
      for _ in 0..<200 {
        withUnsafeMutablePointer(to: &arg) { p in
          ck_parallel_for(64, { c, j in
            let (counts, t) = c!.assumingMemoryBound(to: (UnsafeMutableRawPointer, Int).self).pointee
            Unmanaged<Counts>.fromOpaque(counts).takeUnretainedValue().add(t * 64 + j)
          }, p)
        }
      }
    }
    cbox.release()
    XCTAssertEqual(concurrent.values, [Int32](repeating: 200, count: 256))
  }

  /// A caller done with its items while a worker is still busy past the pool's spin time (200 us)
  /// goes to sleep and is woken by the last worker: 100 loops whose items take 1 ms on a worker
  /// thread and no time on the caller's all finish (a lost wake-up would hang here).
  func testThreadPoolCallerSleepsUntilTheLastWorkerFinishes() throws {
    try XCTSkipIf(ck_parallel_width() < 2, "one core: no workers")
    final class Runs: @unchecked Sendable {
      let caller = pthread_self()
      var count: Int32 = 0
      var onWorkers: Int32 = 0
      let lock = NSLock()
    }
    let runs = Runs()
    let box = Unmanaged.passRetained(runs)
    let start = Date()
    for _ in 0..<100 {
      ck_parallel_for(2, { context, _ in
        let runs = Unmanaged<Runs>.fromOpaque(context!).takeUnretainedValue()
        let onWorker = pthread_equal(pthread_self(), runs.caller) == 0
        if onWorker { usleep(1000) }
        runs.lock.lock()
        runs.count += 1
        if onWorker { runs.onWorkers += 1 }
        runs.lock.unlock()
      }, box.toOpaque())
    }
    box.release()
    XCTAssertEqual(runs.count, 200)
    XCTAssertGreaterThan(runs.onWorkers, 0, "some items ran on the worker")
    XCTAssertLessThan(Date().timeIntervalSince(start), 10, "woken when the worker finished, not much later")
  }

  /// A convolution and a linear layer given their weights packed once give bit-for-bit what they
  /// give packing on every call (same kernel, same blocking), at batch 1 and 3.
  func testPackedWeightsGiveTheSameOutputs() throws {
    try XCTSkipUnless(GEMMKernel.usesPackageKernel, "products run on OpenBLAS here (no x86-64 kernel, or GRADCAM_GEMM=blas)")
    let w = Tensor.uniform([70, 33, 3, 3], low: -1, high: 1, seed: 1)
    let bias = Tensor.uniform([70], low: -1, high: 1, seed: 2)
    let packed = try XCTUnwrap(PackedWeights(convolutionWeight: w))
    for batch in [1, 3] {
      let x = Tensor.uniform([batch, 33, 20, 21], low: -1, high: 1, seed: 3)
      let options = Conv2dOptions(stride: (1, 1), padding: (1, 1))
      let plain = conv2d(x, weight: w, bias: bias, options: options, activation: .relu)
      let fast = conv2d(x, weight: w, bias: bias, options: options, activation: .relu, packedWeight: packed)
      XCTAssertEqual(fast.scalars, plain.scalars, "conv2d batch \(batch)")
    }
    let lw = Tensor.uniform([1536, 384], low: -1, high: 1, seed: 4)
    let lb = Tensor.uniform([1536], low: -1, high: 1, seed: 5)
    let lp = try XCTUnwrap(PackedWeights(linearWeight: lw))
    for tokens in [1, 197] {
      let x = Tensor.uniform([tokens, 384], low: -1, high: 1, seed: 6)
      XCTAssertEqual(linear(x, weight: lw, bias: lb, packedWeight: lp).scalars, linear(x, weight: lw, bias: lb).scalars,
                     "linear \(tokens) tokens")
    }
    XCTAssertNil(PackedWeights(linearWeight: lw.converted(to: .float64)), "float64 weights are not packed")
    XCTAssertEqual(PackedWeights(winogradWeight: w) != nil, GEMMKernel.usesPackageKernel, "Winograd weights for the package kernel only")
  }
}
