/// The PyTorch module path a torch exporter kept in a node name.
///
/// The TorchScript-based exporter names nodes by module scope and op:
/// `/layer4/layer4.2/relu_2/Relu` is the `Relu` of `layer4.2.relu_2`, and
/// `/layer2/layer2.0/downsample/downsample.0/Conv` the `Conv` of `layer2.0.downsample.0`. A
/// scope segment repeats the end of its parent's path (`layer4.2` under `layer4`); the repeated
/// part is dropped. The dynamo exporter records the scopes in the node's metadata
/// (`pkg.torch.onnx.name_scopes`: `['', 'layer1', 'layer1.0', 'conv1', 'conv2d']`, the last
/// entry naming the op).
enum ModuleScope {
  /// The module path of a node, or nil when neither its name nor its metadata carries a scope.
  static func path(ofNode name: String, metadata: [Onnx_StringStringEntryProto] = []) -> [String]? {
    if let scopes = metadata.first(where: { $0.key == "pkg.torch.onnx.name_scopes" })?.value {
      return merged(pythonStrings(scopes).filter { !$0.isEmpty }.dropLast())
    }
    guard name.hasPrefix("/") else { return nil }
    return merged(name.split(separator: "/").map(String.init).dropLast())
  }

  /// The strings of a Python list literal of plain strings (`['', 'a', 'b.0']`).
  static func pythonStrings(_ literal: String) -> [String] {
    literal.split(separator: "'", omittingEmptySubsequences: false).enumerated()
      .filter { $0.offset % 2 == 1 }.map { String($0.element) }
  }

  /// Scope segments joined into one path, each segment's repeat of its parent dropped.
  static func merged<S: Collection>(_ segments: S) -> [String]? where S.Element == String {
    guard !segments.isEmpty else { return nil }
    var path: [String] = []
    for segment in segments {
      let parts = segment.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard parts.allSatisfy({ !$0.isEmpty }) else { return nil }
      var overlap = 0
      if parts.count > 1 {
        for k in stride(from: Swift.min(parts.count - 1, path.count), through: 1, by: -1)
        where Array(path.suffix(k)) == Array(parts.prefix(k)) {
          overlap = k
          break
        }
      }
      path += parts.dropFirst(overlap)
    }
    return path
  }
}
