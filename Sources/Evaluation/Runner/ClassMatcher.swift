import Networks

/// Finds a class by WordNet id (1000-class models) or by name, ignoring case and `_`/`-`; names
/// shared by several classes (ImageNet's two "crane"s are named apart) match none.
struct ClassMatcher {
  let count: Int
  private let byKey: [String: Int]

  init(classNames: [String]) {
    count = classNames.count
    var keys: [String: Int] = [:]
    var shared: Set<String> = []
    for (i, name) in classNames.enumerated() {
      let k = Self.key(name)
      if keys[k] != nil { shared.insert(k) } else { keys[k] = i }
    }
    for k in shared { keys[k] = nil }
    if count == 1000 {
      for (i, id) in ClassNames.imagenetWordNetIDs.enumerated() { keys[id.lowercased()] = i }
    }
    byKey = keys
  }

  func index(of folder: String) -> Int? { byKey[Self.key(folder)] }

  /// Lower case, `_` and `-` as spaces, runs of spaces as one.
  static func key(_ s: String) -> String {
    s.lowercased().map { $0 == "_" || $0 == "-" ? " " : $0 }.reduce(into: "") { out, c in
      if c == " " && (out.isEmpty || out.last == " ") { return }
      out.append(c)
    }.trimmingCharacters(in: .whitespaces)
  }
}
