/// Geometry of a 2-D convolution or pooling window over an `[H, W]` plane.
struct ConvGeometry: Equatable {
  var inH: Int, inW: Int
  var kH: Int, kW: Int
  var strideH: Int, strideW: Int
  /// Padding before the first row and column (top, left).
  var padH: Int, padW: Int
  var dilationH: Int, dilationW: Int
  /// Padding after the last row and column (bottom, right). Only the output size depends on it:
  /// every kernel checks its reads against the input's bounds.
  var padBottom: Int, padRight: Int

  init(inH: Int, inW: Int, kH: Int, kW: Int, strideH: Int, strideW: Int, padH: Int, padW: Int,
       dilationH: Int, dilationW: Int, padBottom: Int? = nil, padRight: Int? = nil) {
    (self.inH, self.inW, self.kH, self.kW) = (inH, inW, kH, kW)
    (self.strideH, self.strideW, self.padH, self.padW) = (strideH, strideW, padH, padW)
    (self.dilationH, self.dilationW) = (dilationH, dilationW)
    self.padBottom = padBottom ?? padH
    self.padRight = padRight ?? padW
  }

  var outH: Int { (inH + padH + padBottom - dilationH * (kH - 1) - 1) / strideH + 1 }
  var outW: Int { (inW + padW + padRight - dilationW * (kW - 1) - 1) / strideW + 1 }
  /// Whether the padding is the same on both sides of each dimension.
  var isSymmetric: Bool { padBottom == padH && padRight == padW }
}

/// Unfolds the windows of `channels` planes into columns: row `(c * kH + i) * kW + j`, column
/// `oh * outW + ow` holds input `(c, oh*sH - pH + i*dH, ow*sW - pW + j*dW)`, or 0 in the padding.
func im2col<T: TensorScalar>(
  _ src: UnsafePointer<T>, channels: Int, _ g: ConvGeometry, _ dst: UnsafeMutablePointer<T>
) {
  let outH = g.outH, outW = g.outW
  let plane = g.inH * g.inW
  let rows = channels * g.kH * g.kW
  parallelChunks(rows, grain: max(1, 8192 / max(outH * outW, 1))) { r in
    for row in r {
      let j = row % g.kW
      let i = (row / g.kW) % g.kH
      let c = row / (g.kW * g.kH)
      let s = src + c * plane
      var d = dst + row * outH * outW
      let colOffset = j * g.dilationW - g.padW
      // Range of ow whose input column is inside the image.
      let owLo = colOffset >= 0 ? 0 : min(outW, (-colOffset + g.strideW - 1) / g.strideW)
      let owHi = max(owLo, min(outW, (g.inW - 1 - colOffset) / g.strideW + 1))
      for oh in 0..<outH {
        let ih = oh * g.strideH - g.padH + i * g.dilationH
        if ih < 0 || ih >= g.inH || colOffset >= g.inW {
          d.update(repeating: 0, count: outW)
        } else {
          let line = s + ih * g.inW + colOffset
          if owLo > 0 { d.update(repeating: 0, count: owLo) }
          if g.strideW == 1 {
            (d + owLo).update(from: line + owLo, count: owHi - owLo)
          } else {
            for ow in owLo..<owHi { d[ow] = line[ow * g.strideW] }
          }
          if owHi < outW { (d + owHi).update(repeating: 0, count: outW - owHi) }
        }
        d += outW
      }
    }
  }
}

/// The adjoint of `im2col`: adds every column entry back onto the input position it came from.
func col2im<T: TensorScalar>(
  _ cols: UnsafePointer<T>, channels: Int, _ g: ConvGeometry, _ dst: UnsafeMutablePointer<T>
) {
  let outH = g.outH, outW = g.outW
  let plane = g.inH * g.inW
  // Parallel over channels: rows of different channels write to different planes.
  parallelChunks(channels, grain: max(1, 4096 / max(g.kH * g.kW * outH * outW, 1))) { r in
    for c in r {
      let d = dst + c * plane
      for i in 0..<g.kH {
        for j in 0..<g.kW {
          var s = cols + ((c * g.kH + i) * g.kW + j) * outH * outW
          let colOffset = j * g.dilationW - g.padW
          for oh in 0..<outH {
            let ih = oh * g.strideH - g.padH + i * g.dilationH
            if ih >= 0 && ih < g.inH {
              let line = d + ih * g.inW
              for ow in 0..<outW {
                let iw = ow * g.strideW + colOffset
                if iw >= 0 && iw < g.inW { line[iw] += s[ow] }
              }
            }
            s += outW
          }
        }
      }
    }
  }
}
