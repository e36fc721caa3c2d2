// A linear map along one spatial axis, stored as a fixed number of (index, weight) taps per
// output position. Average pooling, adaptive pooling and every resize method are products of one
// such map along H and one along W, so forward (apply W then H) and backward (the transpose, H
// then W) share this kernel and the backward rule is exact by construction.

/// Output `i` of the map is `sum_k weights[i * taps + k] * input[indices[i * taps + k]]`.
///
/// Indices may repeat (border-clamped bicubic taps); unused taps have weight 0 and index 0, and
/// zero-weight taps are skipped (an infinite input never leaks into a neighbour as NaN).
struct AxisMap {
  let inSize: Int
  let outSize: Int
  let taps: Int
  var indices: [Int]
  var weights: [Double]

  /// Builds a map from per-output tap lists (padded to the longest list with zero weights).
  init(inSize: Int, outputs: [[(index: Int, weight: Double)]]) {
    self.inSize = inSize
    outSize = outputs.count
    taps = Swift.max(1, outputs.map(\.count).max() ?? 1)
    indices = [Int](repeating: 0, count: outSize * taps)
    weights = [Double](repeating: 0, count: outSize * taps)
    for (o, list) in outputs.enumerated() {
      for (k, tap) in list.enumerated() {
        precondition(tap.index >= 0 && tap.index < inSize, "AxisMap: tap index \(tap.index) outside 0..<\(inSize)")
        indices[o * taps + k] = tap.index
        weights[o * taps + k] = tap.weight
      }
    }
  }
}

/// The tap tables of two maps in raw buffers, so the inner loops index without bounds checks.
private struct TapTables<T: TensorScalar> {
  let wIdx: UnsafeMutablePointer<Int>, wWt: UnsafeMutablePointer<T>
  let hIdx: UnsafeMutablePointer<Int>, hWt: UnsafeMutablePointer<T>

  init(hMap: AxisMap, wMap: AxisMap) {
    func copy<E>(_ a: [E]) -> UnsafeMutablePointer<E> {
      let p = UnsafeMutablePointer<E>.allocate(capacity: Swift.max(a.count, 1))
      p.initialize(from: a, count: a.count)
      return p
    }
    wIdx = copy(wMap.indices)
    wWt = copy(wMap.weights.map { T($0) })
    hIdx = copy(hMap.indices)
    hWt = copy(hMap.weights.map { T($0) })
  }

  func deallocate() {
    wIdx.deallocate()
    wWt.deallocate()
    hIdx.deallocate()
    hWt.deallocate()
  }
}

