import AtomicFiles
import ArgumentParser
import Foundation
import GradCAM
import Imaging
import Networks
import ProgressBars

/// `gradcam predict`: top-k classes of images.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Print or write the top-k classes and probabilities of images.",
    discussion: "Images are read in parallel and classified in batches on all cores.")

  @OptionGroup var modelOptions: ModelOptions
  @OptionGroup var precisionOption: PrecisionOption

  @Argument(help: "Images (.png, .jpg) or folders of images.")
  var images: [String]

  @Option(help: "Number of classes to report per image.")
  var topk: Int = 5

  @Option(help: ArgumentHelp("Write the results as CSV to this file (atomically; - for stdout).", valueName: "file"))
  var csv: String?

  @Option(help: "Images per forward pass.")
  var batchSize: Int = 32

  @Flag(help: "No progress on stderr.")
  var quiet = false

  func validate() throws {
    guard topk >= 1 else { throw ValidationError("--topk must be at least 1") }
    try requireRange(topk, 1...1_000_000, "--topk")
    try requireRange(batchSize, 1...maximumBatchSize, "--batch-size")
  }

  func run() throws {
    let loaded = try modelOptions.load()
    let files = try ImageInputs.files(images)
    // The output is checked before any image is read or classified.
    let plan = OutputPlan(inputs: files.map(\.path) + modelOptions.inputFiles)
    let csvOutput = try csv.map { try plan.file($0, allowStdout: true) }
    let predictor = try Predictor(model: loaded.model, preprocessing: loaded.preprocessing, batchSize: batchSize)
    let progress = ProgressBar("predict", total: files.count, quiet: quiet || files.count / 2 < batchSize)
    var rows: [(URL, Prediction)] = []
    for start in stride(from: 0, to: files.count, by: batchSize) {
      let chunk = Array(files[start..<(start + min(files.count - start, batchSize))])
      let images = try readImages(chunk, preprocessing: loaded.preprocessing)
      rows += zip(chunk, predictor.predict(images, topK: topk))
      progress.update(rows.count)
    }
    let k = min(topk, loaded.model.classCount)
    if let csvOutput {
      var text = "path," + (1...k).map { "top\($0)_index,top\($0)_class,top\($0)_probability" }.joined(separator: ",") + "\n"
      for (url, p) in rows {
        text += csvField(url.path) + "," + p.top.map { "\($0.index),\(csvField(loaded.classNames[$0.index])),\(String(format: "%.6f", $0.probability))" }.joined(separator: ",") + "\n"
      }
      try plan.write(Data(text.utf8), to: csvOutput)
      try plan.commit()
    } else {
      for (url, p) in rows {
        print("\(url.path): " + p.top.map { "\(loaded.classNames[$0.index]) \(String(format: "%.4f", $0.probability))" }.joined(separator: ", "))
      }
    }
  }

  /// Reads images in parallel; the first failure is reported with its file name.
  private func readImages(_ urls: [URL], preprocessing: Preprocessing) throws -> [RGBImage] {
    var results = [Result<RGBImage, Error>?](repeating: nil, count: urls.count)
    results.withUnsafeMutableBufferPointer { out in
      DispatchQueue.concurrentPerform(iterations: urls.count) { i in
        out[i] = Result { try ImageFile.read(urls[i], for: preprocessing) }
      }
    }
    return try results.map { try $0!.get() }
  }
}

/// A CSV field, quoted when it contains a comma, quote or newline.
func csvField(_ s: String) -> String {
  s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
