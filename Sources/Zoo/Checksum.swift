import AtomicFiles
import Checksums
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What the publisher tells about a file's content hash.
public enum Checksum: Sendable, Equatable {
  /// The full SHA-256 (64 lowercase hex digits).
  case sha256(String)
  /// Only the first hex digits of the SHA-256, as carried in the file name by torch.hub
  /// (`resnet50-0676ba61.pth`) and OpenMMLab's publish script (`..._20220825-52fde35f.pth`).
  case sha256Prefix(String)
  /// No hash is published: the download cannot be verified.
  case unpublished

  /// A short description for tables: `sha256 0676ba61 (prefix)`, `none published`.
  public var summary: String {
    switch self {
    case .sha256(let h): return "sha256 \(h.prefix(12))…"
    case .sha256Prefix(let p): return "sha256 \(p)… (prefix)"
    case .unpublished: return "none published"
    }
  }

  /// Checks `digest` (full lowercase hex SHA-256) against the published value.
  public func verify(_ digest: String) -> Verification? {
    switch self {
    case .sha256(let h): return h.lowercased() == digest ? .full : nil
    case .sha256Prefix(let p): return digest.hasPrefix(p.lowercased()) ? .prefix(p.lowercased()) : nil
    case .unpublished: return .unverified
    }
  }

  /// The published value, for error messages.
  var published: String {
    switch self {
    case .sha256(let h): return h
    case .sha256Prefix(let p): return "\(p)… (prefix)"
    case .unpublished: return "(none)"
    }
  }
}

/// How far a file's integrity was actually checked.
public enum Verification: Sendable, Equatable, CustomStringConvertible {
  /// The whole SHA-256 matched the published one.
  case full
  /// Only the published prefix of the SHA-256 matched (e.g. 8 hex digits = 32 bits).
  case prefix(String)
  /// Nothing was published to compare with.
  case unverified

  public var description: String {
    switch self {
    case .full: return "sha256 verified"
    case .prefix(let p): return "sha256 prefix \(p) verified"
    case .unverified: return "unverified (no published hash)"
    }
  }
}

/// SHA-256 of files, streamed in 1 MiB chunks.
public enum FileHash {
  /// The lowercase hex SHA-256 of the regular file at `url`.
  /// - Throws: ``ZooError/io(_:)`` naming the file and the problem (a folder, device or FIFO
  ///   where a file should be, a read error).
  public static func sha256(of url: URL) throws -> String {
    guard let id = FileIdentity(url.path) else { throw ZooError.io("cannot read \(url.path): \(FileBytes.Failure.errno.reason)") }
    guard id.kind == S_IFREG else {
      throw ZooError.io("\(url.path): \(id.kind == S_IFDIR ? "is a directory" : "is not a regular file (a device, pipe or socket)"), not a checkpoint; delete or replace it")
    }
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ZooError.io("cannot read \(url.path): \(FileBytes.Failure.errno.reason)") }
    defer { close(fd) }
    var hasher = SHA256()
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw ZooError.io("cannot read \(url.path): \(FileBytes.Failure.errno.reason)") }
      if n == 0 { break }
      chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
    }
    return SHA256.hexString(hasher.finalize())
  }

  /// The lowercase hex SHA-256 of `data`.
  public static func sha256(_ data: Data) -> String {
    SHA256.hex(data)
  }
}
