/// An EfficientNet variant: its stages scaled by width and depth, its activation, squeeze-
/// excitation and padding (timm's `_gen_efficientnet` and `_gen_efficientnet_lite`).
public struct EfficientNetConfig: Sendable {
  /// One stage of blocks: repeats, kernel, first stride, expansion ratio, output channels.
  struct Stage {
    var repeats: Int, kernel: Int, stride: Int, expansion: Int, channels: Int
  }

  /// The activation of every block and of the stem and head.
  enum Activation { case silu, relu6 }

  /// EfficientNet-B0's stages, which every variant scales.
  static let baseStages = [
    Stage(repeats: 1, kernel: 3, stride: 1, expansion: 1, channels: 16),
    Stage(repeats: 2, kernel: 3, stride: 2, expansion: 6, channels: 24),
    Stage(repeats: 2, kernel: 5, stride: 2, expansion: 6, channels: 40),
    Stage(repeats: 3, kernel: 3, stride: 2, expansion: 6, channels: 80),
    Stage(repeats: 3, kernel: 5, stride: 1, expansion: 6, channels: 112),
    Stage(repeats: 4, kernel: 5, stride: 2, expansion: 6, channels: 192),
    Stage(repeats: 1, kernel: 3, stride: 1, expansion: 6, channels: 320),
  ]

  var stages: [Stage]
  var stemChannels: Int, headChannels: Int
  var activation: Activation
  /// Squeeze-excitation in every block (reducing to a quarter of the block's input channels).
  var squeezeExcitation: Bool
  /// TensorFlow "same" padding and batch-norm epsilon 1e-3 (the TensorFlow-trained weights), else
  /// PyTorch's symmetric padding and epsilon 1e-5.
  var tfPorted: Bool
  /// The native input size (timm's pretrained input size of the variant).
  public var resolution: Int
  /// The name of its preprocessing profile (timm's evaluation transform at that size).
  public var profile: String

  /// `efficientnet_b0`...`b3` (timm's PyTorch-trained models), `tf_efficientnet_b0`...`b3`
  /// (TensorFlow-ported, as EfficientNet-PyTorch's), `efficientnet_lite0`...`lite4` (also
  /// `tf_efficientnet_lite0`...: TensorFlow-ported, ReLU6, no squeeze-excitation, stem and head
  /// not scaled, first and last stage not deepened). Every Lite is the TensorFlow-ported one and
  /// takes `tf_efficientnet_liteN`'s preprocessing.
  public static func named(_ name: String) -> EfficientNetConfig? {
    let tf = name.hasPrefix("tf_")
    let base = tf ? String(name.dropFirst(3)) : name
    // Width, depth, and the input size of timm's default weights (the PyTorch-trained B2 and B3
    // were trained smaller than the TensorFlow ones).
    let b: [String: (Double, Double, Int)] = [
      "efficientnet_b0": (1.0, 1.0, 224), "efficientnet_b1": (1.0, 1.1, 240),
      "efficientnet_b2": (1.1, 1.2, tf ? 260 : 256), "efficientnet_b3": (1.2, 1.4, tf ? 300 : 288),
    ]
    let lite: [String: (Double, Double, Int)] = [
      "efficientnet_lite0": (1.0, 1.0, 224), "efficientnet_lite1": (1.0, 1.1, 240),
      "efficientnet_lite2": (1.1, 1.2, 260), "efficientnet_lite3": (1.2, 1.4, 300),
      "efficientnet_lite4": (1.4, 1.8, 380),
    ]
    if case let (w, d, r)? = b[base] {
      return EfficientNetConfig(
        stages: scaled(width: w, depth: d, fixFirstLast: false), stemChannels: roundChannels(32 * w),
        headChannels: roundChannels(1280 * w), activation: .silu, squeezeExcitation: true, tfPorted: tf, resolution: r,
        profile: name)
    }
    if case let (w, d, r)? = lite[base] {
      return EfficientNetConfig(
        stages: scaled(width: w, depth: d, fixFirstLast: true), stemChannels: 32, headChannels: 1280,
        activation: .relu6, squeezeExcitation: false, tfPorted: true, resolution: r,
        profile: r == 224 ? "inception" : "tf_" + base)
    }
    return nil
  }

  /// Every name ``named(_:)`` knows.
  public static let names: [String] =
    (0...3).flatMap { ["efficientnet_b\($0)", "tf_efficientnet_b\($0)"] }
    + (0...4).flatMap { ["efficientnet_lite\($0)", "tf_efficientnet_lite\($0)"] }

  /// Channels times the width multiplier, rounded to a multiple of 8 (never below 90%).
  static func roundChannels(_ channels: Double) -> Int {
    var v = max(8, Int(channels + 4) / 8 * 8)
    if Double(v) < 0.9 * channels { v += 8 }
    return v
  }

  /// The base stages with channels scaled by `width` and repeats by `depth` (rounded up);
  /// `fixFirstLast` keeps the first and last stage's repeats.
  static func scaled(width: Double, depth: Double, fixFirstLast: Bool) -> [Stage] {
    baseStages.enumerated().map { i, s in
      var t = s
      t.channels = roundChannels(Double(s.channels) * width)
      let fixed = fixFirstLast && (i == 0 || i == baseStages.count - 1)
      t.repeats = fixed ? s.repeats : Int((Double(s.repeats) * depth).rounded(.up))
      return t
    }
  }
}
