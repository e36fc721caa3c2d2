import Foundation

/// Labels of class folders: sorted folder names are indices 0, 1, ... (torchvision ImageFolder), or
/// a `--class-map` file of `folder,index` lines.
public struct ClassMap {
  /// Label index of each class folder name.
  public let index: [String: Int]

  /// The labels of `folders`: their sorted order, or the `folder,index` lines of `file`.
  public init(folders: [String], file: String?) throws {
    guard let file else {
      index = Dictionary(uniqueKeysWithValues: folders.sorted().enumerated().map { ($0.element, $0.offset) })
      return
    }
    let text: String
    do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw EvaluationError.io("\(file): cannot read the class map") }
    var map: [String: Int] = [:]
    for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard f.count == 2, let i = Int(f[1]), i >= 0 else {
        if n == 0 { continue }  // a header
        throw EvaluationError.format("\(file):\(n + 1): expected folder,index")
      }
      map[f[0]] = i
    }
    if let missing = folders.first(where: { map[$0] == nil }) {
      throw EvaluationError.format("\(file): no index for class folder '\(missing)'")
    }
    index = map
  }

  /// The label of class folder `folder`.
  public func label(_ folder: String) throws -> Int {
    guard let i = index[folder] else { throw EvaluationError.format("no index for class folder '\(folder)'") }
    return i
  }
}
