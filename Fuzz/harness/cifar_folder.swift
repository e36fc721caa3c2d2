// libFuzzer target: the CIFAR-10-C folder reader of `evaluate --corrupted-root` (NPYSource and
// MappedImages over the NPY module's header checks): labels.npy, one corruption's .npy and an
// optional clean.npy, then every image of every severity.
// Input: labels.npy bytes, "\n#--\n", gaussian_noise.npy bytes, "\n#--\n", clean.npy bytes
// (a missing third part means no clean.npy).
import Corruptions
import Foundation
import Imaging

/// The runner's source protocol (EvalSource.swift) needs the other sources and the models; the
/// folder reader only conforms to it.
public protocol EvalSource {}

private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-cifar-folder-\(getpid())")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFARFolder(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  let parts = markedParts(data, maximum: 3)
  try? FileManager.default.removeItem(at: folder)
  try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  for (name, part) in zip(["labels.npy", "gaussian_noise.npy", "clean.npy"], parts) {
    guard (try? part.write(to: folder.appendingPathComponent(name))) != nil else { return 0 }
  }
  guard let source = try? NPYSource(root: folder.path, corruptions: [.gaussianNoise], severities: [1, 2, 3, 4, 5]) else {
    return 0
  }
  // Bounded work per input: the first and last images of each severity.
  for i in Set([0, source.count - 1]) {
    _ = source.label(i)
    for s in 1...5 { _ = try? source.image(i, .gaussianNoise, s, base: nil) }
    _ = try? source.image(i, nil, 0, base: nil)
  }
  return 0
}
