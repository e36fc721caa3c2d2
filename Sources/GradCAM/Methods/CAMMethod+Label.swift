extension CAMMethod {
  /// The method's name as papers write it ("Grad-CAM", "Score-CAM"), for figure titles.
  public var label: String {
    switch rawValue {
    case "gradcam": return "Grad-CAM"
    case "gradcam++": return "Grad-CAM++"
    case "xgradcam": return "XGrad-CAM"
    case "hirescam": return "HiResCAM"
    case "layercam": return "LayerCAM"
    case "scorecam": return "Score-CAM"
    case "eigencam": return "Eigen-CAM"
    case "eigengradcam": return "EigenGrad-CAM"
    case "rollout": return "Attention rollout"
    case "gradrollout": return "Gradient rollout"
    default: return rawValue
    }
  }
}
