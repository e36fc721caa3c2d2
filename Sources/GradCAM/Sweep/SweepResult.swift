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

  /// Writes every raw map as float32 `.npy` into `folder` (created if needed): `clean.npy` and
  /// `<corruption>-s<severity>.npy`, each file atomically.
  public func writeMaps(to folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, data) in mapFiles() {
      try AtomicWrite.write(data, to: folder.appendingPathComponent(name))
    }
  }

  /// The files of ``writeMaps(to:)``: (`clean.npy` or `<corruption>-s<severity>.npy`, bytes).
  public func mapFiles() -> [(name: String, data: Data)] {
    cells.map { ("\($0.key).npy", NPYArray(shape: $0.rawShape, floats: $0.rawMap).encoded()) }
  }
}
