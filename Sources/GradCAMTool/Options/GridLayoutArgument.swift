import ArgumentParser
import Render

/// `explain --layout`: standard (72 pt cells, 7 pt labels) or compact (28 pt cells, 5 pt labels,
/// half the gaps, "s=1" column headers: a 15 x 6 grid fits one column of a two-column paper).
struct GridLayoutArgument: ParsedArgument {
  enum Value { case standard, compact }

  let text: String
  let parsed: Result<Value, Error>

  init(argument: String) {
    text = argument
    switch argument {
    case "standard": parsed = .success(.standard)
    case "compact": parsed = .success(.compact)
    default: parsed = .failure(ValidationError("--layout must be standard or compact, got '\(argument)'"))
    }
  }
}

extension GridLayoutArgument.Value {
  /// Width of an image cell in points.
  var cellSize: Double { self == .compact ? 28 : 72 }
  /// Multiplier of the gaps between cells, rows and blocks.
  var gapScale: Double { self == .compact ? 0.5 : 1 }
  /// Row and column header size in points; the other sizes keep their ratios to it.
  var fontSize: Double { self == .compact ? 5 : 7 }

  /// Every font size scaled from `base` (the row and column headers) in the ratios of the
  /// standard sizes (title 10, subtitle 7.5, block title 8, headers 7, captions 6, metrics 5.5).
  static func fonts(base: Double) -> HeatmapGridOptions.FontSizes {
    let standard = HeatmapGridOptions.FontSizes(), k = base / standard.rowHeader
    var f = standard
    f.title *= k
    f.subtitle *= k
    f.blockTitle *= k
    f.columnHeader *= k
    f.rowHeader *= k
    f.caption *= k
    f.metric *= k
    return f
  }
}
