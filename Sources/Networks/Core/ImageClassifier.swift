import Autodiff
import Suggestions

/// How a network expects its input.
public struct InputSpec: Equatable, Sendable {
  /// Expected input height and width (networks may accept others; ViTs interpolate positions).
  public var height: Int, width: Int
  /// Name of the preprocessing profile that matches the training data (`imagenet`, `cifar`, `none`).
  public var profile: String
  /// The only batch size the model runs, when its graph fixes one (an ONNX file exported with a
  /// constant batch of 1); `nil` when any batch runs.
  public var batch: Int?

  /// Creates a spec.
  public init(height: Int, width: Int, profile: String, batch: Int? = nil) {
    self.height = height
    self.width = width
    self.profile = profile
    self.batch = batch
  }

  /// How many images one forward pass may take when `requested` are asked for: at most
  /// ``batch`` when the model fixes it, and at least one.
  public func imagesPerPass(_ requested: Int) -> Int {
    Swift.min(Swift.max(1, requested), batch ?? Int.max)
  }
}

/// A classifier over images `[N, 3, H, W]`, with every module addressable by its PyTorch path.
public protocol ImageClassifier: AnyObject {
  /// The architecture name (e.g. `resnet50`, `cifar_resnet56`, `vit_small_patch16`).
  var architecture: String { get }
  /// Weights and buffers by state_dict name.
  var parameters: ParameterTable { get }
  /// Number of output classes.
  var classCount: Int { get }
  /// What input the network expects.
  var input: InputSpec { get }
  /// Every module path a caller may tap, in forward order (e.g. `layer4`, `layer4.2.conv3`).
  var modulePaths: [String] { get }
  /// The layer Grad-CAM uses by default (`layer4`, CIFAR `layer3`, ViT `blocks.-1.norm1`).
  var defaultCAMLayer: String { get }
  /// Runs the network, tapping module outputs as `context` asks.
  /// - Returns: logits `[N, classCount]`.
  func forward(_ x: Tensor, context: ForwardContext) -> Tensor
}

extension ImageClassifier {
  /// Logits for a batch, with no graph recorded; a model with a fixed ``InputSpec/batch`` runs
  /// it in passes of that size.
  public func logits(_ x: Tensor) -> Tensor {
    withoutGradients {
      let n = x.shape.first ?? 0, step = input.imagesPerPass(n)
      guard n > step else { return forward(x, context: ForwardContext()) }
      return concat(stride(from: 0, to: n, by: step).map {
        forward(x.slice(axis: 0, range: $0..<Swift.min(n, $0 + step)), context: ForwardContext())
      }, axis: 0)
    }
  }

  /// Every module path with its output shape, in forward order, from one forward pass (no graph)
  /// on `input`, by default one image of zeros at the expected input size. A path the pass does
  /// not reach has no shape.
  public func layerShapes(input: Tensor? = nil) -> [(path: String, shape: [Int]?)] {
    let x = input ?? Tensor.zeros([1, 3, self.input.height, self.input.width])
    let context = ForwardContext(taps: Set(modulePaths))
    _ = withoutGradients { forward(x, context: context) }
    return modulePaths.map { ($0, context.captured[$0]?.shape) }
  }

  /// Resolves a user-given layer path: negative block indices count from the end
  /// (`blocks.-1.norm1`), and unknown names get suggestions.
  public func resolveLayer(_ name: String) throws -> String {
    let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    var resolved: [String] = []
    for part in parts {
      if let n = Int(part), n < 0 {
        let prefix = resolved.joined(separator: ".")
        let count = Set(modulePaths.compactMap { p -> Int? in
          guard p.hasPrefix(prefix + ".") else { return nil }
          return Int(p.dropFirst(prefix.count + 1).split(separator: ".").first ?? "")
        }).count
        guard count + n >= 0 else { throw NetworkError.unknownLayer(name, suggestions: []) }
        resolved.append(String(count + n))
      } else {
        resolved.append(part)
      }
    }
    let path = resolved.joined(separator: ".")
    guard modulePaths.contains(path) else {
      throw NetworkError.unknownLayer(name, suggestions: closestPaths(to: path))
    }
    return path
  }

  private func closestPaths(to name: String) -> [String] {
    closestMatches(to: name, in: modulePaths, limit: 2)
  }
}
