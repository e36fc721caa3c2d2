import Foundation
import Networks

/// Labels of class folders.
///
/// Given the model's class names, each folder is matched to a class by name: an ImageNet WordNet id
/// (`n02085620`, for a 1000-class model) or a class name, compared without case and with `_`/`-` as
/// spaces (`golden_retriever`, `Golden Retriever`). A subset of the classes (ImageNet-R/-A/-100,
/// `cat/` and `dog/` of CIFAR-10) gets the model's own indices. When no folder matches and there are
/// exactly as many folders as classes, sorted folder names are indices 0, 1, ... (torchvision
/// ImageFolder, as a model trained on that folder numbers them); any other unmatched folder is an
/// error naming it. A `--class-map` file of `folder,class` lines (class: index, name or WordNet id)
/// replaces the matching. Without class names, sorted folder names are the indices.
public struct ClassMap {
  /// Label index of each class folder name.
  public let index: [String: Int]
  /// True when the labels are sorted folder positions rather than matched names.
  public let byPosition: Bool

  /// The labels of `folders`: from the `folder,class` lines of `file`, else matched by name to
  /// `classNames` (the model's classes in label order), else sorted positions.
  public init(folders: [String], file: String?, classNames: [String]? = nil) throws {
    let matcher = classNames.map(ClassMatcher.init)
    if let file {
      index = try Self.read(file, folders: folders, matcher: matcher)
      byPosition = false
      return
    }
    guard let matcher else {
      index = Dictionary(uniqueKeysWithValues: folders.sorted().enumerated().map { ($0.element, $0.offset) })
      byPosition = true
      return
    }
    var map: [String: Int] = [:]
    for f in folders { map[f] = matcher.index(of: f) }
    let unmatched = folders.filter { map[$0] == nil }.sorted()
    if unmatched.isEmpty {
      index = map
      byPosition = false
    } else if unmatched.count == folders.count && folders.count == matcher.count {
      index = Dictionary(uniqueKeysWithValues: folders.sorted().enumerated().map { ($0.element, $0.offset) })
      byPosition = true
    } else {
      let shown = unmatched.prefix(8).map { "'\($0)'" }.joined(separator: ", ") + (unmatched.count > 8 ? ", ..." : "")
      throw EvaluationError.format(
        "\(unmatched.count) of \(folders.count) class folders match none of the model's \(matcher.count) classes by name"
          + "\(matcher.count == 1000 ? " or WordNet id" : ""): \(shown); give --class-map FILE with folder,class lines")
    }
  }

  /// The label of class folder `folder`.
  public func label(_ folder: String) throws -> Int {
    guard let i = index[folder] else { throw EvaluationError.format("no class for class folder '\(folder)'") }
    return i
  }

  /// The `folder,class` lines of `file` (a header line and `#` comments are skipped).
  private static func read(_ file: String, folders: [String], matcher: ClassMatcher?) throws -> [String: Int] {
    let text: String
    do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw EvaluationError.io("\(file): cannot read the class map") }
    var map: [String: Int] = [:]
    for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let f = line.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      let value = f.count == 2 ? (Int(f[1]) ?? matcher?.index(of: f[1])) : nil
      guard let i = value, i >= 0, matcher.map({ i < $0.count }) ?? true else {
        if n == 0 && f.count == 2 && Int(f[1]) == nil { continue }  // a header
        let expected = matcher == nil ? "folder,index" : "folder,class (an index below \(matcher!.count), a class name or WordNet id)"
        throw EvaluationError.format("\(file):\(n + 1): expected \(expected), got '\(line)'")
      }
      map[f[0]] = i
    }
    let missing = folders.filter { map[$0] == nil }.sorted()
    if !missing.isEmpty {
      throw EvaluationError.format("\(file): no class for class folder(s) \(missing.prefix(8).map { "'\($0)'" }.joined(separator: ", "))")
    }
    return map
  }
}
