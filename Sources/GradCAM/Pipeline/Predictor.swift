import Autodiff
import Dispatch
import Imaging
import Networks

/// One image's top classes.
public struct Prediction: Sendable, Equatable {
  /// `(class index, probability)` pairs, most probable first.
  public var top: [(index: Int, probability: Float)]
  /// All class probabilities.
  public var probabilities: [Float]

  public static func == (a: Prediction, b: Prediction) -> Bool {
    a.probabilities == b.probabilities && a.top.map(\.index) == b.top.map(\.index)
  }

  /// The most probable class.
  public var predicted: Int { top[0].index }
}

/// Batched classification of images with a model and its preprocessing.
public struct Predictor {
  public let model: ImageClassifier
  public let input: ModelInput
  /// Images per forward pass.
  public var batchSize: Int

  /// Creates a predictor; `preprocessing` defaults to the model's own profile.
  public init(model: ImageClassifier, preprocessing: Preprocessing? = nil, batchSize: Int = 32) throws {
    self.model = model
    self.input = ModelInput(preprocessing: try preprocessing ?? Preprocessing.profile(named: model.input.profile))
    self.batchSize = max(1, batchSize)
  }

  /// Softmax probabilities `[N, classes]` of a preprocessed batch.
  public func probabilities(_ batch: Tensor) -> Tensor {
    withoutGradients { softmax(model.logits(batch), axis: 1) }
  }

  /// Predictions for images, in order, `topK` classes each; `progress` is called after each batch
  /// with the number of images done.
  public func predict(_ images: [RGBImage], topK: Int = 5, progress: ((Int) -> Void)? = nil) -> [Prediction] {
    var out: [Prediction] = []
    out.reserveCapacity(images.count)
    for start in stride(from: 0, to: images.count, by: batchSize) {
      let chunk = Array(images[start..<min(images.count, start + batchSize)])
      let probs = probabilities(input.batch(chunk))
      out += Self.predictions(probs, topK: topK)
      progress?(out.count)
    }
    return out
  }

  /// Splits `[N, classes]` probabilities into per-image predictions.
  public static func predictions(_ probabilities: Tensor, topK: Int) -> [Prediction] {
    let classes = probabilities.shape[1]
    let all = probabilities.scalars
    return (0..<probabilities.shape[0]).map { i in
      let row = Array(all[(i * classes)..<((i + 1) * classes)])
      // Stable order: higher probability first, lower index first on ties (as torch.topk on CPU).
      let order = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
      return Prediction(top: order.prefix(max(1, min(topK, classes))).map { ($0, row[$0]) }, probabilities: row)
    }
  }
}
