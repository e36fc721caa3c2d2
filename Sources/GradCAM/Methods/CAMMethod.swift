import Suggestions

/// A class-activation-map method, named as CLI users type it.
///
/// The CNN methods follow pytorch-grad-cam 1.5.7 exactly (see ``CAMExplainer``); `rollout` and
/// `gradrollout` work on a Vision Transformer's attention (see ``AttentionRollout``). Each
/// method is one file (a ``CAMMethodImplementation`` and its constant, e.g. ``gradCAM``) plus
/// its line in ``allCases``.
public struct CAMMethod: CaseIterable, Hashable, RawRepresentable, Sendable, CustomStringConvertible {
  let implementation: any CAMMethodImplementation

  init(_ implementation: any CAMMethodImplementation) {
    self.implementation = implementation
  }

  /// Every method, in the order help texts list them (the registry).
  public static let allCases: [CAMMethod] = [
    .gradCAM, .gradCAMPlusPlus, .xGradCAM, .hiResCAM, .layerCAM, .scoreCAM, .eigenCAM, .eigenGradCAM,
    .rollout, .gradRollout,
  ]

  /// The method of this exact name, if any.
  public init?(rawValue: String) {
    guard let method = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
    self = method
  }

  /// The name users type (`gradcam`).
  public var rawValue: String { implementation.name }

  public var description: String { rawValue }

  /// Whether the method backpropagates a target score.
  public var usesGradients: Bool { implementation.usesGradients }

  /// Whether the method reads attention probabilities (Vision Transformers only).
  public var needsAttention: Bool { implementation.needsAttention }

  /// Whether the method's map depends on the target class (Eigen-CAM and rollout do not).
  public var isClassSpecific: Bool { implementation.isClassSpecific }

  public static func == (a: CAMMethod, b: CAMMethod) -> Bool { a.rawValue == b.rawValue }

  public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

  /// Parses a method name, ignoring case, `-` and `_` (`Grad-CAM++`, `grad_cam` work); unknown
  /// names throw ``CAMError/unknownMethod(_:suggestions:)`` with the closest names.
  public init(parsing text: String) throws {
    let key = Self.canonical(text)
    if let m = Self.allCases.first(where: { Self.canonical($0.rawValue) == key })
      ?? Self.allCases.first(where: { $0.implementation.aliases.map(Self.canonical).contains(key) })
    {
      self = m
      return
    }
    // Suggestions by the toolkit's one rule, on names compared as the user's text is.
    let names = Self.allCases.map(\.rawValue)
    let best = closestMatches(to: key, in: names.map(Self.canonical), limit: 2)
      .compactMap { c in names.first { Self.canonical($0) == c } }
    throw CAMError.unknownMethod(text, suggestions: best)
  }

  private static func canonical(_ s: String) -> String {
    s.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
  }
}
