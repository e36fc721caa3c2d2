import ArgumentParser
import Render

/// `--scale`: `per-cell` (each map min-max on its own) or `shared` (one range for the figure).
struct MapScale: ParsedArgument {
  let text: String
  let parsed: Result<HeatmapGridOptions.Scale, Error>

  init(argument: String) {
    text = argument
    switch argument {
    case "per-cell": parsed = .success(.perCell)
    case "shared": parsed = .success(.sharedAuto)
    default: parsed = .failure(ValidationError("--scale must be per-cell or shared"))
    }
  }
}
