import Foundation

/// Output file formats for figures, chosen from the file extension.
public enum FigureFormat: String, CaseIterable, Sendable {
  /// Raster PNG at the figure's pixels-per-point scale.
  case png
  /// Vector PDF (one page, fonts embedded by Cairo).
  case pdf
  /// Vector SVG; labels are also added as invisible `<text>` so the file is searchable.
  case svg

  /// The format named by `url`'s extension (case-insensitive).
  /// - Throws: `RenderError.unsupportedFormat` for any other extension.
  public init(fileExtensionOf url: URL) throws {
    let ext = url.pathExtension.lowercased()
    guard let format = FigureFormat(rawValue: ext) else {
      throw RenderError.unsupportedFormat(ext.isEmpty ? "(none)" : ext)
    }
    self = format
  }
}
