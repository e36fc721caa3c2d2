import AtomicFiles
import Foundation

/// Mean attention shift of a cell's corrupted images against their clean images.
public struct CAMAggregate: Codable, Equatable, Sendable {
  public var images: Int
  public var rankCorrelation: Double
  public var topIou: Double
  public var centerShift: Double
  public var entropyChange: Double

  /// The names of ``AttentionShift`` (`rank_corr`, ...), as in rows.csv and cam.csv.
  enum CodingKeys: String, CodingKey {
    case images, rankCorrelation = "rank_corr", topIou = "top_iou", centerShift = "center_shift", entropyChange = "entropy_change"
  }
}

/// One (corruption, severity) cell in `summary.json`.
public struct CellSummary: Codable, Equatable, Sendable {
  public var corruption: String
  public var severity: Int
  public var images: Int
  public var correct: Int
  public var error: Double
  public var meanConfidence: Double
  public var cam: CAMAggregate?

  init(_ c: CellCounts) {
    corruption = c.corruption
    severity = c.severity
    images = c.images
    correct = c.correct
    error = c.error
    meanConfidence = c.meanConfidence
    if c.camImages > 0 {
      let n = Double(c.camImages)
      cam = CAMAggregate(
        images: c.camImages, rankCorrelation: c.camSums[0] / n, topIou: c.camSums[1] / n,
        centerShift: c.camSums[2] / n, entropyChange: c.camSums[3] / n)
    }
  }
}

/// A severity step where the error went down as the corruption got stronger.
public struct NonMonotonicStep: Codable, Equatable, Sendable {
  public var corruption: String
  public var severity: Int
  public var error: Double
  public var nextError: Double
}

/// `summary.json`: everything derived from a run's rows. Errors are fractions; CE, relative CE,
/// mCE and relative mCE are percentages (the baseline model scores 100).
public struct EvalSummary: Codable, Equatable, Sendable {
  public var format = RunMeta.currentFormat
  public var model: String
  public var classes: Int
  public var sourceKind: String
  public var source: String
  public var images: Int
  public var seed: UInt32
  public var profile: String?
  public var cam: String?
  public var baseline: String?
  public var corruptionsEvaluated: [String]
  public var severities: [Int]
  /// `i/N` for one shard of a sharded run; absent for complete (unsharded or merged) runs.
  public var shard: String?
  public var rows: Int
  public var expectedRows: Int
  public var complete: Bool
  public var clean: CellSummary?
  public var cells: [CellSummary]
  public var corruptions: [CorruptionScore]
  public var cleanError: Double?
  public var meanCorruptionError: Double?
  public var mce: Double?
  public var relativeMce: Double?
  public var mceCorruptions: [String]
  public var nonMonotonic: [NonMonotonicStep]
}

/// Writes a run's derived outputs: `results.csv`, `summary.json` and (with CAM) `cam.csv`.
public enum Report {
  public static let resultsHeader = "model,corruption,severity,images,correct,errors,error,mean_confidence"
  public static let camHeader = "model,corruption,severity,images,cam_images,rank_corr,top_iou,center_shift,entropy_change"

  /// The summary of `rows` (only rows of `meta`'s shard count).
  public static func summary(meta: RunMeta, rows: [EvalRow]) -> (EvalSummary, Scores) {
    let expected = Set(meta.expectedKeys())
    // Summaries use the values as written in rows.csv, so in-memory and re-read rows agree.
    let mine = rows.filter { expected.contains($0.key) }.map(\.canonical)
    let scores = Scores(cells: Scores.cells(from: mine), order: meta.corruptions, baseline: meta.baseline)
    var steps: [NonMonotonicStep] = []
    for c in scores.corruptions {
      for k in c.nonMotonicSorted {
        let a = scores.cells.first { $0.corruption == c.corruption && $0.severity == k }!
        let b = scores.cells.first { $0.corruption == c.corruption && $0.severity == k + 1 }!
        steps.append(NonMonotonicStep(corruption: c.corruption, severity: k, error: a.error, nextError: b.error))
      }
    }
    let summary = EvalSummary(
      model: meta.model, classes: meta.classes, sourceKind: meta.sourceKind, source: meta.source,
      images: meta.images, seed: meta.seed, profile: meta.profile, cam: meta.cam, baseline: meta.baseline?.name,
      corruptionsEvaluated: meta.corruptions, severities: meta.severities,
      shard: meta.shardCount > 1 ? "\(meta.shardIndex)/\(meta.shardCount)" : nil,
      rows: mine.count, expectedRows: expected.count, complete: mine.count == expected.count,
      clean: scores.clean.map(CellSummary.init), cells: scores.cells.map(CellSummary.init),
      corruptions: scores.corruptions, cleanError: scores.cleanError,
      meanCorruptionError: scores.meanCorruptionError, mce: scores.mCE, relativeMce: scores.relativeMCE,
      mceCorruptions: scores.mCECorruptions, nonMonotonic: steps)
    return (summary, scores)
  }

  /// Writes the outputs into `dir`, each atomically.
  @discardableResult
  public static func write(meta: RunMeta, rows: [EvalRow], to dir: URL) throws -> EvalSummary {
    let (summary, files) = try files(meta: meta, rows: rows)
    for (name, data) in files { try AtomicWrite.write(data, to: dir.appendingPathComponent(name)) }
    return summary
  }

  /// The outputs' names and bytes: results.csv, summary.json and (with CAMs) cam.csv.
  public static func files(meta: RunMeta, rows: [EvalRow]) throws -> (EvalSummary, [(name: String, data: Data)]) {
    let (summary, scores) = summary(meta: meta, rows: rows)
    let model = CSV.field(meta.model)
    var csv = resultsHeader + "\n"
    var cam = camHeader + "\n"
    for c in (scores.clean.map { [$0] } ?? []) + scores.cells {
      csv += "\(model),\(c.corruption),\(c.severity),\(c.images),\(c.correct),\(c.images - c.correct),"
        + "\(EvalRow.number(c.error)),\(EvalRow.number(c.meanConfidence))\n"
      if c.camImages > 0 {
        let n = Double(c.camImages)
        cam += "\(model),\(c.corruption),\(c.severity),\(c.images),\(c.camImages),"
          + c.camSums.map { EvalRow.number($0 / n) }.joined(separator: ",") + "\n"
      }
    }
    var files: [(name: String, data: Data)] = [("results.csv", Data(csv.utf8)), ("summary.json", try JSONOutput.encode(summary, snakeCase: true))]
    if meta.cam != nil { files.append(("cam.csv", Data(cam.utf8))) }
    return (summary, files)
  }
}

extension CorruptionScore {
  var nonMotonicSorted: [Int] { nonMonotonicAt.sorted() }
}

/// CSV helpers.
public enum CSV {
/// A CSV field, quoted when it contains a comma, quote or newline.
public static func field(_ s: String) -> String {
  s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
public static func split<S: StringProtocol>(_ line: S) -> [String] {
  var fields: [String] = []
  var field = ""
  var quoted = false
  var chars = Array(line)[...]
  while let ch = chars.popFirst() {
    if quoted {
      if ch == "\"" {
        if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
      } else { field.append(ch) }
    } else if ch == "\"" {
      quoted = true
    } else if ch == "," {
      fields.append(field)
      field = ""
    } else {
      field.append(ch)
    }
  }
  fields.append(field)
  return fields
}
}
