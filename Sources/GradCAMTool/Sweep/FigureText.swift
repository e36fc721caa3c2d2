import Foundation
import Suggestions

/// What the explain figure's text says, as the user chose it: its title, and labels for rows.
struct FigureText {
  /// Replaces the generated title ("Grad-CAM at layer3 — cifar10-resnet56").
  var title: String?
  /// False: neither title nor subtitle (a paper's caption says it).
  var showsTitle = true
  /// Row labels by key (a corruption's name such as `gaussian_noise`, or an image's name),
  /// from --row-labels; rows without one show the human corruption name or the image name.
  var rowLabels: [String: String] = [:]
  /// Where `rowLabels` came from, for errors.
  var rowLabelsFile: String?
  /// "s=1" instead of "severity 1" (narrow cells).
  var shortColumnHeaders = false

  /// Reads a --row-labels file: one `key,label` line per row (a tab may stand for the comma;
  /// blank lines and lines starting with # are skipped), e.g. `gaussian_noise,Gaussian noise (σ=0.08)`.
  static func readRowLabels(_ path: String) throws -> [String: String] {
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read the row labels file") }
    guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(path): the row labels file is not UTF-8 text") }
    var labels: [String: String] = [:]
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let cut = line.firstIndex(where: { $0 == "," || $0 == "\t" }) else {
        throw CLIError("\(path): line \(n + 1): expected 'key,label' (e.g. gaussian_noise,Gaussian noise), got '\(line)'")
      }
      let key = line[..<cut].trimmingCharacters(in: .whitespaces)
      let label = line[line.index(after: cut)...].trimmingCharacters(in: .whitespaces)
      guard !key.isEmpty, !label.isEmpty else { throw CLIError("\(path): line \(n + 1): empty key or label") }
      guard labels[key] == nil else { throw CLIError("\(path): line \(n + 1): '\(key)' is labelled twice") }
      labels[key] = label
    }
    return labels
  }

  /// Throws when a --row-labels key names no row of the figure (a typo would silently do nothing).
  func checkRowKeys(_ keys: [String]) throws {
    for key in rowLabels.keys.sorted() where !keys.contains(key) {
      let hint = closestMatches(to: key, in: keys).first.map { "; did you mean '\($0)'?" } ?? ""
      throw CLIError("\(rowLabelsFile ?? "--row-labels"): '\(key)' is not a row of this figure\(hint) (rows: \(keys.joined(separator: ", ")))")
    }
  }
}
