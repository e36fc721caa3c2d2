import ArgumentParser
import Autodiff
import Foundation

/// `gradcam demo`: a small, self-checking tour of the autodiff.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Differentiate a small CNN with respect to a hidden activation (Grad-CAM's core step).")

  @Option(help: "Seed of the random weights and input.")
  var seed: UInt64 = 0

  func run() throws {
    // A two-layer CNN on a random 1x3x16x16 image; weights are constants, only the input is
    // tracked, so the backward pass never computes a weight gradient.
    let image = Tensor.uniform([1, 3, 16, 16], seed: seed).tracked()
    let w1 = Tensor.normal([8, 3, 3, 3], std: 0.3, seed: seed + 1)
    let w2 = Tensor.normal([4, 8, 3, 3], std: 0.2, seed: seed + 2)
    let head = Tensor.normal([10, 4], std: 0.5, seed: seed + 3)
    let activation = relu(conv2d(image, weight: w1, options: Conv2dOptions(padding: 1)))
    let features = relu(conv2d(activation, weight: w2, options: Conv2dOptions(stride: 2, padding: 1)))
    let logits = linear(features.mean(alongAxes: [2, 3]), weight: head)
    let probabilities = softmax(logits, axis: 1)
    let predicted = probabilities.scalars.indices.max { probabilities.scalars[$0] < probabilities.scalars[$1] }!
    var oneHot = [Float](repeating: 0, count: 10)
    oneHot[predicted] = 1
    let score = (logits * Tensor(shape: [1, 10], scalars: oneHot)).sum()
    var stats = BackwardStatistics()
    let g = try gradients(of: score, wrt: [activation], statistics: &stats)[0]
    // Grad-CAM: channel weights are the spatial mean of the gradient.
    let weights = g.mean(alongAxes: [2, 3], keepingDimensions: true)
    let cam = relu((weights * activation.detached()).sum(alongAxes: [1]))
    print("predicted class \(predicted) with probability \(String(format: "%.3f", probabilities.scalars[predicted]))")
    print("backward visited: \(stats.ops.joined(separator: " <- ")) (\(stats.inputGradients) input gradients, none for weights)")
    print("Grad-CAM map \(cam.shape), max \(String(format: "%.4f", cam.max().item))")
  }
}
