import Foundation
import Networks
import ProgressBars

/// The table `gradcam models` prints: every bundled and zoo model with its architecture,
/// preprocessing profile, size, licence, hash, cache state and source.
public enum ModelTable {
  /// One printed row (extra source URLs follow on continuation lines).
  public struct Row: Sendable, Equatable {
    public var name, architecture, profile, size, licence, hash, cached: String
    public var sources: [String]
  }

  /// The rows for every bundled and zoo model, given `cache`.
  public static func rows(cache: ModelCache) -> [Row] {
    let bundled = BundledModels.architectures.map { entry -> Row in
      let bytes = BundledModels.url(entry.name).flatMap {
        (try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? NSNumber)?.int64Value
      }
      let provenance = BundledModels.provenance(entry.name)
      return Row(
        name: entry.name, architecture: entry.architecture, profile: profile(entry.architecture), size: bytes.map(ByteCount.format) ?? "?",
        licence: provenance.licence, hash: "bundled", cached: "bundled", sources: [provenance.source])
    }
    let zoo = ZooCatalog.models.map { m in
      let hashes = Set(m.files.map(\.checksum.summary))
      return Row(
        name: m.name, architecture: m.architecture, profile: profile(m.architecture), size: ByteCount.approximate(m.approximateBytes),
        licence: m.licence, hash: hashes.count == 1 ? hashes.first! : hashes.sorted().joined(separator: "/"),
        cached: cache.state(of: m), sources: m.files.map(\.url.absoluteString))
    }
    return bundled + zoo
  }

  /// The preprocessing profile a model of `architecture` is fed with.
  static func profile(_ architecture: String) -> String { Architectures.profile(of: architecture) ?? "?" }

  /// The whole table as text, headed by the cache folder.
  public static func render(cache: ModelCache) -> String {
    let rows = rows(cache: cache)
    let header = Row(name: "NAME", architecture: "ARCHITECTURE", profile: "PROFILE", size: "SIZE", licence: "LICENCE", hash: "HASH", cached: "CACHED", sources: ["SOURCE"])
    let all = [header] + rows
    func width(_ k: KeyPath<Row, String>) -> Int { all.map { $0[keyPath: k].count }.max()! }
    let columns: [KeyPath<Row, String>] = [\.name, \.architecture, \.profile, \.size, \.licence, \.hash, \.cached]
    let widths = columns.map(width)
    let indent = widths.reduce(0, +) + 2 * widths.count
    var out = "cache: \(cache.directory.path)\n"
    for row in all {
      let cells = zip(columns, widths).map { k, w in row[keyPath: k].padding(toLength: w, withPad: " ", startingAt: 0) }
      out += cells.joined(separator: "  ") + "  " + (row.sources.first ?? "") + "\n"
      for extra in row.sources.dropFirst() { out += String(repeating: " ", count: indent) + "+ " + extra + "\n" }
    }
    out += """
      PROFILE: the preprocessing applied unless --preprocess is given (the publisher's evaluation \
      transform). Zoo files download on first use (SIZE ≈: estimated from parameter counts). HASH "prefix": the \
      publisher's file name carries the first 8 hex digits of the SHA-256, and only those are \
      checked; "none published": the download cannot be verified (its SHA-256 is recorded).
      * torchvision's code is BSD-3-Clause; it notes that pretrained weights may carry the terms \
      of their training data (ImageNet: non-commercial research).

      """
    return out
  }
}
