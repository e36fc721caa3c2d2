import Autodiff

/// The root of a module tree: a whole network, which owns its weights.
///
/// A network's init creates its modules, then calls ``build(weights:)``, which names every
/// module and parameter from their declarations (see ``Module``) and reads the parameters
/// from the weight source by those names.
public class Network: Module {
  /// Weights and buffers by state_dict name, in declaration order.
  public let parameters = ParameterTable()
  /// Every module path, in the order the modules' outputs are produced (a module after its
  /// children): `conv1`, `bn1`, ..., `layer4.2.conv3`, ..., `layer4`, `avgpool`, `fc`.
  public private(set) var modulePaths: [String] = []

  /// Names the tree, registers every parameter with its value from `source`, and throws the
  /// first missing or mis-shaped weight.
  func build(weights source: WeightSource) throws {
    var paths: [String] = []
    build(table: parameters, source: source, paths: &paths)
    modulePaths = paths
    try source.finish()
  }

  /// Runs the network with `context` as the pass's ``ForwardContext/current``.
  public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
    ForwardContext.$current.withValue(context) { forward(x) }
  }
}
