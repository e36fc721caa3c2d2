extension ConvNeXtConfig {
  /// The ConvNeXt a checkpoint's keys and shapes (by key) describe, in either layout: its name when it is
  /// one of ``names`` (e.g. `convnext_small (torchvision layout)`), else its depths and widths;
  /// nil when the keys are not a ConvNeXt's.
  static func describe(_ shapes: [String: [Int]]) -> String? {
    let layout = ConvNeXtLayout.of(shapes.keys)
    func dwConv(_ stage: Int, _ block: Int) -> String {
      layout == .torchvision ? "features.\(2 * stage + 1).\(block).block.0.weight" : "stages.\(stage).blocks.\(block).conv_dw.weight"
    }
    var depths: [Int] = [], dims: [Int] = []
    while let first = shapes[dwConv(depths.count, 0)], first.count == 4, first[2] == 7 {
      var depth = 1
      while shapes[dwConv(depths.count, depth)] != nil { depth += 1 }
      dims.append(first[0])
      depths.append(depth)
    }
    guard !depths.isEmpty else { return nil }
    let found = ConvNeXtConfig(depths: depths, dims: dims)
    let layoutName = layout == .torchvision ? "torchvision" : "timm"
    if let name = names.first(where: { named($0) == found }) { return "\(name) (\(layoutName) layout)" }
    return "a ConvNeXt with depths \(depths) and widths \(dims) (\(layoutName) layout)"
  }
}
