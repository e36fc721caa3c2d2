import Foundation

/// One model's cells read back from a `results.csv`.
public struct ModelResults: Sendable {
  public var model: String
  public var cells: [CellCounts]

  public init(model: String, cells: [CellCounts]) {
    self.model = model
    self.cells = cells
  }

  /// Scores of these cells (corruption order: ImageNet-C's).
  public func scores(baseline: Baseline?) -> Scores { Scores(cells: cells, baseline: baseline) }
}

/// Reads `results.csv` files (as written by `evaluate` and `merge`).
public enum ResultsFile {
  /// The models of one file, in order of first appearance.
  public static func read(_ url: URL) throws -> [ModelResults] {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw EvaluationError.io("cannot read \(url.path): \(error.localizedDescription)")
    }
    let lines = text.split(whereSeparator: \.isNewline)
    guard let header = lines.first, CSV.split(header).starts(with: CSV.split(Report.resultsHeader)) else {
      throw EvaluationError.format("\(url.path): not a gradcam results.csv (header must start \(Report.resultsHeader))")
    }
    var out: [ModelResults] = []
    for (n, line) in lines.dropFirst().enumerated() {
      let f = CSV.split(line)
      guard f.count >= 8, let s = Int(f[2]), let images = Int(f[3]), let correct = Int(f[4]),
        let confidence = Double(f[7])
      else { throw EvaluationError.format("\(url.path):\(n + 2): malformed results row") }
      let cell = CellCounts(corruption: f[1], severity: s, images: images, correct: correct,
                            confidenceSum: confidence * Double(images))
      if let i = out.firstIndex(where: { $0.model == f[0] }) { out[i].cells.append(cell) } else {
        out.append(ModelResults(model: f[0], cells: [cell]))
      }
    }
    return out
  }

  /// The models of several files; a model name seen twice gets the file name appended.
  public static func read(_ urls: [URL]) throws -> [ModelResults] {
    var all: [ModelResults] = []
    for url in urls {
      for var m in try read(url) {
        if all.contains(where: { $0.model == m.model }) {
          m.model += " (\(url.deletingLastPathComponent().lastPathComponent)/\(url.lastPathComponent))"
        }
        all.append(m)
      }
    }
    return all
  }
}
