import ArgumentParser
import GradCAM

/// `--method`: a CAM method name (did-you-mean on a typo).
struct CAMMethodArgument: ParsedArgument {
  let text: String
  let parsed: Result<CAMMethod, Error>

  init(argument: String) {
    text = argument
    parsed = Result { try CAMMethod(parsing: argument) }
  }
}
