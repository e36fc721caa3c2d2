import Corruptions
import Evaluation
import Foundation
import Imaging

/// Where `evaluate` gets its images: image `i` of the dataset, clean or corrupted.
protocol EvalSource {
  /// `imagefolder`, `corrupted-tree` or `npy` (recorded in meta.json).
  var kind: String { get }
  /// Images in the dataset.
  var count: Int { get }
  var hasClean: Bool { get }
  /// Class folder names (label order) when the labels come from folders.
  var classFolders: [String] { get }
  func label(_ i: Int) -> Int
  /// What `image` needs for image `i` (the decoded clean image for on-the-fly corruption), read once
  /// per image.
  func base(_ i: Int) throws -> RGBImage?
  /// Image `i` for (corruption, severity); `clean`/0 is the clean image.
  func image(_ i: Int, _ corruption: String, _ severity: Int, base: RGBImage?) throws -> RGBImage
}

/// Labels of class folders: sorted folder names are indices 0, 1, ... (torchvision ImageFolder), or
/// a `--class-map` file of `folder,index` lines.
struct ClassMap {
  let index: [String: Int]

  init(folders: [String], file: String?) throws {
    guard let file else {
      index = Dictionary(uniqueKeysWithValues: folders.sorted().enumerated().map { ($0.element, $0.offset) })
      return
    }
    let text: String
    do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw CLIError("\(file): cannot read the class map") }
    var map: [String: Int] = [:]
    for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard f.count == 2, let i = Int(f[1]), i >= 0 else {
        if n == 0 { continue }  // a header
        throw CLIError("\(file):\(n + 1): expected folder,index")
      }
      map[f[0]] = i
    }
    if let missing = folders.first(where: { map[$0] == nil }) {
      throw CLIError("\(file): no index for class folder '\(missing)'")
    }
    index = map
  }
}

/// An ImageFolder corrupted on the fly, seeded per file as `gradcam corrupt --data` does.
struct FolderSource: EvalSource {
  let items: [DatasetBuilder.Item]
  let labels: [Int]
  let classFolders: [String]
  let seed: UInt32
  let profile: Profile?
  var kind: String { "imagefolder" }
  var count: Int { items.count }
  var hasClean: Bool { true }

  init(root: String, classMapFile: String?, seed: UInt32, profile: Profile?) throws {
    items = try DatasetBuilder.scan(URL(fileURLWithPath: root))
    classFolders = Array(Set(items.map(\.className))).sorted()
    let map = try ClassMap(folders: classFolders, file: classMapFile)
    labels = items.map { map.index[$0.className]! }
    self.seed = seed
    self.profile = profile
  }

  func label(_ i: Int) -> Int { labels[i] }
  func base(_ i: Int) throws -> RGBImage? { try ImageFile.read(items[i].url) }

  func image(_ i: Int, _ corruption: String, _ severity: Int, base: RGBImage?) throws -> RGBImage {
    let clean = try base ?? ImageFile.read(items[i].url)
    if corruption == EvalRow.clean { return clean }
    let c = try Corruption(parsing: corruption)
    return try Corruptions.apply(
      clean, c, severity: severity, seed: DatasetBuilder.seed(base: seed, fileIndex: i, corruption: c, severity: severity),
      profile: profile)
  }
}

/// An existing ImageNet-C style tree `root/<corruption>/<severity>/<class>/<image>`. Images are
/// matched across folders by class and file name without extension. The image list (and index)
/// comes from the clean `--data` folder when given, else from the first corruption/severity folder.
struct TreeSource: EvalSource {
  let list: [DatasetBuilder.Item]
  let labels: [Int]
  let classFolders: [String]
  let files: [String: [String: URL]]  // "corruption/severity" -> "class/stem" -> file
  let hasClean: Bool
  var kind: String { "corrupted-tree" }
  var count: Int { list.count }

