import ArgumentParser
import Render
import Suggestions

/// `--colormap` of a figure: one of the sequential colour maps (jet, turbo, viridis, inferno);
/// the diverging ones are kept for `--diff`.
struct FigureColorMap: ParsedArgument {
  let text: String
  let parsed: Result<ColorMap, Error>

  init(argument: String) {
    text = argument
    if let map = ColorMap(rawValue: argument), !map.isDiverging {
      parsed = .success(map)
    } else {
      let names = ColorMap.allCases.filter { !$0.isDiverging }.map(\.rawValue)
      let hint = closestMatches(to: argument, in: names).first.map { "; did you mean '\($0)'?" } ?? ""
      parsed = .failure(ValidationError("--colormap must be one of \(names.joined(separator: ", "))\(hint)"))
    }
  }
}
