// Grad-CAM of the bundled CIFAR-10 ResNet-56 on one image under glass blur, rendered as a
// one-row grid, using the library API directly. Run: swift run -c release library-api examples/dog.png
import Corruptions
import Foundation
import GradCAM
import Imaging
import Networks
import Render

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "examples/dog.png"
let image = try ImageFile.read(URL(fileURLWithPath: path))
let model = try BundledModels.load("cifar10-resnet56")
let explainer = try CAMExplainer(model: model, method: .gradCAM)  // layer3, the model's default

// The clean image and glass blur at severities 1-5, explained for the clean prediction.
let sweep = CorruptionSweep(explainer: explainer, preprocessing: .cifar, corruptions: [.glassBlur])
let result = try sweep.run(image)

let cells = result.cells.map { cell in
  HeatmapGrid.Cell(
    image: cell.image, map: ScalarMap(width: cell.mapWidth, height: cell.mapHeight, values: cell.map),
    caption: [ClassNames.cifar10[cell.predicted]], marker: cell.correct ? .correct : .incorrect)
}
let grid = HeatmapGrid(
  title: "Grad-CAM, CIFAR-10 ResNet-56, explaining \(ClassNames.cifar10[result.target])",
  blocks: [HeatmapGrid.Block(columnHeaders: HeatmapGrid.Block.severityHeaders(1...5), rows: [HeatmapGrid.Row(header: "glass_blur", cells: cells)])])
try grid.write(to: URL(fileURLWithPath: "library-api-example.png"))
print("wrote library-api-example.png")