  init(root: String, clean: String?, corruptions: [String], severities: [Int], classMapFile: String?) throws {
    let rootURL = URL(fileURLWithPath: root)
    var files: [String: [String: URL]] = [:]
    var first: [DatasetBuilder.Item]?
    for c in corruptions {
      for s in severities {
        let dir = rootURL.appendingPathComponent(c).appendingPathComponent(String(s))
        guard FileManager.default.fileExists(atPath: dir.path) else { throw CLIError("\(dir.path): no such folder") }
        let items = try DatasetBuilder.scan(dir)
        if first == nil { first = items }
        files["\(c)/\(s)"] = Dictionary(items.map { (Self.identity($0), $0.url) }, uniquingKeysWith: { a, _ in a })
      }
    }
    if let clean {
      list = try DatasetBuilder.scan(URL(fileURLWithPath: clean))
    } else {
      guard let first else { throw CLIError("no corruptions or severities to evaluate") }
      list = first
    }
    hasClean = clean != nil
    classFolders = Array(Set(list.map(\.className))).sorted()
    let map = try ClassMap(folders: classFolders, file: classMapFile)
    labels = list.map { map.index[$0.className]! }
    self.files = files
  }

  static func identity(_ item: DatasetBuilder.Item) -> String {
    item.className + "/" + item.url.deletingPathExtension().lastPathComponent
  }

  func label(_ i: Int) -> Int { labels[i] }
  func base(_ i: Int) throws -> RGBImage? { nil }

  func image(_ i: Int, _ corruption: String, _ severity: Int, base: RGBImage?) throws -> RGBImage {
    if corruption == EvalRow.clean { return try ImageFile.read(list[i].url) }
    guard let url = files["\(corruption)/\(severity)"]?[Self.identity(list[i])] else {
      throw CLIError("no \(corruption)/\(severity) image for \(Self.identity(list[i]))")
    }
    return try ImageFile.read(url)
  }
}

/// The CIFAR-10-C layout: `root/<corruption>.npy` uint8 [5·N, H, W, 3], severity-major (row
/// (s − 1)·N + i), `root/labels.npy` [5·N] or [N]; optional `root/clean.npy` [N, H, W, 3] for the
/// clean images. Arrays are memory-mapped.
struct NPYSource: EvalSource {
  let root: URL
  let labels: [Int]
  let count: Int
  let arrays: [String: MappedImages]
  let clean: MappedImages?
  var kind: String { "npy" }
  var hasClean: Bool { clean != nil }
  var classFolders: [String] { [] }

  static func isLayout(_ root: String) -> Bool {
    FileManager.default.fileExists(atPath: URL(fileURLWithPath: root).appendingPathComponent("labels.npy").path)
  }

  init(root: String, corruptions: [String], severities: [Int]) throws {
    self.root = URL(fileURLWithPath: root)
    let labelArray = try MappedImages.readLabels(self.root.appendingPathComponent("labels.npy"))
    var arrays: [String: MappedImages] = [:]
    var n: Int?
    for c in corruptions {
      let a = try MappedImages(self.root.appendingPathComponent("\(c).npy"))
      guard a.count % 5 == 0 else { throw CLIError("\(c).npy: \(a.count) images is not 5 severities x N") }
      if let n, n != a.count / 5 { throw CLIError("\(c).npy has \(a.count / 5) images per severity, others \(n)") }
      n = a.count / 5
      arrays[c] = a
    }
    let cleanURL = self.root.appendingPathComponent("clean.npy")
    clean = FileManager.default.fileExists(atPath: cleanURL.path) ? try MappedImages(cleanURL) : nil
    guard let count = n ?? clean?.count else { throw CLIError("\(root): nothing to evaluate") }
    if let clean, clean.count != count { throw CLIError("clean.npy has \(clean.count) images, corruptions \(count)") }
    guard labelArray.count == count || labelArray.count == 5 * count else {
      throw CLIError("labels.npy has \(labelArray.count) labels for \(count) images per severity")
    }
    labels = Array(labelArray.prefix(count))
    self.count = count
    self.arrays = arrays
    _ = severities
  }

