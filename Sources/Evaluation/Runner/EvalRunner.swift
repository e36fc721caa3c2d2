import Autodiff
import Corruptions
import Foundation
import GradCAM
import Imaging
import Networks

/// Evaluates the pending rows of one shard: images read and corrupted in parallel, several images
/// at a time, then classified (and explained, with CAM) and their rows appended to the log.
///
/// Reproducibility: a row's float results can depend on the batch it was computed in (its size,
/// and the image's position in it). So each dataset image is evaluated in its own fixed batches:
/// its job list (clean, then every corruption and severity) split into ceil(J / batch size) equal
/// slices, the last padded by repeating its last image. An image's rows are then bitwise the same
/// in any shard and after any resume (an image with some rows missing is recomputed whole).
///
/// ```swift
/// let source = try FolderSource(root: "val", classMapFile: nil, classNames: ClassNames.imagenet, seed: 0, profile: nil)
/// let meta = RunMeta(model: "resnet50", classes: 1000, sourceKind: source.kind, source: "val", images: source.count,
///                    corruptions: ["fog"], severities: [1, 2, 3], clean: true, seed: 0, profile: nil, cam: nil, baseline: nil)
/// let log = try RowLog(url: dir.appendingPathComponent("rows.csv"))
/// try EvalRunner(model: model, preprocessing: .imagenet, source: source, meta: meta, log: log).run()
/// let summary = try Report.write(meta: meta, rows: log.rows, to: dir)
/// ```
public struct EvalRunner {
  public let model: ImageClassifier
  public let preprocessing: Preprocessing
  public let source: EvalSource
  /// What to evaluate: images of the shard, corruptions, severities, clean or not, batch size.
  public let meta: RunMeta
  /// Computes the CAM of the true class and its shift from the clean map when given.
  public let explainer: CAMExplainer?
  /// Where rows are appended; rows already in it are not recomputed.
  public let log: RowLog
  let corruptions: [Corruption]
  var batchSize: Int { meta.batchSize }

  /// A runner of `meta` on `source`; `meta.corruptions` must be canonical corruption names.
  public init(
    model: ImageClassifier, preprocessing: Preprocessing, source: EvalSource, meta: RunMeta, explainer: CAMExplainer? = nil,
    log: RowLog
  ) throws {
    self.model = model
    self.preprocessing = preprocessing
    self.source = source
    self.meta = meta
    self.explainer = explainer
    self.log = log
    corruptions = try meta.corruptions.map { name in
      guard let c = Corruption(rawValue: name) else { throw EvaluationError.format("unknown corruption '\(name)' in the run metadata") }
      return c
    }
  }

  private struct Job {
    let image: Int
    /// nil for the clean image.
    let corruption: Corruption?
    let severity: Int
    /// False for rows already in the log (or a clean image needed only as the CAM reference).
    let write: Bool

    var name: String { corruption?.name ?? EvalRow.clean }
  }

