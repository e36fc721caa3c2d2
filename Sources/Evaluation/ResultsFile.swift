import Foundation

/// One model's cells read back from a `results.csv`.
public struct ModelResults: Sendable {
  public var model: String
  public var cells: [CellCounts]
  /// The run's `meta.json` (next to the results.csv), when there is one.
  public var meta: RunMeta?

  public init(model: String, cells: [CellCounts], meta: RunMeta? = nil) {
    self.model = model
    self.cells = cells
    self.meta = meta
  }

  /// Scores of these cells (corruption order: ImageNet-C's).
  public func scores(baseline: Baseline?) -> Scores { Scores(cells: cells, baseline: baseline) }
}

/// Reads `results.csv` files (as written by `evaluate` and `merge`).
public enum ResultsFile {
  /// The models of one file, in order of first appearance, with the run's `meta.json` when the
  /// file's folder has one.
  public static func read(_ url: URL) throws -> [ModelResults] {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw EvaluationError.io("cannot read \(url.path): \(error.localizedDescription)")
    }
    let lines = text.split(whereSeparator: \.isNewline)
    guard let header = lines.first, CSV.split(header).starts(with: CSV.split(Report.resultsHeader)) else {
      throw EvaluationError.format("\(url.path): not a gradcam results.csv (header must start \(Report.resultsHeader))")
    }
    let metaURL = url.deletingLastPathComponent().appendingPathComponent(RunMeta.fileName)
    let meta = FileManager.default.fileExists(atPath: metaURL.path) ? try RunMeta.read(url.deletingLastPathComponent()) : nil
    var out: [ModelResults] = []
    for (n, line) in lines.dropFirst().enumerated() {
      let f = CSV.split(line)
      guard f.count >= 8, let s = Int(f[2]), let images = Int(f[3]), let correct = Int(f[4]),
        let confidence = Double(f[7])
      else { throw EvaluationError.format("\(url.path):\(n + 2): malformed results row") }
      let cell = CellCounts(corruption: f[1], severity: s, images: images, correct: correct,
                            confidenceSum: confidence * Double(images))
      if let i = out.firstIndex(where: { $0.model == f[0] }) { out[i].cells.append(cell) } else {
        out.append(ModelResults(model: f[0], cells: [cell], meta: meta))
      }
    }
    return out
  }

  /// The per-image rows of the run whose `results.csv` is `url` (its `rows.csv`, written by
  /// `evaluate` and `merge`).
  public static func rows(beside url: URL) throws -> [EvalRow] {
    let rowsURL = url.deletingLastPathComponent().appendingPathComponent("rows.csv")
    guard FileManager.default.fileExists(atPath: rowsURL.path) else {
      throw EvaluationError.io("\(rowsURL.path): no such file (per-image metrics are read from the rows.csv beside \(url.lastPathComponent))")
    }
    return try RowLog.read(rowsURL).rows
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
