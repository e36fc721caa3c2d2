import Imaging

/// Value ranges a grid needs before layout: the shared scale and the difference range.
struct GridRanges {
  /// Range of the sequential colour bar, when the scale is shared.
  var shared: (Float, Float)?
  /// Half-width of the symmetric difference range, in difference mode.
  var diff: Float?

  init(grid: HeatmapGrid, options: HeatmapGridOptions) throws {
    guard options.cellSize > 0, options.cellSize.isFinite else {
      throw RenderError.invalidInput("cell size must be positive, got \(options.cellSize)")
    }
    guard (0...1).contains(options.imageWeight) else {
      throw RenderError.invalidInput("image weight must lie in [0, 1], got \(options.imageWeight)")
    }
    guard !grid.blocks.isEmpty, grid.blocks.contains(where: { !$0.rows.isEmpty }) else {
      throw RenderError.invalidInput("the grid has no rows")
    }
    switch options.scale {
    case .perCell: shared = nil
    case .shared(let lo, let hi):
      guard lo < hi, lo.isFinite, hi.isFinite else {
        throw RenderError.invalidInput("shared scale needs min < max, got [\(lo), \(hi)]")
      }
      shared = (lo, hi)
    case .sharedAuto:
      var lo = Float.infinity, hi = -Float.infinity
      for c in grid.blocks.flatMap(\.rows).flatMap(\.cells) {
        if let r = c.map?.range {
          lo = min(lo, r.min)
          hi = max(hi, r.max)
        }
      }
      if lo > hi { (lo, hi) = (0, 1) }
      if lo == hi { hi = lo + 1 }
      shared = (lo, hi)
    }
    if case .againstColumn(let column, let range) = options.difference {
      guard column >= 0 else { throw RenderError.invalidInput("negative reference column \(column)") }
      if let range {
        guard range > 0, range.isFinite else {
          throw RenderError.invalidInput("difference range must be positive, got \(range)")
        }
        diff = range
      } else {
        var peak: Float = 0
        for row in grid.blocks.flatMap(\.rows) {
          for (j, _) in row.cells.enumerated() {
            if let d = GridRanges.difference(row: row, column: j, reference: column, options: options),
              let r = d.range
            {
              peak = max(peak, abs(r.min), abs(r.max))
            }
          }
        }
        diff = peak > 0 ? peak : 1
      }
    }
  }

  /// The map as the scale sees it: per-cell maps are min-max normalised first.
  static func displayValues(_ map: ScalarMap, options: HeatmapGridOptions) -> ScalarMap {
    options.scale == .perCell ? map.normalizedMinMax() : map
  }

  /// `map[column] - map[reference]` for a row, or nil when not a difference cell.
  static func difference(row: HeatmapGrid.Row, column: Int, reference: Int, options: HeatmapGridOptions)
    -> ScalarMap?
  {
    guard column != reference, reference < row.cells.count,
      let map = row.cells[column].map, let ref = row.cells[reference].map
    else { return nil }
    return displayValues(map, options: options).subtracting(displayValues(ref, options: options))
  }

  /// The image drawn for one cell: the image, or the heatmap overlay on it.
  func cellImage(row: HeatmapGrid.Row, column: Int, options: HeatmapGridOptions) throws -> RGBImage {
    let cell = row.cells[column]
    guard let map = cell.map else { return cell.image }
    if case .againstColumn(let reference, _) = options.difference, let r = diff,
      let d = GridRanges.difference(row: row, column: column, reference: reference, options: options)
    {
      return try Overlay.blend(
          heatmap: d.scaled(from: -r, to: r), on: cell.image, colorMap: options.diffColorMap,
          imageWeight: options.imageWeight, normalizeByMax: options.normalizeOverlayByMax)
    }
    let values: ScalarMap
    if let (lo, hi) = shared {
      values = map.scaled(from: lo, to: hi)
    } else {
      values = map.normalizedMinMax()
    }
    return try Overlay.blend(
        heatmap: values, on: cell.image, colorMap: options.colorMap, imageWeight: options.imageWeight,
        normalizeByMax: options.normalizeOverlayByMax)
  }
}
