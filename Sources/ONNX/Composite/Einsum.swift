import Autodiff

// Einstein summation for one or two operands without repeated labels in an operand (the forms
// attention uses: "bhid,bhjd->bhij", "bhij,bhjd->bhid", "...ij,...jk->...ik"), as a permute,
// reshape and batched matmul, so its gradient is theirs.

/// A parsed einsum equation such as `"bhid,bhjd->bhij"` or `"...ij,...jk->...ik"`.
public struct EinsumEquation: Sendable {
  /// One subscript: a letter or the ellipsis.
  enum Label: Hashable, Sendable {
    case letter(Character)
    case ellipsis
  }

  /// The input terms and the output term (implicit output made explicit: the letters used once,
  /// alphabetically, after the ellipsis).
  let inputs: [[Label]]
  let output: [Label]
  /// The equation as written.
  public let text: String

  /// Why an equation is not supported, in a phrase.
  public struct Unsupported: Error, CustomStringConvertible {
    public let description: String
  }

  /// Parses `text`; throws ``Unsupported`` for malformed equations, more than two operands and
  /// a letter repeated in one term (diagonals).
  public init(_ text: String) throws {
    self.text = text
    let compact = text.filter { !$0.isWhitespace }
    let sides = compact.components(separatedBy: "->")
    guard sides.count <= 2 else { throw Unsupported(description: "more than one '->'") }
    let terms = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    guard terms.count == 1 || terms.count == 2 else { throw Unsupported(description: "\(terms.count) operands (1 or 2 are supported)") }
    inputs = try terms.map(Self.labels)
    if sides.count == 2 {
      output = try Self.labels(sides[1])
      let used = Set(inputs.joined())
      guard output.allSatisfy(used.contains) else { throw Unsupported(description: "an output label is in no input") }
    } else {
      var counts: [Character: Int] = [:]
      for case .letter(let l) in inputs.joined() { counts[l, default: 0] += 1 }
      let once = counts.filter { $0.value == 1 }.keys.sorted().map { Label.letter($0) }
      output = (inputs.joined().contains(.ellipsis) ? [.ellipsis] : []) + once
    }
  }

  private static func labels(_ term: String) throws -> [Label] {
    var labels: [Label] = []
    var rest = Substring(term)
    while let ch = rest.first {
      if rest.hasPrefix("...") {
        labels.append(.ellipsis)
        rest = rest.dropFirst(3)
      } else if ch.isASCII && ch.isLetter {
        labels.append(.letter(ch))
        rest = rest.dropFirst()
      } else {
        throw Unsupported(description: "'\(ch)' is not a subscript")
      }
    }
    guard Set(labels).count == labels.count else { throw Unsupported(description: "a label repeats in '\(term)'") }
    return labels
  }

  /// The number of operands.
  public var operandCount: Int { inputs.count }

  /// Each term with the ellipsis replaced by the dimensions it covers for operands of `ranks`
  /// (numbered labels, right-aligned as numpy broadcasts them), and the output term.
  func expanded(ranks: [Int]) throws -> (inputs: [[Int]], output: [Int]) {
    var ids: [Character: Int] = [:]
    func id(_ l: Character) -> Int {
      if let i = ids[l] { return i }
      ids[l] = ids.count
      return ids.count - 1
    }
    var ellipsisRanks: [Int] = []
    for (term, rank) in zip(inputs, ranks) {
      let letters = term.filter { $0 != .ellipsis }.count
      let covered = rank - letters
      guard covered == 0 || (covered > 0 && term.contains(.ellipsis)) else {
        throw Unsupported(description: "term of \(letters) labels for an operand of rank \(rank)")
      }
      ellipsisRanks.append(covered)
    }
    let span = ellipsisRanks.max() ?? 0
    // Ellipsis dimension j of `span` gets label 1000 + j.
    func expand(_ term: [Label], covered: Int) -> [Int] {
      term.flatMap { label -> [Int] in
        switch label {
        case .letter(let l): return [id(l)]
        case .ellipsis: return (span - covered..<span).map { 1000 + $0 }
        }
      }
    }
    let ins = zip(inputs, ellipsisRanks).map { expand($0, covered: $1) }
    return (ins, expand(output, covered: span))
  }
}

/// Einstein summation of one or two operands (`torch.einsum`), dimensions of size 1 broadcast
/// where a label is a batch dimension of both operands.
///
/// - Throws: ``EinsumEquation/Unsupported`` when the operands do not fit the equation.
public func einsum(_ equation: EinsumEquation, _ operands: [Tensor]) throws -> Tensor {
  guard operands.count == equation.operandCount else {
    throw EinsumEquation.Unsupported(description: "\(operands.count) operands for \(equation.operandCount) terms")
  }
  let (terms, output) = try equation.expanded(ranks: operands.map(\.rank))
  var xs = operands, labels = terms
  // Sizes of each label; a batch label may be 1 in one operand.
  var size: [Int: Int] = [:]
  for (x, term) in zip(xs, labels) {
    for (d, l) in zip(x.shape, term) {
      if let s = size[l], s != d, s != 1, d != 1 {
        throw EinsumEquation.Unsupported(description: "label sizes \(s) and \(d) differ for operands \(operands.map(\.shape))")
      }
      size[l] = Swift.max(size[l] ?? d, d)
    }
  }
  // Labels of one operand that are neither in the output nor in the other operand: summed now.
  for i in xs.indices {
    let others = Set(labels.indices.filter { $0 != i }.flatMap { labels[$0] })
    let summed = labels[i].indices.filter { !output.contains(labels[i][$0]) && !others.contains(labels[i][$0]) }
    if !summed.isEmpty {
      xs[i] = xs[i].sum(alongAxes: summed)
      labels[i] = labels[i].enumerated().filter { !summed.contains($0.offset) }.map(\.element)
    }
  }
  func arranged(_ x: Tensor, _ from: [Int], _ to: [Int]) -> Tensor {
    let order = to.map { from.firstIndex(of: $0)! }
    return order == Array(0..<order.count) ? x : x.permuted(order)
  }
  if xs.count == 1 { return arranged(xs[0], labels[0], output) }

  let (a, b) = (labels[0], labels[1])
  let batch = a.filter { b.contains($0) && output.contains($0) }
  let contracted = a.filter { b.contains($0) && !output.contains($0) }
  let freeA = a.filter { !b.contains($0) }, freeB = b.filter { !a.contains($0) }
  for l in contracted where xs[0].shape[a.firstIndex(of: l)!] != xs[1].shape[b.firstIndex(of: l)!] {
    throw EinsumEquation.Unsupported(description: "summed label sizes differ for operands \(operands.map(\.shape))")
  }
  func dims(_ x: Tensor, _ term: [Int], _ ls: [Int]) -> [Int] { ls.map { x.shape[term.firstIndex(of: $0)!] } }
  let k = contracted.map { size[$0]! }.reduce(1, *)
  let m = freeA.map { size[$0]! }.reduce(1, *), n = freeB.map { size[$0]! }.reduce(1, *)
  let left = arranged(xs[0], a, batch + freeA + contracted).reshaped(dims(xs[0], a, batch) + [m, k])
  let right = arranged(xs[1], b, batch + contracted + freeB).reshaped(dims(xs[1], b, batch) + [k, n])
  let product = matmul(left, right)
  let batchSizes = Array(product.shape.dropLast(2))
  let full = product.reshaped(batchSizes + freeA.map { size[$0]! } + freeB.map { size[$0]! })
  return arranged(full, batch + freeA + freeB, output)
}
