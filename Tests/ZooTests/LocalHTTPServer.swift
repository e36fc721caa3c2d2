import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A tiny blocking HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests.
///
/// It serves one body to a fixed script of replies, one connection per reply, then stops by
/// itself; it also stops after `idleTimeout` seconds without a connection. Nothing leaves the
/// loopback interface.
final class LocalHTTPServer: @unchecked Sendable {
  /// What the server does with one request.
  enum Reply {
    /// 200 with the whole body (the Range header is ignored).
    case whole
    /// 206 from the requested Range start (or 200 whole without a Range header).
    case honourRange
    /// 200 announcing the whole body, but only its first `n` bytes are sent before closing.
    case truncated(Int)
    /// An error status with an empty body.
    case status(Int)
  }

  let port: UInt16
  private let body: Data
  private let replies: [Reply]
  private let idleTimeout: Int32
  private let listener: Int32
  private let lock = NSLock()
  private var heads: [String] = []
  private let finished = DispatchSemaphore(value: 0)
  /// Called (on the server thread) after half of a 200/206 body has been sent.
  var midway: (() -> Void)?

  init(body: Data, replies: [Reply], idleTimeout: Int32 = 10) throws {
    self.body = body
    self.replies = replies
    self.idleTimeout = idleTimeout
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ServerError("socket failed") }
    listener = fd
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
        bind(fd, p, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, p, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw ServerError("bind/listen on 127.0.0.1 failed")
    }
    port = UInt16(bigEndian: address.sin_port)
    let thread = Thread { [self] in serve() }
    thread.start()
  }

  /// The URL of `name` on this server.
  func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

  /// The request heads received so far.
  var requests: [String] { lock.withLock { heads } }

  /// Waits (at most `seconds`) for the server thread to end.
  @discardableResult
  func waitUntilStopped(seconds: Double = 10) -> Bool {
    finished.wait(timeout: .now() + seconds) == .success
  }

  /// A port on which nothing listens (bound, then closed), for "unreachable" tests.
  static func closedPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return UInt16(bigEndian: address.sin_port)
  }

  private func serve() {
    defer {
      close(listener)
      finished.signal()
    }
    for reply in replies {
      var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      guard poll(&pfd, 1, idleTimeout * 1000) > 0 else { return }
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      var timeout = timeval(tv_sec: 5, tv_usec: 0)
      setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
      let head = readHead(client)
      lock.withLock { heads.append(head) }
      respond(reply, to: head, on: client)
      shutdown(client, Int32(SHUT_RDWR))
      close(client)
    }
  }

  private func readHead(_ fd: Int32) -> String {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while data.count < 65536 {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      data.append(contentsOf: buffer[0..<n])
      if data.range(of: Data("\r\n\r\n".utf8)) != nil { break }
    }
    return String(decoding: data, as: UTF8.self)
  }

  private func respond(_ reply: Reply, to head: String, on fd: Int32) {
    let total = body.count
    switch reply {
    case .status(let code):
      send(fd, "HTTP/1.1 \(code) Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    case .whole:
      send(fd, "HTTP/1.1 200 OK\r\nContent-Length: \(total)\r\nConnection: close\r\n\r\n")
      sendBody(fd, body[...])
    case .truncated(let n):
      send(fd, "HTTP/1.1 200 OK\r\nContent-Length: \(total)\r\nConnection: close\r\n\r\n")
      sendBody(fd, body.prefix(n))
    case .honourRange:
      guard let start = Self.rangeStart(head) else {
        send(fd, "HTTP/1.1 200 OK\r\nContent-Length: \(total)\r\nConnection: close\r\n\r\n")
        sendBody(fd, body[...])
        return
      }
      guard start < total else {
        send(fd, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */\(total)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return
      }
      send(fd, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(start)-\(total - 1)/\(total)\r\nContent-Length: \(total - start)\r\nConnection: close\r\n\r\n")
      sendBody(fd, body[(body.startIndex + start)...])
    }
  }

  /// N from a `Range: bytes=N-` header.
  static func rangeStart(_ head: String) -> Int? {
    for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("range:") {
      let value = line.split(separator: "=", maxSplits: 1).last ?? ""
      return Int(value.split(separator: "-").first ?? "")
    }
    return nil
  }

  private func sendBody(_ fd: Int32, _ bytes: Data.SubSequence) {
    let half = bytes.startIndex + bytes.count / 2
    send(fd, Data(bytes[..<half]))
    midway?()
    send(fd, Data(bytes[half...]))
  }

  private func send(_ fd: Int32, _ text: String) { send(fd, Data(text.utf8)) }

  private func send(_ fd: Int32, _ data: Data) {
    data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        if n <= 0 { return }
        offset += n
      }
    }
  }
}

struct ServerError: Error, CustomStringConvertible {
  let description: String
  init(_ d: String) { description = d }
}
