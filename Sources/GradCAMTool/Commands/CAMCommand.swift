import AtomicFiles
import ArgumentParser
import Autodiff
import Foundation
import GradCAM
import Imaging
import NPY
import Networks
import Render

/// `gradcam cam`: one image's class-activation map as a .npy file, and optionally an overlay.
struct CAMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cam",
    abstract: "Compute one image's class-activation map and write it as .npy (float32, H x W).",
    discussion: """
      The map is pytorch-grad-cam's: ReLU, min-max per image, bilinear (align_corners=False) to \
      the model's input size. --raw writes the un-normalised map at feature resolution instead.
      """)

  @OptionGroup var modelOptions: ModelOptions

  @Option(help: ArgumentHelp("Input image (.png, .jpg).", valueName: "file"))
  var image: String

  @Option(help: ArgumentHelp("CAM method: \(CAMMethod.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
  var method = CAMMethodArgument(argument: "gradcam")

  @Option(help: ArgumentHelp("Layer by PyTorch path (default: the model's: layer4, layer3, blocks.-1.norm1).", valueName: "path"))
  var layer: String?

  @Option(help: ArgumentHelp("Class to explain: pred (the prediction), label (needs --label), or a class index.", valueName: "label|pred|N"))
  var target = CAMTargetArgument(argument: "pred")

  @Option(help: ArgumentHelp("Ground-truth class index, for --target label.", valueName: "N"))
  var label: Int?

  @Option(help: ArgumentHelp("The .npy file to write (atomically).", valueName: "file"))
  var out: String

  @Option(help: ArgumentHelp("Also write the map over the image as PNG (OpenCV JET, image weight 0.5, RGB).", valueName: "file"))
  var overlay: String?

  @Flag(help: "Write the raw, un-normalised map at feature resolution.")
  var raw = false

  func run() throws {
    // Every output is checked before the work and written only when all of it succeeded.
    let plan = OutputPlan(inputs: [image] + modelOptions.inputFiles)
    let mapOutput = try plan.file(out)
    let overlayOutput = try overlay.map { try plan.file($0) }
    let loaded = try modelOptions.load()
    let explainer = try CAMExplainer(model: loaded.model, method: try method.value(), layer: layer)
    let camTarget = try target.resolve(classCount: loaded.model.classCount, label: label)
    let picture = try ImageFile.read(URL(fileURLWithPath: image), for: loaded.preprocessing)
    let batch = ModelInput(preprocessing: loaded.preprocessing).batch([picture])
    let result = try explainer.explain(batch: batch, target: camTarget, labels: label.map { [$0] })
    let map = raw ? result.rawMaps.selecting(index: 0, axis: 0) : result.map(0)
    let array = NPYArray(shape: map.shape, floats: map.scalars)
    if let overlay {
      let normalised = result.map(0)
      let shown = loaded.preprocessing.pixels(picture)
      let blended = try Overlay.blend(
        heatmap: ScalarMap(width: normalised.shape[1], height: normalised.shape[0], values: normalised.scalars), on: shown)
      try plan.write(try ImageFile.encode(blended, for: URL(fileURLWithPath: overlay)), to: overlayOutput!)
    }
    try plan.write(array.encoded(), to: mapOutput)
    try plan.commit()
    let t = result.targetClasses[0], p = result.predictedClasses[0]
    print("\(image): explained \(loaded.classNames[t]) (class \(t)); predicted \(loaded.classNames[p]); map \(map.shape) -> \(out)")
  }
}
