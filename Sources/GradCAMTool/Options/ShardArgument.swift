import ArgumentParser
import Evaluation

/// `--shard i/N`: shard i (0-based) of N.
struct ShardArgument: ParsedArgument {
  let text: String
  let parsed: Result<Shard, Error>

  init(argument: String) {
    text = argument
    parsed = Result { try Shard(parsing: argument) }.mapError { ValidationError("\($0)") }
  }
}
