import Dispatch
import Foundation
internal import CBLAS
internal import CKernels
#if os(Linux)
  internal import CMalloc
#endif

/// What a product does to each output as it is stored: add a per-row bias, a per-column bias (a
/// linear layer's), a residual of C's shape (leading dimension `ldr`), in that order, then apply a
/// ReLU. Every part is optional.
struct GEMMEpilogue<T: TensorScalar> {
  var bias: UnsafePointer<T>? = nil
  var residual: UnsafePointer<T>? = nil
  var ldr = 0
  var relu = false
  var columnBias: UnsafePointer<T>? = nil

  var isEmpty: Bool { bias == nil && columnBias == nil && residual == nil && !relu }

  /// The same epilogue for the block of C starting at (row, column).
  func block(row: Int, column: Int) -> GEMMEpilogue {
    GEMMEpilogue(bias: bias.map { $0 + row }, residual: residual.map { $0 + row * ldr + column }, ldr: ldr, relu: relu,
                 columnBias: columnBias.map { $0 + column })
  }
}

/// Matrix products for every op: row-major `C = epilogue(alpha * op(A) * op(B) + beta * C)`.
///
/// Float products run on the package's kernel for the processor's level (``GEMMKernel``: AVX-512
/// or AVX2 + FMA), with the epilogue in the kernel's store and, for a layer's weights, the operand
/// packed once (`packedA`/`packedB`); everything else runs on BLAS.
/// Either way the kernel runs single-threaded and this function splits large products into
/// column (or row) blocks, one per core, on the library's thread pool.
func gemm<T: TensorScalar>(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T,
  a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int, beta: T,
  c: UnsafeMutablePointer<T>, ldc: Int, epilogue: GEMMEpilogue<T> = GEMMEpilogue(),
  packedA: PackedWeights? = nil, packedB: PackedWeights? = nil, im2col: ImplicitColumns? = nil
) {
  BLASThreads.configureOnce
  precondition(im2col == nil || (T.self == Float.self && GEMMKernel.usesPackageKernel && !transB), "gemm: implicit im2col needs the float kernel")
  let work = Double(m) * Double(n) * Double(k)
  // A product with little arithmetic may still stream a large operand from memory (a classifier
  // head at batch 1: 1000 x 2048 weights, 8 MB, 0.8 ms on one core): both cores read half each.
  let streams = Double(k) * Double(Swift.max(m, n)) >= Double(1 << 20)
  let blocks = work < 4e6 && !streams ? 1 : coreCount
  if blocks <= 1 || (m < 2 * blocks && n < 2 * blocks) {
    gemmKernel(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
               beta: beta, c: c, ldc: ldc, epilogue: epilogue, packedA: packedA, packedB: packedB, im2col: im2col)
    return
  }
  if n >= m {
    // Column blocks of C use column blocks of op(B); block edges on 32 columns, a multiple of
    // every kernel's tile (and of packed B's strips), the ones nearest to even shares (28 x 28 =
    // 784 columns: 384 + 400, where rounding each share up gave 416 + 368).
    func edge(_ i: Int) -> Int { i == blocks ? n : Swift.min(n, (i * n + 16 * blocks) / (32 * blocks) * 32) }
    parallelFor(blocks) { i in
      let j0 = edge(i), width = edge(i + 1) - j0
      guard width > 0 else { return }
      gemmKernel(transA: transA, transB: transB, m: m, n: width, k: k, alpha: alpha, a: a, lda: lda,
                 b: transB ? b + j0 * ldb : b + j0, ldb: ldb, beta: beta, c: c + j0, ldc: ldc,
                 epilogue: epilogue.block(row: 0, column: j0), packedA: packedA, packedB: packedB, im2col: im2col,
                 columnOffset: j0)
    }
  } else {
    // Row blocks of C use row blocks of op(A); block edges on 12 rows, a multiple of every
    // kernel's tile (and of packed A's strips).
    let step = ((m + blocks - 1) / blocks + 11) / 12 * 12
    // Every row block multiplies all of op(B): packed once, by all cores, and shared (each block
    // packing its own copy cost ResNet-50's 7x7 3x3 layers 13% and its 28x28 -> 14x14 one 27%).
    var shared: ck_packed?
    var packedCopy: UnsafeMutablePointer<Float>?
    defer { packedCopy?.deallocate() }
    if T.self == Float.self, let level = GEMMKernel.level, packedB == nil, im2col == nil || step > CK_DIRECT_CONV_MAX_ROWS {
      let packed = UnsafeMutablePointer<Float>.allocate(capacity: ck_sgemm_packed_b_size(level, k, n))
      packedCopy = packed
      var source = im2col?.source
      withOptionalPointer(&source) { g in
        parallelFor(blocks) { part in
          ck_sgemm_pack_b_part(level, transB ? 1 : 0, k, n, UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), ldb, g, 0,
                               packed, part, blocks)
        }
      }
      shared = ck_packed(data: packed, count: n, offset: 0)
    }
    parallelFor((m + step - 1) / step) { i in
      let i0 = i * step, height = min(step, m - i0)
      gemmKernel(transA: transA, transB: transB, m: height, n: n, k: k, alpha: alpha,
                 a: transA ? a + i0 : a + i0 * lda, lda: lda, b: b, ldb: ldb, beta: beta,
                 c: c + i0 * ldc, ldc: ldc, epilogue: epilogue.block(row: i0, column: 0),
                 packedA: packedA, packedB: packedB, im2col: shared == nil ? im2col : nil, rowOffset: i0, sharedB: shared)
    }
  }
}

