import ArgumentParser
import Evaluation

/// `table --metric`: error (top-1 error per corruption) or ce (CE, mCE, relative mCE).
struct TableMetric: ParsedArgument {
  let text: String
  let parsed: Result<ResultsTable.Metric, Error>

  init(argument: String) {
    text = argument
    parsed = Result {
      guard let metric = ResultsTable.Metric(rawValue: argument) else { throw CLIError("--metric must be error or ce") }
      return metric
    }
  }
}
