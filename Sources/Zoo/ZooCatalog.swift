import Foundation

/// The published models of the seed paper (Chhipa et al., ICCVW 2023) and its supervised
/// baselines, by name; each entry names its source URL and the key renames its checkpoint needs.
///
/// Hashes: torchvision and OpenMMLab put the first 8 hex digits of the file's SHA-256 in its
/// name, so only that prefix is verified. FAIR publishes no hash for the DINO files: they are
/// downloaded unverified (with a warning) and the SHA-256 seen is recorded beside them.
public enum ZooCatalog {
  static let mib: Int64 = 1 << 20

  /// Every zoo model, in display order.
  public static let models: [ZooModel] = torchvision + dino + mmselfsup
    + dinov2 + deit + convnextSwin

  /// The zoo model called `name`.
  public static func model(named name: String) -> ZooModel? { models.first { $0.name == name } }

  /// Every zoo name.
  public static var names: [String] { models.map(\.name) }

  static let torchvisionLicence = "BSD-3-Clause*"

  static let torchvision: [ZooModel] = [
    ZooModel(
      name: "resnet50", architecture: "resnet50",
      files: [.hashNamed("https://download.pytorch.org/models/resnet50-0676ba61.pth", approximateBytes: 98 * mib)],
      licence: torchvisionLicence, summary: "supervised, torchvision IMAGENET1K_V1, top-1 76.13"),
    ZooModel(
      name: "resnet50-v2", architecture: "resnet50",
      files: [.hashNamed("https://download.pytorch.org/models/resnet50-11ad3fa6.pth", approximateBytes: 98 * mib)],
      licence: torchvisionLicence, summary: "supervised, torchvision IMAGENET1K_V2, top-1 80.86"),
  ]

  static let dinoBase = "https://dl.fbaipublicfiles.com/dino/"

  /// A DINO backbone with its published linear head (`module.linear.*` in `state_dict`).
  static func dino(_ name: String, _ arch: String, folder: String, stem: String, backbone: Int64, head: Int64, top1: String)
    -> ZooModel
  {
    ZooModel(
      name: name, architecture: arch,
      files: [
        ZooFile("\(dinoBase)\(folder)/\(stem)_pretrain.pth", checksum: .unpublished, approximateBytes: backbone),
        ZooFile("\(dinoBase)\(folder)/\(stem)_linearweights.pth", checksum: .unpublished, approximateBytes: head),
      ],
      licence: "Apache-2.0", summary: "DINO backbone + its linear head, top-1 \(top1)",
      renames: arch == "resnet50" ? [("linear.", "fc.")] : [])
  }

  static let dino: [ZooModel] = [
    dino("dino-vits16", "vit_small_patch16", folder: "dino_deitsmall16_pretrain", stem: "dino_deitsmall16",
         backbone: 83 * mib, head: 6 * mib, top1: "77.0"),
    dino("dino-vits8", "vit_small_patch8", folder: "dino_deitsmall8_pretrain", stem: "dino_deitsmall8",
         backbone: 83 * mib, head: 6 * mib, top1: "79.7"),
    dino("dino-vitb16", "vit_base_patch16", folder: "dino_vitbase16_pretrain", stem: "dino_vitbase16",
         backbone: 328 * mib, head: 6 * mib, top1: "78.2"),
    dino("dino-resnet50", "resnet50", folder: "dino_resnet50_pretrain", stem: "dino_resnet50",
         backbone: 90 * mib, head: 8 * mib, top1: "75.3"),
  ]

  static let mmBase = "https://download.openmmlab.com/mmselfsup/1.x/"

  /// An mmselfsup 1.x linear-evaluation checkpoint (`state_dict` with `backbone.*`, `head.fc.*`).
  static func mm(_ name: String, _ path: String, top1: String, method: String) -> ZooModel {
    ZooModel(
      name: name, architecture: "resnet50", files: [.hashNamed(mmBase + path, approximateBytes: 98 * mib)],
      licence: "Apache-2.0", summary: "\(method), mmselfsup linear eval, top-1 \(top1)")
  }

