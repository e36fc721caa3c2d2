import Autodiff

extension Architectures {
  /// DINOv2 and DeiT names `--arch` accepts (the timm names).
  static var vitFamilyNames: [String] {
    ["small", "base", "large"].flatMap { s in ["vit_\(s)_patch14_dinov2", "vit_\(s)_patch14_reg4_dinov2"] }
      + ["tiny", "small", "base"].flatMap { s in ["deit_\(s)_patch16_224", "deit_\(s)_distilled_patch16_224"] }
  }
}

extension VisionTransformer.Config {
  /// Takes the key layout from a checkpoint: facebookresearch/dinov2's (`mask_token`,
  /// `register_tokens`) keeps DINOv2's position interpolation; timm's resamples positions as
  /// timm does (bicubic with antialias to the grid size), so that either file gives the logits
  /// of the code it came from.
  mutating func adoptLayout(of stateDict: [String: Tensor]) {
    if stateDict["mask_token"] != nil || stateDict["register_tokens"] != nil {
      layout = .dinov2
    } else {
      layout = .timm
      interpolation = .antialiased
    }
  }
}

extension VisionTransformer {
  /// The family traits a ViT checkpoint shows in its keys and shapes.
  struct CheckpointTraits {
    var patch: Int, dim: Int, depth: Int, registers: Int, distilled: Bool, layerScale: Bool

    /// Nil when the checkpoint has no ViT patch embedding or no top-level `blocks.N` (a timm Swin
    /// has the patch embedding too, with its blocks under `layers.N`).
    init?(_ tensors: [String: Tensor]) {
      guard let proj = tensors["patch_embed.proj.weight"], proj.rank == 4 else { return nil }
      let depth = Set(tensors.keys.compactMap { key -> Int? in
        let parts = key.split(separator: ".")
        return parts.count > 2 && parts[0] == "blocks" ? Int(parts[1]) : nil
      }).count
      guard depth > 0 else { return nil }
      (dim, patch, self.depth) = (proj.shape[0], proj.shape[2], depth)
      let registerWeight = tensors["reg_token"] ?? tensors["register_tokens"]
      registers = registerWeight.map { $0.rank == 3 ? $0.shape[1] : 0 } ?? 0
      distilled = tensors["dist_token"] != nil
      layerScale = tensors["blocks.0.ls1.gamma"] != nil
    }

    /// The `--arch` name of this family and size, if it is a known one.
    var name: String? {
      guard let size = [192: "tiny", 384: "small", 768: "base", 1024: "large"][dim] else { return nil }
      let reg = registers > 0 ? "_reg\(registers)" : ""
      let name: String
      if layerScale && patch == 14 {
        name = "vit_\(size)_patch14\(reg)_dinov2"
      } else if distilled {
        name = "deit_\(size)_distilled_patch\(patch)_224"
      } else {
        name = "vit_\(size)_patch\(patch)\(reg)"
      }
      guard let config = Config.named(name), config.depth == depth, config.registers == registers else { return nil }
      return name
    }

    /// Whether a model built from `config` has exactly these traits (layer scales are optional
    /// outside DINOv2's patch 14).
    func fit(_ config: Config) -> Bool {
      dim == config.dim && patch == config.patch && depth == config.depth && registers == config.registers
        && distilled == config.distilled && (config.patch != 14 || layerScale == config.layerScale)
    }

    /// The name, else a description (`a ViT with patch 14, width 512, 6 blocks`).
    var description: String {
      if let name { return name }
      var traits = ["patch \(patch)", "width \(dim)", "\(depth) blocks"]
      if registers > 0 { traits.append("\(registers) registers") }
      if distilled { traits.append("a distillation token") }
      if layerScale { traits.append("layer scales") }
      return "a ViT with " + traits.joined(separator: ", ")
    }
  }

  /// What a ViT-like checkpoint looks like from its keys and shapes: the `--arch` name of the
  /// family and size it matches (e.g. `vit_small_patch14_reg4_dinov2`,
  /// `deit_small_distilled_patch16_224`), else a description of its sizes; nil when it is not a
  /// ViT checkpoint.
  public static func lookalike(_ tensors: [String: Tensor]) -> String? {
    CheckpointTraits(tensors)?.description
  }

  /// Why a ViT checkpoint does not fit `config` (naming what it looks like), or nil when it fits
  /// or is no ViT checkpoint.
  static func familyMismatch(_ name: String, config: Config, tensors: [String: Tensor]) -> String? {
    guard let traits = CheckpointTraits(tensors), !traits.fit(config) else { return nil }
    return "not a \(name) checkpoint: it looks like \(traits.description)"
  }
}
