import Autodiff

/// One value flowing through an imported graph.
///
/// Floating-point data (whatever the file's float type) runs as float32, the precision of the
/// network layers. Integer and boolean data (shapes, indices, masks) is kept in a float64 tensor,
/// exact for every integer up to 2^53, so the shape arithmetic reuses the tensor ops.
struct Value {
  var tensor: Tensor
  /// Whether the ONNX type is an integer or boolean type.
  var isInteger: Bool

  init(_ tensor: Tensor, isInteger: Bool = false) {
    self.tensor = tensor
    self.isInteger = isInteger
  }

  /// Integers as a value of shape `shape`.
  init(integers: [Int], shape: [Int]) {
    tensor = Tensor(shape: shape, doubles: integers.map(Double.init))
    isInteger = true
  }

  var shape: [Int] { tensor.shape }
  var rank: Int { tensor.rank }

  /// The elements as integers (truncated toward zero, clamped to +-2^62 so ONNX's INT64_MAX
  /// "to the end" markers convert).
  var integers: [Int] { tensor.detached().converted(to: .float64).doubles.map(Value.integer) }

  /// `d` truncated toward zero and clamped to +-2^62 (NaN is 0): a size computed from values of
  /// the file never traps the conversion.
  static func integer(_ d: Double) -> Int {
    d.isNaN ? 0 : Int(Swift.max(Swift.min(d, 4.6e18), -4.6e18).rounded(.towardZero))
  }

  /// The elements as doubles.
  var doubles: [Double] { tensor.detached().converted(to: .float64).doubles }

  /// The value as float32 data (an integer value converted).
  var float: Tensor { tensor.dtype == .float32 ? tensor : tensor.converted(to: .float32) }
}
