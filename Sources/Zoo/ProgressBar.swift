import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise.
public final class ProgressBar {
  private let label: String
  private let terminal: Bool
  private let write: (String) -> Void
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var lastDecile = -1
  private var drawn = false

  /// - Parameter write: where the text goes (default: stderr).
  public init(label: String, terminal: Bool? = nil, write: ((String) -> Void)? = nil) {
    self.label = label
    self.terminal = terminal ?? (isatty(STDERR_FILENO) != 0)
    self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
  }

  /// Shows that `received` of `total` bytes (nil: unknown) have arrived.
  public func update(_ received: Int64, total: Int64?) {
    let now = Date()
    let rate = Double(received) / max(now.timeIntervalSince(start), 0.001)
    let speed = "\(ByteCount.format(Int64(rate)))/s"
    if let total, total > 0 {
      let fraction = min(1, Double(received) / Double(total))
      if terminal {
        guard now.timeIntervalSince(lastDraw) >= 0.1 || received == total else { return }
        let width = 24, filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        write(String(format: "\r%@ [%@] %3d%% %@ / %@  %@ ", label, bar, Int(fraction * 100),
                     ByteCount.format(received), ByteCount.format(total), speed))
      } else {
        let decile = Int(fraction * 10)
        guard decile > lastDecile else { return }
        lastDecile = decile
        write("\(label): \(decile * 10)% of \(ByteCount.format(total))\n")
      }
    } else if terminal, now.timeIntervalSince(lastDraw) >= 0.1 {
      write("\r\(label): \(ByteCount.format(received))  \(speed) ")
    }
    lastDraw = now
    drawn = true
  }

  /// Ends the bar's line.
  public func finish() {
    if drawn && terminal { write("\n") }
  }
}
