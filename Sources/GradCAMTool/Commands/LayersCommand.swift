import ArgumentParser
import Foundation
import Networks

/// `gradcam layers`: every layer path a command's `--layer` accepts, with its output shape.
struct LayersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "layers",
    abstract: "List every layer path of a model with its output shape, marking the default CAM layer.",
    discussion: """
      Shapes are from one forward pass on a zero image at the model's input size (batch 1): \
      [1, C, H, W] for convolutional layers, [1, tokens, width] for transformer blocks. Any path \
      listed can be given to --layer of explain, cam and evaluate; negative block indices count \
      from the end (blocks.-1.norm1). The default CAM layer is marked with *.
      """)

  @OptionGroup var modelOptions: ModelOptions

  func run() throws {
    let loaded = try modelOptions.load()
    let model = loaded.model
    let defaultLayer = try? model.resolveLayer(model.defaultCAMLayer)
    let rows = model.layerShapes()
    let width = rows.map(\.path.count).max() ?? 0
    print("\(loaded.name) (\(model.architecture)): \(rows.count) layers, input [1, 3, \(model.input.height), \(model.input.width)]")
    for (path, shape) in rows {
      let mark = path == defaultLayer ? "*" : " "
      let shown = shape.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "(not reached by a forward pass)"
      let note = path == defaultLayer ? "  default CAM layer" + (model.defaultCAMLayer != path ? " (\(model.defaultCAMLayer))" : "") : ""
      print("\(mark) \(path.padding(toLength: width, withPad: " ", startingAt: 0))  \(shown)\(note)")
    }
  }
}
