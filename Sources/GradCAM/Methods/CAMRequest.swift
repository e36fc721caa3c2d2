import Autodiff
import Networks

/// One chunk of images for a method to explain, with the passes methods share.
struct CAMRequest {
  /// The model explained.
  let model: ImageClassifier
  /// The preprocessed chunk `[B, 3, H, W]`, float32, not in any graph.
  let input: Tensor
  let target: CAMTarget
  let labels: [Int]?
  /// The resolved layer (`nil` for attention methods).
  let layer: String?
  /// Masked images per forward pass (Score-CAM).
  let scoreCAMBatchSize: Int
  /// Score-CAM's (masked images done, total) after each forward pass, if anyone listens.
  let scoreCAMProgress: ((Int, Int) -> Void)?
  /// Rollout settings (attention methods).
  let rollout: RolloutOptions

  /// The input's height and width.
  var size: (Int, Int) { (input.shape[2], input.shape[3]) }

  /// The layer's activations and, when `gradients`, the gradient of each target pass's score
  /// with respect to them, as channels-first maps; `combine` turns them into one raw map per
  /// pass.
  ///
  /// Only what the target needs is differentiated: the forward pass records the graph from the
  /// tapped layer upwards (weights are constants, never tracked), and the backward pass stops
  /// at the layer.
  func layerMaps(gradients useGradients: Bool, _ combine: (LayerCapture) throws -> [[Float]]) throws -> CAMRawMaps {
    guard let layer else { throw CAMError.invalidInput("a layer method was given no layer") }
    let grid = TokenGrid.of(model, height: size.0, width: size.1)
    var stats = BackwardStatistics()
    let context = ForwardContext(taps: [layer])
    let logits: Tensor
    var gradientsPerPass: [FeatureMaps] = []
    let passes: [[Int]]
    if useGradients {
      logits = model.forward(input, context: context)
      passes = try target.classes(logits: logits.detached(), labels: labels)
      guard let a = context.captured[layer] else {
        throw CAMError.invalidInput("layer '\(layer)' was not reached by the forward pass")
      }
      for classes in passes {
        let g = try gradients(
          of: targetScore(logits, classes: classes), wrt: [a], allowUnused: true, statistics: &stats)[0]
        gradientsPerPass.append(try features(g, grid: grid, layer: layer))
      }
    } else {
      logits = withoutGradients { model.forward(input, context: context) }
      passes = try target.classes(logits: logits, labels: labels)
    }
    guard let captured = context.captured[layer] else {
      throw CAMError.invalidInput("layer '\(layer)' was not reached by the forward pass")
    }
    let a = try features(captured, grid: grid, layer: layer)
    let raws = try combine(LayerCapture(activations: a, gradients: gradientsPerPass, passes: passes))
    return CAMRawMaps(raws: raws, passes: passes, height: a.height, width: a.width, logits: logits.detached(), backward: stats)
  }

  /// Raw maps of a method that combines the activations with each pass's gradient.
  func gradientMaps(_ combine: (_ activations: FeatureMaps, _ gradients: FeatureMaps) -> [Float]) throws -> CAMRawMaps {
    try layerMaps(gradients: true) { c in c.gradients.map { combine(c.activations, $0) } }
  }

  /// The patch grid of the model's attention for this input, or the error for a model that
  /// has no attention.
  func attentionGrid(for method: CAMMethod) throws -> TokenGrid {
    guard let grid = TokenGrid.of(model, height: size.0, width: size.1) else {
      throw CAMError.unsupportedArchitecture(
        method: method, architecture: model.architecture,
        reason: "it reads transformer attention; use a CAM method such as gradcam for CNNs")
    }
    return grid
  }

  /// A captured activation or gradient as channels-first maps.
  private func features(_ t: Tensor, grid: TokenGrid?, layer: String) throws -> FeatureMaps {
    if t.rank == 4, let m = model as? ChannelsLastLayers, m.outputsChannelsLast(layer) {
      return FeatureMaps(t.detached().converted(to: .float32).permuted([0, 3, 1, 2]))
    }
    if t.rank == 4 { return FeatureMaps(t.detached().converted(to: .float32)) }
    if let grid { return try grid.featureMaps(t, layer: layer) }
    throw CAMError.invalidInput("layer '\(layer)' outputs shape \(t.shape); CAM methods need [B, C, h, w] feature maps")
  }
}

/// A layer's activations for one chunk, and the gradients of each target pass.
struct LayerCapture {
  let activations: FeatureMaps
  /// One per target pass (empty for gradient-free methods).
  let gradients: [FeatureMaps]
  /// The target classes as `passes[r][b]`.
  let passes: [[Int]]
}

/// What a method computed for one chunk, before normalisation.
struct CAMRawMaps {
  /// Per target pass, `[B, height, width]` flat.
  var raws: [[Float]]
  /// The target classes as `passes[r][b]`.
  var passes: [[Int]]
  /// The maps' resolution (feature map or patch grid).
  var height: Int, width: Int
  /// Logits `[B, classes]` of the unmodified chunk.
  var logits: Tensor
  var backward: BackwardStatistics
}
