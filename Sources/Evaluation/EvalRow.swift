import Checksums
import Foundation
import GradCAM

/// The attention-shift numbers of one corrupted image's map against its clean image's map: the
/// GradCAM library's ``AttentionShift`` (one type for the sweep report, the rows and the summaries).
public typealias CAMShift = AttentionShift

/// Identifies one evaluated image: dataset image index, corruption (`clean` for the clean image)
/// and severity (0 for clean).
public struct RowKey: Hashable, Sendable, Comparable {
  public var image: Int
  public var corruption: String
  public var severity: Int

  public init(image: Int, corruption: String, severity: Int) {
    self.image = image
    self.corruption = corruption
    self.severity = severity
  }

  public static func < (a: RowKey, b: RowKey) -> Bool {
    (a.corruption, a.severity, a.image) < (b.corruption, b.severity, b.image)
  }
}

/// One line of a shard's append-only `rows.csv`: the outcome of one (image, corruption, severity).
///
/// Text form:
/// `image,corruption,severity,label,predicted,correct,confidence,rank_corr,top_iou,center_shift,entropy_change,deletion_auc,insertion_auc,road,path,crc32`
/// where numbers are printed with `%.6f`, the four CAM fields are empty without `--cam` (and for
/// clean rows), the three faithfulness fields (``FaithfulnessScores``) empty without
/// `--faithfulness`, `path` is the image's path within the dataset (`class/file` of an ImageFolder;
/// empty for `.npy` sources; CSV-quoted when it holds a comma or quote) and `crc32` is the CRC-32
/// (8 hex digits) of the line text before `,crc32`. A line whose checksum does not match (a torn or
/// damaged write) is not a row. Files of the earlier form (no faithfulness or `path` columns,
/// ``headerWithoutPath``) are still read.
public struct EvalRow: Equatable, Sendable {
  public static let clean = "clean"
  public static let header =
    "image,corruption,severity,label,predicted,correct,confidence,rank_corr,top_iou,center_shift,entropy_change,deletion_auc,insertion_auc,road,path,crc32"
  /// The header of row files written before rows had faithfulness scores and a path.
  public static let headerWithoutPath =
    "image,corruption,severity,label,predicted,correct,confidence,rank_corr,top_iou,center_shift,entropy_change,crc32"

  public var image: Int
  public var corruption: String
  public var severity: Int
  public var label: Int
  public var predicted: Int
  /// Softmax probability of the predicted class.
  public var confidence: Double
  public var shift: CAMShift?
  /// Faithfulness of the map to the model (`evaluate --cam --faithfulness`).
  public var faithfulness: FaithfulnessScores?
  /// The image's path within the dataset (empty when the source has none).
  public var path: String

  public var correct: Bool { predicted == label }
  public var key: RowKey { RowKey(image: image, corruption: corruption, severity: severity) }

  public init(
    image: Int, corruption: String, severity: Int, label: Int, predicted: Int, confidence: Double,
    shift: CAMShift? = nil, faithfulness: FaithfulnessScores? = nil, path: String = ""
  ) {
    self.faithfulness = faithfulness
    self.path = path
    self.image = image
    self.corruption = corruption
    self.severity = severity
    self.label = label
    self.predicted = predicted
    self.confidence = confidence
    self.shift = shift
  }

  /// The row as one line (no newline), checksum included.
  public var line: String {
    var body = "\(image),\(corruption),\(severity),\(label),\(predicted),\(correct ? 1 : 0),\(Self.number(confidence))"
    if let s = shift {
      body += ",\(Self.number(s.rankCorrelation)),\(Self.number(s.topIoU)),\(Self.number(s.centerShift)),\(Self.number(s.entropyChange))"
    } else {
      body += ",,,,"
    }
    if let f = faithfulness {
      body += ",\(Self.number(f.deletionAUC)),\(Self.number(f.insertionAUC)),\(Self.number(f.road))"
    } else {
      body += ",,,"
    }
    body += "," + CSV.field(path)
    return body + "," + CRC32.hex(body)
  }

  /// The row as its values read back from text: what `parse(line)` returns. Rows are summarised
  /// from these values, so a row computed in memory and one read from a file count the same.
  public var canonical: EvalRow { Self.parse(line)! }

  /// Parses one line; nil when the line is malformed or its checksum does not match.
  public static func parse<S: StringProtocol>(_ line: S) -> EvalRow? {
    guard let comma = line.lastIndex(of: ",") else { return nil }
    let body = line[..<comma]
    let crc = line[line.index(after: comma)...]
    guard crc.count == 8, CRC32.hex(String(body)) == crc else { return nil }
    // The path (last, possibly quoted) may hold commas: the 14 fields before it are split off first.
    let f = body.split(separator: ",", maxSplits: 14, omittingEmptySubsequences: false)
    guard f.count == 11 || f.count == 15, let image = Int(f[0]), !f[1].isEmpty, let severity = Int(f[2]), let label = Int(f[3]),
      let predicted = Int(f[4]), let correct = Int(f[5]), let confidence = Double(f[6])
    else { return nil }
    guard correct == (predicted == label ? 1 : 0) else { return nil }
    var shift: CAMShift?
    if !f[7].isEmpty {
      guard let a = Double(f[7]), let b = Double(f[8]), let c = Double(f[9]), let d = Double(f[10]) else { return nil }
      shift = CAMShift(rankCorrelation: a, topIoU: b, centerShift: c, entropyChange: d)
    } else {
      guard f[8].isEmpty, f[9].isEmpty, f[10].isEmpty else { return nil }
    }
    var path = ""
    var faithfulness: FaithfulnessScores?
    if f.count == 15 {
      let fields = CSV.split(f[14])
      guard fields.count == 1 else { return nil }
      path = fields[0]
      if !f[11].isEmpty {
        guard let d = Double(f[11]), let i = Double(f[12]), let r = Double(f[13]) else { return nil }
        faithfulness = FaithfulnessScores(deletionAUC: d, insertionAUC: i, road: r)
      } else {
        guard f[12].isEmpty, f[13].isEmpty else { return nil }
      }
    }
    return EvalRow(
      image: image, corruption: String(f[1]), severity: severity, label: label, predicted: predicted,
      confidence: confidence, shift: shift, faithfulness: faithfulness, path: path)
  }

  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "nan" }
    let s = String(format: "%.6f", x)
    return s == "-0.000000" ? "0.000000" : s
  }
}
