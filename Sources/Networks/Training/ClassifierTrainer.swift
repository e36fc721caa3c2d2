import Autodiff
import Checkpoints
import Foundation

/// Random initial weights for training a network from scratch, by parameter name (PyTorch's
/// conventions): convolution and linear weights Kaiming-normal (`fan_in`, ReLU gain) for CNNs,
/// truncated-normal-like `N(0, 0.02)` for ViTs (and for `cls_token`, `pos_embed`); biases 0;
/// norm weights 1; running means 0 and variances 1. Reproducible: each tensor's values come from
/// `seed` and the FNV-1a hash of its name.
public enum InitialWeights {
  /// A weight source for ``Architectures/build(_:weights:classCount:)``.
  /// - Parameter transformer: use the ViT scheme (`N(0, 0.02)` everywhere) instead of Kaiming.
  public static func source(seed: UInt64, transformer: Bool) -> WeightSource {
    WeightSource(.formula({ name, shape in tensor(name, shape, seed: seed, transformer: transformer) }))
  }

  /// One initial tensor.
  public static func tensor(_ name: String, _ shape: [Int], seed: UInt64, transformer: Bool) -> Tensor {
    let leaf = name.split(separator: ".").last.map(String.init) ?? name
    let s = seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(WeightFormula.fnv1a32(name))
    switch leaf {
    case "running_var": return .ones(shape)
    case "running_mean", "bias": return .zeros(shape)
    default: break
    }
    if shape.count == 1 { return .ones(shape) }  // norm weights
    if transformer || name == "cls_token" || name == "pos_embed" || name == "reg_token" {
      // Clipped at two standard deviations, as timm's trunc_normal_(std=.02).
      let t = Tensor.normal(shape, std: 0.02, seed: s)
      return Tensor(shape: shape, scalars: t.scalars.map { max(-0.04, min(0.04, $0)) })
    }
    let fanIn = shape.dropFirst().reduce(1, *)
    let std = leaf == "weight" && shape.count == 2 ? (1 / Double(fanIn)).squareRoot() : (2 / Double(fanIn)).squareRoot()
    return Tensor.normal(shape, std: std, seed: s)
  }
}

/// Trains an ``ImageClassifier`` in place with cross-entropy and AdamW, using the autodiff.
///
/// Each step tracks the trainable entries of the model's ``ParameterTable``, runs a training-mode
/// forward pass (batch statistics in batch norm, whose running statistics are then updated),
/// differentiates the mean cross-entropy with respect to every trainable tensor and lets
/// ``AdamW`` update them.
public final class ClassifierTrainer {
  /// The model being trained (its parameter table is updated after every step).
  public let model: ImageClassifier
  /// The optimiser; its learning rate may be changed between steps (schedules).
  public let optimizer: AdamW
  /// Label smoothing of the loss.
  public var labelSmoothing: Double
  /// Steps taken so far.
  public private(set) var stepCount = 0
  private let parameters: [Parameter]

  /// Prepares to train `model`.
  public init(model: ImageClassifier, optimizer: AdamW, labelSmoothing: Double = 0) {
    self.model = model
    self.optimizer = optimizer
    self.labelSmoothing = labelSmoothing
    parameters = model.parameters.trainable.map { Parameter(name: $0, value: model.parameters[$0]) }
  }

  /// One optimisation step on a batch `[N, 3, H, W]` with its labels.
  /// - Returns: the batch's mean loss before the update, and how many it classified correctly.
  @discardableResult
  public func step(_ images: Tensor, labels: [Int]) throws -> (loss: Double, correct: Int) {
    let table = model.parameters
    let tracked = parameters.map { $0.value.tracked() }
    for (p, t) in zip(parameters, tracked) { table[p.name] = t }
    let context = ForwardContext(training: true)
    let logits = model.forward(images, context: context)
    let loss = crossEntropy(logits, labels: labels, labelSmoothing: labelSmoothing)
    let grads: [Tensor]
    do {
      grads = try gradients(of: loss, wrt: tracked)
    } catch {
      for p in parameters { table[p.name] = p.value }
      throw error
    }
    optimizer.step(parameters, gradients: grads)
    for p in parameters { table[p.name] = p.value }
    for (name, value) in context.updatedBuffers { table[name] = value.detached() }
    stepCount += 1
    return (loss.item, Self.correct(logits.detached(), labels))
  }

  /// Mean loss of a batch without training (eval mode, no graph).
  public func loss(_ images: Tensor, labels: [Int]) -> Double {
    withoutGradients { crossEntropy(model.logits(images), labels: labels).item }
  }

  /// How many rows of `logits` `[N, C]` have their maximum at the label.
  public static func correct(_ logits: Tensor, _ labels: [Int]) -> Int {
    let c = logits.shape[1]
    let v = logits.scalars
    var hits = 0
    for (i, label) in labels.enumerated() {
      let row = v[(i * c)..<((i + 1) * c)]
      if row.indices.max(by: { row[$0] < row[$1] })! - i * c == label { hits += 1 }
    }
    return hits
  }

  /// The model's weights and buffers as safetensors entries (float32, registration order).
  public static func checkpointEntries(_ model: ImageClassifier) -> [(String, CheckpointTensor)] {
    model.parameters.names.map { name in
      let t = model.parameters[name]
      return (name, CheckpointTensor(shape: t.shape, floats: t.scalars))
    }
  }

  /// Writes the model's weights and buffers to a safetensors file (atomically).
  public static func save(_ model: ImageClassifier, to url: URL, metadata: [String: String] = [:]) throws {
    try SafeTensors.write(checkpointEntries(model), to: url, metadata: metadata)
  }
}