/// Applies `hMap` along H and `wMap` along W of a `[N, C, H, W]` tensor (no graph).
func applySeparable(_ x: Tensor, hMap: AxisMap, wMap: AxisMap) -> Tensor {
  precondition(x.rank == 4 && x.shape[2] == hMap.inSize && x.shape[3] == wMap.inSize)
  let planes = x.shape[0] * x.shape[1]
  let (inH, inW, outH, outW) = (hMap.inSize, wMap.inSize, hMap.outSize, wMap.outSize)
  func run<T: TensorScalar>(_: T.Type) -> Tensor {
    let src = x.array(T.self)
    let tables = TapTables<T>(hMap: hMap, wMap: wMap)
    defer { tables.deallocate() }
    let (wIdx, wWt, hIdx, hWt) = (tables.wIdx, tables.wWt, tables.hIdx, tables.hWt)
    let (wt, ht) = (wMap.taps, hMap.taps)
    var out = [T](repeating: 0, count: planes * outH * outW)
    src.withUnsafeBufferPointer { sb in
      out.withUnsafeMutableBufferPointer { ob in
        let s = sb.baseAddress!, o = ob.baseAddress!
        // One plane at a time (tmp is per chunk, so chunks run in parallel).
        parallelChunks(planes, grain: Swift.max(1, 4096 / Swift.max(inH * inW, 1))) { r in
          var tmp = [T](repeating: 0, count: inH * outW)
          tmp.withUnsafeMutableBufferPointer { tb in
            let t = tb.baseAddress!
            for p in r {
              let sp = s + p * inH * inW, op = o + p * outH * outW
              // Along W: tmp[h, j] = sum_k w * x[h, idx].
              for h in 0..<inH {
                let row = sp + h * inW, trow = t + h * outW
                for j in 0..<outW {
                  var acc: T = 0
                  for k in 0..<wt where wWt[j * wt + k] != 0 { acc += wWt[j * wt + k] * row[wIdx[j * wt + k]] }
                  trow[j] = acc
                }
              }
              // Along H: out[i, :] = sum_k w * tmp[idx, :].
              for i in 0..<outH {
                let orow = op + i * outW
                for j in 0..<outW { orow[j] = 0 }
                for k in 0..<ht {
                  let w = hWt[i * ht + k]
                  if w == 0 { continue }
                  let trow = t + hIdx[i * ht + k] * outW
                  for j in 0..<outW { orow[j] += w * trow[j] }
                }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: [x.shape[0], x.shape[1], outH, outW], array: out)
  }
  switch x.dtype {
  case .float32: return run(Float.self)
  case .float64: return run(Double.self)
  }
}

/// The transpose of ``applySeparable(_:hMap:wMap:)``: maps a `[N, C, outH, outW]` gradient back
/// to `[N, C, inH, inW]` (no graph).
func applySeparableTransposed(_ g: Tensor, hMap: AxisMap, wMap: AxisMap) -> Tensor {
  precondition(g.rank == 4 && g.shape[2] == hMap.outSize && g.shape[3] == wMap.outSize)
  let planes = g.shape[0] * g.shape[1]
  let (inH, inW, outH, outW) = (hMap.inSize, wMap.inSize, hMap.outSize, wMap.outSize)
  func run<T: TensorScalar>(_: T.Type) -> Tensor {
    let src = g.array(T.self)
    let tables = TapTables<T>(hMap: hMap, wMap: wMap)
    defer { tables.deallocate() }
    let (wIdx, wWt, hIdx, hWt) = (tables.wIdx, tables.wWt, tables.hIdx, tables.hWt)
    let (wt, ht) = (wMap.taps, hMap.taps)
    var out = [T](repeating: 0, count: planes * inH * inW)
    src.withUnsafeBufferPointer { sb in
      out.withUnsafeMutableBufferPointer { ob in
        let s = sb.baseAddress!, o = ob.baseAddress!
        parallelChunks(planes, grain: Swift.max(1, 4096 / Swift.max(inH * inW, 1))) { r in
          var tmp = [T](repeating: 0, count: inH * outW)
          tmp.withUnsafeMutableBufferPointer { tb in
            let t = tb.baseAddress!
            for p in r {
              let gp = s + p * outH * outW, op = o + p * inH * inW
              // Transpose along H: tmp[idx, :] += w * g[i, :].
              for q in 0..<(inH * outW) { t[q] = 0 }
              for i in 0..<outH {
                let grow = gp + i * outW
                for k in 0..<ht {
                  let w = hWt[i * ht + k]
                  if w == 0 { continue }
                  let trow = t + hIdx[i * ht + k] * outW
                  for j in 0..<outW { trow[j] += w * grow[j] }
                }
              }
              // Transpose along W: dx[h, idx] += w * tmp[h, j].
              for h in 0..<inH {
                let trow = t + h * outW, orow = op + h * inW
                for j in 0..<outW {
                  let v = trow[j]
                  for k in 0..<wt where wWt[j * wt + k] != 0 { orow[wIdx[j * wt + k]] += wWt[j * wt + k] * v }
                }
              }
            }
          }
        }
      }
    }
    return Tensor(shape: [g.shape[0], g.shape[1], inH, inW], array: out)
  }
  switch g.dtype {
  case .float32: return run(Float.self)
  case .float64: return run(Double.self)
  }
}

/// Applies a separable map to `[N, C, H, W]` and records its transpose as the backward rule.
func separable2d(_ x: Tensor, hMap: AxisMap, wMap: AxisMap, op: String) -> Tensor {
  let value = applySeparable(x, hMap: hMap, wMap: wMap)
  return Tensor.recorded(value, op: op, inputs: [x]) { g, _ in
    [applySeparableTransposed(g, hMap: hMap, wMap: wMap)]
  }
}
