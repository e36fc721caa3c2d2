/// One pixel-space step of a preprocessing pipeline (before ToTensor).
public enum PixelStep: Equatable, Sendable {
  /// torchvision `Resize(size)`: shorter side to `size`, Pillow BILINEAR.
  case resizeShorterSide(Int)
  /// torchvision `Resize(size, BICUBIC)` on a PIL image: shorter side to `size`, Pillow BICUBIC
  /// (antialiased when shrinking).
  case resizeShorterSideBicubic(Int)
  /// torchvision `Resize((height, width))`, Pillow BILINEAR.
  case resize(height: Int, width: Int)
  /// torchvision `CenterCrop((height, width))`.
  case centerCrop(height: Int, width: Int)

  /// Applies the step to `image`.
  public func apply(_ image: RGBImage) -> RGBImage {
    switch self {
    case .resizeShorterSide(let size): return Transforms.resize(image, shorterSide: size)
    case .resizeShorterSideBicubic(let size): return Transforms.resize(image, shorterSide: size, filter: .bicubic)
    case .resize(let h, let w): return Transforms.resize(image, height: h, width: w)
    case .centerCrop(let h, let w): return Transforms.centerCrop(image, height: h, width: w)
    }
  }
}

/// A torchvision-style pipeline: pixel steps on 8-bit RGB, then ToTensor, then an optional
/// Normalize(mean, std). Output is CHW float32 with shape `[3, height, width]`.
public struct Preprocessing: Equatable, Sendable {
  /// The profile name (e.g. "imagenet").
  public var name: String
  /// Resize/crop steps, in order, on uint8 pixels.
  public var pixelSteps: [PixelStep]
  /// Per-channel mean and std for Normalize, or nil for un-normalised [0, 1] output.
  public var mean: [Double]?
  public var std: [Double]?

  /// Creates a pipeline; `mean` and `std` must both be given (3 values each) or both be nil.
  public init(name: String, pixelSteps: [PixelStep], mean: [Double]? = nil, std: [Double]? = nil) {
    precondition((mean == nil) == (std == nil), "Preprocessing: give both mean and std, or neither")
    precondition(mean.map { $0.count == 3 } ?? true && std.map { $0.count == 3 } ?? true,
      "Preprocessing: mean and std need 3 values")
    self.name = name
    self.pixelSteps = pixelSteps
    self.mean = mean
    self.std = std
  }

  /// The image after the resize/crop steps (what ToTensor would see).
  public func pixels(_ image: RGBImage) -> RGBImage {
    pixelSteps.reduce(image) { $1.apply($0) }
  }

  /// Runs the pipeline: CHW float32 values and their shape `[3, height, width]`.
  public func apply(_ image: RGBImage) -> (values: [Float], shape: [Int]) {
    let (values, shape) = Transforms.toTensor(pixels(image))
    guard let mean, let std else { return (values, shape) }
    return (Transforms.normalize(values, shape: shape, mean: mean, std: std), shape)
  }
}

extension Preprocessing {
  /// Largest image (in pixels) a pixel step may produce: 4096 x 4096. A resize that keeps the
  /// aspect ratio turns a 100000 x 1 image into 22400000 x 224, so the decoder's limit on the
  /// input alone does not bound the model's input.
  public static let maximumStepPixels = 1 << 24

  /// Checks the size after every pixel step of an image of `width` x `height`.
  /// - Throws: `ImageError.unsupported` saying which step would make the image too large.
  public func checkSizes(width: Int, height: Int) throws {
    var size = (width: width, height: height)
    for step in pixelSteps {
      switch step {
      case .resizeShorterSide(let s), .resizeShorterSideBicubic(let s):
        let short = min(size.width, size.height), long = max(size.width, size.height)
        // The long side after the resize, in Double: size * long may overflow Int.
        let newLong = (Double(s) * Double(long) / Double(max(short, 1))).rounded(.down)
        guard newLong * Double(s) <= Double(Self.maximumStepPixels) else {
          throw ImageError.unsupported(
            "a \(width)x\(height) image would be resized to \(Int(min(newLong, 1e18)))x\(s) pixels for the model (\(name)), over the limit of \(Self.maximumStepPixels) pixels")
        }
        let r = Transforms.resizedSize(height: size.height, width: size.width, shorterSide: s)
        size = (r.width, r.height)
      case .resize(let h, let w), .centerCrop(let h, let w): size = (w, h)
      }
      guard size.width * size.height <= Self.maximumStepPixels else {
        throw ImageError.unsupported(
          "a \(width)x\(height) image becomes \(size.width)x\(size.height) pixels for the model (\(name)), over the limit of \(Self.maximumStepPixels) pixels")
      }
    }
  }

