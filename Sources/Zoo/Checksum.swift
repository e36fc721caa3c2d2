import Checksums
import Foundation

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
  /// The lowercase hex SHA-256 of the file at `url`.
  public static func sha256(of url: URL) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: url.path) else {
      throw ZooError.io("cannot read \(url.path)")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
      let chunk = handle.readData(ofLength: 1 << 20)
      if chunk.isEmpty { break }
      hasher.update(data: chunk)
    }
    return SHA256.hexString(hasher.finalize())
  }

  /// The lowercase hex SHA-256 of `data`.
  public static func sha256(_ data: Data) -> String {
    SHA256.hex(data)
  }
}