/// One single-threaded product with its epilogue, on the fastest kernel for `T`.
private func gemmKernel<T: TensorScalar>(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T,
  a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int, beta: T,
  c: UnsafeMutablePointer<T>, ldc: Int, epilogue e: GEMMEpilogue<T>,
  packedA: PackedWeights?, packedB: PackedWeights?, im2col: ImplicitColumns?, rowOffset: Int = 0, columnOffset: Int = 0,
  sharedB: ck_packed? = nil
) {
  if T.self == Float.self, let level = GEMMKernel.level {
    // The epilogue runs in the kernel's store, while the tile is still in registers.
    func cast(_ p: UnsafePointer<T>) -> UnsafePointer<Float> { UnsafeRawPointer(p).assumingMemoryBound(to: Float.self) }
    precondition((packedA?.level ?? level) == level && (packedB?.level ?? level) == level,
                 "gemm: weights packed at another precision (choose ComputePrecision before loading the model)")
    var opA = packedA?.operand(offset: rowOffset), opB = sharedB ?? packedB?.operand(offset: columnOffset)
    var epilogue = ck_epilogue(bias: e.bias.map(cast), residual: e.residual.map(cast), ldr: e.ldr, relu: e.relu ? 1 : 0,
                               column_bias: e.columnBias.map(cast))
    if var source = im2col?.source {
      withOptionalPointer(&opA) { pa in
        ck_sgemm_conv(level, m, n, k, unsafeBitCast(alpha, to: Float.self), cast(a), lda, pa, &source, columnOffset,
                      unsafeBitCast(beta, to: Float.self), UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self),
                      ldc, &epilogue)
      }
      return
    }
    withOptionalPointer(&opA) { pa in
      withOptionalPointer(&opB) { pb in
        ck_sgemm_packed(
          level, transA ? 1 : 0, transB ? 1 : 0, m, n, k, unsafeBitCast(alpha, to: Float.self), cast(a), lda, pa,
          cast(b), ldb, pb, unsafeBitCast(beta, to: Float.self),
          UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc, &epilogue)
      }
    }
    return
  }
  T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
         beta: beta, c: c, ldc: ldc)
  guard !e.isEmpty else { return }
  // One branch-free loop per case, so each vectorises (one pass of every 1x1 convolution's
  // output on this path); the same operations in the same order as the kernel's epilogue.
  for i in 0..<m {
    let row = c + i * ldc, add = e.bias?[i] ?? 0
    if let columnBias = e.columnBias {
      for j in 0..<n { row[j] = row[j] + add + columnBias[j] }
      applyResidualAndReLU(row, n: n, add: 0, residual: e.residual.map { $0 + i * e.ldr }, relu: e.relu)
    } else {
      applyResidualAndReLU(row, n: n, add: add, residual: e.residual.map { $0 + i * e.ldr }, relu: e.relu)
    }
  }
}

/// row = act(row + add + residual) for one row of C (the BLAS path's epilogue after the biases).
/// One branch-free loop per case, so each vectorises.
@inline(__always)
private func applyResidualAndReLU<T: TensorScalar>(
  _ row: UnsafeMutablePointer<T>, n: Int, add: T, residual: UnsafePointer<T>?, relu: Bool
) {
  switch (residual, relu) {
  case (let residual?, true):
    for j in 0..<n {
      let v = row[j] + add + residual[j]
      row[j] = v < 0 ? 0 : v
    }
  case (let residual?, false):
    for j in 0..<n { row[j] = row[j] + add + residual[j] }
  case (nil, true):
    for j in 0..<n {
      let v = row[j] + add
      row[j] = v < 0 ? 0 : v
    }
  case (nil, false):
    if add != 0 { for j in 0..<n { row[j] = row[j] + add } }
  }
}

