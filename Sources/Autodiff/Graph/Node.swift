/// A recorded step of a computation: which tensors it read and how to send a gradient back.
///
/// Nodes hold their parents strongly and are held by the tensors they produced, so a graph lives
/// exactly as long as some tensor computed in it.
final class Node {
  /// The op name, for statistics and error messages.
  let op: String
  /// The graph nodes of the inputs, in order; `nil` for inputs that were not tracked (constants).
  private(set) var parents: [Node?]
  /// Maps the gradient of the output to the gradients of the inputs. The second argument says
  /// which inputs need a gradient; the rule must return `nil` for the others and skip their work.
  let pullback: ((Tensor, [Bool]) -> [Tensor?])?
  /// Shape and type of the output, to build zero gradients and check seeds.
  let shape: [Int]
  let dtype: DType

  init(op: String, parents: [Node?], shape: [Int], dtype: DType,
       pullback: @escaping (Tensor, [Bool]) -> [Tensor?]) {
    self.op = op
    self.parents = parents
    self.pullback = pullback
    self.shape = shape
    self.dtype = dtype
  }

  /// A leaf: a tensor marked with `tracked()`.
  init(leafShape: [Int], dtype: DType) {
    op = "leaf"
    parents = []
    pullback = nil
    shape = leafShape
    self.dtype = dtype
  }

  deinit {
    // Free long parent chains iteratively: a deep graph would otherwise recurse once per node
    // while being released and could exhaust the stack.
    var stack = parents.compactMap { $0 }
    parents = []
    while var next = stack.popLast() {
      if isKnownUniquelyReferenced(&next) {
        stack.append(contentsOf: next.parents.compactMap { $0 })
        next.parents = []
      }
    }
  }
}
