import ArgumentParser
import Corruptions

/// `--profile`: the corruption parameter table, `imagenet`, `cifar`, `tiny` or `imagenet-c`.
struct ProfileArgument: ParsedArgument {
  let text: String
  let parsed: Result<Profile, Error>

  init(argument: String) {
    text = argument
    parsed = Result {
      // `auto` is the absence of the option, not a value of it.
      guard let profile = try Profile.parse(argument) else {
        throw CLIError("unknown profile '\(argument)'; known: imagenet, cifar, tiny")
      }
      return profile
    }
  }
}
