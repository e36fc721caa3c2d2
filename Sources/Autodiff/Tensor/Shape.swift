/// Shape arithmetic: element counts, strides, axis normalisation and numpy broadcasting.
public enum Shape {
  /// Number of elements of a shape (1 for a scalar).
  public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

  /// Row-major strides, in elements.
  public static func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      s[i] = acc
      acc *= shape[i]
    }
    return s
  }

  /// Resolves a possibly negative axis against a rank.
  /// - Precondition: `-rank <= axis < rank`.
  public static func axis(_ axis: Int, rank: Int, _ op: String = "axis") -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "\(op): axis \(axis) is out of range for rank \(rank)")
    return a
  }

  /// The broadcast shape of two shapes (numpy rules), or an error naming both shapes.
  public static func broadcast(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
      let da = i < r - a.count ? 1 : a[i - (r - a.count)]
      let db = i < r - b.count ? 1 : b[i - (r - b.count)]
      if da == db || db == 1 {
        out[i] = da
      } else if da == 1 {
        out[i] = db
      } else {
        throw ShapeError("shapes \(a) and \(b) cannot be broadcast together (dimension \(i): \(da) vs \(db))")
      }
    }
    return out
  }

  /// Strides of `shape` viewed as `target` (right-aligned), with 0 for broadcast dimensions.
  static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let s = strides(shape)
    let offset = target.count - shape.count
    return (0..<target.count).map { i in
      i < offset || shape[i - offset] == 1 ? 0 : s[i - offset]
    }
  }

  /// `shape` walked with strides `sx` and `sy` (of two operands), with dimensions of size 1
  /// dropped and neighbours merged where both operands step through them as through one (each
  /// contiguous across them, or broadcast over both): the same elements in the same order, with
  /// a longer inner dimension. Folding batch norm into a weight, `[64, 256, 1, 1] * [64, 1, 1, 1]`
  /// becomes `[64, 256]` with strides `[256, 1]` and `[1, 0]`.
  static func coalesced(_ shape: [Int], _ sx: [Int], _ sy: [Int]) -> (shape: [Int], sx: [Int], sy: [Int]) {
    var outShape: [Int] = [], outX: [Int] = [], outY: [Int] = []
    for d in shape.indices where shape[d] != 1 {
      if let last = outShape.indices.last, outX[last] == sx[d] * shape[d], outY[last] == sy[d] * shape[d] {
        outShape[last] *= shape[d]
        outX[last] = sx[d]
        outY[last] = sy[d]
      } else {
        outShape.append(shape[d])
        outX.append(sx[d])
        outY.append(sy[d])
      }
    }
    return outShape.isEmpty ? ([1], [0], [0]) : (outShape, outX, outY)
  }
}

/// A shape mismatch, described in one line that names the shapes involved.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
  /// What is wrong.
  public let description: String
  /// Creates an error with a message.
  public init(_ message: String) { description = message }
}

/// Stops with a shape error's message (programming errors are preconditions, as in the stdlib).
func shapeCheck<T>(_ op: String, _ body: () throws(ShapeError) -> T) -> T {
  do {
    return try body()
  } catch {
    preconditionFailure("\(op): \(error.description)")
  }
}
