import Checkpoints
#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import XCTest
import Zoo

/// The download client against a local server: verification, atomic rename, refusals, resume.
final class DownloaderTests: XCTestCase {
  var cache: ModelCache!
  var warnings: [String] = []

  override func setUpWithError() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcam-zoo-\(UUID().uuidString)")
    cache = ModelCache(directory: dir)
    warnings = []
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: cache.directory)
  }

  /// A generated safetensors checkpoint of about 2.4 MB.
  static let checkpoint: Data = {
    var tensors: [(String, CheckpointTensor)] = []
    for i in 0..<6 {
      let floats = (0..<100_000).map { Float(sin(Double($0 * (i + 1)) * 0.001)) }
      tensors.append(("layer\(i).weight", CheckpointTensor(shape: [100, 1000], floats: floats)))
    }
    return try! SafeTensors.encode(tensors)
  }()

  static var digest: String { FileHash.sha256(checkpoint) }

  func downloader(attempts: Int = 3) -> Downloader {
    var d = Downloader(cache: cache)
    d.maxAttempts = attempts
    d.timeout = 10
    d.progress = nil
    d.warn = { [unowned self] in warnings.append($0) }
    return d
  }

  func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

  func testDownloadVerifiesFullHashAndRenamesAtomically() throws {
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.whole])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    var finalSeenMidway = true
    server.midway = { [cache] in finalSeenMidway = FileManager.default.fileExists(atPath: cache!.path(for: file).path) }

    let (url, verification) = try downloader().fetch(file)
    XCTAssertTrue(server.waitUntilStopped())
    XCTAssertFalse(finalSeenMidway, "the final path must not exist while the body is arriving")
    XCTAssertEqual(verification, .full)
    XCTAssertEqual(url, cache.path(for: file))
    XCTAssertEqual(try Data(contentsOf: url), Self.checkpoint)
    XCTAssertFalse(exists(cache.partPath(for: file)))
    let record = try String(contentsOf: cache.recordPath(for: file), encoding: .utf8)
    XCTAssertTrue(record.hasPrefix(Self.digest + "  model.safetensors"), record)
    XCTAssertEqual(cache.state(of: file), .cachedVerified)
    XCTAssertTrue(warnings.isEmpty, "\(warnings)")
    // The loaded checkpoint is intact.
    XCTAssertEqual(try Checkpoint.loadStateDict(contentsOf: url).count, 6)
    // A second fetch uses the cache: the server has stopped, so any request would fail.
    XCTAssertEqual(try downloader().fetch(file).verification, .full)
  }

  func testHashPrefixInFileNameIsVerifiedAsPrefix() throws {
    let prefix = String(Self.digest.prefix(8))
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.whole])
    let file = ZooFile.hashNamed(server.url("resnet50-\(prefix).pth"), approximateBytes: 0)
    XCTAssertEqual(file.checksum, .sha256Prefix(prefix))
    let (_, verification) = try downloader().fetch(file)
    XCTAssertEqual(verification, .prefix(prefix))
    XCTAssertEqual("\(verification)", "sha256 prefix \(prefix) verified")
  }

  func testWrongHashIsRefusedAndNothingIsKept() throws {
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.whole])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(String(repeating: "0", count: 64)), approximateBytes: 0)
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      guard case ZooError.hashMismatch(let name, _, let actual) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(name, "model.safetensors")
      XCTAssertEqual(actual, Self.digest)
      XCTAssertEqual("\(error)".split(separator: "\n").count, 1)
    }
    XCTAssertFalse(exists(cache.path(for: file)))
    XCTAssertFalse(exists(cache.partPath(for: file)))
    XCTAssertFalse(exists(cache.recordPath(for: file)))
  }

  func testTruncatedDownloadIsRefusedThenResumedOnTheNextRun() throws {
    let cut = Self.checkpoint.count / 3
    let first = try LocalHTTPServer(body: Self.checkpoint, replies: [.truncated(cut)])
    let file = ZooFile(first.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    XCTAssertThrowsError(try downloader(attempts: 1).fetch(file)) { error in
      guard case ZooError.truncated(_, let received, let expected, let part) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(received, Int64(cut))
      XCTAssertEqual(expected, Int64(Self.checkpoint.count))
      XCTAssertEqual(part, self.cache.partPath(for: file).path)
      XCTAssertTrue("\(error)".contains("resumes"), "\(error)")
    }
    XCTAssertFalse(exists(cache.path(for: file)))
    XCTAssertEqual(try Data(contentsOf: cache.partPath(for: file)), Self.checkpoint.prefix(cut))
    XCTAssertEqual(cache.state(of: file), .partial(Int64(cut)))

    // The next run (same file name, a server that honours Range) continues where it stopped.
    let second = try LocalHTTPServer(body: Self.checkpoint, replies: [.honourRange])
    let again = ZooFile(second.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    XCTAssertEqual(try downloader().fetch(again).verification, .full)
    XCTAssertEqual(LocalHTTPServer.rangeStart(second.requests.first ?? ""), cut)
    XCTAssertEqual(try Data(contentsOf: cache.path(for: file)), Self.checkpoint)
    XCTAssertFalse(exists(cache.partPath(for: file)))
  }

  func testInterruptedTransferIsResumedWithinOneFetch() throws {
    let cut = 100_000
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.truncated(cut), .honourRange])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    XCTAssertEqual(try downloader().fetch(file).verification, .full)
    XCTAssertTrue(server.waitUntilStopped())
    XCTAssertEqual(server.requests.count, 2)
    XCTAssertNil(LocalHTTPServer.rangeStart(server.requests[0]))
    XCTAssertEqual(LocalHTTPServer.rangeStart(server.requests[1]), cut)
    XCTAssertEqual(try Data(contentsOf: cache.path(for: file)), Self.checkpoint)
    XCTAssertTrue(warnings.contains { $0.contains("resuming") }, "\(warnings)")
  }

  func testResumeFromAnExistingPartFile() throws {
    try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.honourRange])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    try Self.checkpoint.prefix(1000).write(to: cache.partPath(for: file))
    XCTAssertEqual(try downloader().fetch(file).verification, .full)
    XCTAssertTrue(server.requests[0].contains("bytes=1000-"), server.requests[0])
    XCTAssertEqual(try Data(contentsOf: cache.path(for: file)), Self.checkpoint)
  }

  func testServerIgnoringRangeRestartsFromZero() throws {
    try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.whole])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    try Data(repeating: 7, count: 5000).write(to: cache.partPath(for: file))
    XCTAssertEqual(try downloader().fetch(file).verification, .full)
    XCTAssertEqual(try Data(contentsOf: cache.path(for: file)), Self.checkpoint)
  }

  func testCompletePartFileIsVerifiedWhenTheServerHasNothingMore() throws {
    try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.honourRange])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    try Self.checkpoint.write(to: cache.partPath(for: file))
    XCTAssertEqual(try downloader().fetch(file).verification, .full)  // 416, then the part is checked
    XCTAssertEqual(try Data(contentsOf: cache.path(for: file)), Self.checkpoint)
  }

  func testUnreachableServerSaysHowToPlaceTheFileByHand() throws {
    let url = "http://127.0.0.1:\(LocalHTTPServer.closedPort())/dino_deitsmall8_pretrain.pth"
    let file = ZooFile(url, checksum: .unpublished, approximateBytes: 0)
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      guard case ZooError.offline = error else { return XCTFail("\(error)") }
      let message = "\(error)"
      XCTAssertEqual(message.split(separator: "\n").count, 1, message)
      XCTAssertTrue(message.contains("offline"), message)
      XCTAssertTrue(message.contains(url), message)
      XCTAssertTrue(message.contains("place it by hand at \(self.cache.path(for: file).path)"), message)
      XCTAssertTrue(message.contains("file name must stay dino_deitsmall8_pretrain.pth"), message)
    }
    XCTAssertFalse(exists(cache.path(for: file)))
    XCTAssertFalse(exists(cache.partPath(for: file)), "no empty .part is left behind")
    XCTAssertEqual(cache.state(of: file), .absent)
  }

  func testHTTPErrorStatusIsReported() throws {
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.status(404)])
    let file = ZooFile(server.url("missing.pth"), checksum: .unpublished, approximateBytes: 0)
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      XCTAssertEqual(error as? ZooError, .httpStatus(404, url: file.url.absoluteString))
    }
    XCTAssertFalse(exists(cache.path(for: file)))
  }

  func testUnpublishedHashIsRecordedAsUnverifiedWithAWarning() throws {
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.whole])
    let file = ZooFile(server.url("dino_vitbase16_linearweights.pth"), checksum: .unpublished, approximateBytes: 0)
    XCTAssertEqual(try downloader().fetch(file).verification, .unverified)
    XCTAssertEqual(warnings.count, 1)
    XCTAssertTrue(warnings[0].contains("unverified") && warnings[0].contains(Self.digest), warnings[0])
    let record = try String(contentsOf: cache.recordPath(for: file), encoding: .utf8)
    XCTAssertTrue(record.contains(Self.digest) && record.contains("unverified"), record)
    XCTAssertEqual(cache.state(of: file), .cachedUnverified)
  }

  func testFilePlacedByHandIsCheckedWithoutNetwork() throws {
    try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
    let url = "http://127.0.0.1:\(LocalHTTPServer.closedPort())/model.safetensors"
    let good = ZooFile(url, checksum: .sha256(Self.digest), approximateBytes: 0)
    try Self.checkpoint.write(to: cache.path(for: good))
    XCTAssertEqual(cache.state(of: good), .cachedUnchecked)
    XCTAssertEqual(try downloader().fetch(good).verification, .full)
    XCTAssertEqual(cache.state(of: good), .cachedVerified)

    let bad = ZooFile(url.replacingOccurrences(of: "model", with: "other"), checksum: .sha256(String(repeating: "a", count: 64)), approximateBytes: 0)
    try Self.checkpoint.write(to: cache.path(for: bad))
    XCTAssertThrowsError(try downloader().fetch(bad)) { error in
      XCTAssertTrue("\(error)".contains("delete or replace this file"), "\(error)")
    }
  }
}

