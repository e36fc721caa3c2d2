import Suggestions
/// A class-activation-map method, named as CLI users type it.
///
/// The CNN methods follow pytorch-grad-cam 1.5.7 exactly (see ``CAMExplainer``); `rollout` and
/// `gradrollout` work on a Vision Transformer's attention (see ``AttentionRollout``).
public enum CAMMethod: String, CaseIterable, Sendable, CustomStringConvertible {
  /// Grad-CAM: channel weights are the spatial mean of the gradient.
  case gradCAM = "gradcam"
  /// Grad-CAM++ in pytorch-grad-cam's form (eq. 19 without exp(S), α zeroed where G = 0).
  case gradCAMPlusPlus = "gradcam++"
  /// XGrad-CAM: weights `Σ G·A / (Σ A + 1e-7)`.
  case xGradCAM = "xgradcam"
  /// HiResCAM: `Σ_k G_k ⊙ A_k`.
  case hiResCAM = "hirescam"
  /// LayerCAM: `Σ_k max(G_k, 0) ⊙ A_k`.
  case layerCAM = "layercam"
  /// Score-CAM: softmax over channels of the target logit of the input masked by each channel.
  case scoreCAM = "scorecam"
  /// Eigen-CAM: projection of the centred activations on their first principal direction.
  case eigenCAM = "eigencam"
  /// Eigen-Grad-CAM: Eigen-CAM of `G ⊙ A`.
  case eigenGradCAM = "eigengradcam"
  /// Attention rollout (Abnar & Zuidema 2020), ViT only.
  case rollout
  /// Gradient-weighted attention rollout, ViT only.
  case gradRollout = "gradrollout"

  public var description: String { rawValue }

  /// Whether the method backpropagates a target score.
  public var usesGradients: Bool {
    switch self {
    case .scoreCAM, .eigenCAM, .rollout: return false
    default: return true
    }
  }

  /// Whether the method reads attention probabilities (Vision Transformers only).
  public var needsAttention: Bool { self == .rollout || self == .gradRollout }

  /// Whether the method's map depends on the target class (Eigen-CAM and rollout do not).
  public var isClassSpecific: Bool { self != .eigenCAM && self != .rollout }

  /// Parses a method name, ignoring case, `-` and `_` (`Grad-CAM++`, `grad_cam` work); unknown
  /// names throw ``CAMError/unknownMethod(_:suggestions:)`` with the closest names.
  public init(parsing text: String) throws {
    let key = Self.canonical(text)
    if let m = Self.allCases.first(where: { Self.canonical($0.rawValue) == key }) {
      self = m
      return
    }
    let aliases: [String: CAMMethod] = [
      "gradcampp": .gradCAMPlusPlus, "gradcamplusplus": .gradCAMPlusPlus,
      "attentionrollout": .rollout, "gradientrollout": .gradRollout,
    ]
    if let m = aliases[key] {
      self = m
      return
    }
    let scored = Self.allCases.map { ($0.rawValue, editDistance(Self.canonical($0.rawValue), key)) }
      .sorted { $0.1 < $1.1 }
    let best = scored.filter { $0.1 <= max(2, key.count / 3) }.prefix(2).map(\.0)
    throw CAMError.unknownMethod(text, suggestions: best)
  }

  private static func canonical(_ s: String) -> String {
    s.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
  }
}
