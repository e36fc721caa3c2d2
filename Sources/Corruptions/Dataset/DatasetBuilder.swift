import AtomicFiles
import Foundation
import Imaging

/// Builds an ImageNet-C style corrupted copy of an ImageFolder dataset:
/// `OUT/<corruption>/<severity>/<class>/<file>`.
///
/// * Input: `root/<class>/<image>` (PNG or JPEG; class folders and files sorted by name; hidden
///   entries skipped). The sorted position of a file over the whole dataset is its *file index*.
/// * Seeds: output (file index i, corruption c, severity s) uses
///   `seed = (baseSeed + 100·i + 5·c + (s − 1)) mod 2³²`, with c the index in `Corruption.all`
///   (0...18). So `np.random.seed(seed)` then imagecorruptions reproduces it in Python. Seeds never
///   collide within one base seed.
/// * Output: JPEG quality 85 (ImageNet-C's storage; the file keeps its name if it already ends in
///   .jpg/.jpeg, otherwise the extension becomes .jpg) or lossless PNG (extension .png).
/// * Resumable: an existing output file is skipped (an image whose outputs all exist is not even read).
///   Writes are atomic (temporary file + rename), so an interrupted run leaves no partial images;
///   the temporary files of a killed run are deleted when the build is resumed.
/// * Parallel over input files on all cores; the progress callback is invoked serially (under a lock)
///   from worker threads after every finished input file.
public enum DatasetBuilder {
  /// Output encoding.
  public enum OutputFormat: Sendable, Equatable {
    case jpeg(quality: Int)
    case png
    /// ImageNet-C's storage format.
    public static let imagenetC = OutputFormat.jpeg(quality: 85)
  }

  /// What to build.
  public struct Options: Sendable {
    public var corruptions: [Corruption]
    public var severities: [Int]
    public var baseSeed: UInt32
    /// nil chooses the profile from each image's size.
    public var profile: Profile?
    public var format: OutputFormat
    /// Worker count (default: active processor count).
    public var concurrency: Int

    public init(
      corruptions: [Corruption] = Corruption.benchmark, severities: [Int] = Severity.all, baseSeed: UInt32 = 0,
      profile: Profile? = nil, format: OutputFormat = .imagenetC,
      concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
      self.corruptions = corruptions
      self.severities = severities
      self.baseSeed = baseSeed
      self.profile = profile
      self.format = format
      self.concurrency = max(1, concurrency)
    }
  }

  /// One input image.
  public struct Item: Sendable, Equatable {
    public let index: Int
    public let className: String
    public let url: URL
  }

