import Imaging

/// A description of a heatmap-grid figure (like Fig. 2 of Chhipa et al., ICCV-W 2023).
///
/// One or more *blocks* (one per input image) are stacked vertically. In each block, rows are
/// corruptions and columns are clean + severities; each cell shows a heatmap overlaid on the
/// (corrupted) image, caption lines under it (e.g. `"golden retriever 0.87"`), a correct /
/// incorrect marker and an optional metric line (e.g. `"ρ=0.81 IoU=0.55"`).
///
/// Render it with ``write(to:options:)``, ``render(format:options:)`` or
/// ``renderImage(options:)``; inspect the placement with ``layout(options:)``.
public struct HeatmapGrid: Sendable {
  /// Whether the cell's prediction is judged correct.
  public enum Marker: Sendable, Equatable {
    /// Green filled disc with a white tick.
    case correct
    /// Red hollow ring with a red cross (tells apart from `correct` in greyscale too).
    case incorrect
    /// No marker.
    case none
  }

  /// One cell: background image, optional heatmap and text under it.
  public struct Cell: Sendable {
    /// The (corrupted) image.
    public var image: RGBImage
    /// The class-activation map, any size (resized to the image); nil shows the bare image.
    public var map: ScalarMap?
    /// Caption lines under the image; the marker is drawn before the first one.
    public var caption: [String]
    /// Correct / incorrect marker.
    public var marker: Marker
    /// An optional smaller line under the caption, e.g. `"ρ=0.81 IoU=0.55"`.
    public var metric: String?

    /// Creates a cell.
    public init(
      image: RGBImage, map: ScalarMap? = nil, caption: [String] = [], marker: Marker = .none,
      metric: String? = nil
    ) {
      self.image = image
      self.map = map
      self.caption = caption
      self.marker = marker
      self.metric = metric
    }
  }

  /// A row: its header (e.g. the corruption name) and its cells, left to right.
  public struct Row: Sendable {
    /// Row header drawn left of the row, right-aligned.
    public var header: String
    /// Cells; a row may have fewer cells than there are columns.
    public var cells: [Cell]

    /// Creates a row.
    public init(header: String, cells: [Cell]) {
      self.header = header
      self.cells = cells
    }
  }

  /// A block of rows sharing column headers, typically one input image.
  public struct Block: Sendable {
    /// Optional block title (e.g. the image file name and its label).
    public var title: String?
    /// Column headers, e.g. `["clean", "s=1", …, "s=5"]`.
    public var columnHeaders: [String]
    /// The rows.
    public var rows: [Row]

    /// Creates a block.
    public init(title: String? = nil, columnHeaders: [String], rows: [Row]) {
      self.title = title
      self.columnHeaders = columnHeaders
      self.rows = rows
    }

    /// Standard headers for a severity sweep: `["clean", "severity 1", …]`.
    /// - Parameters:
    ///   - severities: the severities shown after the clean column, e.g. `1...5`.
    ///   - short: use `"s=1"` instead of `"severity 1"` (for narrow cells).
    public static func severityHeaders<S: Sequence>(_ severities: S, short: Bool = false) -> [String]
    where S.Element == Int {
      ["clean"] + severities.map { short ? "s=\($0)" : "severity \($0)" }
    }
  }

  /// Figure title.
  public var title: String
  /// Optional second line under the title, e.g. what correctness is judged against.
  public var subtitle: String?
  /// The image blocks, top to bottom.
  public var blocks: [Block]

  /// Creates a grid description.
  public init(title: String, subtitle: String? = nil, blocks: [Block]) {
    self.title = title
    self.subtitle = subtitle
    self.blocks = blocks
  }
}
