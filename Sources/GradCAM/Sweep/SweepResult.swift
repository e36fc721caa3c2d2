import AtomicFiles
import Corruptions
import Foundation
import NPY

/// One image's sweep: the explained class and every cell, the clean image first.
public struct SweepResult: Sendable {
  /// The class explained in every cell (the label, else the clean prediction).
  public let target: Int
  /// The clean cell, then each corruption's severities in the sweep's order.
  public let cells: [SweepCell]

  public init(target: Int, cells: [SweepCell]) {
    self.target = target
    self.cells = cells
  }

  /// The clean image's cell.
  public var clean: SweepCell { cells[0] }

  /// The cell of `corruption` at `severity`, nil when the sweep did not compute it.
  public func cell(_ corruption: Corruption, severity: Int) -> SweepCell? {
    cells.first { $0.corruption == corruption && $0.severity == severity }
  }

  /// Writes every cell's map as float32 `.npy` into `folder` (created if needed), each file
  /// atomically: `clean.npy` and `<corruption>-s<severity>.npy` hold ``SweepCell/map``, the map the
  /// figure overlays and the attention-shift numbers are computed from (ReLU, upsampled to the
  /// model input, min-max normalised to [0, 1); `mapHeight x mapWidth`). With `raw`, also
  /// `raw_clean.npy` and `raw_<corruption>-s<severity>.npy`: ``SweepCell/rawMap``, the map at
  /// feature resolution before ReLU and normalisation (`rawShape`).
  public func writeMaps(to folder: URL, raw: Bool = false) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, data) in mapFiles(raw: raw) {
      try AtomicWrite.write(data, to: folder.appendingPathComponent(name))
    }
  }

  /// The files of ``writeMaps(to:raw:)``: (`clean.npy` or `<corruption>-s<severity>.npy`, bytes),
  /// with `raw` also the `raw_` files.
  public func mapFiles(raw: Bool = false) -> [(name: String, data: Data)] {
    cells.flatMap { x -> [(name: String, data: Data)] in
      let map = ("\(x.key).npy", NPYArray(shape: [x.mapHeight, x.mapWidth], floats: x.map).encoded())
      guard raw else { return [map] }
      return [map, ("raw_\(x.key).npy", NPYArray(shape: x.rawShape, floats: x.rawMap).encoded())]
    }
  }

  /// One distinct folder name per image path, for writing several images' maps side by side: the
  /// file name without extension when that is unique, else the path relative to the images' common
  /// folder (`a/dog`, `b/dog`), keeping the extension where only it differs (`dog.png`, `dog.jpg`).
  public static func mapFolderNames(for paths: [String]) -> [String] {
    let urls = paths.map { URL(fileURLWithPath: $0).standardizedFileURL }
    let stems = urls.map { $0.deletingPathExtension().lastPathComponent }
    if Set(stems).count == stems.count { return stems }
    var common = urls[0].deletingLastPathComponent().pathComponents
    for u in urls.dropFirst() {
      let parts = u.deletingLastPathComponent().pathComponents
      var n = 0
      while n < min(common.count, parts.count) && common[n] == parts[n] { n += 1 }
      common = Array(common.prefix(n))
    }
    let relative = urls.map { Array($0.pathComponents.dropFirst(common.count)) }
    let withoutExtension = zip(relative, urls).map { parts, url in
      (parts.dropLast() + [url.deletingPathExtension().lastPathComponent]).joined(separator: "/")
    }
    return withoutExtension.enumerated().map { i, name in
      withoutExtension.filter { $0 == name }.count > 1 ? relative[i].joined(separator: "/") : name
    }
  }
}
