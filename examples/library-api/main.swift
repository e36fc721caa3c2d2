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
let input = ModelInput(preprocessing: .cifar)

// The clean image and glass blur at severities 1-5, explained for the clean prediction.
let images = try [image] + (1...5).map { try Corruptions.apply(image, .glassBlur, severity: $0, seed: 0) }
let clean = try explainer.explain(batch: input.batch([image]), target: .predicted)
let target = clean.predictedClasses[0]
let result = try explainer.explain(batch: input.batch(images), target: .classIndex(target))

let cells = images.indices.map { i -> HeatmapGrid.Cell in
  let map = result.map(i)
  let predicted = result.predictedClasses[i]
  return HeatmapGrid.Cell(
    image: images[i], map: ScalarMap(width: map.shape[1], height: map.shape[0], values: map.scalars),
    caption: [ClassNames.cifar10[predicted]], marker: predicted == target ? .correct : .incorrect)
}
let grid = HeatmapGrid(
  title: "Grad-CAM, CIFAR-10 ResNet-56, explaining \(ClassNames.cifar10[target])",
  blocks: [HeatmapGrid.Block(columnHeaders: HeatmapGrid.Block.severityHeaders(1...5), rows: [HeatmapGrid.Row(header: "glass_blur", cells: cells)])])
try grid.write(to: URL(fileURLWithPath: "library-api-example.png"))
print("wrote library-api-example.png")
