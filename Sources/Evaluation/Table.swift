import Foundation

/// Models x corruptions tables for papers and READMEs.
public enum ResultsTable {
  public enum Metric: String, CaseIterable, Sendable {
    /// Mean top-1 error per corruption (%), clean error and mean corruption error.
    case error
    /// CE per corruption, mCE and relative mCE (%), normalised by a baseline.
    case ce
  }

  public enum Format: String, CaseIterable, Sendable { case markdown, latex, csv }

  /// The table text (ends with a newline), every model normalised by `baseline` for CE.
  /// - Parameter transpose: one row per corruption, one column per model (fits a page).
  public static func render(
    _ models: [ModelResults], metric: Metric, format: Format, baseline: Baseline?, transpose: Bool = false
  ) throws -> String {
    try render(models, metric: metric, format: format, baselines: models.map { _ in baseline }, transpose: transpose)
  }

  /// The table text (ends with a newline); `baselines[i]` normalises model `i` for CE (nil: no CE,
  /// shown as –); CE needs at least one.
  /// - Parameter transpose: one row per corruption, one column per model (fits a page).
  public static func render(
    _ models: [ModelResults], metric: Metric, format: Format, baselines: [Baseline?], transpose: Bool = false
  ) throws -> String {
    let scored = zip(models, baselines).map { ($0.model, $0.scores(baseline: metric == .ce ? $1 : nil)) }
    var corruptions: [String] = []
    for (_, s) in scored { for c in s.corruptions where !corruptions.contains(c.corruption) { corruptions.append(c.corruption) } }
    func pct(_ x: Double?) -> String { x.map { String(format: "%.1f", $0 * 100) } ?? "–" }
    func num(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "–" }
    var header = ["Model"]
    var rows: [[String]] = []
    switch metric {
    case .error:
      header += ["Clean", "mean"] + corruptions
      for (name, s) in scored {
        rows.append([name, pct(s.cleanError), pct(s.meanCorruptionError)]
          + corruptions.map { c in pct(s.corruptions.first { $0.corruption == c }?.meanError) })
      }
    case .ce:
      guard baselines.contains(where: { $0 != nil }) else { throw EvaluationError.format("CE needs a baseline") }
      header += ["Clean", "mCE", "rel. mCE"] + corruptions
      for (name, s) in scored {
        rows.append([name, pct(s.cleanError), num(s.mCE), num(s.relativeMCE)]
          + corruptions.map { c in num(s.corruptions.first { $0.corruption == c }?.ce) })
      }
    }
    return layout(header: header, rows: rows, format: format, transpose: transpose)
  }

  /// `header` and `rows` as a markdown, LaTeX (booktabs) or CSV table, arranged by ``arranged``
  /// (human corruption names except in CSV; optionally transposed).
  static func layout(header: [String], rows: [[String]], format: Format, transpose: Bool = false) -> String {
    let (header, rows) = arranged(header: header, rows: rows, canonicalNames: format == .csv, transpose: transpose)
    switch format {
    case .csv:
      return ([header] + rows).map { $0.map(CSV.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    case .markdown:
      var t = "| " + header.joined(separator: " | ") + " |\n"
      t += "|" + header.enumerated().map { $0.offset == 0 ? "---|" : "---:|" }.joined() + "\n"
      for r in rows { t += "| " + r.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
      return t
    case .latex:
      func tex(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\textbackslash{}").replacingOccurrences(of: "_", with: "\\_")
          .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "&", with: "\\&")
          .replacingOccurrences(of: "#", with: "\\#").replacingOccurrences(of: "–", with: "--")
      }
      var t = "% needs \\usepackage{booktabs} (\\toprule, \\midrule, \\bottomrule)\n"
      t += "\\begin{tabular}{l" + String(repeating: "r", count: header.count - 1) + "}\n\\toprule\n"
      t += header.map(tex).joined(separator: " & ") + " \\\\\n\\midrule\n"
      for r in rows { t += r.map(tex).joined(separator: " & ") + " \\\\\n" }
      return t + "\\bottomrule\n\\end{tabular}\n"
    }
  }
}
