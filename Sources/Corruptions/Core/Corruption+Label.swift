extension Corruption {
  /// The name people read on figures and tables ("Gaussian noise", "JPEG compression"): the one
  /// table of human corruption names that every figure, plot, table and report uses.
  public var label: String {
    switch self {
    case .gaussianNoise: return "Gaussian noise"
    case .shotNoise: return "Shot noise"
    case .impulseNoise: return "Impulse noise"
    case .defocusBlur: return "Defocus blur"
    case .glassBlur: return "Glass blur"
    case .motionBlur: return "Motion blur"
    case .zoomBlur: return "Zoom blur"
    case .snow: return "Snow"
    case .frost: return "Frost"
    case .fog: return "Fog"
    case .brightness: return "Brightness"
    case .contrast: return "Contrast"
    case .elasticTransform: return "Elastic transform"
    case .pixelate: return "Pixelate"
    case .jpegCompression: return "JPEG compression"
    case .speckleNoise: return "Speckle noise"
    case .gaussianBlur: return "Gaussian blur"
    case .spatter: return "Spatter"
    case .saturate: return "Saturate"
    }
  }

  /// The human label of a canonical name such as `glass_blur`; other text (e.g. a dataset's own
  /// corruption name) is returned unchanged.
  public static func label(forName name: String) -> String {
    Corruption(rawValue: name)?.label ?? name
  }
}
