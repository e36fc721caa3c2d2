import ArgumentParser
import Imaging

/// `--preprocess`: a named preprocessing profile (imagenet, cifar, none, demo; did-you-mean on a typo).
struct PreprocessingProfile: ParsedArgument {
  let text: String
  let parsed: Result<Preprocessing, Error>

  init(argument: String) {
    text = argument
    parsed = Result { try Preprocessing.profile(named: argument) }
  }
}
