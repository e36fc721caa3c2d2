import AtomicFiles
import Foundation
import ProgressBars

#if canImport(Glibc)
  import Glibc
#endif

/// Fetches zoo files into a ``ModelCache``: streamed to `NAME.part`, resumed with HTTP Range
/// after an interruption, checked against the published SHA-256 (or its prefix), and only then
/// renamed atomically to `NAME`. The final path therefore never holds a partial or unverified
/// -against-a-published-hash file. A failed download removes the `.part` file it created,
/// except after an interrupted transfer: that one is kept for the next run to resume, and the
/// error says so.
public struct Downloader {
  /// The cache files go to.
  public var cache: ModelCache
  /// Requests per file: an interrupted transfer is resumed until this many were made.
  public var maxAttempts = 3
  /// Seconds without data before a request is abandoned.
  public var timeout: TimeInterval = 60
  /// Draws the progress of a file (default: a bar on stderr); nil for silence.
  public var progress: ((ZooFile) -> ProgressBar)? = { ProgressBar(label: $0.fileName) }
  /// Receives warnings (default: stderr), e.g. that a file could not be verified.
  public var warn: (String) -> Void = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }

  public init(cache: ModelCache) { self.cache = cache }

  /// The complete file for `file`, downloading it first when it is not in the cache.
  ///
  /// A file already in the cache without a `.sha256` record (placed by hand) is hashed and
  /// checked once, then recorded.
  @discardableResult
  public func fetch(_ file: ZooFile) throws -> (url: URL, verification: Verification) {
    let final = cache.path(for: file)
    let fm = FileManager.default
    if fm.fileExists(atPath: final.path) {
      if let verification = recordedVerification(file) { return (final, verification) }
      let digest = try FileHash.sha256(of: final)
      guard let verification = file.checksum.verify(digest) else {
        throw ZooError.io(
          "\(final.path): SHA-256 \(digest) does not match the published \(file.checksum.published); delete or replace this file")
      }
      try finish(file, digest: digest, verification: verification)
      return (final, verification)
    }
    try cache.createDirectory()
    let part = cache.partPath(for: file)
    let resuming = fm.fileExists(atPath: part.path)
    let lock = try lockPart(part, file: file)
    defer { close(lock) }
    // Removes the `.part` file after a failure: the one this run created, or an empty one.
    func removePart() {
      let size = (try? fm.attributesOfItem(atPath: part.path)[.size] as? NSNumber)?.int64Value
      if !resuming || size == 0 { unlink(part.path) }
    }
    if fm.fileExists(atPath: final.path) {  // another process finished it
      removePart()
      return try fetch(file)
    }
    do {
      try download(file)
    } catch {
      if case ZooError.truncated = error {} else { removePart() }  // an interrupted transfer is resumable
      throw error
    }
    let digest = try FileHash.sha256(of: part)
    guard let verification = file.checksum.verify(digest) else {
      try? fm.removeItem(at: part)
      throw ZooError.hashMismatch(file: file.fileName, expected: file.checksum.published, actual: digest)
    }
    guard rename(part.path, final.path) == 0 else {
      throw ZooError.io("cannot move \(part.path) to \(final.path): \(String(cString: strerror(errno)))")
    }
    try finish(file, digest: digest, verification: verification)
    return (final, verification)
  }

  /// Runs requests until the `.part` file holds the whole body, or throws.
  private func download(_ file: ZooFile) throws {
    let part = cache.partPath(for: file)
    let bar = progress?(file)
    defer { bar?.finish() }
    var attempt = 0
    while true {
      attempt += 1
      let outcome = try Transfer.run(file.url, part: part, timeout: timeout) { bar?.update($0, total: $1) }
      switch outcome {
      case .complete, .rangeNotSatisfiable:
        return
      case .unreachable(let reason):
        throw ZooError.offline(
          file: file.fileName, url: file.url.absoluteString, destination: cache.path(for: file).path, reason: reason)
      case .httpStatus(let status):
        throw ZooError.httpStatus(status, url: file.url.absoluteString)
      case .writeFailed(let why):
        throw ZooError.io(why)
      case .interrupted(let reason, let expected):
        let received = (try? FileManager.default.attributesOfItem(atPath: part.path)[.size] as? NSNumber)?.int64Value ?? 0
        if attempt >= maxAttempts {
          throw ZooError.truncated(file: file.fileName, received: received, expected: expected, partPath: part.path)
        }
        warn("\(file.fileName): \(reason) after \(received) bytes; resuming")
      }
    }
  }

  /// Takes an exclusive `flock` on the `.part` file so two processes never append to it at once.
  private func lockPart(_ part: URL, file: ZooFile) throws -> Int32 {
    let fd = open(part.path, O_RDWR | O_CREAT, 0o644)
    guard fd >= 0 else { throw ZooError.io("cannot write \(part.path): \(String(cString: strerror(errno)))") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw ZooError.io("another gradcam process is downloading \(file.fileName) into \(part.path); wait for it to finish")
    }
    return fd
  }

  private func recordedVerification(_ file: ZooFile) -> Verification? {
    guard let record = try? String(contentsOf: cache.recordPath(for: file), encoding: .utf8) else { return nil }
    if record.contains("unverified") { return .unverified }
    if case .sha256Prefix(let p) = file.checksum { return .prefix(p) }
    return .full
  }

  private func finish(_ file: ZooFile, digest: String, verification: Verification) throws {
    try cache.record(digest, for: file, verification: verification)
    if verification == .unverified {
      warn("\(file.fileName): the publisher gives no hash, so this file is unverified (its SHA-256 is \(digest), recorded in \(cache.recordPath(for: file).lastPathComponent))")
    }
  }
}
