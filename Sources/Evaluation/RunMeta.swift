import AtomicFiles
import Foundation

/// What a run evaluates, written as `meta.json` next to its rows. A resumed run must match it, and
/// `merge` requires every shard's to agree except for the shard fields.
public struct RunMeta: Codable, Equatable, Sendable {
  public static let currentFormat = "gradcam-eval/1"
  public var format = RunMeta.currentFormat
  /// Model name as shown in reports and plot legends.
  public var model: String
  public var classes: Int
  /// `imagefolder`, `corrupted-tree` or `npy`.
  public var sourceKind: String
  /// The source path as given on the command line.
  public var source: String
  /// Images in the whole dataset (all shards).
  public var images: Int
  public var corruptions: [String]
  public var severities: [Int]
  /// Whether clean images are evaluated (one `clean`, severity-0 row per image).
  public var clean: Bool
  /// Base seed of on-the-fly corruption (per-file seeds as `DatasetBuilder.seed`).
  public var seed: UInt32
  public var profile: String?
  /// CAM method and layer when attention shift is measured.
  public var cam: String?
  /// True when faithfulness scores are computed with the CAMs (absent otherwise, as in runs
  /// written before it existed).
  public var faithfulness: Bool?
  /// "bf16" when the products ran at bf16 (`--precision bf16`); absent at float32, the default
  /// (and in runs written before it existed). A resume must use the same precision.
  public var precision: String?
  public var baseline: Baseline?
  /// Images per forward pass. Rows are bitwise reproducible for one batch size (BLAS kernels can
  /// depend on the matrix shape), so resumes and shards must use the same one.
  public var batchSize: Int
  public var shardIndex: Int
  public var shardCount: Int

  public init(
    model: String, classes: Int, sourceKind: String, source: String, images: Int, corruptions: [String],
    severities: [Int], clean: Bool, seed: UInt32, profile: String?, cam: String?, baseline: Baseline?,
    batchSize: Int = 64, shardIndex: Int = 0, shardCount: Int = 1
  ) {
    self.model = model
    self.classes = classes
    self.sourceKind = sourceKind
    self.source = source
    self.images = images
    self.corruptions = corruptions
    self.severities = severities
    self.clean = clean
    self.seed = seed
    self.profile = profile
    self.cam = cam
    self.baseline = baseline
    self.batchSize = batchSize
    self.shardIndex = shardIndex
    self.shardCount = shardCount
  }

  /// This meta with the shard fields of an unsharded run.
  public var unsharded: RunMeta {
    var m = self
    m.shardIndex = 0
    m.shardCount = 1
    return m
  }

  /// The images of this shard: image index modulo shard count equals the shard index.
  public func shardImages() -> [Int] { Shard(index: shardIndex, count: shardCount).images(of: images) }

  /// Every row key this run (shard) must produce, in evaluation order.
  public func expectedKeys() -> [RowKey] {
    var keys: [RowKey] = []
    for i in shardImages() {
      if clean { keys.append(RowKey(image: i, corruption: EvalRow.clean, severity: 0)) }
      for c in corruptions { for s in severities { keys.append(RowKey(image: i, corruption: c, severity: s)) } }
    }
    return keys
  }

  public static let fileName = "meta.json"

  public static func read(_ dir: URL) throws -> RunMeta {
    let url = dir.appendingPathComponent(fileName)
    do {
      return try JSONDecoder().decode(RunMeta.self, from: Data(contentsOf: url))
    } catch {
      throw EvaluationError.format("\(url.path): cannot read run metadata (\(error))")
    }
  }

  public func write(to dir: URL) throws {
    try AtomicWrite.write(try encoded(), to: dir.appendingPathComponent(Self.fileName))
  }

  /// The `meta.json` bytes.
  public func encoded() throws -> Data { try JSONOutput.encode(self) }
}
