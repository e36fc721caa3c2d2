import AtomicFiles
import Foundation

/// Limits on the results and baseline CSVs that `plot` and `table` read, so that a small
/// hostile file cannot ask for a huge figure or table (every distinct corruption name is a
/// panel and a column) and no count can overflow a sum.
public enum ResultsLimits {
  /// Largest CSV file read (a full 19-corruption run is a few kB).
  public static let maximumFileBytes = 16 << 20
  /// Most distinct corruption names over all files (ImageNet-C has 19).
  public static let maximumCorruptions = 64
  /// Most models (lines of a plot, rows of a table) over all files.
  public static let maximumModels = 256
  /// Longest model or corruption name.
  public static let maximumNameLength = 256
  /// Largest image count of one cell (sums of a few thousand cells stay far from overflow).
  public static let maximumImages = 1 << 40

  /// The UTF-8 text of a CSV file, refused by name when it is not a regular file or too large.
  static func readText(_ url: URL) throws -> String {
    let data: Data
    do throws(FileBytes.Failure) { data = try InputFile.read(url, maxBytes: maximumFileBytes) } catch {
      throw EvaluationError.io("cannot read \(url.path): \(error.reason)")
    }
    guard let text = String(data: data, encoding: .utf8) else { throw EvaluationError.format("\(url.path): not UTF-8 text") }
    return text
  }
}
