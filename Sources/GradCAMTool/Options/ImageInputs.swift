import Foundation
import Imaging

/// Image files named on the command line: files as given, folders searched recursively.
enum ImageInputs {
  static let extensions: Set<String> = ["png", "jpg", "jpeg"]

  /// The image files of `paths`, folders expanded (sorted), in order; missing paths are errors.
  static func files(_ paths: [String]) throws -> [URL] {
    var out: [URL] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CLIError("\(path): no such file or folder")
      }
      if isDirectory.boolValue {
        let root = URL(fileURLWithPath: path)
        let found = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
          .filter { extensions.contains($0.pathExtension.lowercased()) }
          .sorted { $0.path < $1.path }
        guard !found.isEmpty else { throw CLIError("\(path): no .png or .jpg images in this folder") }
        out += found
      } else {
        out.append(URL(fileURLWithPath: path))
      }
    }
    return out
  }
}

/// A progress line on stderr, redrawn in place when stderr is a terminal.
final class Progress {
  let label: String
  let total: Int
  let quiet: Bool
  private let start = Date()
  private let isTerminal = isatty(2) != 0
  private var lastPrinted = Date.distantPast

  init(_ label: String, total: Int, quiet: Bool = false) {
    self.label = label
    self.total = total
    self.quiet = quiet
  }

  /// Reports `done` items finished.
  func update(_ done: Int) {
    guard !quiet else { return }
    let now = Date()
    guard done == total || now.timeIntervalSince(lastPrinted) > (isTerminal ? 0.2 : 5) else { return }
    lastPrinted = now
    let elapsed = now.timeIntervalSince(start)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let width = 24
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let line = String(format: "%@ [%@] %d/%d  %.1f/s  eta %.0fs", label, bar, done, total, rate, eta)
    FileHandle.standardError.write(isTerminal ? "\r\(line)\(done == total ? "\n" : "")" : "\(line)\n")
  }
}
