import Autodiff
import Foundation
import NPY

/// The largest absolute difference between two tensors of the same shape.
public func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Double {
  precondition(a.shape == b.shape, "maxAbsDifference: shapes \(a.shape) and \(b.shape) differ")
  return zip(a.doubles, b.doubles).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
}

/// The largest `|a - b| / max(|b|, floor)`: a relative difference that tolerates values near 0.
public func maxRelativeDifference(_ a: Tensor, _ b: Tensor, floor: Double = 1e-3) -> Double {
  precondition(a.shape == b.shape, "maxRelativeDifference: shapes \(a.shape) and \(b.shape) differ")
  return zip(a.doubles, b.doubles).reduce(0) { Swift.max($0, abs($1.0 - $1.1) / Swift.max(abs($1.1), floor)) }
}

/// Loads fixture `name` (a .npy file) from a test bundle's `Fixtures` folder.
public func loadFixture(_ name: String, bundle: Bundle, subdirectory: String = "Fixtures") throws -> Tensor {
  guard let url = bundle.url(forResource: name, withExtension: "npy", subdirectory: subdirectory) else {
    throw GradientCheckError(description: "fixture \(subdirectory)/\(name).npy is missing from the test bundle")
  }
  return try Tensor(npyFile: url)
}

/// The package root (the folder holding Package.swift), found from a source file path.
public func packageRoot(from file: String = #filePath) -> URL {
  var url = URL(fileURLWithPath: file).deletingLastPathComponent()
  while url.path != "/" {
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    url = url.deletingLastPathComponent()
  }
  return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}
