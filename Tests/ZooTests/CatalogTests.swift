import Checkpoints
import Foundation
import Networks
import XCTest
import Zoo

/// The zoo's entries, the cache folder rules and the `gradcam models` table.
final class CatalogTests: XCTestCase {
  func testEveryPaperModelIsListedWithAKnownArchitecture() {
    let expected = [
      "resnet50", "resnet50-v2", "dino-vits16", "dino-vits8", "dino-vitb16", "dino-resnet50",
      "simclr-resnet50", "simsiam-resnet50", "byol-resnet50", "barlowtwins-resnet50", "swav-resnet50",
    ]
      + ["dinov2-vits14", "dinov2-vits14-reg", "dinov2-vitb14", "dinov2-vitb14-reg", "deit-s", "deit-s-distilled"]
      + ["convnext-tiny", "swin-t"]
    XCTAssertEqual(ZooCatalog.names, expected)
    XCTAssertEqual(Set(Zoo.names).count, Zoo.names.count, "names must be unique")
    var fileNames = Set<String>()
    for model in ZooCatalog.models {
      XCTAssertTrue(Architectures.names.contains(model.architecture), model.name)
      for file in model.files {
        XCTAssertEqual(file.url.scheme, "https", model.name)
        XCTAssertTrue(fileNames.insert(file.fileName).inserted, "\(file.fileName) is used twice")
        switch file.checksum {
        case .sha256Prefix(let p):
          XCTAssertTrue(file.fileName.hasSuffix("-\(p).pth"), file.fileName)
        case .unpublished:
          XCTAssertEqual(file.url.host, "dl.fbaipublicfiles.com", "only FAIR's DINO files lack a hash")
        case .sha256:
          XCTFail("no publisher here gives a full hash: \(file.fileName)")
        }
      }
    }
    for name in ["dino-vits16", "dino-vits8", "dino-vitb16", "dino-resnet50"] {
      let files = ZooCatalog.model(named: name)!.files.map(\.fileName)
      XCTAssertEqual(files.count, 2, name)
      XCTAssertTrue(files[0].hasSuffix("_pretrain.pth") && files[1].hasSuffix("_linearweights.pth"), "\(files)")
    }
  }

  func testKeyRulesMapEachPublishersLayoutToTorchvisionNames() {
    // DINO's ResNet head is `module.linear.*` in `state_dict`: it becomes torchvision's `fc`.
    let dinoResNet = ZooCatalog.model(named: "dino-resnet50")!.normalization
    XCTAssertEqual(dinoResNet.normalize(["module.linear.weight", "conv1.weight"]), ["fc.weight", "conv1.weight"])
    // DINO ViT heads stay `linear.*` (VisionTransformer's dinoLinear head).
    let dinoViT = ZooCatalog.model(named: "dino-vits8")!.normalization
    XCTAssertEqual(dinoViT.normalize(["module.linear.bias"]), ["linear.bias"])
    // mmselfsup linear eval: `backbone.*` and `head.fc.*`.
    let mm = ZooCatalog.model(named: "byol-resnet50")!.normalization
    XCTAssertEqual(mm.normalize(["backbone.conv1.weight", "head.fc.bias"]), ["conv1.weight", "fc.bias"])
  }

  func testCacheFolderPrecedence() {
    let env = ["HOME": "/home/u", "XDG_CACHE_HOME": "/xdg", "GRADCAM_CACHE": "/gc"]
    XCTAssertEqual(ModelCache.resolve(explicit: "/flag", environment: env).path, "/flag")
    XCTAssertEqual(ModelCache.resolve(explicit: nil, environment: env).path, "/gc")
    XCTAssertEqual(ModelCache.resolve(explicit: nil, environment: ["HOME": "/home/u", "XDG_CACHE_HOME": "/xdg"]).path, "/xdg/gradcam")
    XCTAssertEqual(ModelCache.resolve(explicit: nil, environment: ["HOME": "/home/u", "XDG_CACHE_HOME": ""]).path, "/home/u/.cache/gradcam")
  }

  func testUnknownNameSuggestsTheNearestModel() {
    let message = "\(ZooError.unknownModel("dino-vits9", known: Zoo.names))"
    XCTAssertTrue(message.contains("did you mean 'dino-vits8'"), message)
    XCTAssertEqual(message.split(separator: "\n").count, 1)
  }

  func testTableListsEveryModelWithItsCacheState() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-table-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let cache = ModelCache(directory: dir)
    let resnet = ZooCatalog.model(named: "resnet50")!.files[0]
    try Data("x".utf8).write(to: cache.path(for: resnet))
    try Data("0676ba61...  resnet50-0676ba61.pth  # sha256 prefix 0676ba61 verified\n".utf8).write(to: cache.recordPath(for: resnet))
    let swav = ZooCatalog.model(named: "swav-resnet50")!.files[0]
    try Data(count: 2048).write(to: cache.partPath(for: swav))

    let rows = Dictionary(uniqueKeysWithValues: ModelTable.rows(cache: cache).map { ($0.name, $0) })
    XCTAssertEqual(Set(rows.keys), Set(Zoo.names))
    XCTAssertEqual(rows["resnet50"]?.cached, "yes")
    XCTAssertEqual(rows["resnet50"]?.hash, "sha256 0676ba61… (prefix)")
    XCTAssertEqual(rows["swav-resnet50"]?.cached, "partial (2 KiB)")
    XCTAssertEqual(rows["dino-vits8"]?.cached, "no")
    XCTAssertEqual(rows["dino-vits8"]?.hash, "none published")
    XCTAssertEqual(rows["dino-vits8"]?.sources.count, 2)
    XCTAssertEqual(rows["cifar10-resnet56"]?.cached, "bundled")

    let text = ModelTable.render(cache: cache)
    XCTAssertTrue(text.hasPrefix("cache: \(dir.path)\n"), text)
    for name in Zoo.names { XCTAssertTrue(text.contains("\n\(name) "), "\(name) missing:\n\(text)") }
    XCTAssertTrue(text.contains("https://download.pytorch.org/models/resnet50-0676ba61.pth"), text)
    XCTAssertTrue(text.contains("+ https://dl.fbaipublicfiles.com/dino/dino_deitsmall8_pretrain/dino_deitsmall8_linearweights.pth"), text)
  }
}

/// The progress bar's text when stderr is not a terminal: one line per 10%.
final class ProgressBarTests: XCTestCase {
  func testNonTerminalProgressPrintsTenthsOnly() {
    var lines: [String] = []
    let bar = ProgressBar(label: "f.pth", terminal: false) { lines.append($0) }
    for received in stride(from: Int64(0), through: 1000, by: 50) { bar.update(received, total: 1000) }
    bar.finish()
    XCTAssertEqual(lines.count, 11)
    XCTAssertEqual(lines.first, "f.pth: 0% of 1000 B\n")
    XCTAssertEqual(lines.last, "f.pth: 100% of 1000 B\n")
  }

  func testTerminalProgressRedrawsOneLine() {
    var text = ""
    let bar = ProgressBar(label: "f.pth", terminal: true) { text += $0 }
    bar.update(512 << 10, total: 1 << 20)
    bar.finish()
    XCTAssertTrue(text.hasPrefix("\rf.pth [############------------]  50% 512 KiB / 1.0 MiB"), text)
    XCTAssertTrue(text.hasSuffix("\n"))
  }
}
