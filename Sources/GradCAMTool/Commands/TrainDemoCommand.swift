import ArgumentParser
import AtomicFiles
import Autodiff
import Checkpoints
import DemoData
import Dispatch
import Foundation
import GradCAM
import Imaging
import Networks

/// `gradcam train-demo`: trains the bundled demo models on the procedural shapes dataset.
struct TrainDemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-demo",
    abstract: "Train the small demo ViT or CNN on the procedural shapes dataset (how the bundled demo-vit/demo-cnn were made).",
    discussion: """
      Trains from scratch with the toolkit's own autodiff and AdamW (warm-up, then cosine decay), \
      prints progress on stderr and the held-out accuracy at the end, and writes the weights as \
      safetensors (whose metadata records the full command line and the accuracy). The bundled \
      models were made with (the ViT learns from the bundled demo-cnn, so train that first):
        gradcam train-demo --model cnn --steps 1000 --out Sources/Networks/Resources/models/demo-cnn.safetensors
        gradcam train-demo --model vit --steps 6000 --train-size 24000 --teacher demo-cnn --out Sources/Networks/Resources/models/demo-vit.safetensors
      """)

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case vit, cnn
  }

  @Option(help: "Which network: vit (vit_demo) or cnn (demo_cnn).")
  var model: Kind

  @Option(help: "Seed of the initial weights and of the batch order.")
  var seed: UInt64 = 0

  @Option(help: "Seed of the dataset (training and held-out images).")
  var dataSeed: UInt64 = 0

  @Option(help: "Optimisation steps (default: 6000 for vit, 1000 for cnn).")
  var steps: Int?

  @Option(help: "Images per step.")
  var batchSize: Int = 32

  @Option(help: "Peak learning rate (default: 1e-3 for vit, 3e-3 for cnn).")
  var learningRate: Double?

  @Option(help: "AdamW weight decay.")
  var weightDecay: Double = 0.05

  @Option(help: "Training images (generated once, cycled in a seeded random order).")
  var trainSize: Int = 4000

  @Option(help: "Held-out images to measure accuracy on at the end.")
  var evalCount: Int = 600

  @Option(help: ArgumentHelp("Distil from this bundled model (e.g. demo-cnn): half the loss matches its softened outputs.", valueName: "name"))
  var teacher: String?

  @Option(help: ArgumentHelp("Write the weights to this safetensors file.", valueName: "file"))
  var out: String?

  @Option(help: ArgumentHelp("Also write the training images (and masks) as an ImageFolder here.", valueName: "dir"))
  var writeDataset: String?

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func validate() throws {
    if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    guard batchSize >= 2 else { throw ValidationError("--batch-size must be at least 2") }
    guard trainSize >= 6 else { throw ValidationError("--train-size must be at least 6") }
    guard evalCount >= 1 else { throw ValidationError("--eval-count must be at least 1") }
    try requireRange(batchSize, 2...maximumBatchSize, "--batch-size")
    try requireRange(trainSize, 6...10_000_000, "--train-size")
    try requireRange(evalCount, 1...10_000_000, "--eval-count")
    if let steps { try requireRange(steps, 1...100_000_000, "--steps") }
  }

  func run() throws {
    // Outputs are checked before training and appear together at the end; a failed run
    // (a training error, a full disk) leaves neither the weights nor the dataset.
    let plan = OutputPlan(inputs: teacher.flatMap { BundledModels.url($0)?.path }.map { [$0] } ?? [])
    let datasetFolder = try writeDataset.map { try plan.folder($0) }
    let weightsOutput = try out.map { try plan.file($0) }
    let start = Date()
    let steps = steps ?? (model == .vit ? 6000 : 1000)
    let peak = learningRate ?? (model == .vit ? 1e-3 : 3e-3)
    let network = try DemoTraining.initialModel(model == .vit ? "vit_demo" : "demo_cnn", seed: seed)
    let input = ModelInput(preprocessing: try Preprocessing.profile(named: network.input.profile))
    log("train-demo: \(network.architecture), \(network.parameters.parameterCount) parameters, \(steps) steps of \(batchSize), lr \(peak)")

    let train = DemoDataset(seed: dataSeed, count: trainSize, size: network.input.height, split: .train)
    if let datasetFolder {
      try train.writeImageFolder(to: datasetFolder, plan: plan)
      log("staged \(train.count) training images and masks for \(datasetFolder.path)")
    }
    let items = train.items()
    log(String(format: "generated %d training images in %.1f s", items.count, Date().timeIntervalSince(start)))

    let teacherModel = try teacher.map { try BundledModels.load($0) }
    if let teacher, let teacherModel {
      guard teacherModel.classCount == DemoDataset.classNames.count, teacherModel.input == network.input else {
        throw CLIError("--teacher \(teacher) does not classify the demo shapes at \(network.input.height)x\(network.input.width)")
      }
    }
    let trainer = ClassifierTrainer(
      model: network, optimizer: AdamW(learningRate: peak, weightDecay: weightDecay), labelSmoothing: 0.05)
    var rng = SplitMix64(seed: seed ^ 0x5EED)
    var order: [Int] = []
    var lossSum = 0.0, correct = 0, seen = 0
    for step in 0..<steps {
      trainer.optimizer.learningRate = DemoTraining.learningRate(step: step, of: steps, peak: peak)
      var batch: [Int] = []
      while batch.count < batchSize {
        if order.isEmpty { order = Array(items.indices).shuffled(using: &rng) }
        batch.append(order.removeLast())
      }
      let x = input.batch(batch.map { items[$0].image })
      let r = try trainer.step(x, labels: batch.map { items[$0].label }, teacherLogits: teacherModel?.logits(x))
      lossSum += r.loss * Double(batchSize)
      correct += r.correct
      seen += batchSize
      if (step + 1) % 25 == 0 || step + 1 == steps {
        log(String(
          format: "step %d/%d  loss %.4f  train acc %.3f  lr %.2e  %.0f s", step + 1, steps, lossSum / Double(seen),
          Double(correct) / Double(seen), trainer.optimizer.learningRate, Date().timeIntervalSince(start)))
        lossSum = 0; correct = 0; seen = 0
      }
    }

    let heldOut = DemoDataset(seed: dataSeed, count: evalCount, size: network.input.height, split: .heldOut)
    let accuracy = DemoTraining.accuracy(network, heldOut.items(), input: input)
    let seconds = Date().timeIntervalSince(start)
    let summary = String(format: "held-out accuracy %.4f (%d images, data seed %llu); %.0f s", accuracy, evalCount, dataSeed, seconds)
    log(summary)
    print(summary)
    if let out, let weightsOutput {
      let command = "gradcam train-demo --model \(model.rawValue) --seed \(seed) --data-seed \(dataSeed) --steps \(steps) --batch-size \(batchSize) --learning-rate \(peak) --weight-decay \(weightDecay) --train-size \(trainSize)" + (teacher.map { " --teacher \($0)" } ?? "")
      let weights = try SafeTensors.encode(ClassifierTrainer.checkpointEntries(network), metadata: [
        "architecture": network.architecture, "classes": DemoDataset.classNames.joined(separator: ","),
        "command": command, "held_out_accuracy": String(format: "%.4f", accuracy),
        "held_out_images": "\(evalCount)", "training_seconds": String(format: "%.0f", seconds),
      ])
      try plan.write(weights, to: weightsOutput)
    }
    try plan.commit()
    if let writeDataset { log("wrote \(train.count) training images and masks to \(writeDataset)") }
    if let out { log("wrote \(out)") }
  }

  private func log(_ line: String) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}

