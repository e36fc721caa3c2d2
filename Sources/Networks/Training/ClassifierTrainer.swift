import Autodiff
import Checkpoints
import Foundation

/// Random initial weights for training a network from scratch, by parameter name.
///
/// CNNs (PyTorch's conventions): convolution weights Kaiming-normal (`fan_in`, ReLU gain),
/// linear weights `N(0, 1/fan_in)`. ViTs (small-width friendly, as timm's JAX-style init):
/// linear weights Xavier-normal, the patch embedding LeCun-normal, `cls_token` `N(0, 0.02)`
/// and `pos_embed` the fixed 2-D sine-cosine table of MAE (zero for prefix tokens) as its
/// starting value. Everywhere: biases 0, norm weights 1, running means 0 and variances 1.
/// Reproducible: each tensor's values come from `seed` and the FNV-1a hash of its name.
public enum InitialWeights {
  /// A weight source for ``Architectures/build(_:weights:classCount:)``.
  /// - Parameter transformer: use the ViT scheme instead of the CNN one.
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
    if name == "pos_embed" { return sinCosPositions(shape) }
    if name == "cls_token" || name == "reg_token" { return Tensor.normal(shape, std: 0.02, seed: s) }
    let fanIn = shape.dropFirst().reduce(1, *)
    let std: Double
    if shape.count == 2 {
      std = transformer ? (2 / Double(fanIn + shape[0])).squareRoot() : (1 / Double(fanIn)).squareRoot()
    } else {
      std = transformer ? (1 / Double(fanIn)).squareRoot() : (2 / Double(fanIn)).squareRoot()
    }
    return Tensor.normal(shape, std: std, seed: s)
  }

  /// MAE's 2-D sine-cosine position table `[1, tokens, dim]` for a square patch grid: the first
  /// half of the features encodes the row, the second the column (sin then cos over
  /// `dim / 4` frequencies each); prefix tokens (when `tokens` is not a square) get zeros.
  static func sinCosPositions(_ shape: [Int]) -> Tensor {
    let (tokens, dim) = (shape[1], shape[2])
    var grid = Int(Double(tokens).squareRoot().rounded())
    var prefix = 0
    if grid * grid != tokens {
      grid = Int(Double(tokens - 1).squareRoot().rounded())
      prefix = tokens - grid * grid
    }
    let quarter = dim / 4
    var values = [Float](repeating: 0, count: tokens * dim)
    for t in 0..<(grid * grid) {
      let coordinates = [Double(t / grid), Double(t % grid)]
      for (half, position) in coordinates.enumerated() {
        for k in 0..<quarter {
          let angle = position / Foundation.pow(10_000, Double(k) / Double(quarter))
          values[(prefix + t) * dim + half * 2 * quarter + k] = Float(sin(angle))
          values[(prefix + t) * dim + half * 2 * quarter + quarter + k] = Float(cos(angle))
        }
      }
    }
    return Tensor(shape: shape, scalars: values)
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
  ///
  /// With `teacherLogits` (`[N, C]`, e.g. another trained model's output on the same batch) the
  /// loss is Hinton et al.'s knowledge distillation:
  /// `(1 - w) * crossEntropy + w * T^2 * mean_n(-sum_c softmax(teacher/T) * logSoftmax(student/T))`
  /// with `w = distillationWeight` and `T = temperature`.
  /// - Returns: the batch's mean loss before the update, and how many it classified correctly.
  @discardableResult
  public func step(
    _ images: Tensor, labels: [Int], teacherLogits: Tensor? = nil, distillationWeight: Double = 0.5,
    temperature: Double = 2
  ) throws -> (loss: Double, correct: Int) {
    let table = model.parameters
    let tracked = parameters.map { $0.value.tracked() }
    for (p, t) in zip(parameters, tracked) { table[p.name] = t }
    let context = ForwardContext(training: true)
    let logits = model.forward(images, context: context)
    var loss = crossEntropy(logits, labels: labels, labelSmoothing: labelSmoothing)
    if let teacherLogits {
      precondition(teacherLogits.shape == logits.shape, "ClassifierTrainer: teacher logits \(teacherLogits.shape) for \(logits.shape)")
      let target = softmax(teacherLogits.detached() * (1 / temperature), axis: 1)
      let soft = -(target * logSoftmax(logits * (1 / temperature), axis: 1)).sum(alongAxes: [1]).mean()
      loss = loss * (1 - distillationWeight) + soft * (distillationWeight * temperature * temperature)
    }
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