  /// Runs everything not in the log yet; returns the number of rows written.
  ///
  /// - Parameter progress: called with (rows written, rows to write): once with 0 before the
  ///   work starts, then after each chunk of images.
  @discardableResult
  public func run(progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Int {
    var pending: [[Job]] = []
    for i in meta.shardImages() {
      let jobs = jobList(i)
      if jobs.contains(where: \.write) { pending.append(jobs) }
    }
    let total = pending.reduce(0) { $0 + $1.filter(\.write).count }
    progress(0, total)
    let input = ModelInput(preprocessing: preprocessing)
    // Small images (CIFAR, Tiny-ImageNet) run side by side on the library's thread pool, one image
    // per core, each read and evaluated in the same iteration: its layers' loops then run on its
    // own thread (too small to split well), and no core waits at a barrier between reading and
    // classifying. Dispatch threads are not used for them: the pool's worker would share a core
    // with them, and every layer's loop would wait a scheduler time slice for it. Large images run
    // one at a time (their layers use every core, and activations stay within memory), read in
    // parallel first. Which kind the run has is decided by its first image: its clean base when the
    // source corrupts on the fly (no corruption computed just to learn a size), else its first file.
    let small = try pending.first.map { jobs in try isSmall(try source.base(jobs[0].image) ?? image(jobs[0], base: nil)) } ?? true
    var done = 0
    var next = 0
    while next < pending.count {
      // Several images per chunk, so that every core stays busy; more for small ones, where a
      // chunk's last image leaves a core idle for one image's time.
      var end = next
      var count = 0
      while end < pending.count && count < batchSize * (small ? 16 : 4) {
        count += pending[end].count
        end += 1
      }
      let group = Array(pending[next..<end])
      var results = [Result<[EvalRow], Error>?](repeating: nil, count: group.count)
      if small {
        results.withUnsafeMutableBufferPointer { out in
          parallelFor(group.count) { k in out[k] = Result { try evaluate(group[k], try images(group[k]), input) } }
        }
      } else {
        let images = try produce(Array(group.joined()))
        var offset = 0
        for (k, jobs) in group.enumerated() {
          results[k] = Result { try evaluate(jobs, Array(images[offset..<(offset + jobs.count)]), input) }
          offset += jobs.count
        }
      }
      let rows = try results.flatMap { try $0?.get() ?? [] }
      try log.append(rows)
      done += rows.count
      progress(done, total)
      next = end
    }
    try log.sync()
    return done
  }

  /// Whether images of this size run side by side, one per core (see ``run(progress:)``).
  private func isSmall(_ image: RGBImage) -> Bool { image.width * image.height <= 96 * 96 }

  /// The rows of one image's jobs, computed in its fixed batches.
  private func evaluate(_ jobs: [Job], _ images: [RGBImage], _ input: ModelInput) throws -> [EvalRow] {
    let label = source.label(jobs[0].image)
    let slices = (jobs.count + batchSize - 1) / batchSize
    let size = (jobs.count + slices - 1) / slices
    var reference: [Float]?
    var rows: [EvalRow] = []
    for b in stride(from: 0, to: jobs.count, by: size) {
      let range = b..<min(jobs.count, b + size)
      let padded = Array(range) + [Int](repeating: range.upperBound - 1, count: size - range.count)
      let batch = input.batch(padded.map { images[$0] })
      if let explainer {
        let result = try explainer.explain(batch: batch, target: .groundTruth, labels: [Int](repeating: label, count: size))
        let (h, w) = (result.maps.shape[1], result.maps.shape[2])
        let maps = result.maps.scalars
        let (best, confidence) = Self.argmax(result.probabilities)
        let faithfulness = meta.faithfulness == true
          ? FaithfulnessScores.compute(model: model, inputs: batch, result: result, seed: UInt32(truncatingIfNeeded: jobs[0].image)) : nil
        let scale = Double(images[range.lowerBound].width) / Double(max(w, 1))
        for (j, k) in range.enumerated() {
          let job = jobs[k]
          let map = Array(maps[(j * h * w)..<((j + 1) * h * w)])
          var shift: CAMShift?
          if job.corruption == nil {
            reference = map
          } else if let reference {
            shift = AttentionShift(map: map, reference: reference, width: w, height: h, scale: scale)
          }
          if job.write {
            rows.append(EvalRow(image: job.image, corruption: job.name, severity: job.severity, label: label,
                                predicted: best[j], confidence: confidence[j], shift: shift, faithfulness: faithfulness?[j],
                                path: source.path(job.image)))
          }
        }
      } else {
        let probabilities = withoutGradients { softmax(model.logits(batch), axis: 1) }
        let (best, confidence) = Self.argmax(probabilities)
        for (j, k) in range.enumerated() where jobs[k].write {
          let job = jobs[k]
          rows.append(EvalRow(image: job.image, corruption: job.name, severity: job.severity, label: label,
                              predicted: best[j], confidence: confidence[j], path: source.path(job.image)))
        }
      }
    }
    return rows
  }

  /// Image `i`'s full job list: clean (when evaluated, or needed as the CAM reference), then every
  /// corruption and severity; `write` marks rows not in the log yet.
  private func jobList(_ i: Int) -> [Job] {
    var jobs: [Job] = []
    if meta.clean || explainer != nil {
      let key = RowKey(image: i, corruption: EvalRow.clean, severity: 0)
      jobs.append(Job(image: i, corruption: nil, severity: 0, write: meta.clean && !log.keys.contains(key)))
    }
    for c in corruptions {
      for s in meta.severities {
        let key = RowKey(image: i, corruption: c.name, severity: s)
        jobs.append(Job(image: i, corruption: c, severity: s, write: !log.keys.contains(key)))
      }
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
    for (k, i) in order.enumerated() { baseOf[i] = try bases[k]?.get() }
    var results = [Result<RGBImage, Error>?](repeating: nil, count: chunk.count)
    results.withUnsafeMutableBufferPointer { out in
      DispatchQueue.concurrentPerform(iterations: chunk.count) { k in
        out[k] = Result { try image(chunk[k], base: baseOf[chunk[k].image] ?? nil) }
      }
    }
    return try results.enumerated().map { k, r in
      guard let r else { throw EvaluationError.io("image \(chunk[k].image) \(chunk[k].name) s\(chunk[k].severity): not computed") }
      return try r.get()
    }
  }

  /// The images of one dataset image's jobs, read and corrupted on the calling thread.
  private func images(_ jobs: [Job]) throws -> [RGBImage] {
    let base = try source.base(jobs[0].image)
    return try jobs.map { try image($0, base: base) }
  }

  /// The image of one job, checked against the model's input; errors name the job.
  private func image(_ job: Job, base: RGBImage?) throws -> RGBImage {
    do {
      let image = try source.image(job.image, job.corruption, job.severity, base: base)
      try ModelInput(preprocessing: preprocessing).check(image)
      return image
    } catch {
      throw EvaluationError.io("image \(job.image) \(job.name) s\(job.severity): \(error)")
    }
  }

  /// Top-1 class (lowest index on ties) and its probability for each row of `[N, classes]`.
  public static func argmax(_ probabilities: Tensor) -> ([Int], [Double]) {
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
