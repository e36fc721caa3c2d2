import ArgumentParser
import Evaluation

/// `table --format`: markdown, latex or csv.
struct TableFormat: ParsedArgument {
  let text: String
  let parsed: Result<ResultsTable.Format, Error>

  init(argument: String) {
    text = argument
    parsed = Result {
      guard let format = ResultsTable.Format(rawValue: argument) else { throw CLIError("--format must be markdown, latex or csv") }
      return format
    }
  }
}
