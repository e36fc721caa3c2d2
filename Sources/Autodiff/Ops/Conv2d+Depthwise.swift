// Float32 depthwise convolutions on the vectorised C kernel (CKernels/depthwise_conv.c): the
// layers that dominate EfficientNet and MobileNet. Planes run in parallel; each plane's loops
// are single-threaded.

internal import CKernels

extension ConvPlan {
  /// The C kernel's geometry when this is a depthwise convolution it handles (no dilation), else nil.
  var depthwisePlane: ck_depthwise? {
    let gm = geometry
    guard isDepthwise, gm.dilationH == 1, gm.dilationW == 1, gm.outH > 0, gm.outW > 0 else { return nil }
    return ck_depthwise(
      inH: gm.inH, inW: gm.inW, kH: gm.kH, kW: gm.kW, strideH: gm.strideH, strideW: gm.strideW,
      padTop: gm.padH, padLeft: gm.padW, outH: gm.outH, outW: gm.outW, portable: 0)
  }

  /// Planes per parallel chunk: enough multiply-adds (about 16k) to be worth a thread.
  private func planeGrain(_ plane: ck_depthwise) -> Int {
    max(1, 16_384 / max(1, outPlane * plane.kH * plane.kW))
  }

  func vectorDepthwiseForward(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ plane: ck_depthwise) -> [Float] {
    let taps = plane.kH * plane.kW
    return [Float](unsafeUninitializedCapacity: n * c * outPlane) { ob, count in
      withUnsafePointer(to: plane) { gp in
        x.withUnsafeBufferPointer { xb in
          w.withUnsafeBufferPointer { wb in
            parallelChunks(n * c, grain: planeGrain(plane)) { r in
              for p in r {
                let ch = p % c
                ck_depthwise_forward(gp, xb.baseAddress! + p * inPlane, wb.baseAddress! + ch * taps,
                                     bias?[ch] ?? 0, ob.baseAddress! + p * outPlane)
              }
            }
          }
        }
      }
      count = n * c * outPlane
    }
  }

  func vectorDepthwiseInputGradient(_ g: [Float], _ w: [Float], _ plane: ck_depthwise) -> [Float] {
    let taps = plane.kH * plane.kW
    return [Float](unsafeUninitializedCapacity: n * c * inPlane) { db, count in
      withUnsafePointer(to: plane) { gp in
        g.withUnsafeBufferPointer { gb in
          w.withUnsafeBufferPointer { wb in
            parallelChunks(n * c, grain: planeGrain(plane)) { r in
              for p in r {
                ck_depthwise_input_grad(gp, gb.baseAddress! + p * outPlane, wb.baseAddress! + (p % c) * taps,
                                        db.baseAddress! + p * inPlane)
              }
            }
          }
        }
      }
      count = n * c * inPlane
    }
  }

  func vectorDepthwiseWeightGradient(_ g: [Float], _ x: [Float], _ plane: ck_depthwise) -> [Float] {
    let taps = plane.kH * plane.kW
    var dw = [Float](repeating: 0, count: c * taps)
    dw.withUnsafeMutableBufferPointer { db in
      withUnsafePointer(to: plane) { gp in
        g.withUnsafeBufferPointer { gb in
          x.withUnsafeBufferPointer { xb in
            // By channel, so each thread owns its channels' weight gradients.
            parallelChunks(c, grain: max(1, planeGrain(plane) / max(n, 1))) { r in
              for ch in r {
                for img in 0..<n {
                  let p = img * c + ch
                  ck_depthwise_weight_grad(gp, gb.baseAddress! + p * outPlane, xb.baseAddress! + p * inPlane,
                                           db.baseAddress! + ch * taps)
                }
              }
            }
          }
        }
      }
    }
    return dw
  }
}
