import Autodiff
import Checkpoints
import Foundation
import Networks
import ToolTestSupport
import XCTest
import Zoo

/// The DINOv2 and DeiT zoo entries against checkpoints generated here in their publishers' key
/// layouts (no real download: the files are served by a local HTTP server or read from disk),
/// and the error for a checkpoint of another ViT family or size.
final class ViTFamilyZooTests: XCTestCase {
  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-vitfamily-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  /// A model of `name` in `layout` with cheap deterministic weights (a saw-tooth in ±0.05 over
  /// each tensor's elements; the numerics are checked in NetworksTests and GradCAMTests).
  func reference(_ name: String, layout: VisionTransformer.Layout, head: VisionTransformer.Head) throws -> VisionTransformer {
    var config = try XCTUnwrap(VisionTransformer.Config.named(name, head: head))
    config.layout = layout
    let source = WeightSource(.formula({ _, shape in
      Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(($0 * 7919) % 1001) / 10_000 - 0.05 })
    }))
    return try VisionTransformer(name, config: config, weights: source)
  }

  /// The parameters whose names pass `keep`, renamed by `rename`, as safetensors bytes.
  func encode(_ model: VisionTransformer, keep: (String) -> Bool, rename: (String) -> String = { $0 }) throws -> Data {
    try SafeTensors.encode(model.parameters.names.filter(keep).map { n in
      let t = model.parameters[n]
      return (rename(n), CheckpointTensor(shape: t.shape, floats: t.scalars))
    })
  }

  func testCatalogueNamesTheDINOv2AndDeiTFiles() throws {
    for (name, arch, dim, registers) in [
      ("dinov2-vits14", "vit_small_patch14_dinov2", 384, 0), ("dinov2-vits14-reg", "vit_small_patch14_reg4_dinov2", 384, 4),
      ("dinov2-vitb14", "vit_base_patch14_dinov2", 768, 0), ("dinov2-vitb14-reg", "vit_base_patch14_reg4_dinov2", 768, 4),
    ] {
      let entry = try XCTUnwrap(ZooCatalog.model(named: name))
      XCTAssertEqual(entry.architecture, arch)
      let config = try XCTUnwrap(VisionTransformer.Config.named(arch))
      XCTAssertEqual([config.dim, config.registers, config.patch], [dim, registers, 14])
      let stem = "dinov2_vit\(dim == 384 ? "s" : "b")14" + (registers > 0 ? "_reg4" : "")
      XCTAssertEqual(entry.files.map(\.url.absoluteString), [
        "https://dl.fbaipublicfiles.com/dinov2/\(stem.prefix(13))/\(stem)_pretrain.pth",
        "https://dl.fbaipublicfiles.com/dinov2/\(stem.prefix(13))/\(stem)_linear_head.pth",
      ])
      // The head file is a flat nn.Linear.
      XCTAssertEqual(entry.normalization.normalize(["weight", "bias", "blocks.0.ls1.gamma"]),
                     ["linear_head.weight", "linear_head.bias", "blocks.0.ls1.gamma"])
    }
    XCTAssertEqual(ZooCatalog.model(named: "deit-s")?.files.first?.checksum, .sha256Prefix("cd65a155"))
    XCTAssertEqual(ZooCatalog.model(named: "deit-s-distilled")?.files.first?.checksum, .sha256Prefix("649709d9"))
  }

  /// `dinov2-vits14-reg` fetched from local servers: DINOv2's backbone layout (`register_tokens`,
  /// `mask_token`, `pos_embed` for 37x37 + class token) plus the flat head file give the model
  /// with DINOv2's linear head and its register models' interpolation; the same as building it.
  func testDINOv2WithRegistersIsFetchedMergedAndLoaded() throws {
    let entry = try XCTUnwrap(ZooCatalog.model(named: "dinov2-vits14-reg"))
    let ref = try reference(entry.architecture, layout: .dinov2, head: .dinov2Linear(classes: 1000, blocks: 1))
    let backbone = try encode(ref, keep: { !$0.hasPrefix("linear_head.") })
    let head = try encode(ref, keep: { $0.hasPrefix("linear_head.") }, rename: { String($0.dropFirst("linear_head.".count)) })
    let s1 = try LocalHTTPServer(body: backbone, replies: [.whole])
    let s2 = try LocalHTTPServer(body: head, replies: [.whole])
    let local = ZooModel(
      name: entry.name, architecture: entry.architecture,
      files: [
        ZooFile(s1.url(entry.files[0].fileName), checksum: .unpublished, approximateBytes: 0),
        ZooFile(s2.url(entry.files[1].fileName), checksum: .unpublished, approximateBytes: 0),
      ],
      licence: entry.licence, summary: entry.summary, renames: entry.renames)
    var downloader = Downloader(cache: ModelCache(directory: dir.appendingPathComponent("cache")))
    downloader.progress = nil
    downloader.warn = { _ in }
    let loaded = try Zoo.load(local, downloader: downloader, strict: true)
    let vit = try XCTUnwrap(loaded.model as? VisionTransformer)
    XCTAssertEqual(vit.config.layout, .dinov2)
    XCTAssertEqual(vit.config.head, .dinov2Linear(classes: 1000, blocks: 1))
    XCTAssertEqual(vit.config.interpolation, .antialiased)
    XCTAssertEqual(vit.prefixTokenCount, 5)
    let x = Tensor(shape: [1, 3, 112, 112], scalars: (0..<37_632).map { Float(($0 * 13) % 97) / 97 - 0.5 })
    XCTAssertEqual(vit.logits(x).scalars, ref.logits(x).scalars)
  }

  /// `dinov2-vits14` (no registers) from disk: DINOv2's +0.1 offset interpolation is kept.
  func testDINOv2PlainEntryKeepsTheOffsetInterpolation() throws {
    let entry = try XCTUnwrap(ZooCatalog.model(named: "dinov2-vits14"))
    let ref = try reference(entry.architecture, layout: .dinov2, head: .dinov2Linear(classes: 1000, blocks: 1))
    let b = dir.appendingPathComponent(entry.files[0].fileName), h = dir.appendingPathComponent(entry.files[1].fileName)
    try encode(ref, keep: { !$0.hasPrefix("linear_head.") }).write(to: b)
    try encode(ref, keep: { $0.hasPrefix("linear_head.") }, rename: { String($0.dropFirst("linear_head.".count)) }).write(to: h)
    let loaded = try Architectures.load(entry.architecture, weights: [b, h], normalization: entry.normalization, strict: true)
    let vit = try XCTUnwrap(loaded.model as? VisionTransformer)
    XCTAssertEqual(vit.config.interpolation, .offset(0.1))
    XCTAssertEqual(vit.config.head, .dinov2Linear(classes: 1000, blocks: 1))
    XCTAssertEqual(vit.parameters["pos_embed"].shape, [1, 1 + 37 * 37, 384])
  }

  /// DeiT's release (`model` dict, timm keys): the distilled entry has both prefix tokens and heads.
  func testDeiTEntriesLoadTheAuthorsLayout() throws {
    for (name, distilled) in [("deit-s", false), ("deit-s-distilled", true)] {
      let entry = try XCTUnwrap(ZooCatalog.model(named: name))
      let ref = try reference(entry.architecture, layout: .timm, head: .token(classes: 1000))
      XCTAssertEqual(ref.parameters.names.contains("head_dist.weight"), distilled)
      let url = dir.appendingPathComponent(entry.files[0].fileName)
      try encode(ref, keep: { _ in true }, rename: { "module." + $0 }).write(to: url)
      let loaded = try Architectures.load(entry.architecture, weights: [url], normalization: entry.normalization, strict: true)
      let vit = try XCTUnwrap(loaded.model as? VisionTransformer)
      XCTAssertEqual(vit.prefixTokenCount, distilled ? 2 : 1, name)
      XCTAssertEqual(vit.config.distilled, distilled, name)
    }
  }

  /// A checkpoint of another family or size is refused naming the architecture it looks like.
  func testWrongFamilyOrSizeNamesWhatTheCheckpointLooksLike() throws {
    let dinov2 = try reference("vit_small_patch14_reg4_dinov2", layout: .dinov2, head: .none)
    let reg = dir.appendingPathComponent("dinov2_vits14_reg4_pretrain.safetensors")
    try encode(dinov2, keep: { _ in true }).write(to: reg)
    XCTAssertNoThrow(try Architectures.load("vit_small_patch14_reg4_dinov2", weights: reg, strict: true))
    for wrong in ["vit_small_patch14_dinov2", "vit_base_patch14_reg4_dinov2", "vit_small_patch16", "deit_small_distilled_patch16_224", "resnet50"] {
      XCTAssertThrowsError(try Architectures.load(wrong, weights: reg)) { error in
        let text = "\(error)"
        XCTAssertTrue(text.contains("not a \(wrong) checkpoint: it looks like vit_small_patch14_reg4_dinov2"), "\(wrong): \(text)")
        XCTAssertTrue(text.hasPrefix("dinov2_vits14_reg4_pretrain.safetensors: "), text)
      }
    }
    let deit = try reference("deit_small_distilled_patch16_224", layout: .timm, head: .token(classes: 1000))
    let deitURL = dir.appendingPathComponent("deit.safetensors")
    try encode(deit, keep: { _ in true }).write(to: deitURL)
    XCTAssertThrowsError(try Architectures.load("vit_small_patch16", weights: deitURL)) { error in
      XCTAssertTrue("\(error)".contains("not a vit_small_patch16 checkpoint: it looks like deit_small_distilled_patch16_224"), "\(error)")
    }
  }

  /// The issue's command path (`gradcam --image examples/dog.png --model dinov2-vits14` loads the
  /// same two files through Zoo.load, tested above) with the backbone by `--arch
  /// vit_small_patch14_dinov2 --weights FILE` (generated in DINOv2's layout): rollout is the
  /// default method and its maps are rendered and written (one corruption and severity, to
  /// stay fast).
  func testDINOv2CheckpointRendersRolloutMapsFromTheCommandLine() throws {
    let ref = try reference("vit_small_patch14_dinov2", layout: .dinov2, head: .none)
    let backbone = dir.appendingPathComponent("dinov2_vits14_pretrain.safetensors")
    try encode(ref, keep: { _ in true }).write(to: backbone)
    let dog = BuiltTool.packageRoot.appendingPathComponent("examples/dog.png").path
    let out = dir.appendingPathComponent("dinov2.png"), report = dir.appendingPathComponent("r.json")
    let maps = dir.appendingPathComponent("maps")
    let r = try BuiltTool.run(
      ["--image", dog, "--arch", "vit_small_patch14_dinov2", "--weights", backbone.path, "--corruptions", "fog",
       "--severities", "1", "--out", out.path, "--report", report.path, "--maps-dir", maps.path, "--quiet"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertGreaterThan(try Data(contentsOf: out).count, 1000)
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
    XCTAssertEqual(json["method"] as? String, "rollout", "\(json.keys.sorted())")
    let written = try FileManager.default.subpathsOfDirectory(atPath: maps.path).filter { $0.hasSuffix(".npy") }
    XCTAssertEqual(written.count, 2, "\(written)")
  }
}