  /// The size an image of `width` x `height` has after the pixel steps.
  public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
    pixelSteps.reduce((width: width, height: height)) { size, step in
      switch step {
      case .resizeShorterSide(let s), .resizeShorterSideBicubic(let s):
        let r = Transforms.resizedSize(height: size.height, width: size.width, shorterSide: s)
        return (r.width, r.height)
      case .resize(let h, let w), .centerCrop(let h, let w): return (w, h)
      }
    }
  }

  /// One line saying what an image of `width` x `height` is resized to, when its shorter side is
  /// more than twice or less than half the model's input (e.g. a photo into a 32x32 CIFAR model);
  /// nil otherwise.
  public func resizeNote(width: Int, height: Int) -> String? {
    let out = outputSize(width: width, height: height)
    let ratio = Double(min(width, height)) / Double(max(1, min(out.width, out.height)))
    guard ratio > 2 || ratio < 0.5 else { return nil }
    let steps = pixelSteps.map { step -> String in
      switch step {
      case .resizeShorterSide(let s): return "shorter side to \(s) (bilinear)"
      case .resizeShorterSideBicubic(let s): return "shorter side to \(s) (bicubic)"
      case .resize(let h, let w): return "resized to \(w)x\(h)"
      case .centerCrop(let h, let w): return "center crop \(w)x\(h)"
      }
    }
    return "\(width)x\(height) image resized to \(out.width)x\(out.height) for the model (\(name): \(steps.joined(separator: ", ")))"
  }
}

extension Preprocessing {
  /// This pipeline for a model that takes only `height` x `width` images (an ONNX file with a
  /// fixed input size): a final centre crop becomes that size, the shorter-side resize before it
  /// keeping its ratio to the crop (floor, as timm's `size / crop_pct`: ImageNet's 256/224 at 32
  /// gives 36); a final resize becomes that size. Unchanged when the steps already give it, or
  /// when they set no size.
  public func fitted(height: Int, width: Int) -> Preprocessing {
    guard let last = pixelSteps.lastIndex(where: { $0.setsSize }) else { return self }
    var fitted = self
    switch pixelSteps[last] {
    case .centerCrop(let h, let w) where (h, w) != (height, width):
      fitted.pixelSteps[last] = .centerCrop(height: height, width: width)
      let scale = Double(min(height, width)) / Double(max(1, min(h, w)))
      for i in 0..<last {
        switch pixelSteps[i] {
        case .resizeShorterSide(let s): fitted.pixelSteps[i] = .resizeShorterSide(max(1, Int(Double(s) * scale)))
        case .resizeShorterSideBicubic(let s): fitted.pixelSteps[i] = .resizeShorterSideBicubic(max(1, Int(Double(s) * scale)))
        case .resize(let rh, let rw):
          fitted.pixelSteps[i] = .resize(height: max(1, Int(Double(rh) * scale)), width: max(1, Int(Double(rw) * scale)))
        case .centerCrop: break
        }
      }
    case .resize(let h, let w) where (h, w) != (height, width):
      fitted.pixelSteps[last] = .resize(height: height, width: width)
    default: break
    }
    return fitted
  }
}

extension PixelStep {
  /// Whether the step's output size is fixed (a crop or a resize to both sides).
  var setsSize: Bool {
    switch self {
    case .resize, .centerCrop: return true
    case .resizeShorterSide, .resizeShorterSideBicubic: return false
    }
  }
}
