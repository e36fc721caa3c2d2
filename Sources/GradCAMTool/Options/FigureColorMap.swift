import ArgumentParser
import Render

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
      parsed = .failure(ValidationError("--colormap must be one of jet, turbo, viridis, inferno"))
    }
  }
}
