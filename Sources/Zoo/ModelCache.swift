import AtomicFiles
import Foundation
import ProgressBars

#if canImport(Glibc)
  import Glibc
#endif

/// The folder downloaded checkpoints live in, and what is known about each file in it.
///
/// Chosen in this order: an explicit folder (`--cache-dir`), `$GRADCAM_CACHE`,
/// `$XDG_CACHE_HOME/gradcam`, `~/.cache/gradcam`. Files keep their publishers' names, so a
/// file downloaded elsewhere can be dropped in by hand. Beside each verified download,
/// `NAME.sha256` records its SHA-256 and how far it was checked.
public struct ModelCache: Sendable {
  /// The cache folder.
  public let directory: URL

  public init(directory: URL) { self.directory = directory }

  /// The cache chosen by `explicit` (a `--cache-dir` value) or else the environment.
  public init(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
    directory = Self.resolve(explicit: explicit, environment: environment)
  }

  /// The cache folder for `explicit` and `environment` (see the type's documentation).
  public static func resolve(explicit: String?, environment: [String: String]) -> URL {
    func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
    if let path = nonEmpty(explicit) ?? nonEmpty(environment["GRADCAM_CACHE"]) {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    if let xdg = nonEmpty(environment["XDG_CACHE_HOME"]) {
      return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("gradcam", isDirectory: true)
    }
    let home = nonEmpty(environment["HOME"]) ?? NSHomeDirectory()
    return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/gradcam", isDirectory: true)
  }

  /// Where `file` lives once complete.
  public func path(for file: ZooFile) -> URL { directory.appendingPathComponent(file.fileName) }

  /// Where an unfinished download of `file` accumulates.
  public func partPath(for file: ZooFile) -> URL { directory.appendingPathComponent(file.fileName + ".part") }

  /// The record of the SHA-256 seen for `file`.
  public func recordPath(for file: ZooFile) -> URL { directory.appendingPathComponent(file.fileName + ".sha256") }

  /// Whether `file` is complete in the cache (downloaded, or placed by hand).
  public func contains(_ file: ZooFile) -> Bool { FileManager.default.fileExists(atPath: path(for: file).path) }

  /// The state of `file` for display.
  public func state(of file: ZooFile) -> FileState {
    let fm = FileManager.default
    if fm.fileExists(atPath: path(for: file).path) {
      if let record = try? String(contentsOf: recordPath(for: file), encoding: .utf8) {
        return record.contains("unverified") ? .cachedUnverified : .cachedVerified
      }
      return .cachedUnchecked
    }
    if let size = (try? fm.attributesOfItem(atPath: partPath(for: file).path))?[.size] as? NSNumber {
      return .partial(size.int64Value)
    }
    return .absent
  }

  /// The state of every file of `model`, summarised.
  public func state(of model: ZooModel) -> String {
    let states = model.files.map { state(of: $0) }
    if states.allSatisfy({ $0 == .absent }) { return "no" }
    return states.map(\.description).joined(separator: " + ")
  }

  /// Writes `NAME.sha256`: the digest, the file name and how it was checked (sha256sum style).
  func record(_ digest: String, for file: ZooFile, verification: Verification) throws {
    let line = "\(digest)  \(file.fileName)  # \(verification)\n"
    do {
      try AtomicWrite.write(Data(line.utf8), to: recordPath(for: file))
    } catch {
      throw ZooError.io("\(error)")
    }
  }

  /// Creates the cache folder and its missing parents (a cache is created wherever it is
  /// configured to be).
  /// - Throws: ``ZooError/io(_:)`` naming the folder and the problem, in one line.
  func createDirectory() throws {
    if let id = FileIdentity(directory.path) {
      guard id.kind == S_IFDIR else { throw ZooError.io("cannot use the cache folder \(directory.path): it is not a folder") }
      return
    }
    // mkdir for each missing folder down from the first existing one, for a POSIX reason.
    var missing: [String] = []
    var path = directory.standardizedFileURL.path
    while FileIdentity(path) == nil, path != "/" {
      missing.append(path)
      path = (path as NSString).deletingLastPathComponent
    }
    for folder in missing.reversed() where mkdir(folder, 0o777) != 0 && errno != EEXIST {
      throw ZooError.io("cannot create the cache folder \(directory.path): \(FileBytes.Failure.errno.reason)")
    }
  }
}

/// Whether a file is in the cache.
public enum FileState: Sendable, Equatable, CustomStringConvertible {
  case absent
  /// A `.part` file of this many bytes waits to be resumed.
  case partial(Int64)
  /// Complete, with a SHA-256 matching the published (prefix of the) hash.
  case cachedVerified
  /// Complete, but nothing was published to verify it against.
  case cachedUnverified
  /// Present (placed by hand) and not yet hashed; it is checked on first use.
  case cachedUnchecked

  public var description: String {
    switch self {
    case .absent: return "no"
    case .partial(let n): return "partial (\(ByteCount.format(n)))"
    case .cachedVerified: return "yes"
    case .cachedUnverified: return "yes (unverified)"
    case .cachedUnchecked: return "yes (not yet checked)"
    }
  }
}