extension DownloaderTests {
  func testConcurrentDownloadOfTheSameFileIsRefused() throws {
    try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
    let url = "http://127.0.0.1:\(LocalHTTPServer.closedPort())/model.safetensors"
    let file = ZooFile(url, checksum: .sha256(Self.digest), approximateBytes: 0)
    let fd = open(cache.partPath(for: file).path, O_RDWR | O_CREAT, 0o644)
    XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
    defer { close(fd) }
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      XCTAssertTrue("\(error)".contains("another gradcam process is downloading model.safetensors"), "\(error)")
    }
  }

  func testPartFileLongerThanTheServersFileStartsOver() throws {
    try FileManager.default.createDirectory(at: cache.directory, withIntermediateDirectories: true)
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.honourRange, .honourRange])
    let file = ZooFile(server.url("model.safetensors"), checksum: .unpublished, approximateBytes: 0)
    try (Self.checkpoint + Data(repeating: 1, count: 10)).write(to: cache.partPath(for: file))
    XCTAssertEqual(try downloader().fetch(file).verification, .unverified)
    XCTAssertEqual(try Data(contentsOf: cache.path(for: file)), Self.checkpoint)
    XCTAssertEqual(server.requests.count, 2)
  }
}

/// Failed downloads leave nothing behind but a resumable `.part`, and say why in one line.
extension DownloaderTests {
  func testFailedDownloadRemovesThePartFileItCreated() throws {
    // Part of the body arrives, then the resumed request gets an HTTP error.
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.truncated(100_000), .status(500)])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      XCTAssertEqual(error as? ZooError, .httpStatus(500, url: file.url.absoluteString))
    }
    XCTAssertFalse(exists(cache.partPath(for: file)), "the .part of a failed download is removed")
    XCTAssertFalse(exists(cache.path(for: file)))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.directory.path), [])
  }

  func testFullDiskRemovesThePartFileWithAOneLineError() throws {
    // A file-size limit of 1 MB makes the 2.4 MB download fail as on a full disk (EFBIG).
    var old = rlimit()
    XCTAssertEqual(getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old), 0)
    var small = old
    small.rlim_cur = 1 << 20
    let oldHandler = signal(SIGXFSZ, SIG_IGN)
    XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &small), 0)
    defer {
      setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
      signal(SIGXFSZ, oldHandler)
    }
    let server = try LocalHTTPServer(body: Self.checkpoint, replies: [.whole])
    let file = ZooFile(server.url("model.safetensors"), checksum: .sha256(Self.digest), approximateBytes: 0)
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      let message = "\(error)"
      XCTAssertEqual(message.split(separator: "\n").count, 1, message)
      XCTAssertTrue(message.contains("cannot write \(self.cache.partPath(for: file).path): File too large"), message)
    }
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.directory.path), [])
  }

  func testCacheFolderAndCachedFileOfTheWrongKindAreOneLine() throws {
    let url = "http://127.0.0.1:\(LocalHTTPServer.closedPort())/model.safetensors"
    let file = ZooFile(url, checksum: .sha256(Self.digest), approximateBytes: 0)
    // The cache folder is a file.
    _ = FileManager.default.createFile(atPath: cache.directory.path, contents: Data("x".utf8))
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      XCTAssertEqual("\(error)", "cannot use the cache folder \(self.cache.directory.path): it is not a folder")
    }
    // Its parent is a file.
    let below = ModelCache(directory: cache.directory.appendingPathComponent("sub"))
    XCTAssertThrowsError(try Downloader(cache: below).fetch(file)) { error in
      XCTAssertEqual("\(error)", "cannot create the cache folder \(below.directory.path): Not a directory")
    }
    try FileManager.default.removeItem(at: cache.directory)
    // The cached file is a folder or a FIFO: refused, not read (no crash, no hang).
    try FileManager.default.createDirectory(at: cache.path(for: file), withIntermediateDirectories: true)
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      XCTAssertEqual("\(error)", "\(self.cache.path(for: file).path): is a directory, not a checkpoint; delete or replace it")
    }
    try FileManager.default.removeItem(at: cache.path(for: file))
    XCTAssertEqual(mkfifo(cache.path(for: file).path, 0o600), 0)
    XCTAssertThrowsError(try downloader().fetch(file)) { error in
      XCTAssertTrue("\(error)".contains("is not a regular file"), "\(error)")
    }
  }
}
