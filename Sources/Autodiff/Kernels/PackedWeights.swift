internal import CKernels

/// A layer's weight matrix packed once for the Float GEMM kernel (in the layout of the kernel
/// ``GEMMKernel`` selected for the process), so that inference passes do not
/// repack it on every call (packing the weights was a tenth of a ResNet-50 forward pass at batch 1
/// and was repeated for every image of a batch). Networks keeps one per convolution and linear
/// layer next to its folded weights.
///
/// It caches the weight it was made from: pass it only together with that same weight.
public final class PackedWeights: @unchecked Sendable {
  /// How the weight enters the product.
  enum Role {
    /// A convolution's weight as the left operand, `[out, in * kH * kW]`.
    case left
    /// A linear layer's weight `[out, in]` as the transposed right operand of `x . W^T`.
    case rightTransposed
    /// A 3x3 convolution's weight transformed for Winograd F(2x2, 3x3) (16 packed `[out, in]`).
    case winograd
    /// A stride-2 convolution's weight `[out, in * kH * kW]` in 32-channel strips, for the
    /// AVX-512 kernel that tiles its output by pixels x channels (ck_strided_conv).
    case strided
  }

  let role: Role
  /// The CKernels level (and so precision) the weight is packed for.
  let level: Int32
  /// The weight's shape, checked against the weight passed with it.
  let shape: [Int]
  let rows: Int, cols: Int
  private let storage: UnsafeMutableBufferPointer<Float>

  /// Packs a convolution weight `[O, C, kH, kW]` (one group); nil where products do not run on
  /// the package's kernel (not float32, or OpenBLAS: ``GEMMKernel``).
  public convenience init?(convolutionWeight weight: Tensor) {
    guard weight.rank == 4 else { return nil }
    self.init(weight, role: .left, rows: weight.shape[0], cols: weight.count / max(weight.shape[0], 1))
  }

  /// Transforms a 3x3 convolution weight `[O, C, 3, 3]` for Winograd F(2x2, 3x3) and packs it: a
  /// stride-1, undilated, ungrouped convolution given it computes its 2x2 output tiles with 16
  /// products of `[O, C] x [C, tiles]` instead of one of `[O, 9C] x [9C, positions]` (2.25 times
  /// fewer multiplications; worth it from about 128 channels and 10x10 outputs). nil where
  /// products do not run on the package's kernel (not float32, or OpenBLAS).
  public convenience init?(winogradWeight weight: Tensor) {
    guard weight.rank == 4, weight.shape[2] == 3, weight.shape[3] == 3 else { return nil }
    self.init(weight, role: .winograd, rows: weight.shape[0], cols: weight.shape[1])
  }

  /// Packs a stride-2 convolution's weight `[O, C, kH, kW]` (one group) for the AVX-512 kernel
  /// that broadcasts 14 output pixels' inputs against 32 output channels at each step, reading the
  /// image at stride 2 (``stridedConvolutionPays(_:_:)`` tells when a layer should); nil on any
  /// other kernel level (AVX2, bf16, OpenBLAS).
  public convenience init?(stridedConvolutionWeight weight: Tensor) {
    guard weight.rank == 4, GEMMKernel.level == CK_SGEMM_AVX512 else { return nil }
    self.init(weight, role: .strided, rows: weight.shape[0], cols: weight.count / max(weight.shape[0], 1))
  }

  /// Whether a convolution runs faster on the strided kernel (``init(stridedConvolutionWeight:)``)
  /// than as a product over its im2col matrix: stride 2, dilation 1, one group, a kernel larger
  /// than 1x1, at least 16 input and 32 output channels (a whole strip), float32 on the AVX-512
  /// kernel. Measured in the imported ResNet-50 on 2 cores of an AMD EPYC (Zen 4), best of 20 per
  /// layer: its stride-2 3x3 layers 1.24-1.28 -> 1.13-1.18 ms at 56x56 and 28x28 inputs and even
  /// at 14x14 (onnxruntime 1.04-1.10). Its 7x7 stem (3 input channels: 147 steps, one depth
  /// block) was 0.07 ms faster on the product's direct path, and the 1x1 stride-2 shortcuts are
  /// even with onnxruntime there: both stay on the product.
  public static func stridedConvolutionPays(_ weight: Tensor, _ options: Conv2dOptions) -> Bool {
    GEMMKernel.level == CK_SGEMM_AVX512 && weight.rank == 4 && weight.dtype == .float32 && weight.shape[0] >= 32
      && weight.shape[1] >= 16 && weight.shape[2] * weight.shape[3] > 1 && options.stride == (2, 2)
      && options.dilation == (1, 1) && options.groups == 1
  }
  /// Packs a linear layer's weight `[out, in]`; nil where products do not run on the package's
  /// kernel (not float32, or OpenBLAS).
  public convenience init?(linearWeight weight: Tensor) {
    guard weight.rank == 2 else { return nil }
    self.init(weight, role: .rightTransposed, rows: weight.shape[0], cols: weight.shape[1])
  }

  private init?(_ weight: Tensor, role: Role, rows: Int, cols: Int) {
    guard let level = GEMMKernel.level, weight.dtype == .float32, rows > 0, cols > 0 else { return nil }
    self.role = role
    self.level = level
    self.shape = weight.shape
    self.rows = rows
    self.cols = cols
    let w = weight.array(Float.self)
    switch role {
    case .left:
      storage = .allocate(capacity: ck_sgemm_packed_a_size(level, rows, cols))
      ck_sgemm_pack_a(level, rows, cols, w, cols, storage.baseAddress!)
    case .rightTransposed:
      // op(B) = W^T is [in, out]: depth `cols`, width `rows`.
      storage = .allocate(capacity: ck_sgemm_packed_b_size(level, cols, rows))
      ck_sgemm_pack_b(level, 1, cols, rows, w, cols, storage.baseAddress!)
    case .winograd:
      storage = .allocate(capacity: ck_winograd_packed_size(level, rows, cols))
      ck_winograd_pack(level, w, rows, cols, storage.baseAddress!)
    case .strided:
      storage = .allocate(capacity: ck_strided_conv_packed_size(level, rows, cols))
      ck_strided_conv_pack(level, w, rows, cols, storage.baseAddress!)
    }
  }

  deinit { storage.deallocate() }

  /// The packed operand for the kernel, starting at row (left) or column (right) `offset`.
  func operand(offset: Int) -> ck_packed {
    ck_packed(data: UnsafePointer(storage.baseAddress!), count: rows, offset: offset)
  }

  /// The packed storage, for the kernels that read it whole.
  var data: UnsafePointer<Float> { UnsafePointer(storage.baseAddress!) }

  /// Bytes held by the packed copy.
  public var byteCount: Int { storage.count * MemoryLayout<Float>.stride }
}
