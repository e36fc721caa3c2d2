import Checkpoints
import Foundation

/// One file a zoo model is built from, at its publisher's URL.
public struct ZooFile: Sendable, Equatable {
  /// Where the publisher serves it.
  public let url: URL
  /// What the publisher tells about its hash.
  public let checksum: Checksum
  /// Approximate size in bytes (from parameter counts where the publisher gives none), for display.
  public let approximateBytes: Int64

  /// The file name in the cache: the publisher's own name, so that a file placed by hand is
  /// recognised.
  public var fileName: String { url.lastPathComponent }

  public init(_ url: String, checksum: Checksum, approximateBytes: Int64) {
    self.url = URL(string: url)!
    self.checksum = checksum
    self.approximateBytes = approximateBytes
  }

  /// A torchvision / OpenMMLab file whose name ends in `-<first 8 hex digits of SHA-256>.pth`.
  public static func hashNamed(_ url: String, approximateBytes: Int64) -> ZooFile {
    let stem = URL(string: url)!.deletingPathExtension().lastPathComponent
    let prefix = String(stem.split(separator: "-").last!)
    precondition(prefix.count == 8 && prefix.allSatisfy(\.isHexDigit), "no hash in \(url)")
    return ZooFile(url, checksum: .sha256Prefix(prefix), approximateBytes: approximateBytes)
  }
}

/// A published model that can be fetched by name: its architecture, files and provenance.
public struct ZooModel: Sendable {
  /// The name given to `--model`.
  public let name: String
  /// The ``Networks/Architectures`` name it loads into.
  public let architecture: String
  /// The files whose state dicts are merged (backbone first, then a separate linear head).
  public let files: [ZooFile]
  /// The licence of the weights as stated by the publisher.
  public let licence: String
  /// What it is, in a few words (method, training, published top-1).
  public let summary: String
  /// Extra key renames applied when loading (e.g. DINO's ResNet head `linear.` → `fc.`).
  public let renames: [(from: String, to: String)]

  public init(
    name: String, architecture: String, files: [ZooFile], licence: String, summary: String,
    renames: [(from: String, to: String)] = []
  ) {
    self.name = name
    self.architecture = architecture
    self.files = files
    self.licence = licence
    self.summary = summary
    self.renames = renames
  }

  /// Total approximate download size.
  public var approximateBytes: Int64 { files.reduce(0) { $0 + $1.approximateBytes } }

  /// The key normalisation used to load this model's files.
  public var normalization: KeyNormalization {
    renames.reduce(KeyNormalization.standard) { $0.renaming($1.from, to: $1.to) }
  }
}
