import ArgumentParser
import Evaluation

/// `table --metric` and `plot --metric`: error (top-1 error), ce (CE, mCE, relative mCE; table only)
/// or a per-image metric of rows.csv (``RowMetric``: attention shift and faithfulness).
struct TableMetric: ParsedArgument {
  enum Value: Equatable {
    case results(ResultsTable.Metric)
    case perImage(RowMetric)
  }

  let text: String
  let parsed: Result<Value, Error>

  /// Every name `--metric` takes.
  static let names = ResultsTable.Metric.allCases.map(\.rawValue) + RowMetric.allCases.map(\.rawValue)

  init(argument: String) {
    text = argument
    parsed = Result {
      if let metric = ResultsTable.Metric(rawValue: argument) { return .results(metric) }
      if let metric = RowMetric(rawValue: argument) { return .perImage(metric) }
      throw CLIError("--metric must be \(Self.names.dropLast().joined(separator: ", ")) or \(Self.names.last!)")
    }
  }
}
