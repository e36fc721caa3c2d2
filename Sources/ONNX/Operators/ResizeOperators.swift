import Autodiff

/// `Resize` and `Upsample` in the modes PyTorch's `interpolate` exports (align_corners=False).
enum ResizeOperators {
  static let table: [String: Operator] = [
    "Resize": { call in
      let x = try call.float(0)
      guard x.rank == 4 else { throw GraphError("Resize: only [N, C, H, W] inputs are supported, got \(x.shape)") }
      var size: (Int, Int)
      if let sizes = call.optional(3)?.integers, !sizes.isEmpty {
        guard sizes.count == 4, sizes[0] == x.shape[0], sizes[1] == x.shape[1] else {
          throw GraphError("Resize: sizes \(sizes) for input \(x.shape) (only H and W may change)")
        }
        size = (sizes[2], sizes[3])
      } else if let scales = call.optional(2)?.doubles, scales.count == 4 {
        guard scales[0] == 1, scales[1] == 1 else { throw GraphError("Resize: scales \(scales) change N or C") }
        size = (Value.integer((Double(x.shape[2]) * scales[2]).rounded(.down)), Value.integer((Double(x.shape[3]) * scales[3]).rounded(.down)))
      } else {
        throw GraphError("Resize: neither scales nor sizes given")
      }
      try call.limits.check(shape: [x.shape[0], x.shape[1], size.0, size.1], "Resize's output")
      guard size.0 > 0, size.1 > 0 else { throw GraphError("Resize: empty output size \(size)") }
      let mode = call.node.string("mode", default: "nearest")
      let transform = call.node.string("coordinate_transformation_mode", default: "half_pixel")
      let method: ResizeMethod
      switch (mode, transform) {
      case ("nearest", "asymmetric") where call.node.string("nearest_mode", default: "round_prefer_floor") == "floor":
        method = .nearest
      case ("linear", "half_pixel"), ("linear", "pytorch_half_pixel"): method = .bilinear
      case ("cubic", "half_pixel"), ("cubic", "pytorch_half_pixel")
      where call.node.float("cubic_coeff_a", default: -0.75) == -0.75:
        method = .bicubic
      default:
        throw GraphError("Resize: mode '\(mode)' with coordinate_transformation_mode '\(transform)' is not supported")
      }
      return [Value(resize(x, to: size, method: method))]
    },
  ]
}
