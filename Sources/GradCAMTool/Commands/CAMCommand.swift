import AtomicFiles
import ArgumentParser
import Autodiff
import Foundation
import GradCAM
import Imaging
import NPY
import Networks
import ProgressBars
import Render

/// `gradcam cam`: one image's class-activation map as a .npy file, and optionally an overlay.
struct CAMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cam",
    abstract: "Compute one image's class-activation map and write it as .npy (float32, H x W) or as a PNG overlay.",
    discussion: """
      The map is pytorch-grad-cam's: ReLU, min-max per image, bilinear (align_corners=False) to \
      the model's input size. --raw writes the un-normalised map at feature resolution instead. \
      --out map.npy writes the map; --out overlay.png writes the map over the image instead (as \
      --overlay does). Score-CAM (one forward pass per channel) shows its progress on stderr.
      """)

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var precisionOption: PrecisionOption

  @Option(help: ArgumentHelp("Input image (.png, .jpg).", valueName: "file"))
  var image: String

  @Option(help: ArgumentHelp("CAM method: \(CAMMethod.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
  var method = CAMMethodArgument(argument: "gradcam")

  @Option(help: ArgumentHelp("Layer by PyTorch path (default: the model's: layer4, layer3, blocks.-1.norm1).", valueName: "path"))
  var layer: String?

  @Option(help: ArgumentHelp("Class to explain: pred (the prediction), label (needs --label), a class name (cat, borzoi) or a class index.", valueName: "label|pred|name|N"))
  var target = CAMTargetArgument(argument: "pred")

  @Option(help: ArgumentHelp("Ground-truth class index, for --target label.", valueName: "N"))
  var label: Int?

  @Option(help: ArgumentHelp("The .npy map to write, or a .png: the map over the image (written atomically).", valueName: "file"))
  var out: String

  @Option(help: ArgumentHelp("Also write the map over the image as PNG (OpenCV JET, image weight 0.5, RGB).", valueName: "file"))
  var overlay: String?

  @Flag(help: "Write the raw, un-normalised map at feature resolution.")
  var raw = false

  @Flag(help: "No progress on stderr.")
  var quiet = false

  /// Whether --out names a PNG overlay rather than the .npy map.
  private var outIsOverlay: Bool { URL(fileURLWithPath: out).pathExtension.lowercased() == "png" }

  func validate() throws {
    let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
    guard ext == "npy" || ext == "png" else {
      throw ValidationError("--out must end in .npy (the map) or .png (the map over the image), got '\(out)'")
    }
    if outIsOverlay && raw { throw ValidationError("--raw writes a .npy map: give --out map.npy") }
  }

  @Flag(help: "Also print the map's faithfulness to the model: deletion and insertion AUC (20 steps, removed pixels set to the mean colour, target probability) and ROAD as pytorch-grad-cam's ROADCombined (percentiles 10-90, target logit).")
  var metrics = false

  func run() throws {
    // Every output is checked before the work and written only when all of it succeeded.
    let plan = OutputPlan(inputs: [image] + modelOptions.inputFiles)
    let mapOutput = try plan.file(out)
    let overlayOutput = try overlay.map { try plan.file($0) }
    let loaded = try modelOptions.load()
    let explainer = try CAMExplainer(model: loaded.model, method: try method.value(), layer: layer)
    if explainer.method == .scoreCAM {
      let bar = ProgressBar("scorecam", quiet: quiet)
      explainer.scoreCAMProgress = { done, total in bar.update(Int64(done), total: Int64(total)) }
    }
    let camTarget = try target.resolve(classNames: loaded.classNames, label: label)
    let picture = try ImageFile.read(URL(fileURLWithPath: image), for: loaded.preprocessing)
    let batch = ModelInput(preprocessing: loaded.preprocessing).batch([picture])
    let result = try explainer.explain(batch: batch, target: camTarget, labels: label.map { [$0] })
    let map = raw ? result.rawMaps.selecting(index: 0, axis: 0) : result.map(0)
    let array = NPYArray(shape: map.shape, floats: map.scalars)
    let normalised = result.map(0)
    let blended = try Overlay.blend(
      heatmap: ScalarMap(width: normalised.shape[1], height: normalised.shape[0], values: normalised.scalars),
      on: loaded.preprocessing.pixels(picture))
    if let overlay, let overlayOutput {
      try plan.write(try ImageFile.encode(blended, for: URL(fileURLWithPath: overlay)), to: overlayOutput)
    }
    if outIsOverlay {
      try plan.write(try ImageFile.encode(blended, for: URL(fileURLWithPath: out)), to: mapOutput)
    } else {
      try plan.write(array.encoded(), to: mapOutput)
    }
    try plan.commit()
    let t = result.targetClasses[0], p = result.predictedClasses[0]
    print("\(image): explained \(loaded.classNames[t]) (class \(t)); predicted \(loaded.classNames[p]); map \(map.shape) -> \(out)")
    if metrics {
      let f = FaithfulnessScores.compute(model: loaded.model, inputs: batch, result: result)[0]
      print(zip(FaithfulnessScores.metricNames, f.values).map { String(format: "%@ %.6f", $0, $1) }.joined(separator: ", "))
    }
  }
}
