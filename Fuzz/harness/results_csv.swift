// libFuzzer target: the results-CSV readers behind `plot` and `table` -- two results.csv files
// and a baseline CSV (ResultsFile.read of several files, Baseline.read, their limits), then every
// table (error and CE, markdown/LaTeX/CSV) and the per-severity means a plot draws.
// Input: results A, then "\n#--\n", results B, then "\n#--\n", a baseline (missing parts empty).
import Foundation

private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-results-csv-\(getpid())")
private let files = ["a/results.csv", "b/results.csv", "baseline.csv"].map { folder.appendingPathComponent($0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResultsCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  var parts = markedParts(data, maximum: 3)
  while parts.count < 3 { parts.append(Data()) }
  for (url, part) in zip(files, parts) {
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    guard (try? part.write(to: url)) != nil else { return 0 }
  }
  let baseline = try? Baseline.read(files[2])
  guard let models = try? ResultsFile.read(Array(files[0..<2])) else { return 0 }
  precondition(models.count <= ResultsLimits.maximumModels, "more models than the limit")
  for metric in ResultsTable.Metric.allCases {
    for format in ResultsTable.Format.allCases {
      _ = try? ResultsTable.render(models, metric: metric, format: format, baseline: metric == .ce ? (baseline ?? .alexNet) : baseline)
    }
  }
  // What plot computes per model: the mean error per severity over the corruptions.
  var corruptions = Set<String>()
  for m in models {
    _ = m.scores(baseline: baseline)
    for s in 0...5 {
      let cells = m.cells.filter { $0.severity == s }
      corruptions.formUnion(cells.map(\.corruption))
      if !cells.isEmpty { _ = cells.map(\.error).reduce(0, +) / Double(cells.count) }
    }
  }
  precondition(corruptions.count <= ResultsLimits.maximumCorruptions + 1, "more corruption names than the limit")
  return 0
}
