import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one progress bar of the toolkit, on stderr: redrawn in place on a terminal, plain lines
/// otherwise. Safe to update from several threads.
///
/// * `.items` (images, files): `label [######..................] 25/100  3.1/s  eta 24s`, at most
///   every 0.2 s on a terminal (the last one ends the line), every 5 s and at the end otherwise.
/// * `.bytes` (a download): `label [######------------------]  25% 1.0 MiB / 4.0 MiB  2.0 MiB/s`
///   at most every 0.1 s on a terminal, a line per 10% otherwise; with an unknown total only the
///   bytes received and the speed. ``finish()`` ends the line.
public final class ProgressBar: @unchecked Sendable {
  /// What the bar counts.
  public enum Unit: Sendable {
    case items
    case bytes
  }

  private let label: String
  private let unit: Unit
  private let quiet: Bool
  private let terminal: Bool
  private let write: (String) -> Void
  private let lock = NSLock()
  private let start = Date()
  private var total: Int64?
  private var lastDraw = Date.distantPast
  private var lastDecile = -1
  private var lineOpen = false

  /// - Parameters:
  ///   - total: the count at completion, if known now (else give it to ``update(_:total:)``).
  ///   - quiet: draw nothing.
  ///   - terminal: whether to redraw in place (default: whether stderr is a terminal).
  ///   - write: where the text goes (default: stderr).
  public init(
    _ label: String, unit: Unit = .items, total: Int? = nil, quiet: Bool = false, terminal: Bool? = nil,
    write: ((String) -> Void)? = nil
  ) {
    self.label = label
    self.unit = unit
    self.total = total.map(Int64.init)
    self.quiet = quiet
    self.terminal = terminal ?? (isatty(STDERR_FILENO) != 0)
    self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
  }

  /// Shows that `done` items are finished.
  public func update(_ done: Int) { update(Int64(done), total: nil) }

  /// Shows that `done` of `total` (nil: the total given before, if any) are finished.
  public func update(_ done: Int64, total newTotal: Int64?) {
    guard !quiet else { return }
    lock.lock()
    defer { lock.unlock() }
    if let newTotal { total = newTotal }
    switch unit {
    case .items: drawItems(done, now: Date())
    case .bytes: drawBytes(done, now: Date())
    }
  }

  /// Ends the bar's line on a terminal, if it is still open.
  public func finish() {
    lock.lock()
    defer { lock.unlock() }
    if lineOpen { write("\n") }
    lineOpen = false
  }

  private func drawItems(_ done: Int64, now: Date) {
    let total = self.total ?? 0
    guard done == total || now.timeIntervalSince(lastDraw) > (terminal ? 0.2 : 5) else { return }
    lastDraw = now
    let elapsed = now.timeIntervalSince(start)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let line = String(
      format: "%@ [%@] %lld/%lld  %.1f/s  eta %.0fs", label, bar(done, of: total, empty: "."), done, total, rate, eta)
    if terminal {
      write("\r\(line)\(done == total ? "\n" : "")")
      lineOpen = done != total
    } else {
      write("\(line)\n")
    }
  }

  private func drawBytes(_ received: Int64, now: Date) {
    let speed = "\(ByteCount.format(Int64(Double(received) / max(now.timeIntervalSince(start), 0.001))))/s"
    if let total, total > 0 {
      if terminal {
        guard now.timeIntervalSince(lastDraw) >= 0.1 || received == total else { return }
        let percent = Int(min(1, Double(received) / Double(total)) * 100)
        write(String(format: "\r%@ [%@] %3d%% %@ / %@  %@ ", label, bar(received, of: total, empty: "-"), percent,
                     ByteCount.format(received), ByteCount.format(total), speed))
        lineOpen = true
      } else {
        let decile = Int(min(1, Double(received) / Double(total)) * 10)
        guard decile > lastDecile else { return }
        lastDecile = decile
        write("\(label): \(decile * 10)% of \(ByteCount.format(total))\n")
      }
    } else if terminal {
      guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
      write("\r\(label): \(ByteCount.format(received))  \(speed) ")
      lineOpen = true
    }
    lastDraw = now
  }

  /// 24 cells: `#` for the finished part, `empty` for the rest.
  private func bar(_ done: Int64, of total: Int64, empty: String) -> String {
    let width: Int64 = 24
    let filled = total > 0 ? min(width, max(0, width * done / total)) : width
    return String(repeating: "#", count: Int(filled)) + String(repeating: empty, count: Int(width - filled))
  }
}
