import ArgumentParser

/// `plot --layout`: panels (the average above one panel per corruption) or mean (the average alone).
struct PlotLayout: ParsedArgument {
  enum Value { case panels, mean }

  let text: String
  let parsed: Result<Value, Error>

  init(argument: String) {
    text = argument
    switch argument {
    case "panels": parsed = .success(.panels)
    case "mean": parsed = .success(.mean)
    default: parsed = .failure(CLIError("--layout must be panels or mean"))
    }
  }
}
