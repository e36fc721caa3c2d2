import Foundation
import NPY

extension Tensor {
  /// Creates a tensor from a numpy array: float64 stays float64, every other type becomes float32.
  public init(_ array: NPYArray) {
    if array.elementType == .float64 {
      self.init(shape: array.shape, doubles: array.doubles)
    } else {
      self.init(shape: array.shape, scalars: array.floats)
    }
  }

  /// Reads a `.npy` file into a tensor.
  public init(npyFile url: URL) throws {
    self.init(try NPYArray(contentsOf: url))
  }

  /// The tensor as a numpy array of its own element type.
  public var npyArray: NPYArray {
    switch storage {
    case .float32(let a): return NPYArray(shape: shape, floats: a)
    case .float64(let a): return NPYArray(shape: shape, doubles: a)
    }
  }
}
