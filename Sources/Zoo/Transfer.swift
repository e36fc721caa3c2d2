import AtomicFiles
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP GET streamed onto the end of a `.part` file, asking the server to resume with
/// `Range: bytes=N-` when the file already holds N bytes.
///
/// `@unchecked Sendable`: its state is touched only on the session's serial delegate queue until
/// `done` is signalled, and only by the waiting thread after that.
final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  /// How the request ended.
  enum Outcome {
    /// The body arrived completely; `expected` is the full file size when the server said it.
    case complete(expected: Int64?)
    /// The server said the range starts past the end: the `.part` may already be complete.
    case rangeNotSatisfiable
    /// No answer at all (offline, refused, DNS, timeout before any response).
    case unreachable(String)
    /// An answer arrived, then the connection failed or ended early.
    case interrupted(String, expected: Int64?)
    /// An HTTP error status.
    case httpStatus(Int)
    /// Writing the `.part` file failed.
    case writeFailed(String)
  }

  private let handle: FileHandle
  private let part: URL
  private let offset: Int64
  private let progress: ((Int64, Int64?) -> Void)?
  private let done = DispatchSemaphore(value: 0)
  private var responded = false
  private var status = 0
  private var expected: Int64?
  private(set) var written: Int64
  private var failure: Outcome?
  private var outcome: Outcome = .unreachable("no answer")

  private init(handle: FileHandle, part: URL, offset: Int64, progress: ((Int64, Int64?) -> Void)?) {
    self.handle = handle
    self.part = part
    self.offset = offset
    self.written = offset
    self.progress = progress
  }

  /// Runs one request for `url` appending to `part` and returns how it ended.
  static func run(_ url: URL, part: URL, timeout: TimeInterval, progress: ((Int64, Int64?) -> Void)?) throws -> Outcome {
    let fm = FileManager.default
    if !fm.fileExists(atPath: part.path) { _ = fm.createFile(atPath: part.path, contents: nil) }
    guard let handle = FileHandle(forUpdatingAtPath: part.path) else {
      throw ZooError.io("cannot write \(part.path): \(FileBytes.Failure.errno.reason)")
    }
    defer { try? handle.close() }
    let offset = Int64(try handle.seekToEnd())
    let transfer = Transfer(handle: handle, part: part, offset: offset, progress: progress)

    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.urlCache = nil
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 1
    let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
    var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
    if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
    session.dataTask(with: request).resume()
    transfer.done.wait()
    session.finishTasksAndInvalidate()
    return transfer.outcome
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    responded = true
    let http = response as? HTTPURLResponse
    status = http?.statusCode ?? 200
    let length = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
    switch status {
    case 206:
      // Content-Range: bytes START-END/TOTAL; a different start means we cannot append.
      let range = http?.value(forHTTPHeaderField: "Content-Range") ?? ""
      let numbers = range.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
      guard numbers.count == 3, numbers[0] == offset else {
        failure = .interrupted("the server resumed at the wrong place (Content-Range '\(range)'); starting over", expected: nil)
        restart()
        completionHandler(.cancel)
        return
      }
      expected = numbers[2]
    case 200:
      restart()  // The server ignored the Range header: start over.
      expected = length
    case 416:
      // Complete only if the server's size (Content-Range: bytes */TOTAL) is what we hold.
      let range = http?.value(forHTTPHeaderField: "Content-Range") ?? ""
      if let total = range.split(separator: "/").last.flatMap({ Int64($0) }), total == offset {
        failure = .rangeNotSatisfiable
      } else {
        restart()
        failure = .interrupted("the partial file does not fit the server's ('\(range)'); starting over", expected: nil)
      }
      completionHandler(.cancel)
      return
    default:
      failure = .httpStatus(status)
      completionHandler(.cancel)
      return
    }
    progress?(written, expected)
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard failure == nil else { return }
    do {
      try FileBytes.writeAll(data, to: handle.fileDescriptor)
      written += Int64(data.count)
      progress?(written, expected)
    } catch {
      failure = .writeFailed("cannot write \(part.path): \(error.reason)")
      dataTask.cancel()
    }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    if let failure {
      outcome = failure
    } else if let error {
      outcome = responded ? .interrupted(Self.reason(error), expected: expected) : .unreachable(Self.reason(error))
    } else if let expected, written < expected {
      outcome = .interrupted("the server closed the connection early", expected: expected)
    } else {
      outcome = .complete(expected: expected)
    }
    done.signal()
  }

  private func restart() {
    try? handle.truncate(atOffset: 0)
    written = 0
  }

  private static func reason(_ error: Error) -> String {
    if let e = error as? URLError {
      let text = e.localizedDescription
      return text.isEmpty || text.hasPrefix("The operation") ? "URL error \(e.code.rawValue)" : text
    }
    return error.localizedDescription
  }
}
