import Corruptions
import Foundation
import Imaging

/// Where an evaluation gets its images: image `i` of the dataset, clean or corrupted
/// (``FolderSource``, ``TreeSource``, ``NPYSource``).
public protocol EvalSource {
  /// `imagefolder`, `corrupted-tree` or `npy` (recorded in meta.json).
  var kind: String { get }
  /// Images in the dataset.
  var count: Int { get }
  /// Whether the source has the clean images.
  var hasClean: Bool { get }
  /// Class folder names (label order) when the labels come from folders.
  var classFolders: [String] { get }
  /// True when the labels are sorted class folder positions rather than matched class names.
  var labelsByPosition: Bool { get }
  /// The label of image `i`.
  func label(_ i: Int) -> Int
  /// Image `i`'s path within the dataset (`class/file`; empty when the source has no files).
  func path(_ i: Int) -> String
  /// What `image` needs for image `i` (the decoded clean image for on-the-fly corruption), read once
  /// per image.
  func base(_ i: Int) throws -> RGBImage?
  /// Image `i` under `corruption` at `severity`; nil (severity 0) is the clean image.
  func image(_ i: Int, _ corruption: Corruption?, _ severity: Int, base: RGBImage?) throws -> RGBImage
}

/// The source of a run: `corruptedRoot` when given (a CIFAR-10-C `.npy` folder, else a
/// corruption/severity/class/image tree with the clean ImageFolder `data`, if any), else the
/// ImageFolder `data` corrupted on the fly with per-file seeds from `seed` and `profile`. Class folders are labelled by
/// ``ClassMap`` from `classMapFile` or the model's `classNames`.
public func openEvalSource(
  data: String?, corruptedRoot: String?, corruptions: [Corruption], severities: [Int], seed: UInt32, profile: Profile?,
  classMapFile: String?, classNames: [String]? = nil
) throws -> EvalSource {
  if let root = corruptedRoot {
    if NPYSource.isLayout(root) { return try NPYSource(root: root, corruptions: corruptions, severities: severities) }
    return try TreeSource(root: root, clean: data, corruptions: corruptions, severities: severities, classMapFile: classMapFile, classNames: classNames)
  }
  guard let data else { throw EvaluationError.format("give --data, --corrupted-root or both") }
  return try FolderSource(root: data, classMapFile: classMapFile, classNames: classNames, seed: seed, profile: profile)
}
