import ArgumentParser
import Foundation
import Imaging

/// `--max-image-pixels`: images declaring more pixels are refused before any pixel memory is
/// allocated (commands that read images).
struct ImageLimitOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Refuse images with more pixels (width x height) than this.",
    valueName: "N"))
  var maxImagePixels: Int = ImageLimits.defaultMaxPixels

  func validate() throws {
    guard maxImagePixels >= 1 else { throw ValidationError("--max-image-pixels must be at least 1") }
  }

  /// Sets the process-wide limit read by every image decode.
  func apply() { ImageLimits.maxPixels = maxImagePixels }
}