  static let mmselfsup: [ZooModel] = [
    mm("simclr-resnet50",
       "simclr/simclr_resnet50_16xb256-coslr-200e_in1k/resnet50_linear-8xb512-coslr-90e_in1k/resnet50_linear-8xb512-coslr-90e_in1k_20220825-f12c0457.pth",
       top1: "66.9", method: "SimCLR 200 ep"),
    mm("simsiam-resnet50",
       "simsiam/simsiam_resnet50_8xb32-coslr-100e_in1k/resnet50_linear-8xb512-coslr-90e_in1k/resnet50_linear-8xb512-coslr-90e_in1k_20220825-f53ba400.pth",
       top1: "68.3", method: "SimSiam 100 ep"),
    mm("byol-resnet50",
       "byol/byol_resnet50_16xb256-coslr-200e_in1k/resnet50_linear-8xb512-coslr-90e_in1k/resnet50_linear-8xb512-coslr-90e_in1k_20220825-7596c6f5.pth",
       top1: "71.8", method: "BYOL 200 ep"),
    mm("barlowtwins-resnet50",
       "barlowtwins/barlowtwins_resnet50_8xb256-coslr-300e_in1k/resnet50_linear-8xb32-coslr-100e_in1k/resnet50_linear-8xb32-coslr-100e_in1k_20220825-52fde35f.pth",
       top1: "71.8", method: "Barlow Twins 300 ep"),
    mm("swav-resnet50",
       "swav/swav_resnet50_8xb32-mcrop-2-6-coslr-200e_in1k-224-96/resnet50_linear-8xb32-coslr-100e_in1k/resnet50_linear-8xb32-coslr-100e_in1k_20220825-80341e08.pth",
       top1: "70.5", method: "SwAV 200 ep multi-crop"),
  ]

  // DINOv2 and DeiT (issue 18).

  static let dinov2Base = "https://dl.fbaipublicfiles.com/dinov2/"

  /// A DINOv2 backbone (facebookresearch/dinov2's layout) with its published 1-layer ImageNet
  /// linear head, a flat `nn.Linear` (`weight`, `bias`) loaded as `linear_head` (concatenated
  /// class token and mean patch token). FAIR publishes no hash for these files.
  static func dinov2(_ name: String, _ arch: String, folder: String, stem: String, backbone: Int64, head: Int64, top1: String)
    -> ZooModel
  {
    ZooModel(
      name: name, architecture: arch,
      files: [
        ZooFile("\(dinov2Base)\(folder)/\(stem)_pretrain.pth", checksum: .unpublished, approximateBytes: backbone),
        ZooFile("\(dinov2Base)\(folder)/\(stem)_linear_head.pth", checksum: .unpublished, approximateBytes: head),
      ],
      licence: "Apache-2.0", summary: "DINOv2 backbone + its 1-layer linear head, linear top-1 \(top1)",
      renames: [("weight", "linear_head.weight"), ("bias", "linear_head.bias")])
  }

  static let dinov2: [ZooModel] = [
    dinov2("dinov2-vits14", "vit_small_patch14_dinov2", folder: "dinov2_vits14", stem: "dinov2_vits14",
           backbone: 84 * mib, head: 3 * mib, top1: "81.1"),
    dinov2("dinov2-vits14-reg", "vit_small_patch14_reg4_dinov2", folder: "dinov2_vits14", stem: "dinov2_vits14_reg4",
           backbone: 84 * mib, head: 3 * mib, top1: "80.9"),
    dinov2("dinov2-vitb14", "vit_base_patch14_dinov2", folder: "dinov2_vitb14", stem: "dinov2_vitb14",
           backbone: 331 * mib, head: 6 * mib, top1: "84.5"),
    dinov2("dinov2-vitb14-reg", "vit_base_patch14_reg4_dinov2", folder: "dinov2_vitb14", stem: "dinov2_vitb14_reg4",
           backbone: 331 * mib, head: 6 * mib, top1: "84.6"),
  ]

  /// DeiT's own release (facebookresearch/deit, `model` dict with timm's keys); the file names
  /// carry the SHA-256 prefix its `torch.hub` loader checks.
  static let deit: [ZooModel] = [
    ZooModel(
      name: "deit-s", architecture: "deit_small_patch16_224",
      files: [.hashNamed("https://dl.fbaipublicfiles.com/deit/deit_small_patch16_224-cd65a155.pth", approximateBytes: 84 * mib)],
      licence: "Apache-2.0", summary: "supervised DeiT-S, top-1 79.9"),
    ZooModel(
      name: "deit-s-distilled", architecture: "deit_small_distilled_patch16_224",
      files: [.hashNamed("https://dl.fbaipublicfiles.com/deit/deit_small_distilled_patch16_224-649709d9.pth", approximateBytes: 85 * mib)],
      licence: "Apache-2.0", summary: "DeiT-S distilled (mean of class and distillation heads), top-1 81.2"),
  ]

  /// torchvision's ConvNeXt-T and Swin-T (IMAGENET1K_V1; hash prefix in the file name).
  static let convnextSwin: [ZooModel] = [
    ZooModel(
      name: "convnext-tiny", architecture: "convnext_tiny",
      files: [.hashNamed("https://download.pytorch.org/models/convnext_tiny-983f1562.pth", approximateBytes: 109 * mib)],
      licence: torchvisionLicence, summary: "supervised, torchvision IMAGENET1K_V1, top-1 82.52"),
    ZooModel(
      name: "swin-t", architecture: "swin_t",
      files: [.hashNamed("https://download.pytorch.org/models/swin_t-704ceda3.pth", approximateBytes: 108 * mib)],
      licence: torchvisionLicence, summary: "supervised, torchvision IMAGENET1K_V1, top-1 81.47"),
  ]
}
