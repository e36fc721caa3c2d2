import Autodiff
import Evaluation
import Foundation
import GradCAM
import Imaging

/// Evaluates the pending rows of one shard: images read and corrupted in parallel, a chunk at a
/// time, then classified (and explained, with CAM) in batches; rows appended to the log after
/// every batch.
struct EvalRunner {
  let loaded: LoadedModel
  let source: EvalSource
  let meta: RunMeta
  let explainer: CAMExplainer?
  let batchSize: Int
  let log: RowLog

  private struct Job {
    let image: Int
    let corruption: String
    let severity: Int
    /// False for a clean image computed only as the CAM reference of its corrupted images.
    let write: Bool
  }

  /// Runs everything not in the log yet; returns the number of images classified.
  func run(progress makeProgress: (Int) -> Progress) throws -> Int {
    let jobs = pendingJobs()
    let progress = makeProgress(jobs.filter(\.write).count)
    let input = ModelInput(preprocessing: loaded.preprocessing)
    let chunkSize = max(batchSize * 2, 64)
    var start = 0
    var done = 0
    var references: [Int: [Float]] = [:]  // clean maps of the chunk's images
    while start < jobs.count {
      // Whole images per chunk so CAM references stay in the chunk.
      var end = min(jobs.count, start + chunkSize)
      while end < jobs.count && jobs[end].image == jobs[end - 1].image { end += 1 }
      let chunk = Array(jobs[start..<end])
      let images = try produce(chunk)
      references.removeAll(keepingCapacity: true)
      for b in stride(from: 0, to: chunk.count, by: batchSize) {
        let range = b..<min(chunk.count, b + batchSize)
        let batch = input.batch(range.map { images[$0] })
        let labels = range.map { source.label(chunk[$0].image) }
        var rows: [EvalRow] = []
        if let explainer {
          let result = try explainer.explain(batch: batch, target: .groundTruth, labels: labels)
          let (h, w) = (result.maps.shape[1], result.maps.shape[2])
          let maps = result.maps.scalars
          let (best, confidence) = Self.argmax(result.probabilities)
          let scale = Double(images[range.lowerBound].width) / Double(max(w, 1))
          for (j, k) in range.enumerated() {
            let job = chunk[k]
            let map = Array(maps[(j * h * w)..<((j + 1) * h * w)])
            var shift: CAMShift?
            if job.corruption == EvalRow.clean {
              references[job.image] = map
            } else if let ref = references[job.image] {
              let s = AttentionShift(map: map, reference: ref, width: w, height: h, scale: scale)
              shift = CAMShift(rankCorrelation: s.rankCorrelation, topIoU: s.topIoU, centerShift: s.centerShift, entropyChange: s.entropyChange)
            }
            if job.write {
              rows.append(EvalRow(image: job.image, corruption: job.corruption, severity: job.severity, label: labels[j],
                                  predicted: best[j], confidence: confidence[j], shift: shift))
            }
          }
        } else {
          let probabilities = withoutGradients { softmax(loaded.model.logits(batch), axis: 1) }
          let (best, confidence) = Self.argmax(probabilities)
          for (j, k) in range.enumerated() where chunk[k].write {
            let job = chunk[k]
            rows.append(EvalRow(image: job.image, corruption: job.corruption, severity: job.severity, label: labels[j],
                                predicted: best[j], confidence: confidence[j]))
          }
        }
        try log.append(rows)
        done += rows.count
        progress.update(done)
      }
      start = end
    }
    try log.sync()
    return done
  }

  /// The jobs not yet in the log, image by image (clean first). With CAM, an image with pending
  /// corrupted jobs also gets its clean image as a reference even when the clean row exists.
  private func pendingJobs() -> [Job] {
    var jobs: [Job] = []
    let cleanKey = { (i: Int) in RowKey(image: i, corruption: EvalRow.clean, severity: 0) }
    for i in meta.shardImages() {
      var corrupted: [Job] = []
      for c in meta.corruptions {
        for s in meta.severities where !log.keys.contains(RowKey(image: i, corruption: c, severity: s)) {
          corrupted.append(Job(image: i, corruption: c, severity: s, write: true))
        }
      }
      let cleanPending = meta.clean && !log.keys.contains(cleanKey(i))
      if cleanPending || (explainer != nil && meta.clean && !corrupted.isEmpty) {
        jobs.append(Job(image: i, corruption: EvalRow.clean, severity: 0, write: cleanPending))
      }
      jobs += corrupted
    }
    return jobs
  }

  /// The images of `chunk`, read and corrupted in parallel on all cores.
  private func produce(_ chunk: [Job]) throws -> [RGBImage] {
    var order: [Int] = []
    for j in chunk where order.last != j.image { order.append(j.image) }
    var bases = [Result<RGBImage?, Error>?](repeating: nil, count: order.count)
    bases.withUnsafeMutableBufferPointer { out in
      DispatchQueue.concurrentPerform(iterations: order.count) { k in out[k] = Result { try source.base(order[k]) } }
    }
    var baseOf: [Int: RGBImage?] = [:]
    for (k, i) in order.enumerated() { baseOf[i] = try bases[k]!.get() }
    var results = [Result<RGBImage, Error>?](repeating: nil, count: chunk.count)
    results.withUnsafeMutableBufferPointer { out in
      DispatchQueue.concurrentPerform(iterations: chunk.count) { k in
        let job = chunk[k]
        out[k] = Result { try source.image(job.image, job.corruption, job.severity, base: baseOf[job.image] ?? nil) }
      }
    }
    return try results.enumerated().map { k, r in
      do { return try r!.get() } catch {
        throw CLIError("image \(chunk[k].image) \(chunk[k].corruption) s\(chunk[k].severity): \(error)")
      }
    }
  }

  /// Top-1 class (lowest index on ties) and its probability for each row of `[N, classes]`.
  static func argmax(_ probabilities: Tensor) -> ([Int], [Double]) {
    let (n, c) = (probabilities.shape[0], probabilities.shape[1])
    let v = probabilities.scalars
    var best: [Int] = [], confidence: [Double] = []
    for i in 0..<n {
      var k = 0
      for j in 1..<c where v[i * c + j] > v[i * c + k] { k = j }
      best.append(k)
      confidence.append(Double(v[i * c + k]))
    }
    return (best, confidence)
  }
}
