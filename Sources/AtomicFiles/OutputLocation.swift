import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where an output file goes, checked before any work: a symbolic link is followed to its
/// target, the folder must exist and be a folder, an existing destination must be a regular
/// file (replaced by rename) or a character device / pipe (written directly, ``isStream``).
public struct OutputLocation: Equatable, Sendable {
  /// The path as given.
  public let given: URL
  /// The path written: `given` with a symbolic link at its end followed.
  public let resolved: URL
  /// Whether the destination is a character device, pipe or socket (written in place).
  public let isStream: Bool
  /// Whether a file existed at `resolved` before this run.
  public let existed: Bool
  /// Device and inode of the existing destination, to compare with the inputs.
  public let identity: FileIdentity?

  /// Checks `url` as an output file.
  /// - Throws: ``FileBytes/Failure`` saying what is wrong (the caller names the file).
  public init(_ url: URL) throws(FileBytes.Failure) {
    given = url
    var link = stat()
    var target = url
    if lstat(url.path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
      if let real = realpath(url.path, nil) {
        target = URL(fileURLWithPath: String(cString: real))
        free(real)
      } else {
        let reason = String(cString: strerror(errno))
        // `/dev/stdout` -> `/proc/self/fd/1` -> `pipe:[N]` has no path, but open(2) through the
        // link reaches the pipe: a link to a stream is written through as it is.
        guard let id = FileIdentity(url.path), [S_IFCHR, S_IFIFO, S_IFSOCK].contains(id.kind) else {
          throw FileBytes.Failure("is a symbolic link to a missing file (\(reason))")
        }
      }
    }
    resolved = target
    if let id = FileIdentity(target.path) {
      existed = true
      identity = id
      switch id.kind {
      case S_IFREG: isStream = false
      case S_IFCHR, S_IFIFO, S_IFSOCK: isStream = true
      case S_IFDIR: throw FileBytes.Failure("is a directory")
      default: throw FileBytes.Failure("is not a regular file, device or pipe")
      }
      return
    }
    existed = false
    identity = nil
    isStream = false
    let parent = target.deletingLastPathComponent().path
    var folder = stat()
    guard stat(parent, &folder) == 0 else {
      throw FileBytes.Failure("its folder \(parent) does not exist (\(String(cString: strerror(errno))))")
    }
    guard folder.st_mode & S_IFMT == S_IFDIR else { throw FileBytes.Failure("\(parent) is not a folder") }
  }
}

extension OutputLocation {
  /// Checks `path` as an output folder: an existing folder, or a missing one whose parent is a
  /// folder. Returns whether it exists.
  /// - Throws: ``FileBytes/Failure`` saying what is wrong (the caller names the folder).
  @discardableResult
  public static func checkFolder(_ path: String) throws(FileBytes.Failure) -> Bool {
    if let id = FileIdentity(path) {
      guard id.kind == S_IFDIR else { throw FileBytes.Failure("is not a folder") }
      return true
    }
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard let p = FileIdentity(parent) else { throw FileBytes.Failure("its folder \(parent) does not exist") }
    guard p.kind == S_IFDIR else { throw FileBytes.Failure("\(parent) is not a folder") }
    return false
  }
}

/// A file's device and inode number (after following symbolic links): two paths name the same
/// file exactly when these are equal.
public struct FileIdentity: Hashable, Sendable {
  public let device: UInt64
  public let inode: UInt64
  /// `st_mode & S_IFMT`.
  public let kind: mode_t

  /// The identity of the file at `path`, nil when nothing is there.
  public init?(_ path: String) {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    kind = info.st_mode & S_IFMT
  }
}
