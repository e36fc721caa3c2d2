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
