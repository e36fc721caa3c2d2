import Checkpoints
import Foundation
import Networks

/// Models by name: the bundled ones first, then the zoo (downloaded on demand into the cache).
///
/// ```swift
/// let cache = ModelCache(explicit: nil)              // $GRADCAM_CACHE, $XDG_CACHE_HOME/gradcam, ~/.cache/gradcam
/// let model = try Zoo.load("dino-vits8", cache: cache)
/// ```
public enum Zoo {
  /// Every name `load` accepts: bundled, then zoo.
  public static var names: [String] { BundledModels.names + ZooCatalog.names }

  /// The files of zoo model `name` in the cache, downloading those that are missing.
  public static func fetch(_ model: ZooModel, downloader: Downloader) throws -> [URL] {
    try model.files.map { try downloader.fetch($0).url }
  }

  /// Loads bundled or zoo model `name`; zoo files are fetched with `downloader` when missing.
  ///
  /// - Returns: the model and the checkpoint keys it did not use.
  public static func load(_ name: String, downloader: Downloader, strict: Bool = false) throws
    -> (model: ImageClassifier, unusedKeys: [String])
  {
    if BundledModels.names.contains(name) { return (try BundledModels.load(name), []) }
    guard let model = ZooCatalog.model(named: name) else { throw ZooError.unknownModel(name, known: names) }
    return try load(model, downloader: downloader, strict: strict)
  }

  /// Fetches the files of `model` when missing and loads them, merged, into its architecture.
  public static func load(_ model: ZooModel, downloader: Downloader, strict: Bool = false) throws
    -> (model: ImageClassifier, unusedKeys: [String])
  {
    let urls = try fetch(model, downloader: downloader)
    return try Architectures.load(model.architecture, weights: urls, normalization: model.normalization, strict: strict)
  }

  /// Loads `name` with the default downloader on `cache`.
  public static func load(_ name: String, cache: ModelCache, strict: Bool = false) throws
    -> (model: ImageClassifier, unusedKeys: [String])
  {
    try load(name, downloader: Downloader(cache: cache), strict: strict)
  }
}
