import Autodiff
import Dispatch
import Imaging

/// Turns images into a model's input batch with a preprocessing profile.
public struct ModelInput: Sendable {
  /// The preprocessing applied to every image.
  public let preprocessing: Preprocessing

  /// Creates an input builder.
  public init(preprocessing: Preprocessing) { self.preprocessing = preprocessing }

  /// Checks that `image` preprocesses to a size within `Preprocessing.maximumStepPixels` (call
  /// before ``batch(_:)`` with images from users).
  /// - Throws: `ImageError` naming the step that would be too large.
  public func check(_ image: RGBImage) throws {
    try preprocessing.checkSizes(width: image.width, height: image.height)
  }

  /// The batch `[N, 3, H, W]` (float32) for images that preprocess to one size; images are
  /// preprocessed in parallel.
  public func batch(_ images: [RGBImage]) -> Tensor {
    precondition(!images.isEmpty, "ModelInput.batch: no images")
    var parts = [(values: [Float], shape: [Int])?](repeating: nil, count: images.count)
    parts.withUnsafeMutableBufferPointer { out in
      DispatchQueue.concurrentPerform(iterations: images.count) { i in
        out[i] = preprocessing.apply(images[i])
      }
    }
    let shape = parts[0]!.shape
    var values: [Float] = []
    values.reserveCapacity(images.count * shape.reduce(1, *))
    for p in parts {
      precondition(p!.shape == shape, "ModelInput.batch: images preprocess to different sizes \(shape) and \(p!.shape)")
      values += p!.values
    }
    return Tensor(shape: [images.count] + shape, scalars: values)
  }
}
