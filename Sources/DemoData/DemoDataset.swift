import AtomicFiles
import Dispatch
import Foundation
import Imaging

/// The classes of the demo dataset, in label order.
public enum DemoShape: Int, CaseIterable, Sendable {
  case disc, square, triangle, star, cross, ring

  /// The class name (also the ImageFolder subfolder name).
  public var name: String { DemoDataset.classNames[rawValue] }
}

/// One generated image with its ground truth.
public struct DemoItem: Equatable, Sendable {
  /// The image (`size` x `size`).
  public let image: RGBImage
  /// Per-pixel object mask, row-major (`mask[y * width + x]`): true where the shape covers at
  /// least half of the pixel. The hole of a ring is outside the mask.
  public let mask: [Bool]
  /// The class index (``DemoShape`` raw value).
  public let label: Int
  /// The item's index in its stream (train indices are below ``DemoDataset/heldOutStart``).
  public let index: Int
  /// The flat fill colour of the shape (every fully covered object pixel has exactly it).
  public let objectColor: (r: UInt8, g: UInt8, b: UInt8)
  /// Centre of the shape in pixels (x right, y down) and its outer radius in pixels.
  public let center: (x: Double, y: Double)
  public let radius: Double

  /// The shape drawn.
  public var shape: DemoShape { DemoShape(rawValue: label)! }

  /// The mask as bytes, 1 inside and 0 outside.
  public var maskBytes: [UInt8] { mask.map { $0 ? 1 : 0 } }

  public static func == (a: DemoItem, b: DemoItem) -> Bool {
    a.image == b.image && a.mask == b.mask && a.label == b.label && a.index == b.index
      && a.objectColor == b.objectColor && a.center == b.center && a.radius == b.radius
  }
}

/// A procedural, fully seeded dataset of coloured shapes on textured backgrounds, with a
/// per-pixel object mask for each image: the toolkit's offline demo data.
///
/// Item `i` of seed `s` is a pure function of `(s, i, size)`: the same arguments give the same
/// bytes on every run and machine (Cairo's software rasteriser; the background is computed in
/// Swift with integer hashing and `Double` arithmetic). Labels cycle through the classes
/// (`label = index % 6`), so every class is present in any 6 consecutive items.
///
/// Splits are index ranges of the same stream: the training split uses indices
/// `0..<heldOutStart`, the held-out split starts at ``heldOutStart``, so no held-out image is
/// ever a training image.
public struct DemoDataset: Sendable {
  /// The class names in label order.
  public static let classNames = ["disc", "square", "triangle", "star", "cross", "ring"]
  /// First index of the held-out split.
  public static let heldOutStart = 1_000_000_000

  /// Which part of the stream a dataset reads.
  public enum Split: String, Sendable, CaseIterable {
    /// Indices from 0.
    case train
    /// Indices from ``DemoDataset/heldOutStart``.
    case heldOut = "held-out"
  }

  /// The seed of the whole stream.
  public let seed: UInt64
  /// Image width and height in pixels.
  public let size: Int
  /// The stream indices of the items, in order.
  public let indices: Range<Int>

  /// `count` items of `split`, starting `offset` items into the split.
  public init(seed: UInt64 = 0, count: Int, size: Int = 64, split: Split = .train, offset: Int = 0) {
    precondition(count >= 0 && offset >= 0, "DemoDataset: negative count or offset")
    precondition(size >= 16 && size <= 4096, "DemoDataset: size \(size) is outside 16...4096")
    let start = (split == .train ? 0 : Self.heldOutStart) + offset
    precondition(split == .heldOut || start + count <= Self.heldOutStart, "DemoDataset: the training split ends at \(Self.heldOutStart)")
    self.seed = seed
    self.size = size
    indices = start..<(start + count)
  }

  /// Number of items.
  public var count: Int { indices.count }

  /// The `i`-th item (0-based within this dataset).
  public subscript(i: Int) -> DemoItem {
    precondition(i >= 0 && i < count, "DemoDataset: item \(i) is outside 0..<\(count)")
    return Self.item(seed: seed, index: indices.lowerBound + i, size: size)
  }

  /// All items, generated in parallel.
  public func items() -> [DemoItem] {
    var out = [DemoItem?](repeating: nil, count: count)
    let (seed, size, start) = (seed, size, indices.lowerBound)
    out.withUnsafeMutableBufferPointer { buffer in
      DispatchQueue.concurrentPerform(iterations: buffer.count) { i in
        buffer[i] = Self.item(seed: seed, index: start + i, size: size)
      }
    }
    return out.map { $0! }
  }

  /// The item at stream index `index` of `seed`.
  public static func item(seed: UInt64, index: Int, size: Int = 64) -> DemoItem {
    var generator = Generator(seed: seed, index: index, size: size)
    return generator.generate()
  }

  /// Writes the dataset as an ImageFolder: `dir/images/<class>/<index>.png` (what `predict`
  /// and PyTorch's `ImageFolder` read), `dir/masks/<class>/<index>.png` (white inside the
  /// object, black outside) and `dir/classes.txt` (one class name per line, label order, usable
  /// as `--classes`). `dir` is created if missing (its parent must exist). Returns the number of
  /// images written. All or nothing: a failure leaves no file and no folder this call created.
  @discardableResult
  public func writeImageFolder(to dir: URL) throws -> Int {
    let plan = OutputPlan()
    let n = try writeImageFolder(to: dir, plan: plan)
    try plan.commit()
    return n
  }

  /// Stages the ImageFolder of ``writeImageFolder(to:)`` in `plan`: its folders are created (and
  /// removed again if the plan is not committed), its files appear at `plan.commit()`. The
  /// images are encoded in parallel, a chunk at a time, so memory stays bounded.
  @discardableResult
  public func writeImageFolder(to dir: URL, plan: OutputPlan) throws -> Int {
    try plan.folder(dir.path)
    for sub in ["images", "masks"] {
      try plan.folder(dir.appendingPathComponent(sub).path)
      for name in Self.classNames { try plan.folder(dir.appendingPathComponent(sub).appendingPathComponent(name).path) }
    }
    try plan.write(Data((Self.classNames.joined(separator: "\n") + "\n").utf8), to: dir.appendingPathComponent("classes.txt").path)
    let width = max(6, String(indices.upperBound).count)
    let (seed, size) = (seed, size)
    for chunk in stride(from: indices.lowerBound, to: indices.upperBound, by: 256) {
      let end = min(chunk + 256, indices.upperBound)
      var files = [(path: String, image: Data, mask: Data)?](repeating: nil, count: end - chunk)
      var failure: Error?
      let lock = NSLock()
      files.withUnsafeMutableBufferPointer { buffer in
        DispatchQueue.concurrentPerform(iterations: buffer.count) { i in
          let item = Self.item(seed: seed, index: chunk + i, size: size)
          let file = String(repeating: "0", count: max(0, width - String(item.index).count)) + "\(item.index).png"
          let maskImage = RGBImage(width: size, height: size, pixels: item.mask.flatMap { $0 ? [255, 255, 255] : [0, 0, 0] })
          do {
            buffer[i] = ("\(item.shape.name)/\(file)", try PNGCodec.encode(item.image), try PNGCodec.encode(maskImage))
          } catch {
            lock.lock()
            if failure == nil { failure = error }
            lock.unlock()
          }
        }
      }
      if let failure { throw failure }
      for case let (path, image, mask)? in files {
        try plan.write(image, to: dir.appendingPathComponent("images/\(path)").path)
        try plan.write(mask, to: dir.appendingPathComponent("masks/\(path)").path)
      }
    }
    return count
  }
}