  /// Progress after each input file.
  public struct Progress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var written: Int
    public var skipped: Int
    public var failed: Int
    public var lastFile: String
  }

  /// Final counts; `failures` lists "path: reason" for each input or output that failed.
  public struct Summary: Sendable {
    public var files: Int
    public var written: Int
    public var skipped: Int
    public var failures: [String]
    /// The failed write (a full disk, a read-only folder) the build stopped at, instead of
    /// carrying on through every remaining file.
    public var writeError: String?
  }

  /// The seed of output (file index, corruption, severity); see the type documentation.
  public static func seed(base: UInt32, fileIndex: Int, corruption: Corruption, severity: Int) -> UInt32 {
    let c = Corruption.all.firstIndex(of: corruption)!
    let v = UInt64(base) &+ 100 &* UInt64(fileIndex) &+ UInt64(5 * c + severity - 1)
    return UInt32(truncatingIfNeeded: v)
  }

  /// Lists `root/<class>/<image>` (sorted; .png/.jpg/.jpeg, any case).
  public static func scan(_ root: URL) throws -> [Item] {
    let fm = FileManager.default
    var isFolder: ObjCBool = false
    guard fm.fileExists(atPath: root.path, isDirectory: &isFolder) else { throw CorruptionError.io("\(root.path): no such folder") }
    guard isFolder.boolValue else { throw CorruptionError.io("\(root.path): not a folder") }
    let classes: [String]
    do {
      classes = try fm.contentsOfDirectory(atPath: root.path).filter { name in
        var dir: ObjCBool = false
        return !name.hasPrefix(".") && fm.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &dir)
          && dir.boolValue
      }.sorted()
    } catch {
      // The folder exists: what is left is being refused (Foundation's sentence is not shown).
      throw CorruptionError.io("\(root.path): cannot list the folder (\(access(root.path, R_OK) == 0 ? "unreadable" : "permission denied"))")
    }
    var items: [Item] = []
    for cls in classes {
      let dir = root.appendingPathComponent(cls)
      let files = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
      for f in files.sorted() where !f.hasPrefix(".") {
        let ext = (f as NSString).pathExtension.lowercased()
        guard ["png", "jpg", "jpeg"].contains(ext) else { continue }
        items.append(Item(index: items.count, className: cls, url: dir.appendingPathComponent(f)))
      }
    }
    if items.isEmpty { throw CorruptionError.io("no images found under \(root.path)/<class>/") }
    return items
  }

  /// The output path of one item for (corruption, severity).
  public static func outputURL(
    root: URL, item: Item, corruption: Corruption, severity: Int, format: OutputFormat
  ) -> URL {
    let name = item.url.lastPathComponent
    let ext = (name as NSString).pathExtension.lowercased()
    let base = (name as NSString).deletingPathExtension
    let file: String
    switch format {
    case .png: file = base + ".png"
    case .jpeg: file = (ext == "jpg" || ext == "jpeg") ? name : base + ".jpg"
    }
    return root.appendingPathComponent(corruption.name).appendingPathComponent(String(severity))
      .appendingPathComponent(item.className).appendingPathComponent(file)
  }

  /// Builds the corrupted dataset. Per-file errors are collected in the summary, not thrown.
  /// - Throws: `CorruptionError` for an invalid severity, an unreadable input root or an
  ///   uncreatable output directory.
  @discardableResult
  public static func build(
    input: URL, output: URL, options: Options, progress: (@Sendable (Progress) -> Void)? = nil
  ) throws -> Summary {
    for s in options.severities { _ = try Severity.validate(s) }
    let items = try scan(input)
    let classes = Set(items.map(\.className))
    for c in options.corruptions {
      for s in options.severities {
        for cls in classes {
          let dir = output.appendingPathComponent(c.name).appendingPathComponent(String(s)).appendingPathComponent(cls)
          do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
          } catch {
            throw CorruptionError.io("cannot create \(dir.path): \(error.localizedDescription)")
          }
          removeStaleTemporaryFiles(in: dir)
        }
      }
    }
    let lock = NSLock()
    var state = Progress(filesDone: 0, filesTotal: items.count, written: 0, skipped: 0, failed: 0, lastFile: "")
    var failures: [String] = []
    var stopped: String?
    forEachIndex(items.count, workers: options.concurrency) { i in
      lock.lock()
      let skip = stopped != nil
      lock.unlock()
      if skip { return }
      let r = process(items[i], output: output, options: options)
      lock.lock()
      if r.writeFailed, stopped == nil { stopped = r.failures.last }
      state.filesDone += 1
      state.written += r.written
      state.skipped += r.skipped
      state.failed += r.failures.count
      state.lastFile = items[i].url.path
      failures += r.failures
      let snapshot = state
      progress?(snapshot)
      lock.unlock()
    }
    return Summary(
      files: items.count, written: state.written, skipped: state.skipped, failures: failures, writeError: stopped)
  }

  /// Writes the missing outputs of one item; the first failed write ends it (`writeFailed`).
  private static func process(_ item: Item, output: URL, options: Options)
    -> (written: Int, skipped: Int, failures: [String], writeFailed: Bool)
  {
    var todo: [(Corruption, Int, URL)] = []
    var skipped = 0
    for c in options.corruptions {
      for s in options.severities {
        let u = outputURL(root: output, item: item, corruption: c, severity: s, format: options.format)
        if FileManager.default.fileExists(atPath: u.path) { skipped += 1 } else { todo.append((c, s, u)) }
      }
    }
    if todo.isEmpty { return (0, skipped, [], false) }
    let image: RGBImage
    do {
      image = try readImage(item.url)
    } catch {
      return (0, skipped, ["\(item.url.path): \(error)"], false)
    }
    var written = 0
    var failures: [String] = []
    for (c, s, u) in todo {
      do {
        let sd = seed(base: options.baseSeed, fileIndex: item.index, corruption: c, severity: s)
        let out = try Corruptions.apply(image, c, severity: s, seed: sd, profile: options.profile)
        do { try writeImage(out, to: u, format: options.format) } catch {
          return (written, skipped, failures + ["\(error)"], true)
        }
        written += 1
      } catch {
        failures.append("\(u.path): \(error)")
      }
    }
    return (written, skipped, failures, false)
  }

  /// Deletes the temporary files of a killed earlier run (their process is gone), so a resumed
  /// build leaves exactly the tree an uninterrupted build writes.
  static func removeStaleTemporaryFiles(in dir: URL) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    for name in names where AtomicWrite.isStaleTemporaryFile(name) {
      try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
    }
  }

  /// Image input (Imaging's decoder; EXIF orientation applied).
  static func readImage(_ url: URL) throws -> RGBImage { try ImageFile.read(url) }

  /// Atomic image output (Imaging writes a temporary file and renames it).
  static func writeImage(_ image: RGBImage, to url: URL, format: OutputFormat) throws {
    switch format {
    case .png:
      try ImageFile.write(image, to: url)
    case .jpeg(let q):
      try ImageFile.write(image, to: url, quality: q)
    }
  }
}