/// A float32 image seen as the im2col matrix of a convolution (`im2col` in Im2Col.swift), for
/// products that read it in place instead of writing the matrix out.
struct ImplicitColumns {
  let source: ck_im2col

  /// The columns of `images` images of `g`'s input from `image` on, `imageStride` floats apart,
  /// side by side (column `b * outPlane + q` is output position q of image b).
  init(_ image: UnsafePointer<Float>, _ g: ConvGeometry, images: Int = 1, imageStride: Int = 0) {
    source = ck_im2col(
      x: image, inH: g.inH, inW: g.inW, kH: g.kH, kW: g.kW, strideH: g.strideH, strideW: g.strideW,
      padH: g.padH, padW: g.padW, dilationH: g.dilationH, dilationW: g.dilationW, outW: g.outW,
      images: images, outPlane: g.outH * g.outW, imageStride: imageStride)
  }
}

/// Calls `body` with a pointer to `value`, or nil when there is none.
private func withOptionalPointer<V, R>(_ value: inout V?, _ body: (UnsafePointer<V>?) -> R) -> R {
  guard value != nil else { return body(nil) }
  return withUnsafePointer(to: &value!) { body($0) }
}

/// Calls `body` with the base address of `array`, or nil when there is no array.
func withOptionalBuffer<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
  guard let array else { return body(nil) }
  return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Which Float GEMM kernel runs: the package's kernel at the level ``KernelISA`` selected
/// (AVX-512 or AVX2 + FMA), or OpenBLAS's `sgemm` at the baseline level or when the environment
/// variable `GRADCAM_GEMM` is `blas` (at any level).
///
/// On AVX2 every float32 product takes the package's kernel, with no shape class left to
/// OpenBLAS: measured per class with `Scripts/bench/sgemm_shapes.c` (one core's block of ViT
/// token products at batch 1 and 8, attention, ConvNeXt MLPs, ResNet-50 3x3, 1x1 and stem
/// convolutions, the backward products' transposed forms), the kernel alone is within about 0.8
/// to 1.2 times OpenBLAS's single-threaded speed. The classes where OpenBLAS is ahead per call (3x3
/// convolutions at 14x14 and the stride-2 stem, about 0.7-0.8) are those where the kernel reads
/// the image in place, which OpenBLAS pays for with a written im2col matrix and separate bias,
/// residual and ReLU passes; whole convolutions and networks are faster on the kernel.
public enum GEMMKernel {
  /// The Float kernels.
  public enum Kind: String, Sendable {
    case avx512, avx2, blas
  }

  /// The Float kernel of this process.
  public static let selected: Kind = {
    guard ProcessInfo.processInfo.environment["GRADCAM_GEMM"] != "blas" else { return .blas }
    switch KernelISA.selected {
    case .avx512: return .avx512
    case .avx2: return .avx2
    case .baseline: return .blas
    }
  }()

  /// True when Float products use the package's AVX-512 kernel (whose GELU and softmax rows are
  /// the AVX-512 ones too).
  public static var useAVX512: Bool { selected == .avx512 }

  /// True when Float products use one of the package's kernels: prepacked weights
  /// (``PackedWeights``), implicit im2col and the fused epilogue are available.
  public static var usesPackageKernel: Bool { selected != .blas }

  /// The CKernels level of the package's kernel in use, nil on OpenBLAS: the bf16 kernel when
  /// ``ComputePrecision`` is bf16 (which it can only be on AVX-512 with AVX512-BF16).
  static var level: Int32? {
    switch selected {
    case .avx512: ComputePrecision.current == .bf16 ? CK_SGEMM_AVX512_BF16 : CK_SGEMM_AVX512
    case .avx2: CK_SGEMM_AVX2
    case .blas: nil
    }
  }

  /// A short name of the Float kernel, for benchmark reports.
  public static var name: String {
    switch selected {
    case .avx512: ComputePrecision.current == .bf16 ? "gradcam AVX-512 BF16 sgemm (bf16 operands, fp32 sums)" : "gradcam AVX-512 sgemm"
    case .avx2: "gradcam AVX2 sgemm"
    case .blas: "OpenBLAS sgemm"
    }
  }
}

/// Puts OpenBLAS in single-threaded mode the first time a product runs, and keeps freed tensor
/// memory in the process: every op allocates its output, and with glibc's defaults each large
/// allocation is a fresh mmap whose pages fault in one by one (most of a batch-8 forward pass's
/// non-GEMM time). Reusing the heap removes those faults; the peak footprint is unchanged.
enum BLASThreads {
  static let configureOnce: Void = {
    openblas_set_num_threads(1)
    #if os(Linux)
      _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
      _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
    #endif
  }()
}

