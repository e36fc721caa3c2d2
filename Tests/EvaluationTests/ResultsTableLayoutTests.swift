import Evaluation
import XCTest

/// `gradcam table` text for people: human corruption names (markdown, LaTeX), canonical names
/// in CSV, booktabs noted, and --transpose (corruptions in rows, models in columns).
final class ResultsTableLayoutTests: XCTestCase {
  /// Two models; errors: a clean 10%, gaussian_noise 50% (s1) and 30% (s2), glass_blur 20% (s1);
  /// b clean 20%, gaussian_noise 40%, glass_blur 60%. 10 images per cell.
  private let models = [
    ModelResults(model: "a", cells: [
      CellCounts(corruption: "clean", severity: 0, images: 10, correct: 9, confidenceSum: 0),
      CellCounts(corruption: "gaussian_noise", severity: 1, images: 10, correct: 5, confidenceSum: 0),
      CellCounts(corruption: "gaussian_noise", severity: 2, images: 10, correct: 7, confidenceSum: 0),
      CellCounts(corruption: "glass_blur", severity: 1, images: 10, correct: 8, confidenceSum: 0),
    ]),
    ModelResults(model: "b", cells: [
      CellCounts(corruption: "clean", severity: 0, images: 10, correct: 8, confidenceSum: 0),
      CellCounts(corruption: "gaussian_noise", severity: 1, images: 10, correct: 6, confidenceSum: 0),
      CellCounts(corruption: "glass_blur", severity: 1, images: 10, correct: 4, confidenceSum: 0),
    ]),
  ]

  func testMarkdownAndLaTeXUseHumanNamesAndCSVTheCanonicalOnes() throws {
    let md = try ResultsTable.render(models, metric: .error, format: .markdown, baseline: nil)
    XCTAssertTrue(md.hasPrefix("| Model | Clean | mean | Gaussian noise | Glass blur |\n"), md)
    XCTAssertTrue(md.contains("| a | 10.0 | 30.0 | 40.0 | 20.0 |"), md)
    let csv = try ResultsTable.render(models, metric: .error, format: .csv, baseline: nil)
    XCTAssertTrue(csv.hasPrefix("Model,Clean,mean,gaussian_noise,glass_blur\n"), csv)
    let tex = try ResultsTable.render(models, metric: .error, format: .latex, baseline: nil)
    XCTAssertTrue(tex.hasPrefix("% needs \\usepackage{booktabs}"), tex)
    XCTAssertTrue(tex.contains("Model & Clean & mean & Gaussian noise & Glass blur \\\\"), tex)
  }

  func testTransposePutsCorruptionsInRowsAndModelsInColumns() throws {
    let md = try ResultsTable.render(models, metric: .error, format: .markdown, baseline: nil, transpose: true)
    let lines = md.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines, [
      "|  | a | b |", "|---|---:|---:|", "| Clean | 10.0 | 20.0 |", "| mean | 30.0 | 50.0 |",
      "| Gaussian noise | 40.0 | 40.0 |", "| Glass blur | 20.0 | 60.0 |",
    ])
    let tex = try ResultsTable.render(models, metric: .error, format: .latex, baseline: nil, transpose: true)
    XCTAssertTrue(tex.contains("\\begin{tabular}{lrr}"), tex)
    XCTAssertTrue(tex.contains("Glass blur & 20.0 & 60.0 \\\\"), tex)
  }
}
