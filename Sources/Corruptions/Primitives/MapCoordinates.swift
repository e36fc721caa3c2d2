import Foundation
import Imaging

/// scipy `map_coordinates(order=1, mode='reflect')` sampling along one axis.
enum MapCoordinates {
  /// scipy's `map_coordinate` for REFLECT on a real coordinate.
  static func reflectCoordinate(_ x: Double, _ len: Int) -> Double {
    var v = x
    let sz2 = Double(2 * len)
    if v < 0 {
      if len <= 1 { return 0 }
      if v < -sz2 { v = sz2 * Double(Int(-v / sz2)) + v }
      v = v < -Double(len) ? v + sz2 : (v > -1e-15 ? 1e-15 : -v) - 1
    } else if v > Double(len - 1) {
      if len <= 1 { return 0 }
      v -= sz2 * Double(Int(v / sz2))
      if v >= Double(len) { v = sz2 - v - 1 }
    }
    return v
  }

  /// Integer half-sample-symmetric index.
  static func reflectIndex(_ i: Int, _ n: Int) -> Int { BoundaryMode.reflect.index(i, n) }

  /// (lower index, upper index, lower weight, upper weight) for order-1 interpolation.
  static func linear(_ x: Double, _ n: Int) -> (Int, Int, Double, Double) {
    let cc = reflectCoordinate(x, n)
    let start = Int(cc.rounded(.down))
    let t = cc - Double(start)
    return (reflectIndex(start, n), reflectIndex(start + 1, n), 1 - t, t)
  }
}