/// The parts of demo training the tests can reuse.
enum DemoTraining {
  /// `name` (`vit_demo` or `demo_cnn`) with random initial weights.
  static func initialModel(_ name: String, seed: UInt64) throws -> ImageClassifier {
    try Architectures.build(
      name, weights: InitialWeights.source(seed: seed, transformer: name.hasPrefix("vit")),
      classCount: DemoDataset.classNames.count)
  }

  /// Linear warm-up over the first 5% of steps, then cosine decay to zero.
  static func learningRate(step: Int, of total: Int, peak: Double) -> Double {
    let warmup = max(1, total / 20)
    if step < warmup { return peak * Double(step + 1) / Double(warmup) }
    let t = Double(step - warmup) / Double(max(1, total - warmup))
    return peak * 0.5 * (1 + cos(.pi * t))
  }

  /// Top-1 accuracy on items, in batches of 100.
  static func accuracy(_ model: ImageClassifier, _ items: [DemoItem], input: ModelInput) -> Double {
    var hits = 0
    for s in stride(from: 0, to: items.count, by: 100) {
      let chunk = Array(items[s..<min(items.count, s + 100)])
      hits += ClassifierTrainer.correct(model.logits(input.batch(chunk.map(\.image))), chunk.map(\.label))
    }
    return Double(hits) / Double(items.count)
  }
}
