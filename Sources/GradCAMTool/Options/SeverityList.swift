import ArgumentParser
import Corruptions

/// `--severities`: `1-5`, `1,3,5` or `all` (severities 1 to 5).
struct SeverityList: ParsedArgument {
  let text: String
  let parsed: Result<[Int], Error>

  init(argument: String) {
    text = argument
    parsed = Result { try Severity.parseList(argument) }
  }
}
