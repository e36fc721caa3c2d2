extension SwinConfig {
  /// The Swin Transformer a checkpoint's keys and shapes (by key) describe, in either layout: its name
  /// when it is one of ``names`` (e.g. `swin_s (torchvision layout)`), else its sizes; nil when
  /// the keys are not a Swin's.
  static func describe(_ shapes: [String: [Int]]) -> String? {
    let layout = SwinLayout.of(shapes.keys)
    func table(_ stage: Int, _ block: Int) -> String {
      let prefix = layout == .torchvision ? "features.\(2 * stage + 1).\(block)" : "layers.\(stage).blocks.\(block)"
      return "\(prefix).attn.relative_position_bias_table"
    }
    var depths: [Int] = [], heads: [Int] = []
    var window = 7
    while let first = shapes[table(depths.count, 0)], first.count == 2 {
      var depth = 1
      while shapes[table(depths.count, depth)] != nil { depth += 1 }
      heads.append(first[1])
      depths.append(depth)
      window = (Int(Double(first[0]).squareRoot().rounded()) + 1) / 2
    }
    let embed = shapes[layout == .torchvision ? "features.0.0.weight" : "patch_embed.proj.weight"]?.first
    guard !depths.isEmpty, let embed else { return nil }
    let found = SwinConfig(embedDim: embed, depths: depths, heads: heads, window: window)
    let layoutName = layout == .torchvision ? "torchvision" : "timm"
    if let name = names.first(where: { named($0) == found }) { return "\(name) (\(layoutName) layout)" }
    return "a Swin Transformer with width \(embed), depths \(depths), heads \(heads), window \(window) (\(layoutName) layout)"
  }
}
