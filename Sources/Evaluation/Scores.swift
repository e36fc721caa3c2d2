import Corruptions
import Foundation

/// Counts of one (corruption, severity) cell; the clean cell is (`clean`, 0).
public struct CellCounts: Equatable, Sendable {
  public var corruption: String
  public var severity: Int
  public var images: Int
  public var correct: Int
  /// Sum of the predicted class's probability over the images (mean = sum / images).
  public var confidenceSum: Double
  /// CAM aggregates, when rows had CAM metrics.
  public var camImages: Int = 0
  public var camSums = [Double](repeating: 0, count: 4)

  public init(corruption: String, severity: Int, images: Int, correct: Int, confidenceSum: Double) {
    self.corruption = corruption
    self.severity = severity
    self.images = images
    self.correct = correct
    self.confidenceSum = confidenceSum
  }

  /// Top-1 error (fraction).
  public var error: Double { images > 0 ? Double(images - correct) / Double(images) : .nan }
  public var meanConfidence: Double { images > 0 ? confidenceSum / Double(images) : .nan }
}

/// Per-corruption scores.
public struct CorruptionScore: Codable, Equatable, Sendable {
  public var corruption: String
  public var severities: [Int]
  /// Mean of the per-severity top-1 errors (fraction).
  public var meanError: Double
  /// Corruption error in % (AlexNet = 100): 100 · Σ_s E_s / Σ_s B_s over the evaluated severities.
  public var ce: Double?
  /// Relative corruption error in %: 100 · Σ_s (E_s − E_clean) / Σ_s (B_s − B_clean).
  public var relativeCE: Double?
  /// Severities k (with k+1 also evaluated) where the error at k+1 is lower than at k.
  public var nonMonotonicAt: [Int]
}

/// Everything derived from the cells of one model's run.
public struct Scores: Equatable, Sendable {
  public var clean: CellCounts?
  /// Corrupted cells in (corruption order, severity) order.
  public var cells: [CellCounts]
  public var corruptions: [CorruptionScore]
  public var cleanError: Double?
  /// Mean top-1 error over the corrupted cells of the benchmark corruptions evaluated (the CIFAR-10-C
  /// figure: 15 corruptions x 5 severities), or over all corrupted cells when no benchmark corruption
  /// was evaluated. Computed as the mean of the per-corruption mean errors.
  public var meanCorruptionError: Double?
  /// Mean CE over the evaluated benchmark corruptions that have a CE, in %.
  public var mCE: Double?
  public var relativeMCE: Double?
  /// The corruptions mCE averages over.
  public var mCECorruptions: [String]

  /// Computes the scores of `cells` (clean cell optional), corruptions ordered as `order` (others
  /// after, by name), normalised by `baseline` when given.
  public init(cells all: [CellCounts], order: [String] = Corruption.all.map(\.name), baseline: Baseline?) {
    clean = all.first { $0.corruption == EvalRow.clean }
    let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
    let cells = all.filter { $0.corruption != EvalRow.clean }.sorted {
      let a = rank[$0.corruption] ?? Int.max, b = rank[$1.corruption] ?? Int.max
      return (a, $0.corruption, $0.severity) < (b, $1.corruption, $1.severity)
    }
    self.cells = cells
    let clean = self.clean
    cleanError = clean.map(\.error)
    var names: [String] = []
    for c in cells where names.last != c.corruption { names.append(c.corruption) }
    let corruptions = names.map { name -> CorruptionScore in
      let mine = cells.filter { $0.corruption == name }
      let errors = mine.map(\.error)
      var score = CorruptionScore(
        corruption: name, severities: mine.map(\.severity), meanError: errors.reduce(0, +) / Double(errors.count),
        ce: nil, relativeCE: nil, nonMonotonicAt: [])
      for (a, b) in zip(mine, mine.dropFirst()) where b.severity == a.severity + 1 && b.error < a.error {
        score.nonMonotonicAt.append(a.severity)
      }
      if let baseline, let base = Optional(mine.map { baseline.error(name, $0.severity) }), !base.contains(where: { $0 == nil }) {
        let b = base.map { $0! }
        let denominator = b.reduce(0, +)
        if denominator > 0 { score.ce = 100 * errors.reduce(0, +) / denominator }
        if let e0 = clean?.error, let b0 = baseline.clean {
          let relDenominator = b.reduce(0) { $0 + ($1 - b0) }
          if relDenominator != 0 { score.relativeCE = 100 * errors.reduce(0) { $0 + ($1 - e0) } / relDenominator }
        }
      }
      return score
    }
    self.corruptions = corruptions
    let benchmark = Set(Corruption.benchmark.map(\.name))
    let bench = corruptions.filter { benchmark.contains($0.corruption) }
    let pool = bench.isEmpty ? corruptions : bench
    meanCorruptionError = pool.isEmpty ? nil : pool.map(\.meanError).reduce(0, +) / Double(pool.count)
    let withCE = bench.filter { $0.ce != nil }
    mCECorruptions = withCE.map(\.corruption)
    mCE = withCE.isEmpty ? nil : withCE.map { $0.ce! }.reduce(0, +) / Double(withCE.count)
    let withRel = bench.filter { $0.relativeCE != nil }
    relativeMCE = withRel.isEmpty || withRel.count != withCE.count
      ? nil : withRel.map { $0.relativeCE! }.reduce(0, +) / Double(withRel.count)
  }

  /// The cells of `rows`: counts per (corruption, severity), sums taken in key order so the result
  /// does not depend on the order rows were produced in.
  public static func cells(from rows: [EvalRow]) -> [CellCounts] {
    var byCell: [String: [EvalRow]] = [:]
    for r in rows { byCell["\(r.corruption)\u{1}\(r.severity)", default: []].append(r) }
    return byCell.values.map { group -> CellCounts in
      let sorted = group.sorted { $0.image < $1.image }
      var c = CellCounts(
        corruption: sorted[0].corruption, severity: sorted[0].severity, images: sorted.count,
        correct: sorted.filter(\.correct).count, confidenceSum: sorted.reduce(0) { $0 + $1.confidence })
      for r in sorted {
        guard let s = r.shift else { continue }
        c.camImages += 1
        c.camSums[0] += s.rankCorrelation
        c.camSums[1] += s.topIoU
        c.camSums[2] += s.centerShift
        c.camSums[3] += s.entropyChange
      }
      return c
    }.sorted { ($0.corruption, $0.severity) < ($1.corruption, $1.severity) }
  }
}