  func label(_ i: Int) -> Int { labels[i] }
  func base(_ i: Int) throws -> RGBImage? { nil }

  func image(_ i: Int, _ corruption: String, _ severity: Int, base: RGBImage?) throws -> RGBImage {
    if corruption == EvalRow.clean { return clean!.image(i) }
    return arrays[corruption]!.image((severity - 1) * count + i)
  }
}

/// A memory-mapped .npy of uint8 images [count, H, W, 3] (C order).
struct MappedImages: @unchecked Sendable {
  let data: Data
  let offset: Int
  let count: Int
  let height: Int
  let width: Int

  init(_ url: URL) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { throw CLIError("\(url.path): no such file") }
    data = try Data(contentsOf: url, options: .alwaysMapped)
    let (descr, shape, offset) = try Self.header(data, url)
    guard descr == "|u1" || descr == "<u1", shape.count == 4, shape[3] == 3 else {
      throw CLIError("\(url.path): expected uint8 images [N, H, W, 3], got \(descr) \(shape)")
    }
    guard data.count >= offset + shape.reduce(1, *) else { throw CLIError("\(url.path): file is truncated") }
    self.offset = offset
    (count, height, width) = (shape[0], shape[1], shape[2])
  }

  func image(_ k: Int) -> RGBImage {
    let size = height * width * 3
    let start = offset + k * size
    return RGBImage(width: width, height: height, pixels: [UInt8](data[start..<(start + size)]))
  }

  /// Integer labels of a 1-D .npy (uint8 or any int type).
  static func readLabels(_ url: URL) throws -> [Int] {
    guard FileManager.default.fileExists(atPath: url.path) else { throw CLIError("\(url.path): no such file") }
    let data = try Data(contentsOf: url)
    let (descr, shape, offset) = try header(data, url)
    guard shape.count == 1 else { throw CLIError("\(url.path): labels must be 1-D, got \(shape)") }
    let n = shape[0]
    let sizes: [String: Int] = ["|u1": 1, "<u1": 1, "|i1": 1, "<i2": 2, "<u2": 2, "<i4": 4, "<u4": 4, "<i8": 8, "<u8": 8]
    guard let size = sizes[descr], data.count >= offset + n * size else { throw CLIError("\(url.path): unsupported labels \(descr)") }
    let bytes = [UInt8](data[offset..<(offset + n * size)])
    return (0..<n).map { i in
      var v: UInt64 = 0
      for b in 0..<size { v |= UInt64(bytes[i * size + b]) << (8 * UInt64(b)) }
      if descr.contains("i"), size < 8, v >> (8 * UInt64(size) - 1) & 1 == 1 { return Int(v) - (1 << (8 * size)) }
      return Int(Int64(bitPattern: v))
    }
  }

  /// Parses an .npy header: (descr, shape, data offset). Fortran order is rejected.
  static func header(_ data: Data, _ url: URL) throws -> (String, [Int], Int) {
    let bytes = [UInt8](data.prefix(12))
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
      throw CLIError("\(url.path): not an .npy file")
    }
    let major = bytes[6]
    let (len, start) = major == 1
      ? (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
      : (Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24, 12)
    let text = String(decoding: data[start..<(start + len)], as: UTF8.self)
    func value(_ key: String) -> String? {
      guard let r = text.range(of: "'\(key)':") else { return nil }
      return String(text[r.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
    guard let d = value("descr"), let q1 = d.firstIndex(of: "'"),
      let q2 = d[d.index(after: q1)...].firstIndex(of: "'"),
      let s = value("shape"), let open = s.firstIndex(of: "("), let close = s.firstIndex(of: ")")
    else { throw CLIError("\(url.path): unreadable .npy header") }
    if let f = value("fortran_order"), f.hasPrefix("True") { throw CLIError("\(url.path): Fortran-order arrays are not supported") }
    let descr = String(d[d.index(after: q1)..<q2])
    let shape = s[s.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    return (descr, shape, start + len)
  }
}
