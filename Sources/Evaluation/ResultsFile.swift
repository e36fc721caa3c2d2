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
    let text = try ResultsLimits.readText(url)
    let lines = text.split(whereSeparator: \.isNewline)
    guard let header = lines.first, CSV.split(header).starts(with: CSV.split(Report.resultsHeader)) else {
      throw EvaluationError.format("\(url.path): not a gradcam results.csv (header must start \(Report.resultsHeader))")
    }
    let metaURL = url.deletingLastPathComponent().appendingPathComponent(RunMeta.fileName)
    let meta = FileManager.default.fileExists(atPath: metaURL.path) ? try RunMeta.read(url.deletingLastPathComponent()) : nil
    var out: [ModelResults] = []
    var corruptions = Set<String>()
    var seen = Set<[String]>()
    for (n, line) in lines.dropFirst().enumerated() {
      let f = CSV.split(line)
      guard f.count >= 8, let s = Int(f[2]), let images = Int(f[3]), let correct = Int(f[4]),
        let confidence = Double(f[7])
      else { throw EvaluationError.format("\(url.path):\(n + 2): malformed results row") }
      guard (0...5).contains(s), (0...ResultsLimits.maximumImages).contains(images), (0...images).contains(correct),
        confidence.isFinite, (0...1).contains(confidence)
      else {
        throw EvaluationError.format(
          "\(url.path):\(n + 2): values out of range (severity 0-5, 0 <= correct <= images <= \(ResultsLimits.maximumImages), confidence 0-1)")
      }
      guard f[0].utf8.count <= ResultsLimits.maximumNameLength, f[1].utf8.count <= ResultsLimits.maximumNameLength else {
        throw EvaluationError.format("\(url.path):\(n + 2): a name is longer than \(ResultsLimits.maximumNameLength) bytes")
      }
      guard seen.insert([f[0], f[1], String(s)]).inserted else {
        throw EvaluationError.format("\(url.path):\(n + 2): a second row for \(f[0]), \(f[1]), severity \(s)")
      }
      corruptions.insert(f[1])
      guard corruptions.count <= ResultsLimits.maximumCorruptions + 1 else {  // + 1: clean
        throw EvaluationError.format("\(url.path):\(n + 2): more than \(ResultsLimits.maximumCorruptions) corruption names")
      }
      let cell = CellCounts(corruption: f[1], severity: s, images: images, correct: correct,
                            confidenceSum: confidence * Double(images))
      if let i = out.firstIndex(where: { $0.model == f[0] }) { out[i].cells.append(cell) } else {
        guard out.count < ResultsLimits.maximumModels else {
          throw EvaluationError.format("\(url.path):\(n + 2): more than \(ResultsLimits.maximumModels) models")
        }
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
    var corruptions = Set<String>()
    for url in urls {
      for var m in try read(url) {
        corruptions.formUnion(m.cells.map(\.corruption))
        guard corruptions.count <= ResultsLimits.maximumCorruptions + 1 else {  // + 1: clean
          throw EvaluationError.format("\(url.path): more than \(ResultsLimits.maximumCorruptions) corruption names")
        }
        guard all.count < ResultsLimits.maximumModels else {
          throw EvaluationError.format("\(url.path): more than \(ResultsLimits.maximumModels) models")
        }
        if all.contains(where: { $0.model == m.model }) {
          m.model += " (\(url.deletingLastPathComponent().lastPathComponent)/\(url.lastPathComponent))"
        }
        all.append(m)
      }
    }
    return all
  }
}
